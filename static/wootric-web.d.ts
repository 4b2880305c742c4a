/**
 * Types for wootric-web's JavaScript API: `window.analytics` (defined by
 * `<script src="/static/wootric-web.js" data-account-token="NPS-…">`), the `wootric-web:*` events
 * on `window`, and `window.wootricSettings`, the object Wootric's beacon reads.
 *
 * Add this file to a TypeScript program (`files` or `include` in tsconfig.json, or
 * `/// <reference path="…/wootric-web.d.ts" />`) and the globals are typed; the named types can
 * also be imported: `import type { WootricSettings } from "…/wootric-web"`.
 */

/** A user or group id: numbers are read as JavaScript prints them. */
export type Id = string | number;

/** identify/group traits: any JSON-like values (dates too); see README.md for how they map. */
export type Traits = Record<string, unknown>;

/** track/page properties. */
export type Properties = Record<string, unknown>;

/** Called once the call has been applied to the page (as the returned promise resolves). */
export type Callback = () => void;

/** The options argument of every call, as analytics.js takes it. */
export interface CallOptions {
  /**
   * `{Wootric: false}` skips this call for Wootric; `{All: false}` skips it unless `Wootric` is
   * `true` or an object.
   */
  integrations?: Record<string, boolean | Record<string, unknown>>;
  /** Traits for this call only (track reads `email` from here). */
  traits?: Traits;
  context?: { traits?: Traits; [key: string]: unknown };
  [key: string]: unknown;
}

/** `analytics.user()`: synchronous reads of the visitor's identity. */
export interface AnalyticsUser {
  id(): string | null;
  anonymousId(): string | null;
  traits(): Record<string, unknown>;
}

/** The visitor's consent choice, when the tag asks for consent. */
export interface AnalyticsConsent {
  /** Surveys may run: held settings, the beacon and identity storage are applied. */
  grant(): Promise<void>;
  /** Nothing more touches the page, and a showing survey is stopped. */
  revoke(): Promise<void>;
}

/** `analytics.on/once/off` events and their listeners' arguments. */
export interface AnalyticsEvents {
  /** The beacon has loaded, or has definitively failed. */
  ready: () => void;
  /** Each call, once applied, with its arguments exactly as given. */
  identify: (...args: unknown[]) => void;
  track: (...args: unknown[]) => void;
  page: (...args: unknown[]) => void;
  group: (...args: unknown[]) => void;
  alias: (...args: unknown[]) => void;
  screen: (...args: unknown[]) => void;
  reset: (...args: unknown[]) => void;
  setAnonymousId: (...args: unknown[]) => void;
  /** Wootric's eligibility answer for a `run`. */
  eligible: (eligible: boolean) => void;
  /** A survey is on screen. */
  shown: () => void;
  /** The visitor submitted (or updated) a response. */
  survey_response: (score: number, text: string) => void;
  /** The visitor closed the survey without responding. */
  decline: () => void;
}

export type AnalyticsEventName = keyof AnalyticsEvents;

/**
 * `window.analytics`. Every call returns a promise that resolves (never rejects) once the call has
 * been applied to the page. Leading arguments may be left out, as in analytics.js.
 */
export interface Analytics {
  identify(userId: Id | null, traits?: Traits | null, options?: CallOptions | null, callback?: Callback): Promise<void>;
  identify(userId: Id | null, traits: Traits | null, callback: Callback): Promise<void>;
  identify(userId: Id | null, callback: Callback): Promise<void>;
  identify(traits?: Traits | null, options?: CallOptions | null, callback?: Callback): Promise<void>;
  identify(traits: Traits | null, callback: Callback): Promise<void>;

  track(event: string, properties?: Properties | null, options?: CallOptions | null, callback?: Callback): Promise<void>;
  track(event: string, properties: Properties | null, callback: Callback): Promise<void>;
  track(event: string, callback: Callback): Promise<void>;

  page(category: string, name: string, properties?: Properties | null, options?: CallOptions | null, callback?: Callback): Promise<void>;
  page(category: string, name: string, properties: Properties | null, callback: Callback): Promise<void>;
  page(category: string, name: string, callback: Callback): Promise<void>;
  page(name?: string, properties?: Properties | null, options?: CallOptions | null, callback?: Callback): Promise<void>;
  page(name: string, properties: Properties | null, callback: Callback): Promise<void>;
  page(name: string, callback: Callback): Promise<void>;
  page(properties: Properties | null, options?: CallOptions | null, callback?: Callback): Promise<void>;
  page(properties: Properties | null, callback: Callback): Promise<void>;
  page(callback: Callback): Promise<void>;

  group(groupId: Id | null, traits?: Traits | null, options?: CallOptions | null, callback?: Callback): Promise<void>;
  group(groupId: Id | null, traits: Traits | null, callback: Callback): Promise<void>;
  group(groupId: Id | null, callback: Callback): Promise<void>;
  group(traits: Traits | null, options?: CallOptions | null, callback?: Callback): Promise<void>;
  group(traits: Traits | null, callback: Callback): Promise<void>;

  /** Accepted for analytics.js compatibility; writes nothing for Wootric. */
  alias(userId: Id, previousId?: Id | null, options?: CallOptions | null, callback?: Callback): Promise<void>;
  alias(userId: Id, previousId: Id | null, callback: Callback): Promise<void>;
  alias(userId: Id, callback: Callback): Promise<void>;

  /** Accepted for analytics.js compatibility (page's argument forms); writes nothing for Wootric. */
  screen(category: string, name: string, properties?: Properties | null, options?: CallOptions | null, callback?: Callback): Promise<void>;
  screen(category: string, name: string, callback: Callback): Promise<void>;
  screen(name?: string, properties?: Properties | null, options?: CallOptions | null, callback?: Callback): Promise<void>;
  screen(name: string, callback: Callback): Promise<void>;
  screen(properties: Properties | null, options?: CallOptions | null, callback?: Callback): Promise<void>;

  /** Forgets the user, their traits and group; removes the visitor's Wootric settings. */
  reset(): Promise<void>;

  /** Sets the anonymous id; without one, a new one is made. */
  setAnonymousId(anonymousId?: string | null): Promise<void>;

  /** Resolves (and calls `callback`) once the beacon has loaded or has definitively failed. */
  ready(callback?: () => void): Promise<void>;

  user(): AnalyticsUser;

  /**
   * Logs one collapsed console group per call once it is applied: the call, each
   * `wootricSettings` key it changed, the beacon commands it gave and its warnings (`debug()` or
   * `debug(true)`; `debug(false)` stops). Shows the visitor's data: for development only.
   */
  debug(flag?: boolean): Analytics;

  on<E extends AnalyticsEventName>(event: E, listener: AnalyticsEvents[E]): Analytics;
  once<E extends AnalyticsEventName>(event: E, listener: AnalyticsEvents[E]): Analytics;
  /** Without a listener, removes every listener of that event. */
  off<E extends AnalyticsEventName>(event: E, listener?: AnalyticsEvents[E]): Analytics;

  readonly consent: AnalyticsConsent;
}

/** `wootric-web:error`'s detail: a stable code and a sentence saying what to change. */
export interface WootricWebErrorDetail {
  code: string;
  message: string;
}

export interface WootricWebEligibleDetail {
  eligible: boolean;
}

export interface WootricWebResponseDetail {
  score: number;
  text: string;
}

/**
 * `wootricSettings.callbacks`, which Wootric's beacon calls. wootric-web installs its own here
 * (for the `wootric-web:*` events and `analytics.on`) and still calls the page's.
 */
export interface WootricCallbacks {
  after_eligible?: (eligible: boolean) => void;
  after_show?: () => void;
  /** On submit, and again when the response is updated. */
  after_response?: (score: number, text: string) => void;
  after_decline?: () => void;
}

/** `window.wootricSettings`: what Wootric's beacon reads. Keys the page sets itself are kept. */
export interface WootricSettings {
  /** `NPS-` + 8 letters/digits (`NPS-EU-…`, `NPS-AU-…` for EU and AU accounts). */
  account_token?: string;
  email?: string | null;
  /** The user's sign-up date, in Unix seconds. */
  created_at?: number | null;
  /** A reference for external integrations. */
  external_id?: string;
  /** Survey language code: `EN`, `ES`, `PT_PT`, … */
  language?: string | null;
  /** Used in the question: "How likely are you to recommend {product_name} to …". */
  product_name?: string;
  /** The question's ending: "… to {wootric_recommend_target}?". */
  wootric_recommend_target?: string;
  /**
   * Custom end-user properties: flat; integers in keys ending `_amount`, Unix dates in keys ending
   * `_date`; keys without `$`, `.` or NUL.
   */
  properties?: Record<string, unknown> | null;
  /** Targeted sampling: the event name a rule matches, exactly. */
  event_name?: string | null;
  /** Higher contrast and focus management. */
  aria?: boolean | null;
  modal_theme?: "light" | "dark";
  modal_footprint?: "compact" | "normal" | "spacious";
  modal_position?: "top" | "bottom";
  scale_color?: "three-color" | "gradient";
  wootric_close_position?: string;
  twitter_account?: string | null;
  facebook_page?: string | null;
  ask_permission_to_share_feedback?: boolean;
  /** Text for the permission checkbox, by language code (`EN`, `JA`, …). */
  permission_labels?: Record<string, string> | null;
  callbacks?: WootricCallbacks;
  /** The last `page` call: its properties, `name`, `category`, and the page defaults. */
  page_info?: Record<string, unknown>;
  /** The group's accumulated traits plus `id`. */
  group_info?: Record<string, unknown>;
  /** The user id, else the anonymous id. */
  segment_user_id?: string;
  /** `wootric-web-<version>`. */
  version?: string;
}

/** `window.WootricSurvey`, defined by Wootric's beacon once it has loaded. */
export interface WootricSurveyApi {
  /** Shows a survey with these settings (default: `window.wootricSettings`). */
  run(settings?: WootricSettings): void;
  /** Hides a showing survey without a decline, or cancels one about to show. */
  stop(): void;
  version(): string;
}

declare global {
  var analytics: Analytics;
  /** Absent until the page or wootric-web sets it. */
  var wootricSettings: WootricSettings | undefined;
  /** Wootric's beacon: `wootric('run')`; absent until the beacon has loaded. */
  var wootric: ((command: string) => void) | undefined;
  var WootricSurvey: WootricSurveyApi | undefined;

  interface WindowEventMap {
    /** The Python runtime is ready. */
    "wootric-web:ready": Event;
    /** Something stops surveys from showing; also logged to the console. */
    "wootric-web:error": CustomEvent<WootricWebErrorDetail>;
    "wootric-web:eligible": CustomEvent<WootricWebEligibleDetail>;
    "wootric-web:shown": Event;
    "wootric-web:response": CustomEvent<WootricWebResponseDetail>;
    "wootric-web:decline": Event;
  }
}
