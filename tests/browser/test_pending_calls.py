"""Calls not yet handled when the page goes away are applied on the site's next page load, once.

One visitor's story is played once for the module, in one browser context: calls made while the
tag starts, then the page reloaded before the beacon has arrived; the next load, which applies
them; a load that finds calls left by another page (some too old, more than the limit); and a page
hidden and shown again. Each test checks one fact of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Route

from .conftest import PREVIEW_BEACON, ConsoleLog
from .reference import Step, expected, observed

PAGE = "pages/routed-beacon-default.html"
TITLE = "Routed beacon, default timeout"
DAY_MS = 24 * 60 * 60 * 1000

# Made while the tag starts on the first load, whose beacon never arrives.
UNLOADED: list[Step] = [
    {"method": "page", "args": ["Landing"]},
    {"method": "identify", "args": ["u-1", {"email": "ada@example.com", "plan": "pro"}]},
    {"method": "track", "args": ["Pending", {"step": 1}]},
    {"method": "page", "args": ["Pricing"]},
    {"method": "group", "args": ["g-1", {"name": "Initech"}]},
]
# Made on the second load, once it is ready.
SECOND: list[Step] = [{"method": "track", "args": ["Second load"], "await": True}]
COMMANDS = """async () => {
    await within(analytics.ready());
    // Calls left by an earlier page come before this one: once it is done, so are they.
    await within(analytics.track('Probe'));
    return wootricPreview.commands;
}"""


def seeded(now_ms: int) -> list[dict[str, Any]]:
    """What another page load left: one call too old, then more than the limit of 100."""
    page = {
        "href": "https://example.com/",
        "pathname": "/",
        "search": "",
        "referrer": "",
        "title": "Elsewhere",
        "canonical": None,
    }
    stale = {"at": now_ms - DAY_MS - 1000, "method": "track", "args": ["Stale"], "page": page}
    fresh = [
        {
            "at": now_ms - (120 - index) * 1000,
            "method": "track",
            "args": [f"Seeded {index}"],
            "page": page,
            "load": "elsewhere",
        }
        for index in range(120)
    ]
    return [stale, *fresh]


@pytest.fixture(scope="module")
def story(browser: Browser, console_log: ConsoleLog, server_url: str) -> Iterator[dict[str, Any]]:
    context = browser.new_context()
    console_log.watch(context)
    page = context.new_page()
    loads = {"count": 0}

    def beacon(route: Route) -> None:
        # The first load's beacon never arrives; later loads get the preview beacon.
        if loads["count"] > 1:
            route.fulfill(path=PREVIEW_BEACON, content_type="text/javascript")

    page.route("**/pages/routed-beacon.js", beacon)
    story: dict[str, Any] = {}

    loads["count"] = 1
    page.goto(server_url + PAGE)
    story["first_ready"] = page.evaluate(
        """steps => {
            let ready = false;
            analytics.ready(() => { ready = true; });
            runSteps(steps);
            return ready;
        }""",
        [{**step, "id": index} for index, step in enumerate(UNLOADED)],
    )

    loads["count"] = 2
    page.reload()
    story["second"] = page.evaluate(
        "async steps => { await within(analytics.ready()); await runSteps(steps); "
        "return wootricPreview.commands; }",
        SECOND,
    )
    story["stored_after_second"] = page.evaluate("localStorage.getItem('wootric_web_pending')")

    loads["count"] = 3
    page.evaluate(
        "entries => localStorage.setItem('wootric_web_pending', JSON.stringify(entries))",
        seeded(page.evaluate("Date.now()")),
    )
    page.reload()
    story["third"] = page.evaluate(COMMANDS)

    loads["count"] = 4
    page.reload()
    story["fourth"] = page.evaluate(COMMANDS)
    # A page hidden (and kept for the back-forward cache) while a call is under way, then shown
    # again: the call completes, so the next page must not apply it a second time.
    story["hidden_then_done"] = page.evaluate(
        """async () => {
            const call = analytics.track('Hidden');
            dispatchEvent(new PageTransitionEvent('pagehide', {persisted: true}));
            const whileHidden = JSON.parse(localStorage.getItem('wootric_web_pending'));
            await within(call);
            return {whileHidden: whileHidden.map(entry => entry.args[0]),
                afterwards: localStorage.getItem('wootric_web_pending')};
        }"""
    )
    yield story
    context.close()


def test_the_calls_were_made_while_the_tag_was_starting(story: dict[str, Any]) -> None:
    assert story["first_ready"] is False


def test_the_next_load_applies_them_once_each_in_order_before_its_own(
    story: dict[str, Any], server_url: str
) -> None:
    location = {"url": server_url + PAGE, "title": TITLE, "referrer": ""}
    commands, _ = expected(UNLOADED + SECOND, location)

    assert observed(story["second"]) == commands
    assert [name for name, _ in commands] == ["run", "run", "page", "group", "run"]


def test_applied_calls_leave_the_store(story: dict[str, Any]) -> None:
    assert story["stored_after_second"] is None


def test_at_most_the_newest_hundred_calls_of_the_last_day_are_applied(
    story: dict[str, Any],
) -> None:
    events = [entry["settings"]["event_name"] for entry in story["third"]]

    assert events == [f"Seeded {index}" for index in range(20, 120)] + ["Probe"]


def test_a_load_with_nothing_left_applies_nothing(story: dict[str, Any]) -> None:
    assert [entry["settings"]["event_name"] for entry in story["fourth"]] == ["Probe"]


def test_a_call_kept_while_hidden_is_forgotten_once_done(story: dict[str, Any]) -> None:
    assert story["hidden_then_done"] == {"whileHidden": ["Hidden"], "afterwards": None}
