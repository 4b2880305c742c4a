"""With `data-consent="required"`, nothing of the visitor's is written, loaded or stored until the
page calls `analytics.consent.grant()`; `revoke()` stops a showing survey and holds later calls;
the choice is remembered on the next page load.

One visitor's story, played once for the module in one browser context: calls before consent,
the grant, the survey, the revocation; a reload (revoked is remembered), a grant there; another
reload (granted is remembered). Each test checks one fact of it.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Error, Page

PAGE = "pages/consent.html"
# What the page shows of Wootric and of the visitor: settings, the beacon's script, storage.
FOOTPRINT = """() => ({
    settings: window.wootricSettings ?? null,
    beacon: [...document.scripts].filter(script => script.src.includes('preview-beacon')).length,
    cookie: document.cookie,
    stored: Object.fromEntries(Object.entries(localStorage)),
})"""
COMMANDS = "wootricPreview.commands.map(({command, settings}) => [command, settings])"


def read(story: dict[str, Any], chapter: str) -> Any:
    told = story[chapter]
    if isinstance(told, Error):
        pytest.fail(f"the story's {chapter!r} chapter failed: {told.message}", pytrace=False)
    return told


@pytest.fixture(scope="module")
def story(module_page: Page, server_url: str) -> dict[str, Any]:
    page = module_page
    story: dict[str, Any] = {}

    def play(chapter: str, script: str) -> None:
        # A chapter that fails fails only the tests that read it.
        try:
            story[chapter] = page.evaluate(script)
        except Error as error:
            story[chapter] = error

    page.goto(server_url + PAGE)
    play(
        "before_grant",
        f"""async () => {{
            const calls = [
                analytics.identify('u-1', {{email: 'ada@example.com', plan: 'pro'}}),
                analytics.track('Viewed pricing'),
            ];
            // The page is left before Python has even seen the calls (this very task).
            const keptWhileUnhandled = keptCalls();
            await within(Promise.all(calls));
            return {{keptWhileUnhandled, keptOnceDone: keptCalls(), user: analytics.user().id(),
                ...({FOOTPRINT})()}};
        }}""",
    )
    play(
        "granted",
        f"""async () => {{
            await within(analytics.consent.grant());
            await within(analytics.ready());
            return {{commands: {COMMANDS}, ...({FOOTPRINT})()}};
        }}""",
    )
    play(
        "revoked",
        f"""async () => {{
            if (!document.getElementById('wootric-preview-survey')) {{  // the identify's survey
                await within(new Promise(shown => addEventListener('wootric-web:shown', shown)));
            }}
            await within(analytics.consent.revoke());
            const surveys = document.querySelectorAll('#wootric-preview-survey').length;
            const commandsBefore = wootricPreview.commands.length;
            const settingsBefore = JSON.stringify(wootricSettings);
            const call = analytics.track('After revoke', {{email: 'bob@example.com'}});
            const keptWhileUnhandled = keptCalls();
            await within(call);
            return {{surveys, keptWhileUnhandled, commands: {COMMANDS},
                settingsUnchanged: JSON.stringify(wootricSettings) === settingsBefore,
                newCommands: wootricPreview.commands.slice(commandsBefore).map(c => c.command),
                events: wootricPreview.events.map(event => event.callback),
                ...({FOOTPRINT})()}};
        }}""",
    )

    page.reload()
    play(
        "reloaded_revoked",
        f"""async () => {{
            await within(analytics.identify('u-2', {{email: 'cy@example.com'}}));
            const held = ({FOOTPRINT})();
            await within(analytics.consent.grant());
            await within(analytics.ready());
            return {{held, commands: {COMMANDS}}};
        }}""",
    )

    page.reload()
    play(
        "reloaded_granted",
        f"""async () => {{
            await within(analytics.ready());
            await within(analytics.track('Returned'));
            return {{commands: {COMMANDS}, ...({FOOTPRINT})()}};
        }}""",
    )
    return story


def test_before_consent_calls_complete_and_write_no_settings(story: dict[str, Any]) -> None:
    assert read(story, "before_grant")["settings"] is None


def test_before_consent_the_beacon_is_not_loaded(story: dict[str, Any]) -> None:
    assert read(story, "before_grant")["beacon"] == 0


def test_before_consent_nothing_is_stored(story: dict[str, Any]) -> None:
    before = read(story, "before_grant")

    assert (before["cookie"], before["stored"]) == ("", {})


def test_before_consent_calls_are_not_kept_in_storage_even_while_unhandled(
    story: dict[str, Any],
) -> None:
    # Without consent the tag's own store of unhandled calls (wootric_web_pending) stays empty.
    before = read(story, "before_grant")

    assert (before["keptWhileUnhandled"], before["keptOnceDone"]) == ([], [])


def test_before_consent_the_identity_is_known_to_the_page_only(story: dict[str, Any]) -> None:
    assert read(story, "before_grant")["user"] == "u-1"


def test_grant_applies_the_held_calls_in_order(story: dict[str, Any]) -> None:
    commands = read(story, "granted")["commands"]

    assert [command for command, _ in commands] == ["run", "run"]
    first, second = (settings for _, settings in commands)
    assert (first["segment_user_id"], first["email"], first["event_name"]) == (
        "u-1",
        "ada@example.com",
        None,
    )
    assert first["properties"] == {"plan": "pro", "id": "u-1"}
    assert second["event_name"] == "Viewed pricing"


def test_grant_loads_the_beacon_once_and_stores_the_identity_and_the_choice(
    story: dict[str, Any],
) -> None:
    granted = read(story, "granted")

    assert granted["beacon"] == 1
    assert granted["settings"]["account_token"] == "NPS-01fe3cbc"
    assert granted["stored"]["wootric_web_consent"] == "granted"
    assert granted["stored"]["ajs_user_id"] == '"u-1"'
    assert "ajs_anonymous_id=" in granted["cookie"]


def test_revoke_stops_the_showing_survey_without_a_decline(story: dict[str, Any]) -> None:
    revoked = read(story, "revoked")

    assert revoked["surveys"] == 0
    assert [command for command, _ in revoked["commands"]][-1] == "WootricSurvey.stop"
    assert revoked["events"] == ["after_eligible", "after_show"]
    assert revoked["stored"]["wootric_web_consent"] == "revoked"


def test_after_revoke_calls_complete_without_effect(story: dict[str, Any]) -> None:
    revoked = read(story, "revoked")

    assert revoked["newCommands"] == []
    assert revoked["settingsUnchanged"] is True


def test_after_revoke_calls_are_not_kept_in_storage(story: dict[str, Any]) -> None:
    assert read(story, "revoked")["keptWhileUnhandled"] == []


def test_a_revoked_choice_is_remembered_on_the_next_load(story: dict[str, Any]) -> None:
    held = read(story, "reloaded_revoked")["held"]

    assert (held["settings"], held["beacon"]) == (None, 0)
    assert held["stored"]["ajs_user_id"] == '"u-1"'  # the earlier visitor's, not u-2


def test_granting_again_applies_that_loads_calls(story: dict[str, Any]) -> None:
    commands = read(story, "reloaded_revoked")["commands"]

    assert [(command, settings["segment_user_id"]) for command, settings in commands] == [
        ("run", "u-2")
    ]


def test_a_granted_choice_is_remembered_on_the_next_load(story: dict[str, Any]) -> None:
    granted = read(story, "reloaded_granted")

    assert [(command, settings["event_name"]) for command, settings in granted["commands"]] == [
        ("run", "Returned")
    ]
    assert granted["beacon"] == 1
