"""The preview beacon's survey: shown on run, answered or dismissed as a visitor would, with
Wootric's callbacks fired on the way.

pages/preview-survey.html loads static/preview-beacon.js alone (no Pyodide) and sets
window.wootricSettings itself, with callbacks that record their arguments in `window.fired`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

RESULTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def survey_page(page: Page, server_url: str) -> Page:
    page.set_viewport_size({"width": 900, "height": 600})
    page.goto(server_url + "pages/preview-survey.html")
    return page


def survey(page: Page) -> Locator:
    return page.get_by_role("dialog")


def fired(page: Page) -> list[list[Any]]:
    """The page's own callbacks, as they were called: [name, *args]."""
    calls: list[list[Any]] = page.evaluate("fired")
    return calls


def recorded(page: Page) -> list[list[Any]]:
    """What the beacon recorded in window.wootricPreview.events: [callback, *args]."""
    events: list[list[Any]] = page.evaluate(
        "wootricPreview.events.map(({callback, args}) => [callback, ...args])"
    )
    return events


def run_and_wait(page: Page, command: str = "wootric('run')") -> Locator:
    page.evaluate(command)
    shown = survey(page)
    expect(shown).to_be_visible()
    return shown


def respond(page: Page, score: int, text: str) -> None:
    shown = survey(page)
    shown.get_by_role("button", name=str(score), exact=True).click()
    shown.get_by_label("What is the most important reason for your score?").fill(text)
    shown.get_by_role("button", name="Submit").click()


def test_run_shows_a_survey_asking_about_the_product(survey_page: Page) -> None:
    shown = run_and_wait(survey_page)

    expect(shown).to_have_accessible_name("How likely are you to recommend Initech to your team?")
    expect(shown.get_by_role("group").get_by_role("button")).to_have_text(
        [str(score) for score in range(11)]
    )
    assert fired(survey_page) == [["after_eligible", True], ["after_show"]]


def test_without_product_name_the_question_uses_wootric_defaults(survey_page: Page) -> None:
    survey_page.evaluate(
        "delete wootricSettings.product_name; delete wootricSettings.wootric_recommend_target"
    )
    shown = run_and_wait(survey_page)

    expect(shown).to_have_accessible_name(
        "How likely are you to recommend us to a friend or co-worker?"
    )


def test_a_submitted_score_and_comment_reach_after_response_exactly(survey_page: Page) -> None:
    run_and_wait(survey_page)

    respond(survey_page, 9, "Fast and friendly support")

    expect(survey(survey_page).get_by_role("status")).to_contain_text("Thank you")
    expected = [
        ["after_eligible", True],
        ["after_show"],
        ["after_response", 9, "Fast and friendly support"],
    ]
    assert fired(survey_page) == expected
    assert recorded(survey_page) == expected


def test_an_updated_response_fires_after_response_again(survey_page: Page) -> None:
    run_and_wait(survey_page)
    respond(survey_page, 9, "Fast")

    survey(survey_page).get_by_role("button", name="Change your response").click()
    respond(survey_page, 6, "Fast, but pricey")

    responses = [call for call in fired(survey_page) if call[0] == "after_response"]
    assert responses == [["after_response", 9, "Fast"], ["after_response", 6, "Fast, but pricey"]]


def test_a_score_chosen_shows_as_pressed_and_moves_focus_to_the_comment(survey_page: Page) -> None:
    shown = run_and_wait(survey_page)

    shown.get_by_role("button", name="7", exact=True).click()

    expect(shown.get_by_role("button", name="7", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(shown.get_by_role("button", name="8", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(shown.get_by_label("What is the most important reason for your score?")).to_be_focused()


@pytest.mark.parametrize("how", ["close button", "Escape key"])
def test_dismissing_without_a_response_fires_after_decline(survey_page: Page, how: str) -> None:
    shown = run_and_wait(survey_page)

    if how == "close button":
        shown.get_by_role("button", name="Close survey").click()
    else:
        shown.get_by_role("button", name="3", exact=True).click()  # a score alone is no response
        survey_page.keyboard.press("Escape")

    expect(shown).to_have_count(0)
    assert fired(survey_page)[-1] == ["after_decline"]
    assert [call[0] for call in fired(survey_page)].count("after_decline") == 1


def test_closing_after_a_response_is_not_a_decline(survey_page: Page) -> None:
    shown = run_and_wait(survey_page)
    respond(survey_page, 10, "")

    shown.get_by_role("button", name="Close survey").click()

    expect(shown).to_have_count(0)
    assert fired(survey_page)[-1] == ["after_response", 10, ""]


def test_stop_hides_the_survey_without_a_decline(survey_page: Page) -> None:
    shown = run_and_wait(survey_page)

    survey_page.evaluate("WootricSurvey.stop()")

    expect(shown).to_have_count(0)
    assert fired(survey_page) == [["after_eligible", True], ["after_show"]]


def test_stop_right_after_run_cancels_the_survey(survey_page: Page) -> None:
    # run and stop in one task: the eligibility answer has not "arrived" yet.
    survey_page.evaluate(
        """new Promise((resolve) => {
            wootric('run');
            WootricSurvey.stop();
            setTimeout(() => setTimeout(resolve));
        })"""
    )

    expect(survey(survey_page)).to_have_count(0)
    assert fired(survey_page) == []


def test_runs_while_a_survey_shows_join_it(survey_page: Page) -> None:
    run_and_wait(survey_page)

    survey_page.evaluate("wootric('run'); wootric('run')")
    respond(survey_page, 8, "ok")  # the answer proves every earlier run was handled

    expect(survey(survey_page)).to_have_count(1)
    assert [call[0] for call in fired(survey_page)].count("after_show") == 1
    commands = survey_page.evaluate("wootricPreview.commands.map((entry) => entry.command)")
    assert commands == ["run", "run", "run"]


def test_a_new_run_after_closing_asks_again(survey_page: Page) -> None:
    run_and_wait(survey_page).get_by_role("button", name="Close survey").click()

    run_and_wait(survey_page)

    assert [call[0] for call in fired(survey_page)].count("after_show") == 2


def test_survey_run_with_settings_uses_those_settings_and_their_callbacks(
    survey_page: Page,
) -> None:
    shown = run_and_wait(
        survey_page,
        """window.ownCalls = [];
        WootricSurvey.run({
            account_token: 'NPS-01fe3cbc', product_name: 'Acme',
            callbacks: {after_show: () => ownCalls.push('after_show')},
        })""",
    )

    expect(shown).to_have_accessible_name(
        "How likely are you to recommend Acme to a friend or co-worker?"
    )
    assert survey_page.evaluate("ownCalls") == ["after_show"]
    assert fired(survey_page) == []  # window.wootricSettings' callbacks were not the ones in force


def test_callbacks_are_looked_up_when_each_event_happens(survey_page: Page) -> None:
    # As a loader does that installs its own callbacks after the beacon has started.
    run_and_wait(survey_page)
    survey_page.evaluate(
        """window.late = [];
        wootricSettings.callbacks = {after_response: (score, text) => late.push([score, text])};"""
    )

    respond(survey_page, 4, "Slow")

    assert survey_page.evaluate("late") == [[4, "Slow"]]


def test_a_throwing_callback_is_reported_and_the_survey_goes_on(
    survey_page: Page, expect_console_errors: list[str]
) -> None:
    expect_console_errors.append(r"the after_show callback threw")
    survey_page.evaluate(
        "() => { wootricSettings.callbacks.after_show = () => { throw new Error('page bug'); }; }"
    )

    run_and_wait(survey_page)
    respond(survey_page, 7, "fine")

    assert fired(survey_page)[-1] == ["after_response", 7, "fine"]
    assert [event[0] for event in recorded(survey_page)] == [
        "after_eligible",
        "after_show",
        "after_response",
    ]


def test_a_page_can_make_the_visitor_not_eligible(survey_page: Page) -> None:
    survey_page.evaluate(
        """new Promise((resolve) => {
            wootricPreview.eligible = false;
            wootricSettings.callbacks.after_eligible = (eligible) => resolve(eligible);
            wootric('run');
        })"""
    )

    expect(survey(survey_page)).to_have_count(0)
    assert recorded(survey_page) == [["after_eligible", False]]


def test_the_survey_takes_focus_only_with_the_aria_setting(survey_page: Page) -> None:
    field = survey_page.locator("#field")
    field.focus()
    run_and_wait(survey_page)
    expect(field).to_be_focused()
    survey_page.evaluate("WootricSurvey.stop()")

    survey_page.evaluate("wootricSettings.aria = true")
    shown = run_and_wait(survey_page)

    expect(shown.get_by_role("button", name="0", exact=True)).to_be_focused()


def test_closing_gives_focus_back_to_where_it_was(survey_page: Page) -> None:
    field = survey_page.locator("#field")
    field.focus()
    shown = run_and_wait(survey_page)

    shown.get_by_role("button", name="Close survey").click()

    expect(field).to_be_focused()


def test_version_is_a_string(survey_page: Page) -> None:
    assert survey_page.evaluate("typeof WootricSurvey.version()") == "string"


def test_the_panel_lists_the_callbacks_fired(survey_page: Page) -> None:
    run_and_wait(survey_page)
    respond(survey_page, 9, "Great")

    expect(survey_page.locator("#wootric-preview [data-preview='callbacks'] li")).to_have_text(
        ["after_eligible(true)", "after_show()", 'after_response(9, "Great")']
    )


def test_a_screenshot_of_the_answered_survey(survey_page: Page) -> None:
    shown = run_and_wait(survey_page)
    shown.get_by_role("button", name="9", exact=True).click()
    shown.get_by_label("What is the most important reason for your score?").fill(
        "Setting up surveys took five minutes."
    )
    RESULTS.mkdir(exist_ok=True)
    answering = RESULTS / "preview-survey.png"
    survey_page.screenshot(path=answering)

    shown.get_by_role("button", name="Submit").click()
    expect(shown.get_by_role("status")).to_be_visible()
    answered = RESULTS / "preview-survey-answered.png"
    survey_page.screenshot(path=answered)

    assert answering.stat().st_size > 0
    assert answered.stat().st_size > 0
