"""One page load: start-up, every call in order, and the gate that waits for the beacon.

A :class:`Session` is the whole of the core's state. It takes calls and beacon outcomes and returns
the changes to apply, in order. Until the beacon script has loaded, each call's settings, beacon
commands and completion are held back (so the beacon sees every call exactly as if it had been
there from the start) while identity is stored at once; when the beacon loads they are released in
call order. If it fails, settings are still written and calls still complete, without commands.
"""

from __future__ import annotations

import re
from collections import deque
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
    IdentityChanged,
    LoadBeacon,
    RemoveSettings,
    ReportError,
    StopSurvey,
    Store,
    Warning,
    WriteSettings,
)
from .host_events import HostEvent, read_host_event, visitor_changed
from .identity import Identity, NewId, new_anonymous_id
from .page_context import PageContext
from .values import JsonValue, Value

DEFAULT_BEACON_URL = "https://cdn.wootric.com/wootric-sdk.js"
# How long a page waits for the beacon before it gives up on it (data-beacon-timeout).
DEFAULT_BEACON_TIMEOUT_MS = 10_000
VERSION_SETTING = f"wootric-web-{__version__}"

# Wootric account tokens: NPS- and eight letters or digits; EU and AU accounts add a region.
ACCOUNT_TOKEN = re.compile(r"NPS-(?:EU-|AU-)?[A-Za-z0-9]{8}")

IGNORED_METHODS = frozenset({"alias", "screen"})
# The methods whose changes depend on the page the call was made on (page_info's defaults).
READS_PAGE_CONTEXT = frozenset({"page"})
UNKNOWN_PAGE = PageContext()

# The changes that name the call they belong to, for the debug view.
ATTRIBUTED = (WriteSettings, RemoveSettings, CallBeacon)
# What reaches the page before the beacon has loaded. Looked up by exact type (the change classes
# are final): every change of every call passes this check, and a set lookup is a third of an
# isinstance check's time in Pyodide.
UNGATED = frozenset({Store, LoadBeacon, StopSurvey})

# Where the visitor's consent choice is kept ("granted" or "revoked"), beside analytics.js's keys.
CONSENT_KEY = "wootric_web_consent"
# Calls kept while waiting for consent; a page that never asks must not grow without bound.
MAX_CALLS_AWAITING_CONSENT = 1_000

BEACON_FAILURES = {
    "beacon-load-failed": "The Wootric beacon could not be loaded (blocked or unreachable); "
    "settings are still written, but no survey can show.",
    "beacon-timeout": "The Wootric beacon did not load in time; settings are still written, "
    "but no survey can show.",
    "beacon-no-wootric": "The Wootric beacon loaded but defined no window.wootric; settings are "
    "still written, but no survey can show.",
    "beacon-threw": "The Wootric beacon failed while it ran; settings are still written, "
    "but no survey can show.",
}


class Beacon(Enum):
    LOADING = "loading"
    LOADED = "loaded"
    FAILED = "failed"


class Session:
    """The core for one page load. Not thread-safe; calls must arrive in call order.

    ``consent_required`` holds everything (settings, beacon, stored identity) until
    :meth:`grant_consent`; a choice stored earlier (``wootric_web_consent``) is remembered.
    ``strict_properties`` applies Wootric's own value rules to ``properties``.
    ``host`` names the analytics library whose events arrive through :meth:`host_event`.
    """

    def __init__(
        self,
        account_token: str,
        *,
        beacon_url: str = DEFAULT_BEACON_URL,
        stored_local: Mapping[str, str] | None = None,
        stored_cookie: Mapping[str, str] | None = None,
        new_id: NewId = new_anonymous_id,
        consent_required: bool = False,
        strict_properties: bool = False,
        host: str | None = None,
    ) -> None:
        stored_local = stored_local or {}
        # Joined to a host library (see wootric_web.host_events), the identity is the library's:
        # it arrives with each event and wootric-web stores none of its own.
        self._host = host
        self._last_host_event: HostEvent | None = None
        self._new_id = new_id
        self._strict = strict_properties
        self._beacon = Beacon.LOADING
        self._held: list[Change] = []
        self._pages_seen = 0
        self._warnings: list[tuple[str, str]] = []
        self._account_token = account_token
        self._beacon_url = beacon_url
        choice = stored_local.get(CONSENT_KEY)
        self._consented = choice != "revoked" and (not consent_required or choice == "granted")
        # Effects waiting for consent: start-up's apart, so that the bound never drops it.
        self._start_awaiting_consent: list[Change] = []
        self._calls_awaiting_consent: deque[list[Change]] = deque()
        self.identity = identities.load_identity(
            stored_local, stored_cookie or {}, self._warn, new_id
        )

    @property
    def beacon_state(self) -> Beacon:
        return self._beacon

    @property
    def consented(self) -> bool:
        return self._consented

    def _warn(self, code: str, message: str) -> None:
        self._warnings.append((code, message))

    def _take_warnings(self, call_id: int | None = None) -> list[Change]:
        warnings, self._warnings = self._warnings, []
        return [Warning(code, message, call_id) for code, message in warnings]

    def start(self) -> list[Change]:
        """Start-up: the token and version settings, the beacon load, the stored identity."""
        setup: list[Change] = [
            WriteSettings({"account_token": self._account_token, "version": VERSION_SETTING})
        ]
        reports: list[Change] = []
        if ACCOUNT_TOKEN.fullmatch(self._account_token):
            setup.append(LoadBeacon(self._beacon_url))
        else:
            self._beacon = Beacon.FAILED
            reports.append(
                ReportError(
                    "account-token-invalid",
                    "The account token is not a Wootric token (NPS- followed by 8 letters or "
                    "digits, or NPS-EU-/NPS-AU- for EU and AU accounts); the beacon was not "
                    "loaded, so no survey can show.",
                )
            )
        # Everything loaded is written back: ids the classic library JSON-quoted come out raw.
        stored = [] if self._host else self.identity.changed(identities.Identity(anonymous_id=""))
        mirror, effects = _split_mirror([*setup, *stored])
        if self._consented:
            effects = self._apply(effects, gated=False)
        else:
            self._start_awaiting_consent = effects
            effects = []
        return [*reports, *effects, *mirror, *self._take_warnings()]

    def beacon_loaded(self) -> list[Change]:
        """The beacon script has loaded: release every held call, in order."""
        if self._beacon is not Beacon.LOADING:
            return []
        self._beacon = Beacon.LOADED
        held, self._held = self._held, []
        return held

    def beacon_failed(self, code: str = "beacon-load-failed") -> list[Change]:
        """The beacon will never load: release held calls without their beacon commands."""
        if self._beacon is not Beacon.LOADING:
            return []
        self._beacon = Beacon.FAILED
        held, self._held = self._held, []
        report = ReportError(code, BEACON_FAILURES.get(code, BEACON_FAILURES["beacon-load-failed"]))
        return [report, *(change for change in held if not isinstance(change, CallBeacon))]

    def grant_consent(self) -> list[Change]:
        """The visitor agreed: apply everything held for consent, in order, and remember it."""
        if self._consented:
            return []
        self._consented = True
        released = self._apply(self._start_awaiting_consent, gated=False)
        for effects in self._calls_awaiting_consent:
            released += self._apply(effects, gated=True)
        self._start_awaiting_consent = []
        self._calls_awaiting_consent.clear()
        return [Store(CONSENT_KEY, "granted", "local"), *released]

    def revoke_consent(self) -> list[Change]:
        """The visitor withdrew: hide a showing survey, remove their settings, hold further
        calls, and remember it. Calls still waiting for the beacon lose their effects."""
        self._consented = False
        self._held = [change for change in self._held if isinstance(change, CallDone)]
        return [
            Store(CONSENT_KEY, "revoked", "local"),
            StopSurvey(),
            RemoveSettings(destination.VISITOR_SETTINGS),
        ]

    def call(
        self,
        call_id: int,
        method: str,
        args: Sequence[object],
        context: PageContext | None = None,
    ) -> list[Change]:
        """Handle one analytics call; the result ends with its :class:`CallDone` unless held."""
        before = self.identity
        return self._complete(
            call_id, before, self._page_changes(method, args, context or UNKNOWN_PAGE)
        )

    def host_event(self, call_id: int, raw: object) -> list[Change]:
        """Handle one event the host library delivered (``raw``: its decoded JSON); the result
        ends with its :class:`CallDone` unless held, exactly as for :meth:`call`."""
        event = read_host_event(raw, self._warn)
        changes: list[Change] = []
        if event is not None:
            # A reset (or another user) in the library: the next person on this browser is never
            # surveyed under the previous one's email.
            rudderstack = self._host == "rudderstack"
            if visitor_changed(self._last_host_event, event, stored_traits_in_context=rudderstack):
                changes.append(RemoveSettings(destination.VISITOR_SETTINGS))
            self._last_host_event = event
            changes += self._host_changes(event)
        return self._complete(call_id, self.identity, changes)

    def _complete(self, call_id: int, before: Identity, changes: list[Change]) -> list[Change]:
        page = [
            change.for_call(call_id) if isinstance(change, ATTRIBUTED) else change
            for change in changes
        ]
        mirror, effects = _split_mirror([*self.identity.changed(before), *page])
        if not self._consented:
            self._await_consent(effects)
            # The call is accounted for (held for consent); the page is not kept waiting on it.
            return [*mirror, *self._take_warnings(call_id), CallDone(call_id)]
        warnings = self._take_warnings(call_id)
        return [*mirror, *warnings, *self._apply([*effects, CallDone(call_id)], gated=True)]

    def _await_consent(self, effects: list[Change]) -> None:
        if not effects:
            return
        if len(self._calls_awaiting_consent) >= MAX_CALLS_AWAITING_CONSENT:
            self._calls_awaiting_consent.popleft()
            self._warn(
                "consent-queue-full",
                f"More than {MAX_CALLS_AWAITING_CONSENT} calls waited for consent; "
                "the oldest was dropped.",
            )
        self._calls_awaiting_consent.append(effects)

    def _apply(self, effects: list[Change], *, gated: bool) -> list[Change]:
        """Effects as they reach the page: storage and the beacon load at once; settings,
        commands and completions behind the beacon gate (when ``gated``)."""
        if not gated:
            return effects
        now: list[Change] = []
        later: list[Change] = []
        for change in effects:
            (now if type(change) in UNGATED else later).append(change)
        if self._beacon is Beacon.LOADING:
            self._held.extend(later)
            return now
        if self._beacon is Beacon.FAILED:
            later = [change for change in later if not isinstance(change, CallBeacon)]
        return now + later

    def _page_changes(
        self, method: str, args: Sequence[object], context: PageContext
    ) -> list[Change]:
        if method in IGNORED_METHODS:
            return []
        handler = getattr(self, f"_on_{method}", None)
        if handler is None:
            self._warn("method-unknown", "A call to an unknown analytics method was ignored.")
            return []
        changes: list[Change] = handler(args, context)
        return changes

    def _host_changes(self, event: HostEvent) -> list[Change]:
        if event.type in IGNORED_METHODS or not destination.is_enabled(event.options):
            return []
        if event.type == "identify":
            settings = destination.identify_settings(
                event.user_id,
                event.anonymous_id or "",
                event.traits,
                self._warn,
                strict=self._strict,
            )
            return [WriteSettings(settings), CallBeacon("run")]
        if event.type == "track":
            if event.event is None:
                self._warn("event-missing", "track: the event name is missing or empty; skipped.")
                return []
            settings = destination.track_settings(
                event.event,
                event.properties,
                event.options,
                event.user_id,
                self._warn,
                strict=self._strict,
            )
            return [WriteSettings(settings), CallBeacon("run")]
        if event.type == "page":
            return self._page_info(
                destination.page_info(event.category, event.name, event.properties, event.page)
            )
        info = destination.group_info(event.group_id, event.traits)
        return [WriteSettings({"group_info": info}), CallBeacon("group")]

    def _page_info(self, info: dict[str, JsonValue]) -> list[Change]:
        self._pages_seen += 1
        changes: list[Change] = [WriteSettings({"page_info": info})]
        # The beacon counts the landing page itself when it loads; a first `page` command would
        # count it twice.
        if self._pages_seen > 1:
            changes.append(CallBeacon("page"))
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
            strict=self._strict,
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
            read.event,
            read.properties,
            read.options,
            self._event_user_id(read.options),
            self._warn,
            strict=self._strict,
        )
        return [WriteSettings(settings), CallBeacon("run")]

    def _on_page(self, args: Sequence[object], context: PageContext) -> list[Change]:
        read = read_page_arguments(args, self._warn)
        self._options_identity(read.options)
        if not destination.is_enabled(read.options):
            return []
        info = destination.page_info(read.category, read.name, read.properties, context)
        return self._page_info(info)

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


def _split_mirror(changes: list[Change]) -> tuple[list[Change], list[Change]]:
    """The identity mirror (never held: it touches nothing on the page) and the effects."""
    mirror: list[Change] = []
    effects: list[Change] = []
    for change in changes:
        (mirror if isinstance(change, IdentityChanged) else effects).append(change)
    return mirror, effects


__all__ = ["DEFAULT_BEACON_URL", "Beacon", "Identity", "Session"]
