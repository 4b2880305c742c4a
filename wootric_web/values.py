"""Turning whatever a page passes into values the core can reason about.

Calls carry arbitrary data: JSON decoded from the page, or any Python object from a Python caller.
Every value goes through :func:`clean` once, at the edge, so that the rest of the core only ever
sees :data:`Value` trees: JSON types plus timezone-aware UTC ``datetime`` for dates. What cannot be
represented is dropped with a warning that names the value's type, never the value itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import TypeAlias

JsonValue: TypeAlias = bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None
Value: TypeAlias = bool | int | float | str | datetime | list["Value"] | dict[str, "Value"] | None

# Deeper nesting than this is almost certainly a mistake (or a cyclic structure flattened by the
# page), and a beacon payload has no use for it; it also bounds recursion.
MAX_DEPTH = 32

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# The wire marker for a JavaScript Date: {"$wootric": "date", "ms": <getTime()>}.
MARKER_KEY = "$wootric"

Warn = Callable[[str, str], None]
"""Reports a problem: ``warn(code, message)``. Messages never contain the caller's data."""


def type_name(value: object) -> str:
    """A short, data-free description of a value for warnings."""
    if isinstance(value, Mapping) and value.get(MARKER_KEY) == "function":
        return "function"
    return type(value).__name__


def as_utc(value: date) -> datetime:
    """A ``date`` or ``datetime`` as an aware UTC datetime; naive values are read as UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def date_from_marker(value: Mapping[object, object]) -> datetime | None:
    """The datetime behind a wire date marker, or None when it is not a usable one."""
    ms = value.get("ms")
    if isinstance(ms, bool) or not isinstance(ms, int | float) or not math.isfinite(ms):
        return None
    try:
        return EPOCH + timedelta(milliseconds=ms)
    except OverflowError:
        return None


def is_marker(value: object, kind: str) -> bool:
    return isinstance(value, Mapping) and value.get(MARKER_KEY) == kind


def clean(value: object, warn: Warn) -> Value:
    """``value`` as a :data:`Value`; what cannot be represented becomes ``None``, with a warning."""
    cleaned = _clean(value, warn, depth=0, path=set())
    return None if cleaned is _DROP else cleaned  # type: ignore[return-value]


def clean_mapping(value: object, warn: Warn) -> dict[str, Value]:
    """``value`` as a dict of :data:`Value` when it is a mapping, else an empty dict."""
    cleaned = clean(value, warn) if isinstance(value, Mapping) else None
    return cleaned if isinstance(cleaned, dict) else {}


class _Drop:
    """Marks a value that JSON would leave out (a function, an unknown object)."""


_DROP = _Drop()


def _clean(value: object, warn: Warn, depth: int, path: set[int]) -> Value | _Drop:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        warn("value-not-finite", "A non-finite number (NaN or Infinity) was replaced by null.")
        return None
    if isinstance(value, date):
        return as_utc(value)
    if isinstance(value, Mapping):
        marker = value.get(MARKER_KEY)
        if marker == "date":
            moment = date_from_marker(value)
            if moment is None:
                warn("value-invalid-date", "An invalid Date was replaced by null.")
            return moment
        if marker == "function":
            return _DROP
    if isinstance(value, Mapping | list | tuple):
        if depth >= MAX_DEPTH:
            warn("value-too-deep", f"Nesting deeper than {MAX_DEPTH} levels was left out.")
            return _DROP
        if id(value) in path:
            warn("value-cyclic", "A value that contains itself was left out.")
            return _DROP
        path.add(id(value))
        try:
            if isinstance(value, Mapping):
                return _clean_mapping(value, warn, depth, path)
            items = (_clean(item, warn, depth + 1, path) for item in value)
            return [None if item is _DROP else item for item in items]  # type: ignore[misc]
        finally:
            path.discard(id(value))
    if not callable(value):
        warn("value-unsupported", f"A value of type {type_name(value)} was left out.")
    return _DROP


def _clean_mapping(
    value: Mapping[object, object], warn: Warn, depth: int, path: set[int]
) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for key, item in value.items():
        if isinstance(key, bool) or not isinstance(key, str | int | float):
            warn("key-unsupported", f"A key of type {type(key).__name__} was left out.")
            continue
        cleaned = _clean(item, warn, depth + 1, path)
        if cleaned is not _DROP:
            out[key if isinstance(key, str) else _js_key(key)] = cleaned  # type: ignore[assignment]
    return out


def _js_key(key: int | float) -> str:
    """A numeric key as JavaScript would spell it as a property name (1.0 → "1")."""
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


def to_json(value: Value) -> JsonValue:
    """A :data:`Value` as plain JSON: dates become ISO 8601 strings, as ``JSON.stringify`` does."""
    if isinstance(value, datetime):
        return iso_string(value)
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return json_object(value)
    return value


def json_object(value: Mapping[str, Value]) -> dict[str, JsonValue]:
    """A mapping of :data:`Value` as a JSON object (see :func:`to_json`)."""
    return {key: to_json(item) for key, item in value.items()}


def iso_string(moment: datetime) -> str:
    """``Date.prototype.toISOString``: UTC, milliseconds, ``Z``."""
    return as_utc(moment).isoformat(timespec="milliseconds").replace("+00:00", "Z")
