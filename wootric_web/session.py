"""One page load: start-up, every call in order, and the gate that waits for the beacon.

A :class:`Session` is the whole of the core's state. It takes calls and beacon outcomes and returns
the changes to apply, in order. Until the beacon script has loaded, each call's settings, beacon
commands and completion are held back (so the beacon sees every call exactly as if it had been
there from the start) while identity is stored at once; when the beacon loads they are released in
call order. If it fails, settings are still written and calls still complete, without commands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from enum import Enum

from . import destination
from . import identity as identities
from ._version import __version__
from .arguments import id_string, read_page_arguments, read_track_arguments, read_user_arguments
from .changes import (
    CallBeacon,
    CallDone,
    Change,
    LoadBeacon,
    RemoveSettings,
    Warning,
    WriteSettings,
)
from .identity import Identity, NewId, new_anonymous_id
from .page_context import PageContext
from .values import Value

DEFAULT_BEACON_URL = "https://cdn.wootric.com/wootric-sdk.js"
VERSION_SETTING = f"wootric-web-{__version__}"

# Wootric account tokens: NPS- and eight letters or digits; EU and AU accounts add a region.
ACCOUNT_TOKEN = re.compile(r"NPS-(?:EU-|AU-)?[A-Za-z0-9]{8}")

IGNORED_METHODS = frozenset({"alias", "screen"})


class Beacon(Enum):
    LOADING = "loading"
    LOADED = "loaded"
    FAILED = "failed"


class Session:
    """The core for one page load. Not thread-safe; calls must arrive in call order."""

    def __init__(
        self,
        account_token: str,
        *,
        beacon_url: str = DEFAULT_BEACON_URL,
        stored_local: Mapping[str, str] | None = None,
        stored_cookie: Mapping[str, str] | None = None,
        new_id: NewId = new_anonymous_id,
    ) -> None:
        self._new_id = new_id
        self._beacon = Beacon.LOADING
        self._held: list[Change] = []
        self._pages_seen = 0
        self._warnings: list[Change] = []
        self._account_token = account_token
        self._beacon_url = beacon_url
        stored = identities.Identity(anonymous_id="")
        self.identity = identities.load_identity(
            stored_local or {}, stored_cookie or {}, self._warn, new_id
        )
        self._initial = self.identity.changed(stored)

    @property
    def beacon_state(self) -> Beacon:
        return self._beacon

    def _warn(self, code: str, message: str) -> None:
        self._warnings.append(Warning(code, message))

    def _take_warnings(self) -> list[Change]:
        warnings, self._warnings = self._warnings, []
        return warnings

    def start(self) -> list[Change]:
        """Start-up: the token and version settings, the beacon load, the stored identity."""
        changes: list[Change] = [
            WriteSettings({"account_token": self._account_token, "version": VERSION_SETTING})
        ]
        if ACCOUNT_TOKEN.fullmatch(self._account_token):
            changes.append(LoadBeacon(self._beacon_url))
        else:
            self._beacon = Beacon.FAILED
            self._warn(
                "account-token-invalid",
                "The account token is not a Wootric token (NPS- followed by 8 letters or digits, "
                "or NPS-EU-/NPS-AU- for EU and AU accounts); the beacon was not loaded.",
            )
        return [*changes, *self._initial, *self._take_warnings()]

    def beacon_loaded(self) -> list[Change]:
        """The beacon script has loaded: release every held call, in order."""
        if self._beacon is not Beacon.LOADING:
            return []
        self._beacon = Beacon.LOADED
        held, self._held = self._held, []
        return held

    def beacon_failed(self) -> list[Change]:
        """The beacon will never load: release held calls without their beacon commands."""
        if self._beacon is not Beacon.LOADING:
            return []
        self._beacon = Beacon.FAILED
        held, self._held = self._held, []
        return [change for change in held if not isinstance(change, CallBeacon)]

    def call(
        self,
        call_id: int,
        method: str,
        args: Sequence[object],
        context: PageContext | None = None,
    ) -> list[Change]:
        """Handle one analytics call; the result ends with its :class:`CallDone` unless held."""
        before = self.identity
        page_changes = self._page_changes(method, args, context or PageContext())
        immediate = [*self.identity.changed(before), *self._take_warnings()]
        page_changes.append(CallDone(call_id))
        if self._beacon is Beacon.LOADING:
            self._held.extend(page_changes)
            return immediate
        if self._beacon is Beacon.FAILED:
            page_changes = [change for change in page_changes if not isinstance(change, CallBeacon)]
        return immediate + page_changes

    def _page_changes(
        self, method: str, args: Sequence[object], context: PageContext
    ) -> list[Change]:
        handler = getattr(self, f"_on_{method}", None)
        if method in IGNORED_METHODS:
            return []
        if handler is None:
            self._warn("method-unknown", "A call to an unknown analytics method was ignored.")
            return []
        changes: list[Change] = handler(args, context)
        return changes

    def _options_identity(self, options: Mapping[str, Value]) -> None:
        """An ``anonymousId`` option sets the anonymous id, as in analytics.js."""
        anonymous_id = id_string(options.get("anonymousId"))
        if anonymous_id:
            self.identity = replace(self.identity, anonymous_id=anonymous_id)

    def _event_user_id(self, options: Mapping[str, Value]) -> str | None:
        return id_string(options.get("userId")) or self.identity.user_id

    def _on_identify(self, args: Sequence[object], context: PageContext) -> list[Change]:
        read = read_user_arguments("identify", args, self._warn)
        self._options_identity(read.options)
        self.identity = identities.identify(self.identity, read.id, read.traits, self._new_id)
        if not destination.is_enabled(read.options):
            return []
        settings = destination.identify_settings(
            self._event_user_id(read.options),
            self.identity.anonymous_id,
            self.identity.traits,
            self._warn,
        )
        return [WriteSettings(settings), CallBeacon("run")]

    def _on_track(self, args: Sequence[object], context: PageContext) -> list[Change]:
        read = read_track_arguments(args, self._warn)
        self._options_identity(read.options)
        if read.event is None:
            self._warn("event-missing", "track: the event name is missing or empty; call skipped.")
            return []
        if not destination.is_enabled(read.options):
            return []
        settings = destination.track_settings(
            read.event, read.properties, read.options, self._event_user_id(read.options), self._warn
        )
        return [WriteSettings(settings), CallBeacon("run")]

    def _on_page(self, args: Sequence[object], context: PageContext) -> list[Change]:
        read = read_page_arguments(args, self._warn)
        self._options_identity(read.options)
        if not destination.is_enabled(read.options):
            return []
        self._pages_seen += 1
        info = destination.page_info(read.category, read.name, read.properties, context)
        changes: list[Change] = [WriteSettings({"page_info": info})]
        # The beacon counts the landing page itself when it loads; a first `page` command would
        # count it twice.
        if self._pages_seen > 1:
            changes.append(CallBeacon("page"))
        return changes

    def _on_group(self, args: Sequence[object], context: PageContext) -> list[Change]:
        read = read_user_arguments("group", args, self._warn)
        self._options_identity(read.options)
        self.identity = identities.group(self.identity, read.id, read.traits)
        if not destination.is_enabled(read.options):
            return []
        info = destination.group_info(self.identity.group_id, self.identity.group_traits)
        return [WriteSettings({"group_info": info}), CallBeacon("group")]

    def _on_reset(self, args: Sequence[object], context: PageContext) -> list[Change]:
        self.identity = identities.reset(self._new_id)
        return [RemoveSettings(destination.VISITOR_SETTINGS)]

    def _on_setAnonymousId(self, args: Sequence[object], context: PageContext) -> list[Change]:
        anonymous_id = id_string(args[0]) if args else None
        if anonymous_id:
            self._options_identity({"anonymousId": anonymous_id})
        else:
            self._warn("argument-ignored", "setAnonymousId: the id must be a non-empty string.")
        return []


__all__ = ["DEFAULT_BEACON_URL", "Beacon", "Identity", "Session"]
