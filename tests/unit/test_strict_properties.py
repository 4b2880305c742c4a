"""Strict properties (opt-in): Wootric's own rules for property values."""

from __future__ import annotations

from datetime import UTC, datetime

from wootric_web import Analytics
from wootric_web.properties import wootric_properties
from wootric_web.values import Value


def strict(source: dict[str, Value]) -> dict[str, object]:
    return dict(wootric_properties(source, (), lambda code, message: None, strict=True))


def test_integers_go_under_amount_keys() -> None:
    assert strict({"seats": 3, "total_amount": 12}) == {"seats_amount": 3, "total_amount": 12}


def test_integers_under_date_keys_stay_dates() -> None:
    assert strict({"renewal_date": 1420070400}) == {"renewal_date": 1420070400}


def test_whole_floats_are_integers_and_others_strings() -> None:
    assert strict({"seats": 3.0, "price": 9.99}) == {"seats_amount": 3, "price": "9.99"}


def test_nested_objects_are_flattened_with_underscores() -> None:
    assert strict({"plan": {"name": "pro", "limits": {"seats": 5}}}) == {
        "plan_name": "pro",
        "plan_limits_seats_amount": 5,
    }


def test_arrays_are_joined_with_commas() -> None:
    assert strict({"tags": ["a", 1, 2.0, None, True]}) == {"tags": "a,1,2,,true"}


def test_booleans_become_strings_and_null_stays_null() -> None:
    assert strict({"beta": True, "trial": False, "coupon": None}) == {
        "beta": "true",
        "trial": "false",
        "coupon": None,
    }


def test_nested_dates_become_date_keys() -> None:
    moment = datetime(2015, 1, 1, tzinfo=UTC)
    assert strict({"plan": {"renewal": moment, "start": "2015-01-01"}}) == {
        "plan_renewal_date": 1420070400,
        "plan_start_date": 1420070400,
    }


def test_flattened_keys_wootric_rejects_are_still_dropped() -> None:
    assert strict({"a": {"b.c": 1}, "ok": "x"}) == {"ok": "x"}


def test_strict_mode_through_the_api() -> None:
    analytics = Analytics("NPS-01fe3cbc", strict_properties=True)
    analytics.identify("u1", {"seats": 3, "plan": {"name": "pro"}})
    assert analytics.wootric_settings["properties"] == {
        "seats_amount": 3,
        "plan_name": "pro",
        "id": "u1",
    }
    analytics.track("Upgraded", {"tags": ["a", "b"]})
    assert analytics.wootric_settings["properties"] == {"tags": "a,b"}


def test_without_strict_mode_values_are_copied_unchanged() -> None:
    analytics = Analytics("NPS-01fe3cbc")
    analytics.identify({"seats": 3, "plan": {"name": "pro"}})
    assert analytics.wootric_settings["properties"] == {"seats": 3, "plan": {"name": "pro"}}
