"""Consent: with consent required, nothing reaches the page until the visitor agrees."""

from __future__ import annotations

import warnings

import pytest

from wootric_web import Analytics, MemoryPage, WootricWebWarning
from wootric_web.changes import CallDone, LoadBeacon, StopSurvey, Store, WriteSettings
from wootric_web.session import MAX_CALLS_AWAITING_CONSENT, Session


def waiting() -> tuple[Analytics, MemoryPage]:
    page = MemoryPage()
    return Analytics("NPS-01fe3cbc", page=page, consent_required=True), page


def test_before_consent_nothing_is_written_loaded_or_stored() -> None:
    analytics, page = waiting()
    analytics.identify("u1", {"email": "a@b.co"})
    analytics.track("e")
    assert page.wootric_settings == {}
    assert page.scripts == []
    assert page.cookies == {}
    assert page.local_storage == {}
    assert page.commands == []


def test_calls_before_consent_complete_at_once() -> None:
    analytics, _ = waiting()
    done: list[str] = []
    analytics.track("e", callback=lambda: done.append("e"))
    assert done == ["e"]


def test_identity_is_known_in_memory_before_consent() -> None:
    analytics, _ = waiting()
    analytics.identify("u1")
    assert analytics.user.id == "u1"


def test_grant_applies_everything_held_in_order_and_remembers_it() -> None:
    analytics, page = waiting()
    analytics.identify("u1", {"email": "a@b.co"})
    analytics.track("e")
    analytics.consent.grant()
    assert page.scripts == ["https://cdn.wootric.com/wootric-sdk.js"]
    assert page.wootric_settings["account_token"] == "NPS-01fe3cbc"
    assert page.wootric_settings["email"] == "a@b.co"
    assert page.wootric_settings["event_name"] == "e"
    assert page.commands == ["run", "run"]
    assert page.cookies["ajs_user_id"] == "u1"
    assert page.local_storage["wootric_web_consent"] == "granted"
    assert analytics.consent.granted


def test_a_granted_choice_survives_a_reload() -> None:
    first, page = waiting()
    first.consent.grant()
    second = Analytics(
        "NPS-01fe3cbc",
        page=MemoryPage(local_storage=page.local_storage, cookies=page.cookies),
        consent_required=True,
    )
    second.track("e")
    assert second.beacon_calls == ["run"]


def test_revoke_hides_the_survey_and_holds_further_calls() -> None:
    analytics, page = waiting()
    analytics.consent.grant()
    analytics.track("before")
    analytics.consent.revoke()
    analytics.track("after")
    assert page.surveys_stopped == 1
    assert page.commands == ["run"]
    assert page.wootric_settings["event_name"] == "before"
    assert page.local_storage["wootric_web_consent"] == "revoked"


def test_revoke_removes_the_visitors_settings() -> None:
    analytics, page = waiting()
    analytics.consent.grant()
    analytics.identify("u1", {"email": "a@b.co", "plan": "pro"})
    analytics.consent.revoke()
    assert "email" not in page.wootric_settings
    assert "properties" not in page.wootric_settings
    assert page.wootric_settings["account_token"] == "NPS-01fe3cbc"


def test_revoke_drops_effects_still_waiting_for_the_beacon_but_completes_their_calls() -> None:
    session = Session("NPS-01fe3cbc", new_id=lambda: "anon")
    session.start()
    session.call(1, "identify", ["u1", {"email": "a@b.co"}])
    session.revoke_consent()
    released = session.beacon_loaded()
    assert released == [CallDone(1)]


def test_a_revoked_choice_survives_a_reload_even_without_consent_required() -> None:
    first, page = waiting()
    first.consent.revoke()
    second = Analytics("NPS-01fe3cbc", page=MemoryPage(local_storage=page.local_storage))
    second.track("e")
    assert second.beacon_calls == []
    second.consent.grant()
    assert second.beacon_calls == ["run"]


def test_without_consent_required_calls_apply_at_once() -> None:
    analytics = Analytics("NPS-01fe3cbc")
    analytics.track("e")
    assert analytics.beacon_calls == ["run"]
    assert analytics.consent.granted


def test_the_calls_held_for_consent_are_bounded_dropping_the_oldest() -> None:
    session = Session("NPS-01fe3cbc", consent_required=True, new_id=lambda: "anon")
    session.start()
    for number in range(MAX_CALLS_AWAITING_CONSENT + 5):
        assert session.call(number, "track", [f"e{number}"])[-1] == CallDone(number)
    released = session.grant_consent()
    assert isinstance(released[0], Store)
    assert LoadBeacon("https://cdn.wootric.com/wootric-sdk.js") in released
    assert isinstance(released[1], WriteSettings)  # start-up is never dropped
    released += session.beacon_loaded()
    events = [
        c.values["event_name"]
        for c in released
        if isinstance(c, WriteSettings) and "event_name" in c.values
    ]
    assert len(events) == MAX_CALLS_AWAITING_CONSENT
    assert events[0] == "e5"


def test_dropping_held_calls_warns() -> None:
    analytics, _ = waiting()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for number in range(MAX_CALLS_AWAITING_CONSENT + 1):
            analytics.track(f"e{number}")
    assert any("waited for consent" in str(w.message) for w in record)


def test_revoke_when_nothing_shows_still_asks_the_survey_to_stop() -> None:
    session = Session("NPS-01fe3cbc", new_id=lambda: "anon")
    session.start()
    assert StopSurvey() in session.revoke_consent()


def test_granting_twice_changes_nothing_the_second_time() -> None:
    analytics, page = waiting()
    analytics.consent.grant()
    scripts = list(page.scripts)
    analytics.consent.grant()
    assert page.scripts == scripts


@pytest.mark.parametrize("token", ["bad", "NPS-1"])
def test_an_invalid_token_is_reported_even_before_consent(token: str) -> None:
    with pytest.warns(WootricWebWarning, match="not a Wootric token"):
        Analytics(token, consent_required=True)
