"""Reading ``identify``/``track``/``page``/``group`` arguments the way analytics.js reads them.

analytics.js lets callers leave out any leading argument: ``identify(traits)``,
``page(name, properties)``, ``track(event, callback)``, … These readers take the arguments exactly
as given (from JavaScript through the wire, or from Python) and say what each one is. Every
mapping is cleaned (:func:`wootric_web.values.clean`) here, once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeGuard

from .values import MARKER_KEY, Value, Warn, clean_mapping, is_mapping, type_name


@dataclass(frozen=True, slots=True)
class UserArguments:
    """``identify`` or ``group``: an id (None when not given), traits, options, a callback."""

    id: str | None = None
    traits: dict[str, Value] = field(default_factory=dict)
    options: dict[str, Value] = field(default_factory=dict)
    callback: object = None


@dataclass(frozen=True, slots=True)
class TrackArguments:
    event: str | None = None
    properties: dict[str, Value] = field(default_factory=dict)
    options: dict[str, Value] = field(default_factory=dict)
    callback: object = None


@dataclass(frozen=True, slots=True)
class PageArguments:
    category: str | None = None
    name: str | None = None
    properties: dict[str, Value] = field(default_factory=dict)
    options: dict[str, Value] = field(default_factory=dict)
    callback: object = None


def is_callback(value: object) -> bool:
    """A callback: a Python callable, or the wire's stand-in for a JavaScript function."""
    if is_mapping(value):
        return _read(value, MARKER_KEY) == "function"
    return callable(value)


def is_plain_object(value: object) -> TypeGuard[Mapping[object, object]]:
    """A mapping that is not a wire marker. One that cannot be read counts (cleaning empties it)."""
    return is_mapping(value) and _read(value, MARKER_KEY) is None


def _read(mapping: Mapping[object, object], key: str) -> object:
    """``mapping.get(key)``, or None when the caller's mapping raises on reading."""
    try:
        return mapping.get(key)
    except Exception:  # noqa: BLE001 - a caller's mapping may raise from anything
        return None


def id_string(value: object) -> str | None:
    """A string or finite number as an id string (numbers as JavaScript prints them), else None."""
    if value is None:  # the usual case (no userId option), answered first
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
    return str(value)


def first_callback(args: Sequence[object]) -> object:
    return next((arg for arg in args if is_callback(arg)), None)


def read_user_arguments(method: str, args: Sequence[object], warn: Warn) -> UserArguments:
    """``identify(userId?, traits?, options?, callback?)``; ``group`` reads the same way.

    The first argument is the id when it is a string or a number; ``null`` there is skipped.
    Then come traits and options (objects or null); the first function is the callback.
    """
    slots = ["id", "traits", "options"]
    found: dict[str, object] = {}
    for arg in args:
        if is_callback(arg):
            found["callback"] = arg
            break
        if not slots:
            if arg is None:
                continue
            warn(
                "argument-extra",
                f"{method}: an extra argument of type {type_name(arg)} was ignored.",
            )
            continue
        if slots[0] == "id":
            slots.pop(0)
            if arg is None:
                continue
            identifier = id_string(arg)
            if identifier is not None:
                found["id"] = identifier
                continue
        slot = slots.pop(0)
        if is_plain_object(arg):
            found[slot] = arg
        elif arg is not None:
            warn(
                "argument-ignored",
                f"{method}: an argument of type {type_name(arg)} was ignored where {slot} belong.",
            )
    given_id = found.get("id")
    return UserArguments(
        id=given_id if isinstance(given_id, str) and given_id else None,
        traits=clean_mapping(found.get("traits"), warn),
        options=clean_mapping(found.get("options"), warn),
        callback=found.get("callback"),
    )


def read_track_arguments(args: Sequence[object], warn: Warn) -> TrackArguments:
    """``track(event, properties?, options?, callback?)``, or ``track({event, properties}, …)``."""
    padded = [*args, None, None, None][:3]
    first, second, third = padded
    if is_plain_object(first):
        event, properties, options = _read(first, "event"), _read(first, "properties"), second
    else:
        event, properties, options = first, second, third
    if properties is not None and not is_plain_object(properties) and not is_callback(properties):
        warn("argument-ignored", f"track: properties of type {type_name(properties)} were ignored.")
    return TrackArguments(
        event=event if isinstance(event, str) and event else None,
        properties=clean_mapping(properties, warn) if is_plain_object(properties) else {},
        options=clean_mapping(options, warn) if is_plain_object(options) else {},
        callback=first_callback(args),
    )


def read_page_arguments(args: Sequence[object], warn: Warn) -> PageArguments:
    """``page(category?, name?, properties?, options?, callback?)``.

    One string is the name, two are category then name; an object where a string would be starts
    the properties, and the next object is the options. Read positionally, as the classic library
    does: ``page(null, "Pricing", props)`` keeps ``props`` as the properties.
    """
    category, name, properties, options, callback = [*args, None, None, None, None, None][:5]
    if is_callback(category):
        category, name, properties, options, callback = None, None, None, None, category
    if is_callback(options):
        callback, options = options, None
    if is_callback(properties):
        callback, options, properties = properties, None, None
    if is_callback(name):
        callback, options, properties, name = name, None, None, None
    if is_plain_object(category):
        options, properties, name, category = name, category, None, None
    if is_plain_object(name):
        options, properties, name = properties, name, None
    if isinstance(category, str) and not isinstance(name, str):
        name, category = category, None
    for label, value in (("category", category), ("name", name)):
        if value is not None and not isinstance(value, str):
            warn("argument-ignored", f"page: a {label} of type {type_name(value)} was ignored.")
    return PageArguments(
        category=category if isinstance(category, str) else None,
        name=name if isinstance(name, str) else None,
        properties=clean_mapping(properties, warn) if is_plain_object(properties) else {},
        options=clean_mapping(options, warn) if is_plain_object(options) else {},
        callback=callback if is_callback(callback) else None,
    )
