// Every documented use of wootric-web's JavaScript API, checked by `tsc --strict` against
// static/wootric-web.d.ts (tests/types/test_types.py). Lines marked @ts-expect-error are wrong
// uses that the types must refuse: tsc fails if one of them is accepted.

import type { Analytics, WootricSettings } from "../../static/wootric-web";

async function calls(): Promise<void> {
  const done = () => console.log("applied");

  await analytics.identify("abcd1234", { email: "shawn@example.com", createdAt: new Date() });
  await analytics.identify("abcd1234", { plan: "pro" }, { integrations: { Wootric: false } }, done);
  await analytics.identify("abcd1234", { plan: "pro" }, done);
  await analytics.identify("abcd1234", done);
  await analytics.identify(42);
  await analytics.identify(null, { email: "shawn@example.com" });
  await analytics.identify({ email: "shawn@example.com" });
  await analytics.identify({ email: "shawn@example.com" }, { integrations: { All: false } });
  await analytics.identify({ email: "shawn@example.com" }, done);
  await analytics.identify();

  await analytics.track("Signed Up");
  await analytics.track("Signed Up", { plan: "pro" });
  await analytics.track("Signed Up", { plan: "pro" }, { traits: { email: "a@b.co" } }, done);
  await analytics.track("Signed Up", { plan: "pro" }, done);
  await analytics.track("Signed Up", done);

  await analytics.page();
  await analytics.page("Pricing");
  await analytics.page("Docs", "Pricing");
  await analytics.page("Docs", "Pricing", { path: "/pricing" }, { integrations: {} }, done);
  await analytics.page("Docs", "Pricing", { path: "/pricing" }, done);
  await analytics.page("Docs", "Pricing", done);
  await analytics.page("Pricing", { path: "/pricing" });
  await analytics.page("Pricing", { path: "/pricing" }, done);
  await analytics.page("Pricing", done);
  await analytics.page({ path: "/pricing" });
  await analytics.page({ path: "/pricing" }, done);
  await analytics.page(done);

  await analytics.group("0e8c78ea", { name: "Initech" });
  await analytics.group("0e8c78ea", { name: "Initech" }, {}, done);
  await analytics.group("0e8c78ea", { name: "Initech" }, done);
  await analytics.group("0e8c78ea", done);
  await analytics.group({ name: "Initech" });

  await analytics.alias("abcd1234");
  await analytics.alias("abcd1234", "anon-1", {}, done);
  await analytics.alias("abcd1234", done);
  await analytics.screen("Home");
  await analytics.screen("Onboarding", "Home", { step: 1 });
  await analytics.reset();
  await analytics.setAnonymousId("anon-2");
  await analytics.setAnonymousId();
}

async function readiness(): Promise<void> {
  await analytics.ready();
  await analytics.ready(() => console.log("beacon loaded, or definitively failed"));

  const user = analytics.user();
  const id: string | null = user.id();
  const anonymousId: string | null = user.anonymousId();
  const plan: unknown = user.traits().plan;
  console.log(id, anonymousId, plan);

  const chained: Analytics = analytics.debug().debug(true).debug(false);
  console.log(chained);

  await analytics.consent.grant();
  await analytics.consent.revoke();
}

function listeners(): void {
  const onResponse = (score: number, text: string) => console.log(score, text.length);
  analytics.on("survey_response", onResponse);
  analytics.once("eligible", (eligible) => console.log(eligible === true));
  analytics.on("shown", () => console.log("shown"));
  analytics.on("decline", () => console.log("declined"));
  analytics.on("ready", () => console.log("ready"));
  analytics.on("track", (...args) => console.log(args.length));
  analytics.off("survey_response", onResponse);
  analytics.off("track");
}

function domEvents(): void {
  window.addEventListener("wootric-web:ready", (event) => console.log(event.type));
  window.addEventListener("wootric-web:error", ({ detail }) => {
    const code: string = detail.code;
    const message: string = detail.message;
    console.log(code, message);
  });
  window.addEventListener("wootric-web:eligible", ({ detail }) => console.log(detail.eligible));
  window.addEventListener("wootric-web:shown", () => console.log("shown"));
  window.addEventListener("wootric-web:response", ({ detail }) => {
    const score: number = detail.score;
    const text: string = detail.text;
    console.log(score, text);
  });
  window.addEventListener("wootric-web:decline", () => console.log("declined"));
}

function settings(): void {
  window.wootricSettings = {
    account_token: "NPS-01fe3cbc",
    email: "shawn@example.com",
    created_at: 1420070400,
    external_id: "abc123",
    language: "PT_PT",
    product_name: "Initech",
    wootric_recommend_target: "your team",
    properties: { plan: "pro", total_amount: 12, last_order_date: 1350466020 },
    event_name: "on_purchase",
    aria: true,
    modal_theme: "dark",
    modal_footprint: "compact",
    modal_position: "top",
    scale_color: "gradient",
    wootric_close_position: "right",
    twitter_account: "initech",
    facebook_page: "https://www.facebook.com/initech",
    ask_permission_to_share_feedback: true,
    permission_labels: { EN: "You may contact me" },
    page_info: { name: "Pricing", path: "/pricing" },
    group_info: { id: "0e8c78ea", name: "Initech" },
    segment_user_id: "abcd1234",
    version: "wootric-web-0.1.0",
    callbacks: {
      after_eligible: (eligible) => console.log(eligible),
      after_show: () => console.log("shown"),
      after_response: (score, text) => console.log(score + text.length),
      after_decline: () => console.log("declined"),
    },
  };
  const token: string | undefined = wootricSettings?.account_token;
  console.log(token);

  window.wootric?.("run");
  window.WootricSurvey?.run(wootricSettings);
  window.WootricSurvey?.run();
  window.WootricSurvey?.stop();
  const version: string | undefined = window.WootricSurvey?.version();
  console.log(version);
}

function wrongUses(settings: WootricSettings): void {
  // @ts-expect-error: track needs an event name
  void analytics.track({ plan: "pro" });
  // @ts-expect-error: identify's traits are an object, not a string
  void analytics.identify("abcd1234", "shawn@example.com");
  // @ts-expect-error: calls return promises of nothing
  const returned: string = analytics.reset();
  // @ts-expect-error: user ids are read with id(), not as a property
  const id: string = analytics.user().id;
  // @ts-expect-error: a survey response listener gets a number score
  analytics.on("survey_response", (score: string) => console.log(score));
  // @ts-expect-error: not an event wootric-web emits
  analytics.on("survey_shown", () => undefined);
  // @ts-expect-error: consent has grant and revoke only
  void analytics.consent.accept();
  // @ts-expect-error: the error event's detail has no status
  window.addEventListener("wootric-web:error", ({ detail }) => console.log(detail.status));
  // @ts-expect-error: modal_position is top or bottom
  settings.modal_position = "left";
  // @ts-expect-error: after_response gets (score, text)
  settings.callbacks = { after_response: (score: number, text: number) => score + text };
  console.log(returned, id);
}

void calls();
void readiness();
listeners();
domEvents();
settings();
wrongUses({});
