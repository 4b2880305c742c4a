"""The property rules: what identify traits and track properties become in ``properties``.

Wootric accepts flat properties whose dates are Unix seconds under keys ending in ``_date`` and
whose keys contain no ``$``, ``.`` or NUL. Top-level dates (date objects and strict ISO 8601
strings) are converted and renamed here; everything else is copied unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping

from .dates import strict_date_seconds
from .values import JsonValue, Value, Warn, to_json

# Keys that feed dedicated settings (email, created_at) and must never be repeated in properties.
# Unlike the reference we leave them out before renaming dates, so `createdAt` never reappears
# as `createdAt_date`.
ALWAYS_OMITTED = frozenset({"email", "created", "createdAt"})

_FORBIDDEN_IN_KEYS = ("$", ".", "\x00")


def date_key(key: str) -> str:
    """The key a date value is stored under: ``_date`` appended unless already there."""
    return key if key.endswith("_date") else f"{key}_date"


def amount_key(key: str) -> str:
    """The key an integer is stored under in strict mode: ``_amount`` appended unless there."""
    return key if key.endswith(("_amount", "_date")) else f"{key}_amount"


def wootric_properties(
    source: Mapping[str, Value], omit: Collection[str], warn: Warn, *, strict: bool = False
) -> dict[str, JsonValue]:
    """``source`` by the property rules, without ``omit`` and the email and created keys.

    ``strict`` also applies Wootric's own rules for values (see :func:`strict_entries`).
    """
    result: dict[str, JsonValue] = {}
    dropped = 0
    for key, value in source.items():
        if key in ALWAYS_OMITTED or key in omit:
            continue
        entries = strict_entries(key, value) if strict else [_entry(key, value)]
        for name, converted in entries:
            if any(character in name for character in _FORBIDDEN_IN_KEYS):
                dropped += 1
                continue
            # Assigning in order means a later key that lands on the same name wins.
            result[name] = converted
    if dropped:
        warn(
            "property-key-invalid",
            f"{dropped} property key(s) containing '$', '.' or NUL were left out: "
            "Wootric rejects such keys.",
        )
    return result


def _entry(key: str, value: Value) -> tuple[str, JsonValue]:
    seconds = strict_date_seconds(value)
    return (key, to_json(value)) if seconds is None else (date_key(key), seconds)


def strict_entries(key: str, value: Value) -> list[tuple[str, JsonValue]]:
    """Wootric's value rules: flat values that are strings, integers or Unix-second dates.

    Dates become seconds under ``_date`` keys; integers go under ``_amount`` keys; nested objects
    are flattened into ``parent_child`` keys; arrays are joined with commas; other numbers and
    booleans become strings. ``null`` stays ``null`` (Wootric's "no value").
    """
    if isinstance(value, dict):
        return [
            entry
            for child, item in value.items()
            for entry in strict_entries(f"{key}_{child}", item)
        ]
    if isinstance(value, list):
        return [(key, ",".join(_text(item) for item in value))]
    if isinstance(value, bool):
        return [(key, "true" if value else "false")]
    if isinstance(value, int):
        return [(amount_key(key), value)]
    if isinstance(value, float):
        return [(amount_key(key), int(value))] if value.is_integer() else [(key, _text(value))]
    return [_entry(key, value)]


def _text(value: Value) -> str:
    """A value as JavaScript's ``String()`` would write it inside ``Array.prototype.join``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(to_json(value), separators=(",", ":"))
