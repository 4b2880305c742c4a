"""Who the visitor is: user id, anonymous id, accumulated traits, and their group.

Stored where analytics.js stores them, so a site that switches from analytics.js keeps its
visitors: ids in cookies (written raw) and in localStorage (JSON-encoded, as analytics.js writes
them), traits and group properties in localStorage as JSON. Cookies written by the classic library
hold JSON-quoted ids; both forms are read.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from .arguments import id_string
from .changes import Change, IdentityChanged, Store
from .values import Value, Warn, clean_mapping, json_object

ANONYMOUS_ID = "ajs_anonymous_id"
USER_ID = "ajs_user_id"
USER_TRAITS = "ajs_user_traits"
GROUP_ID = "ajs_group_id"
GROUP_PROPERTIES = "ajs_group_properties"

NewId = Callable[[], str]


def new_anonymous_id() -> str:
    """A fresh anonymous id: a random UUID v4, as analytics.js makes them."""
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class Identity:
    anonymous_id: str
    user_id: str | None = None
    traits: dict[str, Value] = field(default_factory=dict)
    group_id: str | None = None
    group_traits: dict[str, Value] = field(default_factory=dict)

    def changed(self, before: Identity) -> list[Change]:
        """What to store (and mirror) so the page holds this identity rather than ``before``."""
        changes: list[Change] = []
        for key, old, new, places in (
            (ANONYMOUS_ID, before.anonymous_id, self.anonymous_id, ("cookie", "local")),
            (USER_ID, before.user_id, self.user_id, ("cookie", "local")),
            (GROUP_ID, before.group_id, self.group_id, ("cookie", "local")),
        ):
            if old != new:
                for place in places:
                    stored = new if new is None or place == "cookie" else json.dumps(new)
                    changes.append(Store(key, stored, place))  # type: ignore[arg-type]
        for key, old_traits, new_traits in (
            (USER_TRAITS, before.traits, self.traits),
            (GROUP_PROPERTIES, before.group_traits, self.group_traits),
        ):
            if old_traits != new_traits:
                changes.append(Store(key, json.dumps(json_object(new_traits)), "local"))
        if changes:
            changes.append(
                IdentityChanged(self.user_id, self.anonymous_id, json_object(self.traits))
            )
        return changes


def load_identity(
    local: Mapping[str, str], cookie: Mapping[str, str], warn: Warn, new_id: NewId
) -> Identity:
    """The identity stored on the page: localStorage first, then cookies, as analytics.js reads."""
    anonymous_id = _stored_id(ANONYMOUS_ID, local, cookie) or new_id()
    return Identity(
        anonymous_id=anonymous_id,
        user_id=_stored_id(USER_ID, local, cookie),
        traits=_stored_object(local.get(USER_TRAITS), warn),
        group_id=_stored_id(GROUP_ID, local, cookie),
        group_traits=_stored_object(local.get(GROUP_PROPERTIES), warn),
    )


def _stored_id(key: str, local: Mapping[str, str], cookie: Mapping[str, str]) -> str | None:
    for raw in (local.get(key), cookie.get(key)):
        if isinstance(raw, str) and raw:
            return _unquote(raw)
    return None


def _unquote(raw: str) -> str | None:
    """A stored id, whether written raw or JSON-encoded (``"abc"``, or a number)."""
    try:
        decoded = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(decoded, str | int | float) and not isinstance(decoded, bool):
        return id_string(decoded) or None
    return raw


def _stored_object(raw: str | None, warn: Warn) -> dict[str, Value]:
    if not raw:
        return {}
    try:
        decoded = json.loads(raw)
    except ValueError:
        warn("storage-unreadable", "Stored traits were not valid JSON and were ignored.")
        return {}
    return clean_mapping(decoded, warn)


def identify(
    identity: Identity, user_id: str | None, traits: Mapping[str, Value], new_id: NewId
) -> Identity:
    """The identity after ``identify(user_id, traits)``.

    Traits accumulate while the user stays the same (or was unknown); when one known user id gives
    way to another, the old traits and the anonymous id go with it.
    """
    user_id = user_id or identity.user_id
    if identity.user_id is None or identity.user_id == user_id:
        return replace(identity, user_id=user_id, traits={**identity.traits, **traits})
    return replace(identity, user_id=user_id, traits=dict(traits), anonymous_id=new_id())


def group(identity: Identity, group_id: str | None, traits: Mapping[str, Value]) -> Identity:
    """The identity after ``group(group_id, traits)``; group traits accumulate the same way."""
    group_id = group_id or identity.group_id
    if identity.group_id is None or identity.group_id == group_id:
        return replace(
            identity, group_id=group_id, group_traits={**identity.group_traits, **traits}
        )
    return replace(identity, group_id=group_id, group_traits=dict(traits))


def reset(new_id: NewId) -> Identity:
    """A fresh visitor: no user, no traits, no group, a new anonymous id."""
    return Identity(anonymous_id=new_id())
