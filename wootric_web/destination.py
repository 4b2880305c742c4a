"""The Wootric destination: what each analytics call writes to ``window.wootricSettings``.

Pure functions from a call (already read by :mod:`wootric_web.arguments`, with the identity it
applies to) to the settings keys it writes. Which beacon command follows, and when, is the
session's business (:mod:`wootric_web.session`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from .dates import created_at_seconds
from .page_context import PageContext, page_defaults
from .properties import wootric_properties
from .values import JsonValue, Value, Warn, is_mapping, json_object, type_name

NAME = "Wootric"
"""The destination's name in the ``integrations`` option (matched exactly)."""

# Settings that describe the visitor; a reset removes them so that the next person on this browser
# is never surveyed under the previous one's email.
VISITOR_SETTINGS = ("email", "created_at", "segment_user_id", "properties", "group_info")

_PUNCTUATION = re.compile(r"[^a-z0-9]")


def looks_like_email(value: object) -> bool:
    r"""Whether some line of ``value`` reads ``x@y.z`` (as the regular expression ``.+@.+\..+``
    would find), checked in linear time: that expression backtracks for minutes on a long string
    of `@`s, and a page may pass any string."""
    if not isinstance(value, str):
        return False
    for line in value.split("\n"):
        at = line.find("@", 1)  # at least one character before it
        dot = line.find(".", at + 2) if at >= 0 else -1  # and one between it and the dot
        if 0 <= dot < len(line) - 1:  # and one after the dot
            return True
    return False


def is_enabled(options: Mapping[str, Value]) -> bool:
    """Whether the ``integrations`` option lets this call reach Wootric."""
    integrations = options.get("integrations")
    if not is_mapping(integrations):
        return True
    if NAME in integrations:
        return _truthy(integrations[NAME])
    if "All" in integrations:
        return _truthy(integrations["All"])
    return True


def _truthy(value: Value) -> bool:
    """JavaScript truthiness: objects and arrays are true even when empty."""
    return isinstance(value, dict | list) or bool(value)


def _find_key(source: Mapping[str, Value], wanted: str, *, loose: bool = False) -> list[str]:
    """Keys of ``source`` that spell ``wanted`` ignoring case (and punctuation when ``loose``)."""

    def normal(key: str) -> str:
        folded = key.casefold()
        return _PUNCTUATION.sub("", folded) if loose else folded

    return [key for key in source if normal(key) == wanted]


def email_in(source: Mapping[str, Value], warn: Warn) -> tuple[str | None, str | None]:
    """The first usable ``email`` value of ``source`` (key matched ignoring case), and its key."""
    for key in _find_key(source, "email"):
        value = source[key]
        if isinstance(value, str) and value:
            return value, key
        if value:
            warn("email-not-string", f"An email of type {type_name(value)} was ignored.")
    return None, None


def created_at_in(traits: Mapping[str, Value], warn: Warn) -> tuple[int | None, str | None]:
    """``created_at`` seconds from trait ``created``, else ``createdAt``, and the key it came from.

    Keys are matched ignoring case and punctuation, so ``created_at`` and ``CreatedAt`` count.
    """
    candidates = _find_key(traits, "created", loose=True) + _find_key(
        traits, "createdat", loose=True
    )
    unreadable: list[str] = []
    for key in candidates:
        value = traits[key]
        # Segment's integration tests `if (created)`: 0, '' and false are no date there either.
        if not _truthy(value) and not isinstance(value, datetime):
            continue
        seconds = created_at_seconds(value)
        if seconds is not None:
            return seconds, key
        unreadable.append(type_name(value))
    if unreadable:
        warn(
            "created-at-unparseable",
            f"created_at was left unchanged: a value of type {unreadable[0]} is not a date "
            "(expected a Date, Unix seconds or milliseconds, or an ISO 8601 string).",
        )
    return None, None


def _language(source: Mapping[str, Value], warn: Warn) -> dict[str, JsonValue]:
    language = source.get("language")
    if isinstance(language, str) and language:
        return {"language": language}
    if language:
        warn("language-not-string", f"A language of type {type_name(language)} was ignored.")
    return {}


def identify_settings(
    user_id: str | None,
    anonymous_id: str,
    traits: Mapping[str, Value],
    warn: Warn,
    *,
    strict: bool = False,
) -> dict[str, JsonValue]:
    """The settings an ``identify`` writes; ``traits`` are the accumulated traits."""
    traits = {**traits, "id": user_id} if user_id else dict(traits)
    settings: dict[str, JsonValue] = {"segment_user_id": user_id or anonymous_id}
    settings.update(_language(traits, warn))
    omit: set[str] = set()
    created_at, created_key = created_at_in(traits, warn)
    if created_at is not None and created_key is not None:
        settings["created_at"] = created_at
        omit.add(created_key)
    settings.update(_email_setting((), traits, user_id, omit, warn))
    settings["event_name"] = None
    settings["properties"] = wootric_properties(traits, omit, warn, strict=strict)
    return settings


def track_settings(
    event: str,
    properties: Mapping[str, Value],
    options: Mapping[str, Value],
    user_id: str | None,
    warn: Warn,
    *,
    strict: bool = False,
) -> dict[str, JsonValue]:
    """The settings a ``track`` writes; ``created_at`` is never touched by a track."""
    settings: dict[str, JsonValue] = _language(properties, warn)
    omit: set[str] = set()
    context_traits = (options.get("traits"), _get(options.get("context"), "traits"))
    settings.update(_email_setting(context_traits, properties, user_id, omit, warn))
    settings["event_name"] = event
    settings["properties"] = wootric_properties(properties, omit, warn, strict=strict)
    return settings


def _email_setting(
    preferred: Iterable[Value],
    own: Mapping[str, Value],
    user_id: str | None,
    omit: set[str],
    warn: Warn,
) -> dict[str, JsonValue]:
    """``email`` from the first of: the ``preferred`` trait objects, the call's ``own`` traits or
    properties (whose key is then added to ``omit``), an email-looking user id; else nothing."""
    for traits in preferred:
        if is_mapping(traits):
            email, _ = email_in(traits, warn)
            if email:
                return {"email": email}
    email, key = email_in(own, warn)
    if key is not None:
        omit.add(key)
    elif looks_like_email(user_id):
        email = user_id
    return {"email": email} if email else {}


def _get(value: Value, key: str) -> Value:
    return value.get(key) if isinstance(value, dict) else None


def page_info(
    category: str | None, name: str | None, properties: Mapping[str, Value], context: PageContext
) -> dict[str, JsonValue]:
    """``page_info``: the page properties, with name, category and analytics.js's defaults."""
    info: dict[str, Value] = dict(properties)
    if name:
        info["name"] = name
    if category:
        info["category"] = category
    for key, value in page_defaults(context).items():
        info.setdefault(key, value)
    return json_object(info)


def group_info(group_id: str | None, traits: Mapping[str, Value]) -> dict[str, JsonValue]:
    """``group_info``: the group's accumulated traits plus ``id``."""
    info = json_object(traits)
    if group_id:
        info["id"] = group_id
    return info
