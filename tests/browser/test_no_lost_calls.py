"""No call is lost, doubled or reordered, whenever it is made (worker mode, the preview beacon).

Random sequences of identify, track, page and group calls (see reference.py) are made on a real
page and, in CPython, on the reference model; the beacon must receive exactly the model's commands,
with exactly the model's settings at each, in order, each once, and every callback must run once.
Most sequences run on one page that is ready — awaited and un-awaited calls, tasks passing between
them — reset between sequences; a few run on fresh pages, with calls made before the tag exists and
while it starts.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from playwright.sync_api import Browser, Page, Route

from wootric_web import Analytics

from .conftest import PREVIEW_BEACON, ConsoleLog
from .reference import TOKEN, Step, expected, observed, page_settings, sequences, wire

# The same state on the page and on a fresh model: every visitor setting removed, the first page
# call of the page load made, and the settings no call removes made equal.
PRELUDE: list[Step] = [
    {"method": "track", "args": ["prelude", {"language": "xx"}], "await": True},
    {"method": "page", "args": ["prelude"], "await": True},
    {"method": "reset", "args": [], "await": True},
]
NOT_SHRUNK = [Phase.explicit, Phase.reuse, Phase.generate]  # each example boots a page


def location(server_url: str, path: str, title: str) -> dict[str, str]:
    return {"url": server_url + path, "title": title, "referrer": ""}


def labelled(steps: list[Step], phase: str) -> list[Step]:
    """The steps with ids unique across the phases of one page."""
    return [{**step, "id": f"{phase}-{step['id']}"} if "id" in step else step for step in steps]


def callbacks(steps: list[Step]) -> list[str]:
    return sorted(str(step["id"]) for step in steps if step.get("callback"))


@pytest.fixture(scope="module")
def ready_page(module_page: Page, server_url: str) -> Page:
    module_page.goto(server_url + "pages/plain.html")
    module_page.evaluate("within(analytics.ready())")
    return module_page


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=sequences())
def test_calls_on_a_ready_page_reach_the_beacon_once_each_in_order(
    ready_page: Page, server_url: str, steps: list[Step]
) -> None:
    model = Analytics(TOKEN, location=location(server_url, "pages/plain.html", "Plain page"))
    expected(PRELUDE, {}, model)
    commands, final_settings = expected(steps, {}, model)

    result: dict[str, Any] = ready_page.evaluate(
        """async ([prelude, steps]) => {
            await runSteps(prelude);
            wootricPreview.commands.length = 0;
            calledBack.length = 0;
            await runSteps(steps);
            return {commands: wootricPreview.commands, settings: wootricSettings,
                calledBack: calledBack.map(String)};
        }""",
        [wire(PRELUDE), wire(steps)],
    )

    assert observed(result["commands"]) == commands
    assert page_settings(result["settings"]) == final_settings
    assert sorted(result["calledBack"]) == callbacks(steps)


@settings(
    max_examples=4,
    deadline=None,
    database=None,
    phases=NOT_SHRUNK,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    before=sequences(max_size=6, timed=False),
    during=sequences(max_size=6),
    after=sequences(max_size=6),
)
def test_calls_before_the_tag_and_while_it_starts_reach_the_beacon_once_each_in_order(
    browser: Browser,
    console_log: ConsoleLog,
    server_url: str,
    before: list[Step],
    during: list[Step],
    after: list[Step],
) -> None:
    before, during, after = (
        labelled(before, "before"),
        labelled(during, "during"),
        labelled(after, "after"),
    )
    commands, final_settings = expected(
        before + during + after, location(server_url, "pages/sequence.html", "Sequence page")
    )
    context = browser.new_context()
    console_log.watch(context)
    try:
        page = context.new_page()
        # The beacon is held until the test lets it through: until then the tag is starting.
        held: list[Route] | None = []

        def beacon(route: Route) -> None:
            if held is None:
                route.fulfill(path=PREVIEW_BEACON, content_type="text/javascript")
            else:
                held.append(route)

        page.route("**/pages/routed-beacon.js", beacon)
        page.add_init_script(f"window.stepsBeforeTag = {json.dumps(wire(before))};")
        page.goto(server_url + "pages/sequence.html")
        started = page.evaluate(
            """steps => {
                const started = Array.isArray(window.analytics) || window.tagReady === true;
                window.duringCalls = runSteps(steps);
                return started;
            }""",
            wire(during),
        )
        for route in held or []:
            route.fulfill(path=PREVIEW_BEACON, content_type="text/javascript")
        held = None
        result: dict[str, Any] = page.evaluate(
            """async (steps) => {
                await within(Promise.all([duringCalls, analytics.ready()]));
                await runSteps(steps);
                return {commands: wootricPreview.commands, settings: wootricSettings,
                    calledBack: calledBack.map(String)};
            }""",
            wire(after),
        )
    finally:
        context.close()

    assert started is False  # the tag had run, and had not finished starting
    assert observed(result["commands"]) == commands
    assert page_settings(result["settings"]) == final_settings
    assert sorted(result["calledBack"]) == callbacks(before + during + after)
