"""The survey's lifecycle, offline with the preview beacon: the tag installs
`wootricSettings.callbacks` and turns each into a `wootric-web:*` event on window and an
`analytics.on` event, after the page's own callback.

pages/survey-events.html sets `wootricSettings.callbacks` before the tag; everything that hears
about the survey writes into `window.heard`, in order. The same page, to spare Pyodide start-ups,
carries `data-strict-properties` and is where the debug view's console groups are read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Locator, Page, expect

RESULTS = Path(__file__).resolve().parents[2] / "test-results"
COMMENT = "Setting up surveys took five minutes."
QUESTION = "What is the most important reason for your score?"


@pytest.fixture(scope="module")
def events_page(module_page: Page, server_url: str) -> Page:
    module_page.set_viewport_size({"width": 900, "height": 600})
    module_page.goto(server_url + "pages/survey-events.html")
    module_page.evaluate(
        """async () => {
            for (const event of ['eligible', 'shown', 'survey_response', 'decline']) {
                analytics.on(event, (...args) => heard.push([`on ${event}`, ...args]));
            }
            await within(analytics.ready());
        }"""
    )
    return module_page


@pytest.fixture
def page(events_page: Page) -> Page:
    """The module's page: no survey showing, nothing heard yet, the page's own callbacks."""
    events_page.evaluate(
        """() => {
            WootricSurvey.stop();
            heard.length = 0;
            wootricPreview.eligible = true;
            Object.assign(wootricSettings.callbacks, pageCallbacks());
        }"""
    )
    return events_page


def heard(page: Page) -> list[list[Any]]:
    told: list[list[Any]] = page.evaluate("heard")
    return told


def show_survey(page: Page, call: str = "analytics.track('Survey please')") -> Locator:
    page.evaluate(f"within({call})")
    survey = page.get_by_role("dialog")
    expect(survey).to_be_visible()
    return survey


def respond(survey: Locator, score: int, text: str) -> None:
    survey.get_by_role("button", name=str(score), exact=True).click()
    survey.get_by_label(QUESTION).fill(text)
    survey.get_by_role("button", name="Submit").click()
    expect(survey.get_by_role("status")).to_be_visible()


def test_a_response_reaches_the_page_callback_then_the_dom_event_then_listeners(
    page: Page,
) -> None:
    survey = show_survey(page)

    respond(survey, 9, COMMENT)

    assert heard(page) == [
        ["page after_eligible", True],
        ["wootric-web:eligible", {"eligible": True}],
        ["on eligible", True],
        ["wootric-web:shown", None],
        ["on shown"],
        ["page after_response", 9, COMMENT],
        ["wootric-web:response", {"score": 9, "text": COMMENT}],
        ["on survey_response", 9, COMMENT],
    ]
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "survey-events-response.png")


def test_a_dismissed_survey_is_a_decline(page: Page) -> None:
    survey = show_survey(page)

    survey.get_by_role("button", name="Close survey").click()

    expect(survey).to_have_count(0)
    assert heard(page)[-2:] == [["wootric-web:decline", None], ["on decline"]]


def test_a_visitor_not_eligible_is_told_as_such(page: Page) -> None:
    page.evaluate("wootricPreview.eligible = false")

    page.evaluate(
        """within(new Promise((resolve) => {
            analytics.once('eligible', resolve);
            analytics.track('Not this time');
        }))"""
    )

    assert heard(page) == [
        ["page after_eligible", False],
        ["wootric-web:eligible", {"eligible": False}],
        ["on eligible", False],
    ]


def test_a_callback_the_page_assigns_while_the_survey_shows_is_chained_too(page: Page) -> None:
    survey = show_survey(page)
    page.evaluate(
        """() => {
            wootricSettings.callbacks.after_decline = () => heard.push(['page after_decline']);
        }"""
    )

    survey.get_by_role("button", name="Close survey").click()

    assert heard(page)[-3:] == [
        ["page after_decline"],
        ["wootric-web:decline", None],
        ["on decline"],
    ]


def test_callbacks_the_page_replaces_are_chained_from_its_next_call(page: Page) -> None:
    page.evaluate(
        """wootricSettings.callbacks = {after_show: () => heard.push(['replaced after_show'])}"""
    )

    show_survey(page)

    assert heard(page) == [
        ["wootric-web:eligible", {"eligible": True}],  # the page's own after_eligible is gone
        ["on eligible", True],
        ["replaced after_show"],
        ["wootric-web:shown", None],
        ["on shown"],
    ]


def test_a_throwing_page_callback_is_reported_and_the_events_still_come(
    page: Page, expect_console_errors: list[str]
) -> None:
    expect_console_errors.append(r"the page's wootricSettings\.callbacks\.after_show threw")
    page.evaluate(
        "() => { wootricSettings.callbacks.after_show = () => { throw new Error('page bug'); }; }"
    )

    show_survey(page)

    assert heard(page)[-2:] == [["wootric-web:shown", None], ["on shown"]]


def test_strict_properties_follow_wootrics_value_rules(page: Page) -> None:
    properties = page.evaluate(
        """async () => {
            await within(analytics.track('Upgraded', {
                seats: 3, total_amount: 12, plan: {name: 'pro', limits: {users: 5}},
                tags: ['a', 'b'], beta: true, price: 9.99,
            }));
            return wootricSettings.properties;
        }"""
    )

    assert properties == {
        "seats_amount": 3,
        "total_amount": 12,
        "plan_name": "pro",
        "plan_limits_users_amount": 5,
        "tags": "a,b",
        "beta": "true",
        "price": "9.99",
    }


# --- the debug view ------------------------------------------------------------------------------

Message = tuple[str, str]


def console_during(page: Page, script: str) -> list[Message]:
    """The console messages (type, text) logged while `script` ran and its promise settled."""
    messages: list[Message] = []

    def listen(message: ConsoleMessage) -> None:
        messages.append((message.type, message.text))

    page.on("console", listen)
    try:
        page.evaluate(script)
    finally:
        page.remove_listener("console", listen)
    return messages


def groups(messages: list[Message]) -> list[tuple[str, list[Message]]]:
    """The collapsed groups among `messages`: (title, the messages inside)."""
    found: list[tuple[str, list[Message]]] = []
    for kind, text in messages:
        if kind == "startGroupCollapsed":
            found.append((text, []))
        elif kind != "endGroup" and found:
            found[-1][1].append((kind, text))
    return found


# From a known state (no visitor, a last event), two calls in debug mode.
IN_DEBUG = """async () => {
    await within(Promise.all([analytics.reset(), analytics.track('Before')]));
    analytics.debug(true);
    try {
        await within(Promise.all([
            analytics.identify('u-9', {email: 'dee@example.com', createdAt: 'someday'}),
            analytics.track('Debugged', {step: 2, ratio: NaN}),
        ]));
    } finally {
        analytics.debug(false);
    }
}"""
WARNING = (
    "warning",
    "[wootric-web] created_at was left unchanged: a value of type str is not a date "
    "(expected a Date, Unix seconds or milliseconds, or an ISO 8601 string).",
)


def test_debug_logs_one_collapsed_group_per_call_in_call_order(page: Page) -> None:
    messages = console_during(page, IN_DEBUG)

    assert [title for title, _ in groups(messages)] == [
        "[wootric-web] identify",
        "[wootric-web] track",
    ]
    assert [kind for kind, _ in messages].count("endGroup") == 2


def test_a_calls_group_shows_the_call_its_warnings_settings_and_commands(page: Page) -> None:
    (_, identify), _ = groups(console_during(page, IN_DEBUG))

    assert identify == [
        ("log", "arguments: u-9 {email: dee@example.com, createdAt: someday}"),
        WARNING,
        ("log", "wootricSettings.segment_user_id: undefined → u-9"),
        ("log", "wootricSettings.email: undefined → dee@example.com"),
        ("log", "wootricSettings.event_name: Before → null"),
        ("log", "wootricSettings.properties: {} → {id: u-9}"),
        ("log", "wootric('run')"),
    ]


def test_a_calls_group_holds_only_that_calls_changes_and_warnings(page: Page) -> None:
    _, (_, track) = groups(console_during(page, IN_DEBUG))

    assert track == [
        ("log", "arguments: Debugged {step: 2, ratio: NaN}"),
        ("warning", "[wootric-web] analytics.track(): NaN and Infinity became null."),
        ("log", "wootricSettings.event_name: null → Debugged"),
        ("log", "wootricSettings.properties: {id: u-9} → {step_amount: 2, ratio: null}"),
        ("log", "wootric('run')"),
    ]


def test_without_debug_a_call_logs_only_its_warning(page: Page) -> None:
    messages = console_during(
        page, "within(analytics.identify('u-9', {email: 'dee@example.com', createdAt: 'someday'}))"
    )

    assert messages == [WARNING]
