"""The JSON protocol the script tag speaks: text in, changes out, never an exception."""

from __future__ import annotations

import json
from typing import Any

from wootric_web import protocol


def send(message: object) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = json.loads(protocol.handle(json.dumps(message)))
    return result


def start(**stored: dict[str, str]) -> list[dict[str, Any]]:
    return send(
        {"kind": "start", "account_token": "NPS-01fe3cbc", "beacon_url": "/b.js", "stored": stored}
    )


def test_start_writes_settings_and_asks_for_the_beacon() -> None:
    changes = start()
    assert changes[0]["op"] == "settings"
    assert changes[0]["values"]["account_token"] == "NPS-01fe3cbc"
    assert {"op": "load_beacon", "url": "/b.js"} in changes


def test_a_call_is_held_until_the_beacon_loads_then_done() -> None:
    start()
    held = send(
        {
            "kind": "call",
            "id": 1,
            "method": "identify",
            "args": ["u1", {"email": "a@b.co"}],
            "page": {},
        }
    )
    assert not any(change["op"] in ("settings", "done") for change in held)
    released = send({"kind": "beacon", "state": "loaded"})
    assert released == [
        {
            "op": "settings",
            "values": {
                "segment_user_id": "u1",
                "email": "a@b.co",
                "event_name": None,
                "properties": {"id": "u1"},
            },
            "call": 1,
        },
        {"op": "beacon", "command": "run", "call": 1},
        {"op": "done", "call": 1},
    ]


def test_function_markers_hold_argument_positions() -> None:
    start()
    send({"kind": "beacon", "state": "loaded"})
    changes = send(
        {
            "kind": "call",
            "id": 2,
            "method": "track",
            "args": ["e", {"$wootric": "function"}],
            "page": {},
        }
    )
    assert changes[-1] == {"op": "done", "call": 2}
    assert changes[0]["values"]["properties"] == {}


def test_date_markers_are_dates() -> None:
    start()
    send({"kind": "beacon", "state": "loaded"})
    changes = send(
        {
            "kind": "call",
            "id": 3,
            "method": "identify",
            "args": [{"createdAt": {"$wootric": "date", "ms": 1420070400500}}],
            "page": {},
        }
    )
    assert changes[-3]["values"]["created_at"] == 1420070401


def test_page_context_from_the_message_gives_the_defaults() -> None:
    start()
    send({"kind": "beacon", "state": "loaded"})
    page = {
        "href": "https://e.com/a?q=1#x",
        "pathname": "/a",
        "search": "?q=1",
        "referrer": "r",
        "title": "t",
        "canonical": None,
    }
    changes = send({"kind": "call", "id": 4, "method": "page", "args": [], "page": page})
    assert changes[0]["values"]["page_info"] == {
        "referrer": "r",
        "search": "?q=1",
        "title": "t",
        "path": "/a",
        "url": "https://e.com/a?q=1",
    }


def test_malformed_messages_never_raise() -> None:
    for text in ["", "not json", "[]", "null", "[1, null]", '{"kind": "call"}', '{"kind": "wat"}']:
        assert isinstance(json.loads(protocol.handle(text)), list)


def test_a_call_with_malformed_fields_still_completes() -> None:
    start()
    send({"kind": "call", "id": 9, "method": "track", "args": "not a list", "page": 5})
    released = send({"kind": "beacon", "state": "failed"})
    assert released[-1] == {"op": "done", "call": 9}


def test_a_call_whose_id_is_unusable_is_reported() -> None:
    start()
    changes = send({"kind": "call", "id": "x", "method": "track", "args": ["e"]})
    assert [change["op"] for change in changes] == ["warn"]


def test_a_batch_of_messages_is_handled_in_order_as_one() -> None:
    start()
    calls = [
        {"kind": "call", "id": n, "method": "track", "args": [f"e{n}"], "page": {}}
        for n in range(3)
    ]
    changes = send([*calls, {"kind": "beacon", "state": "loaded"}])
    assert [c["call"] for c in changes if c["op"] == "done"] == [0, 1, 2]
    events = [c["values"]["event_name"] for c in changes if c["op"] == "settings"]
    assert events == ["e0", "e1", "e2"]


def test_one_bad_message_in_a_batch_spoils_nothing_else() -> None:
    start()
    send({"kind": "beacon", "state": "loaded"})
    good = {"kind": "call", "id": 7, "method": "track", "args": ["e"], "page": {}}
    changes = send([{"kind": "call", "id": "bad"}, good])
    assert changes[0]["op"] == "warn"
    assert changes[-1] == {"op": "done", "call": 7}


def test_start_options_turn_on_consent_and_strict_properties() -> None:
    changes = send(
        {
            "kind": "start",
            "account_token": "NPS-01fe3cbc",
            "consent": "required",
            "strict_properties": True,
        }
    )
    assert not any(change["op"] in ("settings", "load_beacon") for change in changes)
    granted = send({"kind": "consent", "granted": True})
    assert {"op": "load_beacon", "url": "https://cdn.wootric.com/wootric-sdk.js"} in granted
    send({"kind": "beacon", "state": "loaded"})
    changes = send(
        {"kind": "call", "id": 1, "method": "track", "args": ["e", {"n": 2}], "page": {}}
    )
    assert changes[0]["values"]["properties"] == {"n_amount": 2}
    revoked = send({"kind": "consent", "granted": False})
    assert {"op": "stop_survey"} in revoked


def test_a_failed_beacon_message_reports_its_code() -> None:
    start()
    changes = send({"kind": "beacon", "state": "failed", "code": "beacon-no-wootric"})
    assert changes[0]["op"] == "error"
    assert changes[0]["code"] == "beacon-no-wootric"


def test_a_second_start_is_refused_with_a_warning_and_changes_nothing() -> None:
    start()
    changes = send({"kind": "start", "account_token": "NPS-00000000", "beacon_url": "/other.js"})
    refusal = [(change["op"], change.get("code")) for change in changes]
    assert refusal == [("warn", "message-invalid")]


def test_a_second_start_leaves_the_first_session_and_its_held_calls() -> None:
    start()
    send({"kind": "call", "id": 1, "method": "track", "args": ["e"], "page": {}})
    send({"kind": "start", "account_token": "NPS-00000000", "beacon_url": "/other.js"})
    released = send({"kind": "beacon", "state": "loaded"})
    assert released[-1] == {"op": "done", "call": 1}
