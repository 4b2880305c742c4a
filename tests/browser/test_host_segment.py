"""wootric-web beside Segment's analytics.js: the real @segment/snippet and @segment/analytics-next.

Every page load is compared on both sides: the events Segment sent (against the same page without
wootric-web) and the beacon commands with the settings at each (against the behaviour contract).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .conftest import ConsoleLog
from .host_pages import (
    EMAIL,
    NODE_MODULES,
    beacon_commands,
    comparable,
    html,
    loader_tag,
    record_posts,
    serve,
    serve_file,
)

WRITE_KEY = "wootricwebtestkey"
CDN = "https://cdn.segment.com"
UMD = NODE_MODULES / "@segment" / "analytics-next" / "dist" / "umd"
LOADS = 20

# The calls a site makes before anything has loaded: the contract's examples.
CALLS = f"""<script>
  analytics.identify('abcd1234', {{email: '{EMAIL}', createdAt: '2015-01-01',
    property1: 'foo', property2: '2015-01-01'}});
  analytics.track('track_event', {{email: '{EMAIL}', createdAt: '01/01/2015',
    property1: 'foo', property2: 'bar'}});
  analytics.track('not for wootric', {{a: 1}}, {{integrations: {{Wootric: false}}}});
  analytics.track('for no destination', {{a: 1}}, {{integrations: {{All: false}}}});
  analytics.group('0e8c78ea', {{name: 'Initech', plan: 'enterprise'}});
  analytics.page('Pricing', {{url: 'https://segment.com/pricing', path: '/pricing'}});
</script>"""
COMMANDS_FOR_CALLS = 4  # identify, track, group, the second page
SEGMENT_EVENTS = 8  # the snippet's page(), the six calls above and finish()'s last call


def snippet(load_options: dict[str, Any] | None = None) -> str:
    """Segment's snippet as the npm package renders it, with the first page() it makes."""
    # The package renders `load: true` as analytics.load(key), and an object as its options.
    load = json.dumps(load_options) if load_options else "true"
    script = (
        "process.stdout.write(require('@segment/snippet').max("
        f"{{apiKey: {json.dumps(WRITE_KEY)}, host: 'cdn.segment.com', page: true, "
        f"load: {load}}}))"
    )
    rendered = subprocess.run(
        ["node", "-e", script], cwd=NODE_MODULES.parent, check=True, capture_output=True, text=True
    ).stdout
    return f"<script>{rendered}</script>"


SNIPPET = snippet()


def route_segment(
    page: Page,
    posts: list[dict[str, Any]],
    settings: dict[str, Any],
    *,
    reachable: bool = True,
    write_key: str = WRITE_KEY,
) -> None:
    """Segment's CDN (analytics.js, its settings, its bundles) and API, answered locally."""
    page.route(
        f"{CDN}/analytics.js/v1/{write_key}/analytics.min.js",
        serve_file(UMD / "standalone.js") if reachable else lambda route: route.abort(),
    )
    # Segment's classic device-mode destinations: none is served here.
    page.route(f"{CDN}/next-integrations/**", lambda route: route.fulfill(status=404))
    page.route(
        f"{CDN}/v1/projects/{write_key}/settings",
        lambda route: route.fulfill(json=settings),
    )
    page.route(
        f"{CDN}/analytics-next/bundles/*",
        lambda route: route.fulfill(
            path=str(UMD / route.request.url.rsplit("/", 1)[-1]), content_type="text/javascript"
        ),
    )
    record_posts(page, "https://api.segment.io/v1/**", posts)


SETTINGS: dict[str, Any] = {
    "integrations": {"Segment.io": {"apiKey": WRITE_KEY, "apiHost": "api.segment.io/v1"}},
    "plan": {"track": {"__default": {"enabled": True}}},
}


@pytest.fixture
def visit(browser: Browser, console_log: ConsoleLog, server_url: str) -> Iterator[Any]:
    """`visit(head)`: a fresh visitor loads a page with `head`; gives (page, Segment's posts)."""
    contexts: list[BrowserContext] = []

    def load(
        head: list[str],
        settings: dict[str, Any] = SETTINGS,
        *,
        reachable: bool = True,
        warnings: list[str] | None = None,
    ) -> tuple[Page, list[Any]]:
        context = browser.new_context()
        contexts.append(context)
        console_log.watch(context)
        page = context.new_page()
        posts: list[dict[str, Any]] = []
        if warnings is not None:
            page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
        route_segment(page, posts, settings, reachable=reachable)
        url = server_url + "pages/segment-host.html"
        serve(page, url, html("Segment host", head))
        page.goto(url)
        return page, posts

    yield load
    for context in contexts:
        context.close()


def ready(page: Page) -> None:
    """Waits until wootric-web (added at the page's `load`) is ready."""
    page.wait_for_function("window.wootricWeb", timeout=30000)
    page.evaluate("within(wootricWeb.ready(), 60000, 'wootricWeb.ready()')")


def finish(page: Page, posts: list[dict[str, Any]], commands: int | None) -> list[str]:
    """Once wootric-web has applied `commands` commands (None: it is not on the page), one more
    call; once Segment has posted every call's event: those events, comparable."""
    if commands is not None:
        page.wait_for_function(
            f"(window.wootricPreview?.commands.length ?? 0) >= {commands}", timeout=60000
        )
    page.evaluate("analytics.track('last call')")
    # Segment posts each event on its own, in no fixed order: each post is kept before it ends.
    # A post Segment retries comes after its backoff, so the wait is long.
    while len(posts) < SEGMENT_EVENTS:
        page.wait_for_event("requestfinished", timeout=60000)
    return sorted(json.dumps(comparable(event), sort_keys=True) for event in posts)


def assert_contract(commands: list[dict[str, Any]]) -> None:
    """The contract's examples, as the calls above make them, each once, in the order Segment
    delivers them: it replays a page() queued before load ahead of the other calls."""
    assert [entry["command"] for entry in commands if entry["command"] != "page"] == [
        "run",
        "run",
        "group",
        "run",
    ]
    assert [entry["command"] for entry in commands].count("page") == 1
    identify, track, group, last = (e["settings"] for e in commands if e["command"] != "page")
    [page] = (entry["settings"] for entry in commands if entry["command"] == "page")
    assert identify["segment_user_id"] == "abcd1234"
    assert identify["email"] == EMAIL
    assert identify["created_at"] == 1420070400
    assert identify["event_name"] is None
    assert identify["properties"] == {
        "property1": "foo",
        "property2_date": 1420070400,
        "id": "abcd1234",
    }
    assert track["event_name"] == "track_event"
    assert track["properties"] == {"property1": "foo", "property2": "bar"}
    assert track["created_at"] == 1420070400
    assert group["group_info"] == {"name": "Initech", "plan": "enterprise", "id": "0e8c78ea"}
    assert page["page_info"]["name"] == "Pricing"
    assert page["page_info"]["path"] == "/pricing"
    assert page["page_info"]["url"] == "https://segment.com/pricing"
    assert last["event_name"] == "last call"
    assert identify["account_token"] == "NPS-01fe3cbc"


@pytest.fixture(scope="module")
def segment_alone(browser: Browser, server_url: str) -> list[str]:
    """What Segment sends for these calls on a page without wootric-web."""
    context = browser.new_context()
    page = context.new_page()
    posts: list[dict[str, Any]] = []
    route_segment(page, posts, SETTINGS)
    url = server_url + "pages/segment-host.html"
    serve(page, url, html("Segment host", [SNIPPET, CALLS]))
    page.goto(url)
    sent = finish(page, posts, None)
    context.close()
    return sent


@pytest.mark.parametrize(
    "order", ["snippet, then loader", "loader, then snippet"], ids=["snippet-first", "loader-first"]
)
def test_both_libraries_work_on_every_load_in_either_order(
    order: str, visit: Any, segment_alone: list[str]
) -> None:
    tags = [SNIPPET, loader_tag()] if order.startswith("snippet") else [loader_tag(), SNIPPET]
    working = 0
    for _ in range(LOADS):
        page, posts = visit([*tags, CALLS])
        sent = finish(page, posts, COMMANDS_FOR_CALLS)
        assert sent == segment_alone
        commands = beacon_commands(page)
        page.wait_for_function("wootricPreview.commands.length >= 5")
        commands = beacon_commands(page)
        assert_contract(commands)
        # Segment's window.analytics is its own; wootric-web's methods are elsewhere.
        assert page.evaluate("typeof analytics.register === 'function' && !analytics.__wootricWeb")
        page.context.close()
        working += 1
    assert working == LOADS


def test_the_integrations_load_option_turns_wootric_off(visit: Any) -> None:
    page, posts = visit([snippet({"integrations": {"Wootric": False}}), loader_tag(), CALLS])
    ready(page)
    finish(page, posts, None)
    assert beacon_commands(page) == []


def test_reset_forgets_the_visitor_for_wootric(visit: Any) -> None:
    page, posts = visit([SNIPPET, loader_tag(), CALLS])
    finish(page, posts, COMMANDS_FOR_CALLS)
    page.evaluate("analytics.reset(); analytics.track('after reset')")
    page.wait_for_function("wootricPreview.commands.length >= 6")
    after = beacon_commands(page)[-1]["settings"]
    assert after["event_name"] == "after reset"
    assert "email" not in after
    assert "created_at" not in after
    assert "segment_user_id" not in after


def test_a_reload_takes_the_user_from_segments_storage(visit: Any) -> None:
    page, posts = visit([SNIPPET, loader_tag(), CALLS])
    finish(page, posts, COMMANDS_FOR_CALLS)
    serve(page, page.url, html("Segment host", [SNIPPET, loader_tag()]))  # no calls of its own
    page.reload()
    page.evaluate("analytics.identify({plan: 'pro'})")
    page.wait_for_function(
        "window.wootricPreview?.commands.some((c) => c.command === 'run')", timeout=60000
    )
    [identify] = (c["settings"] for c in beacon_commands(page) if c["command"] == "run")
    assert identify["segment_user_id"] == "abcd1234"
    assert identify["email"] == EMAIL
    assert identify["properties"]["plan"] == "pro"


def test_segments_own_wootric_destination_is_said_once_and_left_to_drive(
    visit: Any, expect_console_errors: list[str]
) -> None:
    settings = {**SETTINGS, "integrations": {**SETTINGS["integrations"], "Wootric": {}}}
    expect_console_errors.append(r"Failed to load resource")  # the classic one is not served
    said: list[str] = []
    page, posts = visit([SNIPPET, loader_tag(), CALLS], settings, warnings=said)
    ready(page)
    finish(page, posts, None)
    assert len([w for w in said if "Segment's own Wootric destination" in w]) == 1
    assert beacon_commands(page) == []


def test_a_segment_that_fails_to_load_is_said_clearly(
    visit: Any, expect_console_errors: list[str]
) -> None:
    expect_console_errors.extend([r"Failed to load resource", r"\(host-load-failed\)"])
    page, _ = visit([SNIPPET, loader_tag(), CALLS], reachable=False)
    error = page.evaluate("within(nextEvent('wootric-web:error'), 30000, 'the error')")
    assert error["detail"]["code"] == "host-load-failed"
    assert "Segment's analytics.js has not loaded" in error["detail"]["message"]
    assert beacon_commands(page) == []


def test_the_segment_demo_page_drives_the_preview_beacon(page: Page, server_url: str) -> None:
    """demo/segment.html, with its YOUR_WRITE_KEY answered by routes as a site's own would be."""
    posts: list[dict[str, Any]] = []
    route_segment(page, posts, SETTINGS, write_key="YOUR_WRITE_KEY")
    page.goto(server_url + "segment.html")
    expect(page.locator("#status")).to_have_attribute("data-state", "ready", timeout=60000)
    page.locator("form[data-call='identify'] button").click()
    page.locator("form[data-call='track'] button").click()
    page.wait_for_function("wootricPreview.commands.length >= 2", timeout=60000)
    identify, track = page.evaluate("wootricPreview.commands.map((entry) => entry.settings)")[-2:]

    assert identify["email"] == "ada@example.com"
    assert identify["created_at"] == 1420070400
    assert identify["properties"] == {"plan": "enterprise", "id": "user-42"}
    assert track["event_name"] == "Purchased"
    assert track["properties"] == {"total_amount": 120}
    # Segment sent the page's own page() and both calls, as it would without wootric-web.
    while len(posts) < 3:
        page.wait_for_event("requestfinished", timeout=60000)
    assert sorted(event["type"] for event in posts) == ["identify", "page", "track"]


# wootric-web added once analytics.js has loaded (by a tag manager, say): the destination joins
# late, and the visitor Segment knows already is told to Wootric as an identify would. The install
# is loader_tag()'s element, added by script (which runs it, as markup alone would not), either as
# the loader or as the tag in its own element with the same attributes.
ADD_LATE = """([markup, asTag]) => {
  const template = document.createElement('template');
  template.innerHTML = markup;
  const install = template.content.querySelector('script');
  const script = document.createElement('script');
  for (const { name, value } of install.attributes) script.setAttribute(name, value);
  if (asTag) {
    script.removeAttribute('data-src');
    script.src = install.dataset.src;
  } else {
    script.textContent = install.textContent;
  }
  document.head.append(script);
}"""


@pytest.mark.parametrize("as_tag", [True, False], ids=["tag", "loader"])
def test_a_destination_added_after_segment_loaded_is_told_the_known_visitor(
    as_tag: bool, visit: Any
) -> None:
    page, posts = visit([SNIPPET, CALLS])
    page.wait_for_function("typeof window.analytics?.register === 'function'", timeout=60000)
    page.evaluate("analytics.ready()")
    page.evaluate(ADD_LATE, [loader_tag(), as_tag])
    ready(page)
    page.evaluate("analytics.track('after joining')")
    page.wait_for_function(
        "wootricPreview.commands.some((c) => c.settings?.event_name === 'after joining')",
        timeout=60000,
    )
    runs = [c["settings"] for c in beacon_commands(page) if c["command"] == "run"]
    known, *_, after = runs
    assert known["segment_user_id"] == "abcd1234"
    assert known["email"] == EMAIL
    assert known["event_name"] is None
    assert after["event_name"] == "after joining"
    assert after["email"] == EMAIL
    # Segment's own events are its own as ever: the six calls, its page() and this one.
    while len(posts) < SEGMENT_EVENTS:
        page.wait_for_event("requestfinished", timeout=60000)
    assert {event["type"] for event in posts} == {"identify", "track", "group", "page"}
