"""The date rules for created_at and for _date properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from fractions import Fraction

import pytest

from wootric_web.dates import (
    MILLISECONDS_THRESHOLD,
    created_at_seconds,
    round_half_up,
    strict_date_seconds,
)

JAN_1_2015 = 1420070400


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(1, 2), 1),
        (Fraction(3, 2), 2),
        (Fraction(5, 2), 3),  # Python's round() would give 2
        (Fraction(-1, 2), 0),  # half up, towards +infinity, as Math.round does
        (Fraction(-3, 2), -1),
        (Fraction(499, 1000), 0),
    ],
)
def test_rounding_is_half_up_like_math_round(value: Fraction, expected: int) -> None:
    assert round_half_up(value) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2015",
        "201501",
        "20150101",
        "2015-01",
        "2015-01-01",
        "2015-01-01T00:00",
        "2015-01-01 00:00",
        "2015-01-01T00:00:00",
        "2015-01-01T000000",
        "2015-01-01T00:00:00Z",
        "2015-01-01T00:00:00.000Z",
        "2015-01-01T00:00:00,000",
        "2015-01-01T02:00:00+02",
        "2015-01-01T02:00:00+0200",
        "2015-01-01T02:00:00+02:00",
        "2014-12-31T19:00:00-05:00",
    ],
)
def test_created_at_reads_every_loose_iso_8601_form(text: str) -> None:
    assert created_at_seconds(text) == JAN_1_2015


def test_created_at_reads_a_space_separated_time_as_utc_not_local_time() -> None:
    assert created_at_seconds("2015-01-01 10:00:00") == JAN_1_2015 + 36_000


def test_created_at_rounds_an_iso_fraction_half_up() -> None:
    assert created_at_seconds("2015-01-01T00:00:00.5Z") == JAN_1_2015 + 1
    assert created_at_seconds("2015-01-01T00:00:00.4999Z") == JAN_1_2015


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1420070400, JAN_1_2015),
        (1420070400.5, JAN_1_2015 + 1),
        (1420070400.4, JAN_1_2015),
        (1420070400000, JAN_1_2015),
        (1420070400500, JAN_1_2015 + 1),
        (1420070400499, JAN_1_2015),
        (0, 0),
    ],
)
def test_created_at_reads_numbers_as_seconds_or_milliseconds(value: float, expected: int) -> None:
    assert created_at_seconds(value) == expected


def test_numbers_just_below_the_threshold_are_seconds_and_at_it_milliseconds() -> None:
    assert created_at_seconds(MILLISECONDS_THRESHOLD - 1) == MILLISECONDS_THRESHOLD - 1
    assert created_at_seconds(MILLISECONDS_THRESHOLD) == MILLISECONDS_THRESHOLD // 1000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1420099200000", 1420099200),
        ("1420099200.435", 1420099200),
        ("1420099200.935", 1420099201),  # deviation: the reference truncates to 1420099200
        ("1420099200.5", 1420099201),
        ("1420070400", JAN_1_2015),
    ],
)
def test_created_at_reads_wholly_numeric_strings_and_rounds_them(text: str, expected: int) -> None:
    assert created_at_seconds(text) == expected


@pytest.mark.parametrize(
    "value",
    [
        "01/01/2015",
        "Jan 1 2015",
        "",
        "abc1420070400",
        "1420070400abc",
        " 2015-01-01",
        "2015-13-01",
        "2015-02-30",
        "2015-01-01T25:00",
        "-5",
        "NaN",
        None,
        True,
        False,
        float("nan"),
        float("inf"),
        [],
        {},
        1e300,
    ],
)
def test_created_at_rejects_what_is_not_a_date(value: object) -> None:
    assert created_at_seconds(value) is None  # type: ignore[arg-type]


def test_created_at_reads_datetimes_with_zone_and_naive_ones_as_utc() -> None:
    assert created_at_seconds(datetime(2015, 1, 1, tzinfo=UTC)) == JAN_1_2015
    assert created_at_seconds(datetime(2015, 1, 1)) == JAN_1_2015
    plus_two = timezone(timedelta(hours=2))
    assert created_at_seconds(datetime(2015, 1, 1, 2, tzinfo=plus_two)) == JAN_1_2015


def test_created_at_rounds_datetime_microseconds_half_up() -> None:
    assert created_at_seconds(datetime(2015, 1, 1, 0, 0, 0, 500_000, tzinfo=UTC)) == JAN_1_2015 + 1
    assert created_at_seconds(datetime(2015, 1, 1, 0, 0, 0, 499_999, tzinfo=UTC)) == JAN_1_2015


def test_leap_days_are_real_dates() -> None:
    assert created_at_seconds("2016-02-29") == 1456704000
    assert created_at_seconds("2015-02-29") is None


def test_strict_reading_needs_a_full_calendar_date_at_the_start() -> None:
    assert strict_date_seconds("2015-01-01") == JAN_1_2015
    assert strict_date_seconds("2015-01-01T10:00:00Z") == JAN_1_2015 + 36_000
    assert strict_date_seconds("2015-01-01T10:00:00+02:00") == JAN_1_2015 + 28_800
    for loose in ("20150101", "2015", "2015-01", "01/01/2015", "1420070400"):
        assert strict_date_seconds(loose) is None


def test_strict_reading_treats_numbers_as_numbers_and_date_objects_as_dates() -> None:
    assert strict_date_seconds(1420070400) is None
    assert strict_date_seconds(datetime(2015, 1, 1, tzinfo=UTC)) == JAN_1_2015


def test_python_dates_are_midnight_utc() -> None:
    from wootric_web.values import as_utc

    assert created_at_seconds(as_utc(date(2015, 1, 1))) == JAN_1_2015
