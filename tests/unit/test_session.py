"""The session: start-up, holding calls until the beacon loads, and beacon failure."""

from __future__ import annotations

import warnings

import pytest

from wootric_web.changes import (
    CallBeacon,
    CallDone,
    Change,
    LoadBeacon,
    ReportError,
    Store,
    Warning,
    WriteSettings,
)
from wootric_web.session import BEACON_FAILURES, Session


def session(token: str = "NPS-01fe3cbc") -> Session:
    return Session(token, beacon_url="/beacon.js", new_id=lambda: "anon-1")


def page_ops(changes: list[Change]) -> list[Change]:
    return [c for c in changes if isinstance(c, WriteSettings | CallBeacon | CallDone)]


def test_calls_before_the_beacon_loads_are_held_then_released_in_order() -> None:
    s = session()
    s.start()
    assert page_ops(s.call(1, "identify", ["u1"])) == []
    assert page_ops(s.call(2, "track", ["e"])) == []
    released = s.beacon_loaded()
    assert [type(c).__name__ for c in released] == [
        "WriteSettings",
        "CallBeacon",
        "CallDone",
        "WriteSettings",
        "CallBeacon",
        "CallDone",
    ]
    assert [c.call for c in released if isinstance(c, CallDone)] == [1, 2]


def test_identity_is_stored_at_once_even_before_the_beacon_loads() -> None:
    s = session()
    s.start()
    changes = s.call(1, "identify", ["u1"])
    assert any(isinstance(c, Store) and c.key == "ajs_user_id" for c in changes)


def test_calls_after_the_beacon_loads_apply_at_once() -> None:
    s = session()
    s.start()
    s.beacon_loaded()
    assert page_ops(s.call(1, "track", ["e"]))[-1] == CallDone(1)


def test_a_failed_beacon_still_writes_settings_and_completes_calls_without_commands() -> None:
    s = session()
    s.start()
    s.call(1, "identify", ["u1"])
    released = s.beacon_failed()
    assert not any(isinstance(c, CallBeacon) for c in released)
    assert any(isinstance(c, WriteSettings) for c in released)
    assert released[-1] == CallDone(1)
    later = s.call(2, "track", ["e"])
    assert not any(isinstance(c, CallBeacon) for c in later)
    assert later[-1] == CallDone(2)


def test_a_beacon_outcome_is_taken_once() -> None:
    s = session()
    s.start()
    s.call(1, "track", ["e"])
    assert s.beacon_loaded()
    assert s.beacon_failed() == []
    assert s.beacon_loaded() == []


@pytest.mark.parametrize("token", ["NPS-01fe3cbc", "NPS-EU-01fe3cbc", "NPS-AU-ABCDEF12"])
def test_valid_tokens_load_the_beacon(token: str) -> None:
    assert LoadBeacon("/beacon.js") in session(token).start()


@pytest.mark.parametrize(
    "token", ["", "NPS-123", "nps-01fe3cbc", "NPS-01fe3cbc9", "NPS-01fe3cb!", "NPS-US-01fe3cbc"]
)
def test_an_invalid_token_never_loads_the_beacon_but_calls_still_complete(token: str) -> None:
    s = session(token)
    start = s.start()
    assert not any(isinstance(c, LoadBeacon) for c in start)
    assert any(isinstance(c, ReportError) and c.code == "account-token-invalid" for c in start)
    assert s.call(1, "track", ["e"])[-1] == CallDone(1)


def test_unknown_methods_complete_with_a_warning() -> None:
    s = session()
    s.start()
    s.beacon_loaded()
    changes = s.call(1, "explode", [])
    assert any(isinstance(c, Warning) and c.code == "method-unknown" for c in changes)
    assert changes[-1] == CallDone(1)


def test_python_api_ready_resolves_at_once_in_memory() -> None:
    from wootric_web import Analytics

    analytics = Analytics("NPS-01fe3cbc")
    # A coroutine with nothing to wait for finishes on its first step, with no event loop.
    with pytest.raises(StopIteration):
        analytics.ready().send(None)


def test_python_api_callbacks_run_after_the_call_is_applied() -> None:
    from wootric_web import Analytics

    analytics = Analytics("NPS-01fe3cbc")
    seen: list[object] = []
    analytics.track("e", {}, None, lambda: seen.append(analytics.wootric_settings["event_name"]))
    analytics.identify("u1", callback=lambda: seen.append(analytics.beacon_calls[:]))
    assert seen == ["e", ["run", "run"]]


def test_a_failing_callback_warns_and_does_not_raise() -> None:
    from wootric_web import Analytics, WootricWebWarning

    def broken() -> None:
        raise ValueError("boom")

    analytics = Analytics("NPS-01fe3cbc")
    with pytest.warns(WootricWebWarning, match="ValueError"):
        analytics.track("e", broken)
    assert analytics.beacon_calls == ["run"]


def test_a_failed_beacon_in_memory_writes_settings_and_gives_no_commands() -> None:
    from wootric_web import Analytics, MemoryPage, WootricWebWarning

    page = MemoryPage(beacon_loads=False)
    with pytest.warns(WootricWebWarning, match="beacon could not be loaded"):
        analytics = Analytics("NPS-01fe3cbc", page=page)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        analytics.track("e")
    assert analytics.wootric_settings["event_name"] == "e"
    assert analytics.beacon_calls == []


def test_the_python_api_warns_of_a_failure_with_the_code_the_tag_reports() -> None:
    from wootric_web import Analytics, MemoryPage, WootricWebWarning

    with pytest.warns(WootricWebWarning) as record:
        Analytics("NPS-01fe3cbc", page=MemoryPage(beacon_loads=False))
    assert [getattr(warning.message, "code", None) for warning in record] == ["beacon-load-failed"]


@pytest.mark.parametrize("code", list(BEACON_FAILURES))
def test_the_python_api_warns_of_a_beacon_failure_with_the_code_its_page_gave_it(
    code: str,
) -> None:
    from wootric_web import Analytics, MemoryPage, WootricWebWarning
    from wootric_web.executor import BeaconOutcome

    class FailingBeacon(MemoryPage):
        def load_beacon(self, url: str, outcome: BeaconOutcome) -> None:
            outcome(code)

    with pytest.warns(WootricWebWarning) as record:
        Analytics("NPS-01fe3cbc", page=FailingBeacon())
    assert [getattr(warning.message, "code", None) for warning in record] == [code]


def test_the_python_api_warns_of_bad_input_with_its_code() -> None:
    from wootric_web import Analytics, WootricWebWarning

    analytics = Analytics("NPS-01fe3cbc")
    with pytest.warns(WootricWebWarning) as record:
        analytics.identify({"createdAt": "not a date"})
    assert [getattr(warning.message, "code", None) for warning in record] == [
        "created-at-unparseable"
    ]


def test_a_beacon_failure_is_reported_with_its_code_and_a_sentence() -> None:
    s = session()
    s.start()
    released = s.beacon_failed("beacon-timeout")
    assert isinstance(released[0], ReportError)
    assert released[0].code == "beacon-timeout"
    assert "did not load in time" in released[0].message


def test_warnings_name_the_call_they_concern() -> None:
    s = session()
    s.start()
    s.beacon_loaded()
    changes = s.call(5, "identify", [{"createdAt": "not a date"}])
    warning = next(c for c in changes if isinstance(c, Warning))
    assert warning.call == 5
    assert warning.to_wire()["call"] == 5


def test_settings_and_commands_name_the_call_they_belong_to() -> None:
    s = session()
    s.start()
    s.beacon_loaded()
    changes = s.call(9, "track", ["e"])
    wire = [
        change.to_wire() for change in changes if isinstance(change, WriteSettings | CallBeacon)
    ]
    assert [entry["call"] for entry in wire] == [9, 9]
