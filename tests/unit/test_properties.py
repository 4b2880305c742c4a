"""The property rules, shared by identify traits and track properties."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wootric_web import Analytics, WootricWebWarning
from wootric_web.properties import wootric_properties
from wootric_web.values import Value


def ignore(code: str, message: str) -> None:
    pass


def test_later_keys_win_when_two_land_on_the_same_name() -> None:
    assert wootric_properties({"a": "2015-01-01", "a_date": 5}, (), ignore) == {"a_date": 5}
    assert wootric_properties({"a_date": 5, "a": "2015-01-01"}, (), ignore) == {
        "a_date": 1420070400
    }


def test_loose_date_forms_and_digit_strings_stay_strings() -> None:
    source = {"a": "20150101", "b": "2015", "c": "01/01/2015", "d": "1420070400"}
    assert wootric_properties(source, (), ignore) == source


def test_numbers_are_not_dates_in_properties() -> None:
    assert wootric_properties({"signup": 1420070400}, (), ignore) == {"signup": 1420070400}


def test_date_objects_become_seconds_under_date_keys() -> None:
    moment = datetime(2015, 1, 1, 0, 0, 0, 500_000, tzinfo=UTC)
    assert wootric_properties({"renewal": moment}, (), ignore) == {"renewal_date": 1420070401}


def test_nested_values_are_copied_unchanged_with_nested_dates_as_iso_strings() -> None:
    nested: dict[str, Value] = {"a": {"b": [1, "2015-01-01", datetime(2015, 1, 1, tzinfo=UTC)]}}
    assert wootric_properties(nested, (), ignore) == {
        "a": {"b": [1, "2015-01-01", "2015-01-01T00:00:00.000Z"]}
    }


def test_email_created_and_created_at_keys_are_left_out() -> None:
    source: dict[str, Value] = {"email": "a@b.co", "created": 1, "createdAt": 2, "keep": 3}
    assert wootric_properties(source, (), ignore) == {"keep": 3}


def test_the_keys_that_supplied_settings_are_left_out() -> None:
    assert wootric_properties(
        {"Email": "a@b.co", "created_at": 1, "k": 1}, {"Email", "created_at"}, ignore
    ) == {"k": 1}


@pytest.mark.parametrize("key", ["a.b", "$a", "a\x00b", "a.b_date"])
def test_keys_wootric_rejects_are_dropped_with_a_warning(key: str) -> None:
    warnings: list[str] = []
    result = wootric_properties(
        {key: "2015-01-01", "ok": 1}, (), lambda code, message: warnings.append(code)
    )
    assert result == {"ok": 1}
    assert warnings == ["property-key-invalid"]


def test_a_dropped_key_warning_never_names_the_key() -> None:
    analytics = Analytics("NPS-01fe3cbc")
    with pytest.warns(WootricWebWarning) as record:
        analytics.identify({"shawn@example.com": 1})
    assert all("shawn" not in str(warning.message) for warning in record)
    assert analytics.wootric_settings["properties"] == {}


def test_id_and_language_do_appear_in_properties() -> None:
    analytics = Analytics("NPS-01fe3cbc")
    analytics.identify("u1", {"language": "EN"})
    assert analytics.wootric_settings["properties"] == {"language": "EN", "id": "u1"}
