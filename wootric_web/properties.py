"""The property rules: what identify traits and track properties become in ``properties``.

Wootric accepts flat properties whose dates are Unix seconds under keys ending in ``_date`` and
whose keys contain no ``$``, ``.`` or NUL. Top-level dates (date objects and strict ISO 8601
strings) are converted and renamed here; everything else is copied unchanged.
"""

from __future__ import annotations

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


def wootric_properties(
    source: Mapping[str, Value], omit: Collection[str], warn: Warn
) -> dict[str, JsonValue]:
    """``source`` by the property rules, without ``omit`` and the email and created keys."""
    result: dict[str, JsonValue] = {}
    dropped = 0
    for key, value in source.items():
        if key in ALWAYS_OMITTED or key in omit:
            continue
        seconds = strict_date_seconds(value)
        name, converted = (key, to_json(value)) if seconds is None else (date_key(key), seconds)
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
