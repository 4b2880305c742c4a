"""The date rules: where ``created_at`` and ``_date`` properties are parsed and rounded.

Two readers share one grammar:

* :func:`created_at_seconds` (for ``created_at``) accepts date objects, numbers (seconds below
  :data:`MILLISECONDS_THRESHOLD`, else milliseconds), loose ISO 8601 strings and wholly numeric
  strings.
* :func:`strict_date_seconds` (for property values) accepts date objects and ISO 8601 strings that
  start with ``YYYY-MM-DD``; numbers and loose forms stay as they are.

Results are integer Unix seconds rounded half up, exactly as JavaScript's ``Math.round`` would round
them (Python's ``round`` rounds halves to even). Arithmetic is exact (``Fraction``), so a string
like ``"1420099200.5"`` rounds up regardless of binary floating point.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from .values import EPOCH, Value, as_utc

# Numbers below this are seconds, others milliseconds: one Julian year of seconds times 1000,
# the threshold Segment's date library uses, so both read the same numbers the same way.
MILLISECONDS_THRESHOLD = 31_557_600_000

# JavaScript dates span ±8.64e15 ms; anything beyond is an Invalid Date in the browser.
_LIMIT_SECONDS = 8_640_000_000_000

_ISO = re.compile(
    r"(?P<year>\d{4})(?:-?(?P<month>\d{2})(?:-?(?P<day>\d{2}))?)?"
    r"(?:[T ](?P<hour>\d{2}):?(?P<minute>\d{2})"
    r"(?::?(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"(?P<zone>Z|(?P<sign>[+-])(?P<zone_hour>\d{2})(?::?(?P<zone_minute>\d{2}))?)?)?"
)
_STRICT_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMERIC = re.compile(r"\d+(?:\.\d+)?")


def round_half_up(value: Fraction) -> int:
    """``floor(value + 1/2)``: halves go up, towards positive infinity, as ``Math.round`` does."""
    return math.floor(value + Fraction(1, 2))


def datetime_seconds(moment: datetime) -> int:
    """Unix seconds of a datetime (naive means UTC), rounded half up."""
    delta = as_utc(moment) - EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return round_half_up(Fraction(micros, 1_000_000))


def number_seconds(number: Fraction) -> int | None:
    """Unix seconds from a number of seconds or milliseconds (see the module docstring)."""
    seconds = number if number < MILLISECONDS_THRESHOLD else number / 1000
    rounded = round_half_up(seconds)
    return rounded if abs(rounded) <= _LIMIT_SECONDS else None


def iso_seconds(text: str) -> int | None:
    """Unix seconds of a loose ISO 8601 string, or None when it is not one or names no real time."""
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    part = match.groupdict()
    year = int(part["year"])
    month = int(part["month"] or 1)
    day = int(part["day"] or 1)
    hour = int(part["hour"] or 0)
    minute = int(part["minute"] or 0)
    second = int(part["second"] or 0)
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    offset = 0
    if part["sign"]:
        zone_hour, zone_minute = int(part["zone_hour"]), int(part["zone_minute"] or 0)
        if zone_hour > 23 or zone_minute > 59:
            return None
        offset = (zone_hour * 3600 + zone_minute * 60) * (-1 if part["sign"] == "-" else 1)
    fraction = (
        Fraction(int(part["fraction"]), 10 ** len(part["fraction"])) if part["fraction"] else 0
    )
    total = _days_from_epoch(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
    return round_half_up(total - offset + Fraction(fraction))


def created_at_seconds(value: Value) -> int | None:
    """The ``created_at`` reading of a trait value, or None when it is not a date."""
    if isinstance(value, datetime):
        return datetime_seconds(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return number_seconds(Fraction(value))
    if isinstance(value, float):
        return number_seconds(Fraction(value)) if math.isfinite(value) else None
    if isinstance(value, str):
        seconds = iso_seconds(value)
        if seconds is None and _NUMERIC.fullmatch(value):
            seconds = number_seconds(Fraction(Decimal(value)))
        return seconds
    return None


def strict_date_seconds(value: Value) -> int | None:
    """The ``_date`` property reading of a value, or None when it stays as it is."""
    if isinstance(value, datetime):
        return datetime_seconds(value)
    if isinstance(value, str) and _STRICT_PREFIX.match(value):
        return iso_seconds(value)
    return None


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _days_from_epoch(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar; valid for year 0 too."""
    # Count from March so that the leap day falls at the end of the counting year.
    y = year - (month <= 2)
    era = y // 400
    year_of_era = y - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468
