"""Turning whatever a page passes into values the core can reason about.

Calls carry arbitrary data: JSON decoded from the page, or any Python object from a Python caller.
Every value goes through :func:`clean` once, at the edge, so that the rest of the core only ever
sees :data:`Value` trees: JSON types plus timezone-aware UTC ``datetime`` for dates. What cannot be
represented is dropped with a warning that names the value's type, never the value itself.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeAlias, TypeGuard

JsonValue: TypeAlias = bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None
Value: TypeAlias = bool | int | float | str | datetime | list["Value"] | dict[str, "Value"] | None

# Limits on what one call may carry. A survey beacon sends these values as URL parameters, so
# far smaller values are all it can use; the limits keep a runaway page from making every call slow
# or `wootricSettings` huge. Deeper nesting is almost certainly a mistake, and bounds recursion.
MAX_DEPTH = 32
MAX_STRING_LENGTH = 10_000
MAX_KEY_LENGTH = 256
MAX_ITEMS = 1_000
MAX_ITEMS_TOTAL = 10_000
MAX_CHARACTERS_TOTAL = 1_000_000
MAX_SAFE_INTEGER = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER
MAX_INTEGER_BITS = 1_024  # about 300 digits, far below Python's own limit on printing integers
LIMITS = {
    "depth": MAX_DEPTH,
    "string_length": MAX_STRING_LENGTH,
    "key_length": MAX_KEY_LENGTH,
    "items_per_container": MAX_ITEMS,
    "items_per_argument": MAX_ITEMS_TOTAL,
    "characters_per_argument": MAX_CHARACTERS_TOTAL,
}

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# The wire marker for a JavaScript Date: {"$wootric": "date", "ms": <getTime()>}.
MARKER_KEY = "$wootric"

Warn = Callable[[str, str], None]
"""Reports a problem: ``warn(code, message)``. Messages never contain the caller's data."""


# Decoded JSON's types that are not mappings: see is_mapping.
_JSON_SCALARS = frozenset({str, int, float, bool, type(None), list})


def is_mapping(value: object) -> TypeGuard[Mapping[Any, Any]]:
    """``isinstance(value, Mapping)``, answered at once for decoded JSON's own types. The abstract
    class's check was the costliest step of reading a call in Pyodide, and a burst of calls queued
    before start-up makes it tens of thousands of times."""
    kind = type(value)
    if kind is dict:
        return True
    return kind not in _JSON_SCALARS and isinstance(value, Mapping)


def type_name(value: object) -> str:
    """A short, data-free description of a value for warnings."""
    if is_mapping(value) and value.get(MARKER_KEY) == "function":
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


def clean(value: object, warn: Warn) -> Value:
    """``value`` as a :data:`Value`; what cannot be represented becomes ``None``, with a warning.

    Within :data:`LIMITS`: longer strings are cut, extra items and deeper nesting are left out,
    and lone UTF-16 surrogates (which a beacon cannot URL-encode) become U+FFFD. Each kind of
    repair is warned about once per value.
    """
    cleaned = _Cleaner(warn).clean(value, depth=0)
    return None if cleaned is _DROP else cleaned  # type: ignore[return-value]


def clean_mapping(value: object, warn: Warn) -> dict[str, Value]:
    """``value`` as a dict of :data:`Value` when it is a mapping, else an empty dict."""
    cleaned = clean(value, warn) if is_mapping(value) else None
    return cleaned if isinstance(cleaned, dict) else {}


class _Drop:
    """Marks a value that JSON would leave out (a function, an unknown object)."""


_DROP = _Drop()
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class _Cleaner:
    """One :func:`clean` run: the containers being visited (for cycles) and the size spent."""

    def __init__(self, warn: Warn) -> None:
        self._warn = warn
        self._warned: set[str] = set()
        self._visiting: set[int] = set()
        self._items_left = MAX_ITEMS_TOTAL
        self._characters_left = MAX_CHARACTERS_TOTAL

    def warn_once(self, code: str, message: str) -> None:
        if code not in self._warned:
            self._warned.add(code)
            self._warn(code, message)

    def clean(self, value: object, depth: int) -> Value | _Drop:
        try:
            return self._clean(value, depth)
        except Exception:  # noqa: BLE001 - a caller's object may raise from anything we touch
            self.warn_once("value-unreadable", "A value that raised when read was left out.")
            return _DROP

    def _clean(self, value: object, depth: int) -> Value | _Drop:
        self._items_left -= 1
        if self._items_left < 0:
            self.warn_once(
                "value-too-large",
                f"Values beyond {MAX_ITEMS_TOTAL} items in one argument were left out.",
            )
            return _DROP
        # Decoded JSON first: its exact types need neither conversion nor the checks below.
        if type(value) is str:
            return self.text(value, MAX_STRING_LENGTH)
        if type(value) is int:
            return self.integer(value)
        if type(value) is dict and MARKER_KEY not in value:
            return self.container(value, depth)
        # Subclasses (enums, str wrappers) become the plain value, through the base class's own
        # conversion, so that no overridden method of the caller's runs later in the core.
        if isinstance(value, str):
            return self.text(str.__str__(value), MAX_STRING_LENGTH)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            return self.integer(int.__int__(value))
        if isinstance(value, float):
            value = float.__float__(value)
            if math.isfinite(value):
                return value
            self.warn_once("value-not-finite", "Non-finite numbers (NaN, Infinity) became null.")
            return None
        if isinstance(value, date):
            return as_utc(value)
        if is_mapping(value):
            marker = value.get(MARKER_KEY)
            if marker == "date":
                moment = date_from_marker(value)
                if moment is None:
                    self.warn_once("value-invalid-date", "An invalid Date became null.")
                return moment
            if marker == "function":
                return _DROP
        if is_mapping(value) or isinstance(value, list | tuple):
            return self.container(value, depth)
        if not callable(value):
            self.warn_once("value-unsupported", f"A value of type {type_name(value)} was left out.")
        return _DROP

    def integer(self, value: int) -> int | str | _Drop:
        """JavaScript holds integers exactly only up to 2**53; beyond that, the digits are kept
        as a string (as the page's own BigInts arrive), and absurdly long ones are dropped."""
        if abs(value) <= MAX_SAFE_INTEGER:
            return value
        if value.bit_length() > MAX_INTEGER_BITS:
            self.warn_once("value-too-large", "An integer too large to use was left out.")
            return _DROP
        self.warn_once(
            "value-unsafe-integer", "Integers beyond JavaScript's safe range became strings."
        )
        return str(value)

    def text(self, value: str, limit: int) -> str:
        if len(value) > limit:
            self.warn_once("value-too-long", f"Strings longer than {limit} characters were cut.")
            value = value[:limit]
        if len(value) > self._characters_left:
            self.warn_once(
                "value-too-large",
                f"Text beyond {MAX_CHARACTERS_TOTAL} characters in one argument was cut.",
            )
            value = value[: max(self._characters_left, 0)]
        self._characters_left -= len(value)
        if _LONE_SURROGATE.search(value):
            self.warn_once("value-invalid-text", "Invalid UTF-16 (lone surrogates) became U+FFFD.")
            value = _LONE_SURROGATE.sub("\ufffd", value)
        return value

    def container(
        self, value: Mapping[object, object] | list[object] | tuple[object, ...], depth: int
    ) -> Value | _Drop:
        if depth >= MAX_DEPTH:
            self.warn_once(
                "value-too-deep", f"Nesting deeper than {MAX_DEPTH} levels was left out."
            )
            return _DROP
        if id(value) in self._visiting:
            self.warn_once("value-cyclic", "A value that contains itself was left out.")
            return _DROP
        if len(value) > MAX_ITEMS:
            self.warn_once(
                "value-too-many", f"Items beyond {MAX_ITEMS} in one object or list were left out."
            )
        self._visiting.add(id(value))
        try:
            if is_mapping(value):
                return self.mapping(value, depth)
            items: list[Value] = []
            for item in itertools.islice(value, MAX_ITEMS):
                cleaned = self.clean(item, depth + 1)
                if self._items_left < 0:
                    break
                items.append(None if cleaned is _DROP else cleaned)  # type: ignore[arg-type]
            return items
        finally:
            self._visiting.discard(id(value))

    def mapping(self, value: Mapping[object, object], depth: int) -> dict[str, Value]:
        out: dict[str, Value] = {}
        for key, item in itertools.islice(value.items(), MAX_ITEMS):
            if type(key) is not str and (
                isinstance(key, bool) or not isinstance(key, str | int | float)
            ):
                self.warn_once(
                    "key-unsupported", f"A key of type {type(key).__name__} was left out."
                )
                continue
            if key == "__proto__":
                # Harmless here, but a beacon that copies objects by assignment would change a
                # prototype with it; no real property is called that.
                self.warn_once("key-reserved", "A key named __proto__ was left out.")
                continue
            if isinstance(key, str) and len(key) > MAX_KEY_LENGTH:
                self.warn_once(
                    "key-too-long", f"Keys longer than {MAX_KEY_LENGTH} characters were left out."
                )
                continue
            cleaned = self.clean(item, depth + 1)
            if self._items_left < 0:
                break
            if cleaned is not _DROP:
                name = (
                    self.text(str.__str__(key), MAX_KEY_LENGTH)
                    if isinstance(key, str)
                    else _js_key(key)
                )
                out[name] = cleaned  # type: ignore[assignment]
        return out


def _js_key(key: int | float) -> str:
    """A numeric key as JavaScript would spell it as a property name (1.0 → "1")."""
    if isinstance(key, float):
        number = float.__float__(key)
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "Infinity" if number > 0 else "-Infinity"
        return str(int(number)) if number.is_integer() else repr(number)
    number = int.__int__(key)
    return str(number) if number.bit_length() <= MAX_INTEGER_BITS else "Infinity"


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
