"""Identity: accumulation, reset, anonymous ids, and analytics.js-compatible storage."""

from __future__ import annotations

import json
import re

from wootric_web import Analytics, MemoryPage

UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def make(page: MemoryPage | None = None) -> tuple[Analytics, MemoryPage]:
    page = page or MemoryPage()
    return Analytics("NPS-01fe3cbc", page=page), page


def test_a_new_visitor_gets_a_uuid_v4_anonymous_id_stored_in_cookie_and_local_storage() -> None:
    analytics, page = make()
    anonymous_id = analytics.user.anonymous_id
    assert UUID4.fullmatch(anonymous_id)
    assert page.cookies["ajs_anonymous_id"] == anonymous_id
    assert json.loads(page.local_storage["ajs_anonymous_id"]) == anonymous_id


def test_the_stored_anonymous_id_is_kept_local_storage_first() -> None:
    page = MemoryPage(
        local_storage={"ajs_anonymous_id": '"from-local"'},
        cookies={"ajs_anonymous_id": "from-cookie"},
    )
    analytics, _ = make(page)
    assert analytics.user.anonymous_id == "from-local"


def test_a_classic_json_quoted_cookie_is_read() -> None:
    analytics, page = make(
        MemoryPage(cookies={"ajs_user_id": '"u-classic"', "ajs_anonymous_id": "anon-raw"})
    )
    assert analytics.user.id == "u-classic"
    assert analytics.user.anonymous_id == "anon-raw"
    assert page.cookies["ajs_user_id"] == "u-classic"  # written back raw


def test_identify_stores_user_id_and_traits() -> None:
    analytics, page = make()
    analytics.identify("u1", {"plan": "pro"})
    assert page.cookies["ajs_user_id"] == "u1"
    assert json.loads(page.local_storage["ajs_user_id"]) == "u1"
    assert json.loads(page.local_storage["ajs_user_traits"]) == {"plan": "pro"}


def test_identity_survives_a_new_page_load() -> None:
    first, page = make()
    first.identify("u1", {"email": "a@b.co"})
    anonymous_id = first.user.anonymous_id
    second = Analytics(
        "NPS-01fe3cbc", page=MemoryPage(local_storage=page.local_storage, cookies=page.cookies)
    )
    assert (second.user.id, second.user.anonymous_id) == ("u1", anonymous_id)
    second.track("e")
    assert "email" not in second.wootric_settings  # track takes email only from its own call
    second.identify()
    assert second.wootric_settings["email"] == "a@b.co"
    assert second.wootric_settings["segment_user_id"] == "u1"


def test_traits_accumulate_while_the_user_id_stays_the_same() -> None:
    analytics, _ = make()
    analytics.identify({"a": 1})
    analytics.identify("u1", {"b": 2})
    analytics.identify({"c": 3})
    assert analytics.user.traits == {"a": 1, "b": 2, "c": 3}


def test_a_different_user_id_replaces_traits_and_the_anonymous_id() -> None:
    analytics, _ = make()
    analytics.identify("u1", {"a": 1})
    anonymous_id = analytics.user.anonymous_id
    analytics.identify("u2", {"b": 2})
    assert analytics.user.traits == {"b": 2}
    assert analytics.user.anonymous_id != anonymous_id


def test_reset_forgets_the_visitor_and_their_settings() -> None:
    analytics, page = make()
    analytics.identify("u1", {"email": "a@b.co", "createdAt": "2015-01-01"})
    analytics.group("g1", {"name": "Initech"})
    anonymous_id = analytics.user.anonymous_id
    analytics.reset()
    assert (analytics.user.id, analytics.user.traits) == (None, {})
    assert analytics.user.anonymous_id != anonymous_id
    assert "ajs_user_id" not in page.cookies
    assert "ajs_group_id" not in page.cookies
    assert json.loads(page.local_storage["ajs_user_traits"]) == {}
    for key in ("email", "created_at", "segment_user_id", "properties", "group_info"):
        assert key not in analytics.wootric_settings
    assert analytics.wootric_settings["account_token"] == "NPS-01fe3cbc"


def test_identify_after_reset_is_anonymous_again() -> None:
    analytics, _ = make()
    analytics.identify("u1")
    analytics.reset()
    analytics.identify({"plan": "pro"})
    assert analytics.wootric_settings["segment_user_id"] == analytics.user.anonymous_id


def test_set_anonymous_id_sets_and_stores_it() -> None:
    analytics, page = make()
    analytics.set_anonymous_id("my-anon")
    assert analytics.user.anonymous_id == "my-anon"
    assert page.cookies["ajs_anonymous_id"] == "my-anon"


def test_an_anonymous_id_option_sets_it_too() -> None:
    analytics, _ = make()
    analytics.identify({"a": 1}, {"anonymousId": "opt-anon"})
    assert analytics.wootric_settings["segment_user_id"] == "opt-anon"


def test_a_user_id_option_overrides_the_event_user_without_storing_it() -> None:
    analytics, _ = make()
    analytics.track("e", {}, {"userId": "x@y.co"})
    assert analytics.wootric_settings["email"] == "x@y.co"
    assert analytics.user.id is None


def test_unreadable_stored_traits_are_ignored_with_a_warning() -> None:
    import pytest

    from wootric_web import WootricWebWarning

    with pytest.warns(WootricWebWarning, match="not valid JSON"):
        analytics, _ = make(MemoryPage(local_storage={"ajs_user_traits": "{not json"}))
    assert analytics.user.traits == {}


def test_stored_traits_dates_come_back_as_iso_strings_and_still_convert() -> None:
    from datetime import UTC, datetime

    first, page = make()
    first.identify("u1", {"renewal": datetime(2015, 1, 1, tzinfo=UTC)})
    second = Analytics(
        "NPS-01fe3cbc", page=MemoryPage(local_storage=page.local_storage, cookies=page.cookies)
    )
    second.identify()
    assert second.wootric_settings["properties"]["renewal_date"] == 1420070400
