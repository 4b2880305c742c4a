"""The cloud-mode destination's mapping: a Segment or RudderStack event in, Wootric API calls out.

Pure, in two steps, so that neither touches the network (:mod:`wootric_web.rest.send` does):
:func:`plan_event` reads an event into an :class:`EventPlan` (which end user it is about and how to
find them, and what it asks for), and :func:`calls_for` turns a plan and the end user the lookups
found (or None) into the calls to make. The mapping is RudderStack's (seed 004; platform notes §3),
read with the core's rules for ids, emails, dates and properties; README.md's "Server side" lists
where it deviates and why.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..arguments import id_string
from ..dates import created_at_seconds
from ..destination import created_at_in, email_in, looks_like_email
from ..properties import wootric_properties
from ..values import JsonValue, Value, clean_mapping, type_name
from .client import Method, path_segment

EVENT_TYPES = ("create response", "create decline")
"""The values of ``integrations.Wootric.eventType`` a track event may carry (any case)."""

WOOTRIC_ID_TYPE = "wootricEndUserId"
"""The ``context.externalId`` type that holds Wootric's own end user id."""

# Traits that say who the user is rather than describe them; RudderStack leaves them out of
# properties as well (§3), and they reach Wootric as external_id and phone_number.
_IDENTITY_TRAITS = frozenset({"userId", "anonymousId", "id", "phone"})

# Form fields nest by brackets (`properties[a][b]`): a key holding one would write elsewhere.
_BRACKETS = ("[", "]")

# The event types of the Segment spec that Wootric has no call for.
_OTHER_SPEC_TYPES = frozenset({"page", "screen", "group", "alias"})

Warnings = tuple[tuple[str, str], ...]


class EventError(Exception):
    """Why one event cannot be sent: a ``code`` and a sentence that names fields, not values."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Options:
    """How events are read.

    ``strict_properties``: Wootric's own value rules for properties, as the tag's
    ``data-strict-properties`` (README "Strict properties"); keep the two sides alike so that both
    write the same keys for one end user.
    ``last_surveyed_from_timestamp``: set ``last_surveyed`` to an identify's timestamp, as
    RudderStack does; off by default, because Wootric's survey throttle reads it as the last time
    the user was surveyed.
    """

    strict_properties: bool = False
    last_surveyed_from_timestamp: bool = False


DEFAULT_OPTIONS = Options()


@dataclass(frozen=True)
class ApiCall:
    """One call on Wootric's API: ``form`` is the form-encoded body."""

    method: Method
    path: str
    params: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return f"{self.method} {self.path}"


LookupKind = Literal["id", "external_id", "email"]
LOOKUP_KINDS: tuple[LookupKind, ...] = ("id", "external_id", "email")
"""The ways to find an end user, in the order they are tried (§2.4)."""


@dataclass(frozen=True)
class Lookup:
    """A way to find an end user: by Wootric id, by external id (the user id), or by email."""

    how: LookupKind
    value: str

    def call(self) -> ApiCall:
        """The lookup's GET (§2.4); its 404 means no such end user."""
        params = {} if self.how == "id" else {f"lookup_by_{self.how}": "true"}
        return ApiCall("GET", f"/v1/end_users/{path_segment(self.value)}", params=params)


@dataclass(frozen=True)
class Identify:
    """Create the end user, or update the one found. ``fields`` are the form's plain fields."""

    user_id: str | None
    fields: dict[str, str]
    properties: dict[str, JsonValue]


@dataclass(frozen=True)
class Feedback:
    """A survey response or decline for an end user who must exist."""

    kind: Literal["responses", "declines"]
    fields: dict[str, str]
    properties: dict[str, JsonValue]


@dataclass(frozen=True)
class EventPlan:
    """What one event asks for: ``lookups`` are tried in order, and the first found is the user."""

    type: str
    lookups: tuple[Lookup, ...]
    action: Identify | Feedback
    warnings: Warnings = ()


@dataclass(frozen=True)
class Calls:
    """The calls for one event, and the end user's properties once they are made (None: as they
    were)."""

    calls: list[ApiCall]
    properties: dict[str, JsonValue] | None


Warn = Callable[[str, str], None]


def message_id(event: object) -> str | None:
    """The event's ``messageId``, to name it in reports, when it is a string."""
    value = event.get("messageId") if isinstance(event, Mapping) else None
    return value[:200] if isinstance(value, str) else None


def plan_event(event: object, options: Options = DEFAULT_OPTIONS) -> EventPlan:
    """The plan for one decoded JSON event; raises :class:`EventError` when it cannot be sent.

    Values go through the core's cleaning first (:func:`wootric_web.values.clean`): what it repairs
    (over-long strings, lone surrogates, keys Wootric rejects) comes back as the plan's warnings.
    """
    if not isinstance(event, Mapping):
        raise EventError("event-not-object", "An event must be a JSON object.")
    warnings: list[tuple[str, str]] = []

    def warn(code: str, message: str) -> None:
        warnings.append((code, message))

    data = clean_mapping(event, warn)
    kind = data.get("type")
    if kind not in ("identify", "track"):
        raise _type_error(kind)
    context = _mapping(data.get("context"))
    # Top-level traits win over context.traits, as in RudderStack's generic mapping.
    traits = {**_mapping(context.get("traits")), **_mapping(data.get("traits"))}
    properties = _mapping(data.get("properties"))
    user_id = _user_id(data, traits, warn)
    email, email_key = email_in(traits, warn)
    if email is None:
        email, _ = email_in(properties, warn)
    if email is None and looks_like_email(user_id):
        email = user_id
    wootric_id = _wootric_id(context)
    if wootric_id is None and user_id is None:
        raise EventError(
            "user-id-missing",
            "The event names no end user: it needs a userId (or traits.userId / traits.id) or a "
            f"context.externalId entry of type {WOOTRIC_ID_TYPE}.",
        )
    lookups = tuple(
        Lookup(how, value)
        for how, value in zip(LOOKUP_KINDS, (wootric_id, user_id, email), strict=True)
        if value is not None
    )
    created_at, created_key = created_at_in(traits, warn)
    omit = _IDENTITY_TRAITS | {key for key in (email_key, created_key) if key is not None}
    end_user_properties = _form_safe(
        wootric_properties(traits, omit, warn, strict=options.strict_properties), warn
    )
    action: Identify | Feedback
    if kind == "identify":
        fields = {"email": email, "phone_number": _phone(traits, properties)}
        fields["external_created_at"] = _text(created_at)
        if options.last_surveyed_from_timestamp:
            fields["last_surveyed"] = _text(_event_seconds(data))
        action = Identify(user_id, _present(fields), end_user_properties)
        plan_type = "identify"
    else:
        plan_type = _event_type(data)
        action = _feedback(plan_type, data, context, properties, end_user_properties, warn)
    return EventPlan(plan_type, lookups, action, tuple(warnings))


def check_found(plan: EventPlan, lookup: Lookup, user: Mapping[str, Any]) -> None:
    """Raise :class:`EventError` when ``user``, found by ``lookup``, is someone else: an end user
    found by email whose external id is not the event's user id."""
    if lookup.how != "email":
        return
    stored = user.get("external_id")
    user_id = next((other.value for other in plan.lookups if other.how == "external_id"), None)
    if stored and user_id is not None and str(stored) != user_id:
        raise EventError(
            "email-taken",
            "The event's email belongs to an end user with another external id (user id).",
        )


def calls_for(plan: EventPlan, user: Mapping[str, Any] | None) -> Calls:
    """The calls that carry out ``plan`` for ``user``, the end user its lookups found (or None).

    Properties sent are the stored ones with the event's on top: RudderStack merges them too (§3),
    as a write's properties may replace the stored set. Raises :class:`EventError` when the plan
    cannot be carried out for that user.
    """
    action = plan.action
    merged = _merged(user, action.properties)
    if isinstance(action, Feedback):
        if user is None:
            raise EventError(
                "user-not-found",
                "No end user matches the event (by wootricEndUserId, userId or email): a "
                "response or decline needs one that exists; send an identify first.",
            )
        form = {**action.fields, **_properties_form("end_user[properties]", merged)}
        path = f"/v1/end_users/{_end_user_id(user)}/{action.kind}"
        return Calls([ApiCall("POST", path, form=form)], merged)
    if user is None:
        if action.user_id is None:
            raise EventError(
                "user-not-found",
                f"No end user has the event's {WOOTRIC_ID_TYPE}, and without a userId "
                "(Wootric's external_id) none can be created.",
            )
        if "email" not in action.fields and "phone_number" not in action.fields:
            raise EventError(
                "email-or-phone-missing",
                "Creating an end user needs an email or a phone number (traits.email or "
                "traits.phone), and the event has neither.",
            )
        form = {**action.fields, "external_id": action.user_id}
        form.update(_properties_form("properties", merged))
        return Calls([ApiCall("POST", "/v1/end_users", form=form)], merged)
    form = dict(action.fields)
    if action.user_id is not None and not user.get("external_id"):
        # Found by email (an end user the browser's beacon made): give them the user id, so that
        # later events find them by it.
        form["external_id"] = action.user_id
    form.update(_properties_form("properties", merged))
    if not form:
        return Calls([], None)
    return Calls([ApiCall("PUT", f"/v1/end_users/{_end_user_id(user)}", form=form)], merged)


def form_value(value: JsonValue) -> str:
    """A property value as form text: numbers as JavaScript prints them, booleans as ``true`` and
    ``false``, and (outside strict mode, which flattens them) objects and arrays as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    number = id_string(value)
    if number is not None:
        return number
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _type_error(kind: Value) -> EventError:
    if kind is None:
        return EventError("type-missing", "The event has no type: expected identify or track.")
    if isinstance(kind, str) and kind in _OTHER_SPEC_TYPES:
        return EventError(
            "type-unsupported",
            f"Wootric has no call for {kind} events: only identify and track are sent.",
        )
    return EventError(
        "type-unsupported", "The event's type is not one Wootric takes: expected identify or track."
    )


def _event_type(data: Mapping[str, Value]) -> str:
    integrations = _mapping(data.get("integrations"))
    # RudderStack accepts the destination's name as Wootric, wootric or WOOTRIC (§3).
    wootric = next(
        (value for key, value in integrations.items() if key.casefold() == "wootric"), None
    )
    event_type = _mapping(wootric).get("eventType")
    if event_type is None:
        raise EventError(
            "event-type-missing",
            "A track event needs integrations.Wootric.eventType: 'create response' or "
            "'create decline'.",
        )
    normal = " ".join(event_type.split()).casefold() if isinstance(event_type, str) else None
    if normal not in EVENT_TYPES:
        raise EventError(
            "event-type-unsupported",
            "integrations.Wootric.eventType must be 'create response' or 'create decline'.",
        )
    return normal


def _feedback(
    event_type: str,
    data: Mapping[str, Value],
    context: Mapping[str, Value],
    properties: Mapping[str, Value],
    end_user_properties: dict[str, JsonValue],
    warn: Warn,
) -> Feedback:
    # The response's own time: a created date among the properties (as seed 004's example has
    # it), else the event's; RudderStack's use of the user's sign-up date would date every
    # response to the day the user signed up.
    created_at, _ = created_at_in(properties, warn)
    if created_at is None:
        created_at = _event_seconds(data)
    url = _string(_mapping(context.get("page")).get("url")) or _string(properties.get("url"))
    fields = {"origin_url": url, "created_at": _text(created_at)}
    if event_type == "create decline":
        return Feedback("declines", _present(fields), end_user_properties)
    if url is None:
        raise EventError(
            "origin-url-missing",
            "A response needs the page's URL: context.page.url (or properties.url).",
        )
    # Seed 004's example track call carries the address among the properties.
    ip_address = (
        _string(context.get("ip"))
        or _string(data.get("request_ip"))
        or _string(properties.get("ip"))
    )
    if ip_address is None:
        raise EventError(
            "ip-address-missing",
            "A response needs the visitor's IP address: context.ip (or request_ip).",
        )
    text = properties.get("feedbackText")
    if text is not None and not isinstance(text, str):
        warn(
            "feedback-text-not-string",
            f"properties.feedbackText of type {type_name(text)} was left out.",
        )
    fields.update(
        score=str(_score(properties.get("feedbackScore"))),
        ip_address=ip_address,
        text=text if isinstance(text, str) and text else None,
    )
    return Feedback("responses", _present(fields), end_user_properties)


def _score(value: Value) -> int:
    """``feedbackScore`` as Wootric's 0 to 10 (§2.5; RudderStack checks the same range)."""
    score: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        score = value
    elif isinstance(value, float) and value.is_integer():
        score = int(value)
    elif isinstance(value, str):
        digits = value.strip()
        # Short, so that a hostile run of digits is never turned into a huge integer.
        if digits.isascii() and digits.isdigit() and len(digits) <= 3:
            score = int(digits)
    if value is None:
        raise EventError(
            "score-missing", "A response needs properties.feedbackScore, a whole number 0-10."
        )
    if score is None or not 0 <= score <= 10:
        raise EventError(
            "score-invalid", "properties.feedbackScore must be a whole number from 0 to 10."
        )
    return score


def _user_id(data: Mapping[str, Value], traits: Mapping[str, Value], warn: Warn) -> str | None:
    """The first id among userId, traits.userId and traits.id, read as the browser reads ids."""
    for source, value in (
        ("userId", data.get("userId")),
        ("traits.userId", traits.get("userId")),
        ("traits.id", traits.get("id")),
    ):
        if value is None or value == "":
            continue
        text = id_string(value)
        if text:
            return text
        warn("user-id-not-string", f"A {source} of type {type_name(value)} was ignored.")
    return None


def _wootric_id(context: Mapping[str, Value]) -> str | None:
    entries = context.get("externalId")
    if not isinstance(entries, list):
        return None
    for entry in entries:
        if isinstance(entry, dict) and entry.get("type") == WOOTRIC_ID_TYPE:
            value = entry.get("id")
            text = id_string(value) if not isinstance(value, float) else None
            if text is None or not text.isdecimal() or not text.isascii():
                raise EventError(
                    "wootric-id-invalid",
                    f"The {WOOTRIC_ID_TYPE} in context.externalId must be Wootric's end user id, "
                    "a whole number.",
                )
            return text
    return None


def _phone(traits: Mapping[str, Value], properties: Mapping[str, Value]) -> str | None:
    for value in (traits.get("phone"), properties.get("phone")):
        text = id_string(value)
        if text:
            return text
    return None


def _event_seconds(data: Mapping[str, Value]) -> int | None:
    """The event's time, by the same rules as ``created_at``."""
    for key in ("timestamp", "originalTimestamp"):
        value = data.get(key)
        if value is not None:
            seconds = created_at_seconds(value)
            if seconds is not None:
                return seconds
    return None


def _form_safe(properties: dict[str, JsonValue], warn: Warn) -> dict[str, JsonValue]:
    safe = {key: value for key, value in properties.items() if not any(b in key for b in _BRACKETS)}
    if len(safe) < len(properties):
        warn(
            "property-key-bracket",
            f"{len(properties) - len(safe)} property key(s) containing '[' or ']' were left out: "
            "in a form field they would name another field.",
        )
    return safe


def _merged(
    user: Mapping[str, Any] | None, properties: dict[str, JsonValue]
) -> dict[str, JsonValue] | None:
    if not properties:
        return None
    stored = user.get("properties") if user is not None else None
    merged: dict[str, JsonValue] = dict(stored) if isinstance(stored, dict) else {}
    merged.update(properties)
    # A null is Wootric's "no value" (§1.4): the key is left out of the set that is sent.
    return {key: value for key, value in merged.items() if value is not None}


def _properties_form(prefix: str, properties: dict[str, JsonValue] | None) -> dict[str, str]:
    if not properties:
        return {}
    return {f"{prefix}[{key}]": form_value(value) for key, value in properties.items()}


def _end_user_id(user: Mapping[str, Any]) -> int:
    value = user.get("id")
    if isinstance(value, bool) or not isinstance(value, int):
        raise EventError("api-answer-invalid", "Wootric answered with an end user without an id.")
    return value


def _mapping(value: Value) -> dict[str, Value]:
    return value if isinstance(value, dict) else {}


def _string(value: Value) -> str | None:
    return value if isinstance(value, str) and value else None


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)


def _present(fields: Mapping[str, str | None]) -> dict[str, str]:
    return {key: value for key, value in fields.items() if value is not None}
