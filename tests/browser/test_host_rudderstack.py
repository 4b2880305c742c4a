"""wootric-web beside RudderStack's JavaScript SDK v3: the real @rudderstack/analytics-js.

The page loads the SDK as RudderStack's v3 loading snippet does; the SDK's CDN, its config API and
its data plane are answered by routes. Every page load is compared on both sides: the events
RudderStack sent (against the same page without wootric-web) and the beacon commands with the
settings at each (against the behaviour contract, through the reference model).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route, expect

from .conftest import ConsoleLog
from .host_pages import EMAIL, NODE_MODULES, beacon_commands, comparable, html, loader_tag, serve
from .reference import Command, expected, observed

WRITE_KEY = "2wootricWebTestWriteKey00001"
DESTINATION = "2wootricWebCustomDestination"  # the dashboard's Custom Device Mode destination
DATA_PLANE = "https://wootricwebtestdataplane.rudderstack.com"
CONFIG_API = "https://api.rudderstack.com"  # the SDK's default config URL
# Where the page asks for the SDK: RudderStack's CDN build, a script that runs
# `new RudderAnalytics()` as it loads. Its stand-in does the same with the npm package's bundled
# ESM build, in a module it adds at once (so that it too runs before the page's `load`).
SDK_URL = "https://cdn.rudderlabs.com/v3/modern/rsa.min.js"
SDK_ESM_URL = "https://cdn.rudderlabs.com/v3/modern/npm/bundled/esm/index.mjs"
SDK_STAND_IN = f"""(() => {{
  const module = document.createElement('script');
  module.type = 'module';
  module.textContent = "import {{ RudderAnalytics }} from '{SDK_ESM_URL}'; new RudderAnalytics();";
  document.head.append(module);
}})();
"""
SDK_ESM = NODE_MODULES / "@rudderstack" / "analytics-js" / "dist/npm/modern/bundled/esm/index.mjs"
LOADS = 20

# RudderStack's v3 loading snippet, cut down to what it does (rudderstack.com/docs, "JavaScript
# SDK > Installation"): a window.rudderanalytics array with a stub per method that queues
# [method, ...args] until the SDK replaces the array, load(), the first page(), and the SDK's
# script element.
SNIPPET = f"""<script>
  (function () {{
    var rudderanalytics = (window.rudderanalytics = window.rudderanalytics || []);
    if (!Array.isArray(rudderanalytics) || rudderanalytics.snippetExecuted) return;
    rudderanalytics.snippetExecuted = true;
    var methods = ['setDefaultInstanceKey', 'load', 'ready', 'page', 'track', 'identify',
      'alias', 'group', 'reset', 'setAnonymousId', 'startSession', 'endSession', 'consent',
      'addCustomIntegration'];
    methods.forEach(function (method) {{
      rudderanalytics[method] = function () {{
        var args = Array.prototype.slice.call(arguments);
        if (Array.isArray(window.rudderanalytics)) rudderanalytics.push([method].concat(args));
        else window.rudderanalytics[method].apply(window.rudderanalytics, args);
      }};
    }});
    var script = document.createElement('script');
    script.src = {json.dumps(SDK_URL)};
    script.async = true;
    document.head.insertBefore(script, document.head.firstChild);
    rudderanalytics.load({json.dumps(WRITE_KEY)}, {json.dumps(DATA_PLANE)}, {{}});
    rudderanalytics.page();
  }})();
</script>"""

# The calls a site makes before anything has loaded: the contract's examples.
STEPS: list[dict[str, Any]] = [
    {
        "method": "identify",
        "args": [
            "abcd1234",
            {
                "email": EMAIL,
                "createdAt": "2015-01-01",
                "property1": "foo",
                "property2": "2015-01-01",
            },
        ],
    },
    {
        "method": "track",
        "args": [
            "track_event",
            {"email": EMAIL, "createdAt": "01/01/2015", "property1": "foo", "property2": "bar"},
        ],
    },
    {
        "method": "track",
        "args": ["not for wootric", {"a": 1}, {"integrations": {"Wootric": False}}],
    },
    {"method": "track", "args": ["for no destination", {"a": 1}, {"integrations": {"All": False}}]},
    {"method": "group", "args": ["0e8c78ea", {"name": "Initech", "plan": "enterprise"}]},
    {
        "method": "page",
        "args": ["Pricing", {"url": "https://segment.com/pricing", "path": "/pricing"}],
    },
]


def calls(steps: list[dict[str, Any]]) -> str:
    lines = [
        f"rudderanalytics.{step['method']}({', '.join(json.dumps(a) for a in step['args'])});"
        for step in steps
    ]
    return "<script>\n" + "\n".join(lines) + "\n</script>"


CALLS = calls(STEPS)


def source_config(destination: str = DESTINATION, *, enabled: bool = True) -> dict[str, Any]:
    """The config API's answer for the source: RudderStack's sourceConfig shape, with one Custom
    Device Mode destination."""
    return {
        "isHosted": True,
        "source": {
            "id": "2wootricWebTestSource0000001",
            "name": "wootric-web tests",
            "writeKey": WRITE_KEY,
            "workspaceId": "2wootricWebTestWorkspace001",
            "enabled": True,
            "config": {"statsCollection": {"errors": {"enabled": False}}},
            "destinations": [
                {
                    "id": destination,
                    "name": "Wootric (wootric-web)",
                    "enabled": enabled,
                    "config": {},
                    "destinationDefinition": {
                        "name": "CUSTOM_DEVICE_MODE",
                        "displayName": "Custom Device Mode",
                    },
                }
            ],
        },
    }


@dataclass
class Visit:
    """One page load: the page, RudderStack's events as its data plane received them, and any
    request for a host no route answers (refused)."""

    page: Page
    posts: list[dict[str, Any]] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)

    def sent(self, count: int) -> list[str]:
        """Once the data plane has received `count` events: them, comparable, in a stable order."""
        while len(self.posts) < count:
            self.page.wait_for_event(
                "requestfinished", lambda r: "/v1/" in r.url and r.method == "POST", timeout=30000
            )
        return sorted(json.dumps(comparable(event), sort_keys=True) for event in self.posts)


def assert_same(sent: list[str], alone: list[str]) -> None:
    """RudderStack sent with wootric-web exactly what it sent without."""
    extra = [event for event in sent if event not in alone]
    missing = [event for event in alone if event not in sent]
    assert sent == alone, f"only with wootric-web: {extra}\nonly without: {missing}"


def cors(request: Request) -> dict[str, str]:
    """What RudderStack's hosts answer a page on another origin."""
    return {
        "Access-Control-Allow-Origin": request.headers.get("origin", "*"),
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Headers": "Authorization, Content-Type, AnonymousId",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    }


def route_rudderstack(
    visit: Visit,
    *,
    reachable: bool = True,
    config: dict[str, Any] | None = None,
    data_plane: str = DATA_PLANE,
) -> None:
    """RudderStack's CDN, config API (answering `config`) and data plane, answered locally; a
    request for any other host than 127.0.0.1 is refused and noted."""
    answer = config or source_config()
    page = visit.page

    def elsewhere(route: Route) -> None:
        visit.elsewhere.append(route.request.url)
        route.abort()

    page.route(lambda url: urlsplit(url).hostname != "127.0.0.1", elsewhere)  # the last resort

    def sdk(route: Route) -> None:
        if not reachable:
            route.abort()
            return
        route.fulfill(body=SDK_STAND_IN, content_type="text/javascript")

    page.route(SDK_URL, sdk)
    page.route(
        SDK_ESM_URL,
        lambda route: route.fulfill(
            path=str(SDK_ESM), content_type="text/javascript", headers=cors(route.request)
        ),
    )

    def config_answer(route: Route) -> None:
        if route.request.method == "OPTIONS":
            route.fulfill(status=204, headers=cors(route.request))
        else:
            route.fulfill(json=answer, headers=cors(route.request))

    page.route(f"{CONFIG_API}/sourceConfig/**", config_answer)

    def data_plane_answer(route: Route) -> None:
        request = route.request
        if request.method != "OPTIONS":
            body = request.post_data_json
            assert isinstance(body, dict), request.post_data
            visit.posts.extend(body.get("batch", [body]))
        route.fulfill(status=200, body="OK", headers=cors(request))

    page.route(f"{data_plane}/v1/**", data_plane_answer)


Visitor = Callable[..., Visit]
URL_PATH = "pages/rudderstack-host.html"


@pytest.fixture
def visit(browser: Browser, console_log: ConsoleLog, server_url: str) -> Iterator[Visitor]:
    """`visit(head)`: a fresh visitor (a new browser context) loads a page with `head`."""
    contexts: list[BrowserContext] = []

    def load(
        head: list[str], *, reachable: bool = True, config: dict[str, Any] | None = None
    ) -> Visit:
        context = browser.new_context()
        contexts.append(context)
        console_log.watch(context)
        loaded = Visit(context.new_page())
        route_rudderstack(loaded, reachable=reachable, config=config)
        serve(loaded.page, server_url + URL_PATH, html("RudderStack host", head))
        loaded.page.goto(server_url + URL_PATH)
        return loaded

    yield load
    for context in contexts:
        context.close()


def loader(destination: str = DESTINATION) -> str:
    return loader_tag(**{"data-rudderstack-destination": destination})


TAG_ORDERS = {
    "snippet-first": lambda: [SNIPPET, loader()],
    "loader-first": lambda: [loader(), SNIPPET],
}
# RudderStack sends every call to its data plane, `integrations` or not: the snippet's first
# page(), the calls, and the test's last call.
EVENTS_FOR_CALLS = 1 + len(STEPS) + 1
LAST_CALL = {"method": "track", "args": ["last call"]}


def commands_after(visit: Visit, count: int) -> list[dict[str, Any]]:
    """The beacon's commands (with the settings at each), once there are `count`."""
    visit.page.wait_for_function(
        f"(window.wootricPreview?.commands.length ?? 0) >= {count}", timeout=60000
    )
    return beacon_commands(visit.page)


def make(visit: Visit, *steps: dict[str, Any]) -> None:
    """Makes the calls of `steps` through RudderStack on the loaded page."""
    visit.page.evaluate(calls(list(steps)).removeprefix("<script>").removesuffix("</script>"))


def make_after(visit: Visit, sent: int, *steps: dict[str, Any]) -> None:
    """Makes the calls of `steps` once the data plane has `sent` events. RudderStack puts a call
    made while its config is loading ahead of those its snippet queued, so a call made after load
    waits for those to be out, for both sides of a comparison to see the same order."""
    visit.sent(sent)
    make(visit, *steps)


def without_page_info(commands: list[Command]) -> list[Command]:
    return [(name, {k: v for k, v in s.items() if k != "page_info"}) for name, s in commands]


def assert_contract(visit: Visit, server_url: str) -> None:
    """The beacon commands for the snippet's page(), the calls and the last call: those the
    reference model gives for the same calls (page_info aside: RudderStack fills a page's
    properties its own way), each once, in call order; and the contract's examples, spelt out."""
    steps = [{"method": "page", "args": []}, *STEPS, LAST_CALL]
    location = {"url": server_url + URL_PATH, "title": "RudderStack host", "referrer": ""}
    model, _ = expected(steps, location)
    seen = commands_after(visit, len(model))
    assert without_page_info(observed(seen)) == without_page_info(model)
    identify, track, group, page, last = (entry["settings"] for entry in seen)
    assert [entry["command"] for entry in seen] == ["run", "run", "group", "page", "run"]
    assert identify["segment_user_id"] == "abcd1234"
    assert identify["email"] == EMAIL
    assert identify["created_at"] == 1420070400
    assert identify["event_name"] is None
    assert identify["properties"] == {
        "property1": "foo",
        "property2_date": 1420070400,
        "id": "abcd1234",
    }
    assert identify["page_info"]["path"] == "/" + URL_PATH  # the snippet's page(): no command
    assert track["event_name"] == "track_event"
    assert track["properties"] == {"property1": "foo", "property2": "bar"}
    assert track["created_at"] == 1420070400
    assert group["group_info"] == {"name": "Initech", "plan": "enterprise", "id": "0e8c78ea"}
    assert page["page_info"]["name"] == "Pricing"
    assert page["page_info"]["path"] == "/pricing"
    assert page["page_info"]["url"] == "https://segment.com/pricing"
    assert last["event_name"] == "last call"  # the two tracks in between changed nothing
    assert identify["account_token"] == "NPS-01fe3cbc"


@pytest.fixture(scope="module")
def rudderstack_alone(browser: Browser, console_log: ConsoleLog, server_url: str) -> list[str]:
    """What RudderStack sends for the calls on the same page without wootric-web."""
    context = browser.new_context()
    console_log.watch(context)
    alone = Visit(context.new_page())
    route_rudderstack(alone)
    serve(alone.page, server_url + URL_PATH, html("RudderStack host", [SNIPPET, CALLS]))
    alone.page.goto(server_url + URL_PATH)
    make_after(alone, EVENTS_FOR_CALLS - 1, LAST_CALL)
    sent = alone.sent(EVENTS_FOR_CALLS)
    context.close()
    assert alone.elsewhere == []
    return sent


@pytest.mark.parametrize("order", TAG_ORDERS)
def test_both_libraries_work_on_every_load_in_either_order(
    order: str,
    visit: Visitor,
    rudderstack_alone: list[str],
    console_log: ConsoleLog,
    server_url: str,
) -> None:
    working = 0
    started = time.monotonic()
    for _ in range(LOADS):
        loaded = visit([*TAG_ORDERS[order](), CALLS])
        commands_after(loaded, 4)  # the calls made before load have reached the beacon
        make_after(loaded, EVENTS_FOR_CALLS - 1, LAST_CALL)
        assert_same(loaded.sent(EVENTS_FOR_CALLS), rudderstack_alone)
        assert_contract(loaded, server_url)
        # window.rudderanalytics is RudderStack's own; wootric-web's methods are elsewhere.
        assert loaded.page.evaluate(
            "!Array.isArray(rudderanalytics) && rudderanalytics.getUserId() === 'abcd1234' &&"
            " typeof wootricWeb.consent.grant === 'function'"
        )
        assert loaded.elsewhere == []
        loaded.page.context.close()
        assert console_log.unchecked == []  # no console error, no uncaught error, on this load
        working += 1
    assert working == LOADS
    print(f"\n{order}: {working} of {LOADS} loads working, {time.monotonic() - started:.1f} s")


def reload_with(loaded: Visit, server_url: str, head: list[str]) -> None:
    """Reloads the page, now with `head`: the same visitor, with what RudderStack stored."""
    serve(loaded.page, server_url + URL_PATH, html("RudderStack host", head))
    loaded.page.reload()


def test_reset_forgets_the_visitor_for_wootric(visit: Visitor) -> None:
    after = [{"method": "reset", "args": []}, {"method": "track", "args": ["after reset"]}]
    alone = visit([SNIPPET, CALLS])
    make_after(alone, EVENTS_FOR_CALLS - 1, *after)
    loaded = visit([*TAG_ORDERS["snippet-first"](), CALLS])
    make_after(loaded, EVENTS_FOR_CALLS - 1, *after)
    # reset() sends nothing itself; the track after it goes out without the user.
    assert_same(loaded.sent(EVENTS_FOR_CALLS), alone.sent(EVENTS_FOR_CALLS))
    last = commands_after(loaded, 5)[-1]
    assert last["command"] == "run"
    assert last["settings"]["event_name"] == "after reset"
    for key in ("email", "created_at", "segment_user_id", "group_info"):
        assert key not in last["settings"], key
    assert last["settings"]["properties"] == {}


def test_reset_forgets_an_anonymous_visitor_too(visit: Visitor) -> None:
    """RudderStack's reset() keeps the anonymous id: the visitor it forgets had no user id."""
    anonymous = calls(
        [{"method": "identify", "args": [{"email": EMAIL, "createdAt": "2015-01-01"}]}]
    )
    after = [{"method": "reset", "args": []}, {"method": "track", "args": ["after reset"]}]
    alone = visit([SNIPPET, anonymous])
    make_after(alone, 2, *after)
    loaded = visit([*TAG_ORDERS["loader-first"](), anonymous])
    make_after(loaded, 2, *after)
    assert_same(loaded.sent(3), alone.sent(3))
    identify, last = commands_after(loaded, 2)
    assert identify["settings"]["email"] == EMAIL
    assert last["settings"]["event_name"] == "after reset"
    assert "email" not in last["settings"]
    assert "created_at" not in last["settings"]


def test_a_reload_takes_the_user_from_rudderstacks_storage(visit: Visitor, server_url: str) -> None:
    again = {"method": "identify", "args": [{"plan": "pro"}]}
    sent: dict[str, list[str]] = {}
    for side, tags in {"alone": [SNIPPET], "joined": TAG_ORDERS["snippet-first"]()}.items():
        loaded = visit([*tags, CALLS])
        loaded.sent(EVENTS_FOR_CALLS - 1)  # all of them out before the page goes
        if side == "joined":
            commands_after(loaded, 4)
        reload_with(loaded, server_url, tags)  # no calls before load this time
        make_after(loaded, EVENTS_FOR_CALLS, again)  # after the new page's page()
        sent[side] = loaded.sent(EVENTS_FOR_CALLS - 1 + 2)  # the new page's page() and identify
    assert_same(sent["joined"], sent["alone"])
    [identify] = commands_after(loaded, 1)
    assert identify["command"] == "run"
    assert identify["settings"]["segment_user_id"] == "abcd1234"
    assert identify["settings"]["email"] == EMAIL
    assert identify["settings"]["created_at"] == 1420070400
    assert identify["settings"]["properties"] == {
        "property1": "foo",
        "property2_date": 1420070400,
        "plan": "pro",
        "id": "abcd1234",
    }


@pytest.mark.parametrize("order", TAG_ORDERS)
def test_an_sdk_that_fails_to_load_is_said_and_breaks_nothing(
    order: str, visit: Visitor, expect_console_errors: list[str]
) -> None:
    expect_console_errors += [r"Failed to load resource", r"\(host-load-failed\)"]
    alone = visit([SNIPPET, CALLS], reachable=False)
    loaded = visit([*TAG_ORDERS[order](), CALLS], reachable=False)
    error = loaded.page.evaluate(
        "within(nextEvent('wootric-web:error'), 30000).then(e => e.detail)"
    )
    assert error["code"] == "host-load-failed"
    assert "RudderStack's SDK did not load" in error["message"]
    loaded.page.evaluate("within(wootricWeb.ready(), 60000, 'wootricWeb.ready()')")
    for side in (alone, loaded):
        # The site's calls still queue, as on a page where RudderStack's script is blocked.
        queued = side.page.evaluate(
            "rudderanalytics.track('later'); JSON.parse(JSON.stringify(rudderanalytics))"
        )
        assert [entry[0] for entry in queued if entry[0] != "addCustomIntegration"] == [
            "load",
            "page",
            *(step["method"] for step in STEPS),
            "track",
        ]
        assert side.posts == []
    assert loaded.page.evaluate(
        f"rudderanalytics.some((e) => e[0] === 'addCustomIntegration' && e[1] === '{DESTINATION}')"
    )
    assert beacon_commands(loaded.page) == []
    errors = loaded.page.evaluate("harnessEvents.filter((e) => e.type === 'wootric-web:error')")
    assert len(errors) == 1


@pytest.mark.parametrize(
    ("config", "rudderstack_says"),
    [
        (source_config("2anotherCustomDestination00"), r"does not correspond to a custom device"),
        (source_config(enabled=False), None),  # turned off in the dashboard: nothing to say
    ],
    ids=["unknown-id", "disabled"],
)
def test_a_destination_rudderstack_does_not_start_leaves_the_page_as_it_was(
    config: dict[str, Any],
    rudderstack_says: str | None,
    visit: Visitor,
    expect_console_errors: list[str],
) -> None:
    """No events reach wootric-web, and RudderStack sends what it sends without it. RudderStack
    itself names an id that is not one of its source's Custom Device Mode destinations."""
    if rudderstack_says:
        expect_console_errors.append(rudderstack_says)
    alone = visit([SNIPPET, CALLS], config=config)
    make_after(alone, EVENTS_FOR_CALLS - 1, LAST_CALL)
    loaded = visit([*TAG_ORDERS["loader-first"](), CALLS], config=config)
    make_after(loaded, EVENTS_FOR_CALLS - 1, LAST_CALL)
    assert_same(loaded.sent(EVENTS_FOR_CALLS), alone.sent(EVENTS_FOR_CALLS))
    loaded.page.evaluate("within(wootricWeb.ready(), 60000, 'wootricWeb.ready()')")
    assert beacon_commands(loaded.page) == []


def test_the_rudderstack_demo_page_drives_the_preview_beacon(page: Page, server_url: str) -> None:
    """demo/rudderstack.html, with its YOUR_… values as a site's own answered by routes."""
    demo = Visit(page)
    config = source_config("YOUR_DESTINATION_ID")
    route_rudderstack(demo, config=config, data_plane="https://your-data-plane-url.example")
    page.goto(server_url + "rudderstack.html")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=60000)
    page.locator("form[data-call='identify'] button").click()
    page.locator("form[data-call='track'] button").click()
    [identify, track] = commands_after(demo, 2)
    assert identify["settings"]["email"] == "ada@example.com"
    assert identify["settings"]["created_at"] == 1420070400
    assert identify["settings"]["properties"] == {"plan": "enterprise", "id": "user-42"}
    assert track["settings"]["event_name"] == "Purchased"
    assert track["settings"]["properties"] == {"total_amount": 120}
    sent = demo.sent(3)  # the page's page(), identify, track
    assert [
        event["type"] for event in sorted(demo.posts, key=lambda e: e["originalTimestamp"])
    ] == [
        "page",
        "identify",
        "track",
    ]
    assert len(sent) == 3
    assert demo.elsewhere == []


def test_consent_holds_rudderstacks_events_until_granted(visit: Visitor) -> None:
    tag = loader_tag(**{"data-rudderstack-destination": DESTINATION, "data-consent": "required"})
    loaded = visit([tag, SNIPPET, CALLS])
    make_after(loaded, EVENTS_FOR_CALLS - 1, LAST_CALL)
    loaded.sent(EVENTS_FOR_CALLS)
    # wootric-web's Python has started, RudderStack's events handed to it: no beacon without
    # consent, and the events' effects held, in order, until it is given.
    loaded.page.evaluate("within(nextEvent('wootric-web:ready'), 60000, 'wootric-web:ready')")
    assert loaded.page.evaluate("window.wootricPreview === undefined")
    loaded.page.evaluate("wootricWeb.consent.grant()")
    seen = commands_after(loaded, 5)
    assert [entry["command"] for entry in seen] == ["run", "run", "group", "page", "run"]
    assert seen[0]["settings"]["email"] == EMAIL
