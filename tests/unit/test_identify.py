"""identify: the contract's rows and examples, through the public API."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from wootric_web import Analytics, WootricWebWarning

EMAIL = "shawn@shawnmorgan.com"


def test_identify_writes_the_user_id_email_and_a_null_event_name(analytics: Analytics) -> None:
    analytics.identify("abcd1234", {"email": EMAIL})
    settings = analytics.wootric_settings
    assert settings["segment_user_id"] == "abcd1234"
    assert settings["email"] == EMAIL
    assert settings["event_name"] is None
    assert settings["properties"] == {"id": "abcd1234"}


def test_identify_runs_the_beacon_exactly_once(analytics: Analytics) -> None:
    analytics.identify("abcd1234", {"email": EMAIL})
    assert analytics.beacon_calls == ["run"]


def test_identify_without_user_id_uses_the_anonymous_id(analytics: Analytics) -> None:
    analytics.identify({"email": EMAIL})
    assert analytics.wootric_settings["segment_user_id"] == analytics.user.anonymous_id
    assert analytics.wootric_settings["properties"] == {}


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        ("2015-01-01", 1420070400),
        ("20150101", 1420070400),
        ("1420099200000", 1420099200),
        ("1420099200.435", 1420099200),
        ("1420099200.935", 1420099201),
        (1420099200, 1420099200),
        (datetime(2015, 1, 1, tzinfo=UTC), 1420070400),
        (date(2015, 1, 1), 1420070400),
    ],
)
def test_identify_sets_created_at_from_created_at_trait(
    analytics: Analytics, created: object, expected: int
) -> None:
    analytics.identify({"createdAt": created})
    assert analytics.wootric_settings["created_at"] == expected
    assert analytics.wootric_settings["properties"] == {}


@pytest.mark.parametrize("key", ["created", "createdAt", "created_at", "CreatedAt", "CREATED"])
def test_created_at_key_is_matched_ignoring_case_and_punctuation(
    analytics: Analytics, key: str
) -> None:
    analytics.identify({key: "2015-01-01", "plan": "pro"})
    assert analytics.wootric_settings["created_at"] == 1420070400
    assert analytics.wootric_settings["properties"] == {"plan": "pro"}


def test_created_wins_over_created_at(analytics: Analytics) -> None:
    analytics.identify({"createdAt": "2016-01-01", "created": "2015-01-01"})
    assert analytics.wootric_settings["created_at"] == 1420070400


def test_an_unparseable_created_at_leaves_it_unchanged_and_warns_without_the_value() -> None:
    analytics = Analytics("NPS-01fe3cbc")
    analytics.identify({"createdAt": "2015-01-01"})
    with pytest.warns(WootricWebWarning) as record:
        analytics.identify({"createdAt": "secret@example.com-01/01/2015"})
    assert analytics.wootric_settings["created_at"] == 1420070400
    assert all("secret" not in str(warning.message) for warning in record)
    assert any("str" in str(warning.message) for warning in record)


def test_an_unparseable_created_at_is_not_written_as_nan(analytics: Analytics) -> None:
    analytics.identify({"createdAt": "01/01/2015"})
    assert "created_at" not in analytics.wootric_settings


def test_an_iso_created_at_never_leaks_into_properties_as_a_date_key(analytics: Analytics) -> None:
    analytics.identify({"createdAt": "2015-01-01T00:00:00Z", "plan": "pro"})
    assert analytics.wootric_settings["properties"] == {"plan": "pro"}


def test_language_is_written_when_truthy(analytics: Analytics) -> None:
    analytics.identify({"language": "es"})
    assert analytics.wootric_settings["language"] == "es"
    assert analytics.wootric_settings["properties"] == {"language": "es"}


def test_an_empty_language_never_clears_an_earlier_one(analytics: Analytics) -> None:
    analytics.identify({"language": "es"})
    analytics.identify({"language": ""})
    assert analytics.wootric_settings["language"] == "es"


def test_email_trait_key_is_matched_ignoring_case(analytics: Analytics) -> None:
    analytics.identify("u1", {"Email": EMAIL, "plan": "pro"})
    assert analytics.wootric_settings["email"] == EMAIL
    assert analytics.wootric_settings["properties"] == {"plan": "pro", "id": "u1"}


def test_an_email_looking_user_id_is_the_email(analytics: Analytics) -> None:
    analytics.identify(EMAIL)
    assert analytics.wootric_settings["email"] == EMAIL
    assert analytics.wootric_settings["segment_user_id"] == EMAIL


def test_a_user_id_that_is_not_an_email_is_not_the_email(analytics: Analytics) -> None:
    analytics.identify("abcd1234")
    assert "email" not in analytics.wootric_settings


def test_email_and_created_at_are_never_cleared_by_a_later_identify(analytics: Analytics) -> None:
    analytics.identify("u1", {"email": EMAIL, "createdAt": "2015-01-01"})
    analytics.identify("u1", {"email": "", "createdAt": None})
    # Neither value is usable, so both settings stay as they were.
    assert analytics.wootric_settings["email"] == EMAIL
    assert analytics.wootric_settings["created_at"] == 1420070400


def test_properties_are_replaced_wholesale_on_every_identify(analytics: Analytics) -> None:
    analytics.identify({"plan": "pro"})
    analytics.reset()
    analytics.identify({"seats": 3})
    assert analytics.wootric_settings["properties"] == {"seats": 3}


def test_date_traits_become_unix_seconds_under_date_keys(analytics: Analytics) -> None:
    analytics.identify({"property1": "foo", "property2": "2015-01-01"})
    assert analytics.wootric_settings["properties"] == {
        "property1": "foo",
        "property2_date": 1420070400,
    }


def test_a_key_already_ending_in_date_is_not_suffixed_again(analytics: Analytics) -> None:
    analytics.identify({"property2_date": 1420070400})
    assert analytics.wootric_settings["properties"] == {"property2_date": 1420070400}


def test_identify_uses_accumulated_traits(analytics: Analytics) -> None:
    analytics.identify("u1", {"plan": "pro"})
    analytics.identify("u1", {"seats": 3})
    assert analytics.wootric_settings["properties"] == {"plan": "pro", "seats": 3, "id": "u1"}


def test_identify_with_integrations_wootric_false_changes_nothing(analytics: Analytics) -> None:
    before = analytics.wootric_settings
    analytics.identify("u1", {"email": EMAIL}, {"integrations": {"Wootric": False}})
    assert analytics.wootric_settings == before
    assert analytics.beacon_calls == []
    assert analytics.user.id == "u1"  # identity is the library's, not the destination's


def test_start_writes_token_and_version_and_requests_the_beacon() -> None:
    from wootric_web import MemoryPage, __version__

    page = MemoryPage()
    analytics = Analytics("NPS-01fe3cbc", page=page)
    assert analytics.wootric_settings == {
        "account_token": "NPS-01fe3cbc",
        "version": f"wootric-web-{__version__}",
    }
    assert page.scripts == ["https://cdn.wootric.com/wootric-sdk.js"]


def test_start_keeps_settings_the_page_put_there_itself() -> None:
    from wootric_web import MemoryPage

    page = MemoryPage(settings={"product_name": "Initech", "account_token": "old"})
    analytics = Analytics("NPS-01fe3cbc", page=page)
    assert analytics.wootric_settings["product_name"] == "Initech"
    assert analytics.wootric_settings["account_token"] == "NPS-01fe3cbc"
