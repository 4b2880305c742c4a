"""The survey's lifecycle, offline with the preview beacon: the tag installs
`wootricSettings.callbacks` and turns each into a `wootric-web:*` event on window and an
`analytics.on` event, after the page's own callback.

pages/survey-events.html sets `wootricSettings.callbacks` before the tag; everything that hears
about the survey writes into `window.heard`, in order. The page also carries
`data-strict-properties`, tested here to spare a Pyodide start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

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
    """The module's page, with no survey showing and nothing heard yet."""
    events_page.evaluate("WootricSurvey.stop(); heard.length = 0; wootricPreview.eligible = true")
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
