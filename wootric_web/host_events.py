"""Events from the analytics library the page already runs (Segment's analytics.js, RudderStack).

Where a host library owns ``window.analytics``, wootric-web joins it as a destination and gets its
finished events rather than the page's calls: the library has already read the arguments, merged
the user's traits, applied its storage and filled in the page defaults. This module reads such an
event (Segment's ``ctx.event`` or RudderStack's ``message``, which share the spec's field names)
into the few facts the Wootric destination needs. It decides nothing about settings; that is
:mod:`wootric_web.destination`'s job, as for the page's own calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .arguments import id_string
from .page_context import PageContext
from .values import Value, Warn, clean_mapping

HOSTS = ("segment", "rudderstack")
"""The libraries wootric-web joins; ``start`` names one of them, or none when standalone."""

EVENT_TYPES = frozenset({"identify", "track", "page", "group", "alias", "screen"})


@dataclass(frozen=True, slots=True)
class HostEvent:
    """One event as the host library delivered it to its destinations."""

    type: str
    user_id: str | None = None
    anonymous_id: str | None = None
    traits: dict[str, Value] = field(default_factory=dict)
    """identify: the user's accumulated traits; group: the group's."""
    group_id: str | None = None
    event: str | None = None
    name: str | None = None
    category: str | None = None
    properties: dict[str, Value] = field(default_factory=dict)
    context: dict[str, Value] = field(default_factory=dict)
    integrations: dict[str, Value] = field(default_factory=dict)
    page: PageContext = field(default_factory=PageContext)

    @property
    def options(self) -> dict[str, Value]:
        """The event as the destination reads a call's options: its context and integrations."""
        return {"context": self.context, "integrations": self.integrations}


def read_host_event(raw: object, warn: Warn) -> HostEvent | None:
    """The event ``raw`` (decoded JSON), or None with a warning when it is not one."""
    event = clean_mapping(raw, warn)
    kind = event.get("type")
    if not isinstance(kind, str) or kind not in EVENT_TYPES:
        warn("event-invalid", "The analytics library delivered an event of no known type; ignored.")
        return None
    context = _mapping(event.get("context"))
    # Segment puts an identify's merged traits in `traits`; RudderStack keeps the user's traits in
    # `context.traits` on every event and uses `traits` for a group's.
    traits_key = "traits" if kind == "group" or isinstance(event.get("traits"), dict) else None
    traits = _mapping(event.get(traits_key)) if traits_key else _mapping(context.get("traits"))
    return HostEvent(
        type=kind,
        user_id=id_string(event.get("userId")) or None,
        anonymous_id=id_string(event.get("anonymousId")) or None,
        traits=traits,
        group_id=id_string(event.get("groupId")) or None,
        event=_text(event.get("event")),
        name=_text(event.get("name")),
        category=_text(event.get("category")),
        properties=_mapping(event.get("properties")),
        context=context,
        integrations=_mapping(event.get("integrations")),
        page=_page(_mapping(context.get("page"))),
    )


def visitor_changed(
    before: HostEvent | None, after: HostEvent, *, stored_traits_in_context: bool = False
) -> bool:
    """Whether ``after`` is about another visitor than ``before``: the library was reset (a new
    anonymous id, or no user id where there was one) or another user signed in.

    ``stored_traits_in_context``: the library (RudderStack) puts the user's stored traits in every
    event's ``context.traits``. Its ``reset()`` keeps the anonymous id, so for a visitor without a
    user id the traits emptying is the only sign of it; nothing else empties them (a site that
    keeps no traits in storage gets only each call's own there, and this reads a reset into every
    call after one with traits).
    """
    if before is None:
        return False
    if before.anonymous_id and after.anonymous_id and before.anonymous_id != after.anonymous_id:
        return True
    traits = (_mapping(before.context.get("traits")), _mapping(after.context.get("traits")))
    emptied = bool(traits[0]) and not traits[1]
    if stored_traits_in_context and emptied:
        return True
    return bool(before.user_id) and before.user_id != after.user_id


def _page(page: Mapping[str, Value]) -> PageContext:
    """The event's ``context.page``, which the library filled at the moment of the call."""

    def string(key: str) -> str | None:
        value = page.get(key)
        return value if isinstance(value, str) else None  # '' is a value: no referrer

    return PageContext(
        href=string("url"),
        pathname=string("path"),
        search=string("search"),
        referrer=string("referrer"),
        title=string("title"),
    )


def _mapping(value: Value) -> dict[str, Value]:
    return dict(value) if isinstance(value, dict) else {}


def _text(value: Value) -> str | None:
    return value if isinstance(value, str) and value else None
