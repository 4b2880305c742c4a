"""Events from a host library (Segment's ctx.event, RudderStack's message) through the session."""

from __future__ import annotations

from typing import Any

from wootric_web.changes import CallBeacon, Change, RemoveSettings, Store, WriteSettings
from wootric_web.destination import VISITOR_SETTINGS
from wootric_web.session import Session

PAGE = {
    "path": "/pricing",
    "referrer": "",
    "search": "",
    "title": "Pricing",
    "url": "https://x.co/pricing",
}


def started(host: str = "segment") -> Session:
    s = Session("NPS-01fe3cbc", beacon_url="/beacon.js", new_id=lambda: "own-id", host=host)
    s.start()
    s.beacon_loaded()
    return s


def settings(changes: list[Change]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for change in changes:
        if isinstance(change, WriteSettings):
            out.update(change.values)
    return out


def commands(changes: list[Change]) -> list[str]:
    return [c.command for c in changes if isinstance(c, CallBeacon)]


def segment(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "anonymousId": "anon-1", "context": {"page": PAGE}, **fields}


def test_start_stores_no_identity_of_its_own_when_joined_to_a_host() -> None:
    s = Session("NPS-01fe3cbc", new_id=lambda: "own-id", host="segment")
    assert not [c for c in s.start() if isinstance(c, Store)]


def test_identify_takes_the_user_and_merged_traits_from_the_event() -> None:
    changes = started().host_event(
        1, segment("identify", userId="abcd1234", traits={"email": "shawn@x.co", "plan": "pro"})
    )
    assert settings(changes) == {
        "segment_user_id": "abcd1234",
        "email": "shawn@x.co",
        "event_name": None,
        "properties": {"plan": "pro", "id": "abcd1234"},
    }
    assert commands(changes) == ["run"]


def test_identify_without_a_user_id_uses_the_events_anonymous_id() -> None:
    changes = started().host_event(1, segment("identify", traits={"email": "shawn@x.co"}))
    assert settings(changes)["segment_user_id"] == "anon-1"


def test_rudderstack_identify_reads_the_users_traits_from_the_context() -> None:
    event = {
        "type": "identify",
        "userId": "u1",
        "anonymousId": "a1",
        "context": {"traits": {"createdAt": "2015-01-01"}, "page": PAGE},
    }
    assert settings(started("rudderstack").host_event(1, event))["created_at"] == 1420070400


def test_track_writes_the_event_name_and_properties() -> None:
    changes = started().host_event(
        1, segment("track", event="track_event", properties={"email": "s@x.co", "a": 1})
    )
    assert settings(changes) == {
        "email": "s@x.co",
        "event_name": "track_event",
        "properties": {"a": 1},
    }
    assert commands(changes) == ["run"]


def test_first_page_sets_page_info_from_the_event_without_a_page_command() -> None:
    changes = started().host_event(
        1, segment("page", name="Pricing", properties={"path": "/pricing", "url": PAGE["url"]})
    )
    info = settings(changes)["page_info"]
    assert (info["name"], info["path"], info["title"]) == ("Pricing", "/pricing", "Pricing")
    assert commands(changes) == []


def test_second_page_gives_the_page_command() -> None:
    s = started()
    s.host_event(1, segment("page"))
    assert commands(s.host_event(2, segment("page", name="Pricing"))) == ["page"]


def test_group_writes_group_info_with_the_id() -> None:
    changes = started().host_event(
        1, segment("group", groupId="0e8c78ea", traits={"name": "Initech", "plan": "enterprise"})
    )
    assert settings(changes) == {
        "group_info": {"name": "Initech", "plan": "enterprise", "id": "0e8c78ea"}
    }
    assert commands(changes) == ["group"]


def test_integrations_wootric_false_skips_the_event() -> None:
    event = segment("track", event="e", properties={"a": 1}, integrations={"Wootric": False})
    assert settings(started().host_event(1, event)) == {}


def test_integrations_all_false_with_wootric_true_reaches_wootric() -> None:
    event = segment("track", event="e", integrations={"All": False, "Wootric": True})
    assert commands(started().host_event(1, event)) == ["run"]


def test_a_new_anonymous_id_after_a_reset_removes_the_visitors_settings() -> None:
    s = started()
    s.host_event(1, segment("identify", userId="u1", traits={"email": "a@x.co"}))
    changes = s.host_event(2, {**segment("page"), "anonymousId": "anon-2"})
    assert RemoveSettings(VISITOR_SETTINGS, call=2) in changes


def test_the_same_visitor_keeps_the_settings() -> None:
    s = started()
    s.host_event(1, segment("identify", userId="u1"))
    assert not [
        c
        for c in s.host_event(2, segment("track", event="e", userId="u1"))
        if isinstance(c, RemoveSettings)
    ]


def test_an_event_of_no_known_type_is_a_warning_and_still_completes() -> None:
    changes = started().host_event(7, {"type": "nonsense"})
    assert [type(c).__name__ for c in changes] == ["Warning", "CallDone"]


def test_created_at_zero_writes_nothing_as_segments_integration_does() -> None:
    changes = started().host_event(1, segment("identify", traits={"createdAt": 0}))
    assert "created_at" not in settings(changes)


def rudderstack(kind: str, stored: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A RudderStack message: the user's stored traits in every event's context."""
    context = {"traits": stored, "page": PAGE}
    return {"type": kind, "userId": "", "anonymousId": "anon-1", "context": context, **fields}


def test_rudderstack_reset_of_an_anonymous_visitor_removes_the_visitors_settings() -> None:
    # RudderStack's reset() keeps the anonymous id; only the stored traits empty.
    s = started("rudderstack")
    s.host_event(1, rudderstack("identify", {"email": "a@x.co", "createdAt": "2015-01-01"}))
    changes = s.host_event(2, rudderstack("track", {}, event="after reset"))
    assert RemoveSettings(VISITOR_SETTINGS, call=2) in changes
    assert settings(changes)["event_name"] == "after reset"


def test_rudderstack_events_with_the_stored_traits_keep_the_settings() -> None:
    s = started("rudderstack")
    s.host_event(1, rudderstack("identify", {"email": "a@x.co"}))
    changes = s.host_event(2, rudderstack("group", {"email": "a@x.co"}, groupId="g1", traits={}))
    changes += s.host_event(3, rudderstack("track", {"email": "a@x.co"}, event="e"))
    assert not [c for c in changes if isinstance(c, RemoveSettings)]


def test_segment_events_without_context_traits_keep_the_settings() -> None:
    # Segment's events carry no stored traits in their context: an empty one says nothing.
    s = started("segment")
    s.host_event(1, segment("track", event="e", context={"traits": {"email": "a@x.co"}}))
    changes = s.host_event(2, segment("track", event="f"))
    assert not [c for c in changes if isinstance(c, RemoveSettings)]
