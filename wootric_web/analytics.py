"""The public Python API: ``Analytics``, the analytics.js calls for Python code.

In CPython it drives an in-memory page (:class:`~wootric_web.memory_page.MemoryPage`); inside
Pyodide on the main thread (PyScript, JupyterLite) it drives the real ``window``.
"""

from __future__ import annotations

import asyncio
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .changes import CallDone, Change, LoadBeacon, ReportError, Warning
from .executor import Executor
from .memory_page import MemoryPage
from .page_context import PageContext
from .session import DEFAULT_BEACON_URL, Beacon, Session
from .values import Value

# The guard Pyodide itself uses: its core module is only ever loaded inside Pyodide.
IN_PYODIDE = "_pyodide_core" in sys.modules


class WootricWebWarning(UserWarning):
    """Bad input that was ignored or repaired, or what stops surveys from showing.

    ``code`` is the code the tag's console line and ``wootric-web:error`` event give it (README:
    Failure modes): the same failure has the same code from Python. The message never contains
    the caller's data.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class User:
    """The current visitor, as ``analytics.user()`` gives it in analytics.js."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def id(self) -> str | None:
        """The user id, or None for an anonymous visitor."""
        return self._session.identity.user_id

    @property
    def anonymous_id(self) -> str:
        """The visitor's anonymous id (a UUID v4 unless one was set)."""
        return self._session.identity.anonymous_id

    @property
    def traits(self) -> dict[str, Value]:
        """The user's accumulated traits (a copy)."""
        return dict(self._session.identity.traits)


class Consent:
    """``analytics.consent``: the visitor's choice, when ``consent_required`` holds the calls."""

    def __init__(self, analytics: Analytics) -> None:
        self._analytics = analytics

    @property
    def granted(self) -> bool:
        """Whether calls reach the page now."""
        return self._analytics._session.consented

    def grant(self) -> None:
        """Apply every call held for consent, in order, and remember the choice."""
        self._analytics._apply(self._analytics._session.grant_consent())

    def revoke(self) -> None:
        """Hide a showing survey and hold further calls; the choice is remembered."""
        self._analytics._apply(self._analytics._session.revoke_consent())


class Analytics:
    """Segment-style calls that drive InMoment (Wootric) surveys on one page.

    >>> analytics = Analytics("NPS-01fe3cbc")
    >>> analytics.identify("abcd1234", {"email": "shawn@example.com"})
    >>> analytics.wootric_settings["email"], analytics.beacon_calls
    ('shawn@example.com', ['run'])

    No call raises on bad input: it warns (:class:`WootricWebWarning`) and applies the rest.
    """

    def __init__(
        self,
        account_token: str,
        *,
        location: str | Mapping[str, object] | PageContext | None = None,
        beacon_url: str = DEFAULT_BEACON_URL,
        page: Executor | None = None,
        consent_required: bool = False,
        strict_properties: bool = False,
    ) -> None:
        self._page: Executor = page or _default_page(location)
        local, cookies = self._page.stored()
        self._session = Session(
            account_token,
            beacon_url=beacon_url,
            stored_local=local,
            stored_cookie=cookies,
            consent_required=consent_required,
            strict_properties=strict_properties,
        )
        self._callbacks: dict[int, Callable[[], object]] = {}
        self._next_call = 0
        self._ready: asyncio.Future[None] | None = None
        self.user = User(self._session)
        self.consent = Consent(self)
        self._apply(self._session.start())

    @property
    def wootric_settings(self) -> dict[str, Any]:
        """``window.wootricSettings`` as written so far (a copy)."""
        return self._page.settings()

    @property
    def beacon_calls(self) -> list[str]:
        """The commands given to ``window.wootric``, in order."""
        return self._page.beacon_calls()

    async def ready(self) -> None:
        """Wait until the beacon has loaded (or has definitively failed)."""
        if self._session.beacon_state is not Beacon.LOADING:
            return
        if self._ready is None:
            self._ready = asyncio.get_running_loop().create_future()
        await self._ready

    def identify(
        self,
        user_id: object = None,
        traits: object = None,
        options: object = None,
        callback: object = None,
    ) -> None:
        """``identify(userId?, traits?, options?, callback?)``, read as analytics.js reads it.

        Traits accumulate for the user. Writes ``segment_user_id``, ``email``, ``created_at``,
        ``language``, ``event_name = None`` and ``properties``, then runs the beacon once.
        """
        self._call("identify", [user_id, traits, options, callback])

    def track(
        self,
        event: object = None,
        properties: object = None,
        options: object = None,
        callback: object = None,
    ) -> None:
        """``track(event, properties?, options?, callback?)``: targeted sampling by event name.

        Writes ``event_name`` (exactly as given), ``properties``, and ``email``/``language``
        when the call carries them, then runs the beacon once. An empty event is skipped.
        """
        self._call("track", [event, properties, options, callback])

    def page(
        self,
        category: object = None,
        name: object = None,
        properties: object = None,
        options: object = None,
        callback: object = None,
    ) -> None:
        """``page(category?, name?, properties?, options?, callback?)``.

        Writes ``page_info`` (the properties, ``name``, ``category`` and the page defaults);
        every page call after the first of a page load also gives the beacon ``page``.
        """
        self._call("page", [category, name, properties, options, callback])

    def group(
        self,
        group_id: object = None,
        traits: object = None,
        options: object = None,
        callback: object = None,
    ) -> None:
        """``group(groupId?, traits?, options?, callback?)``.

        Writes ``group_info`` (the group's accumulated traits plus ``id``) and gives the beacon
        ``group``.
        """
        self._call("group", [group_id, traits, options, callback])

    def alias(self, *args: object) -> None:
        """Accepted and ignored: Wootric has no use for aliases."""
        self._call("alias", list(args))

    def screen(self, *args: object) -> None:
        """Accepted and ignored: screens are for mobile apps."""
        self._call("screen", list(args))

    def reset(self) -> None:
        """Forget the visitor: user id, traits, group, anonymous id, and their settings."""
        self._call("reset", [])

    def set_anonymous_id(self, anonymous_id: str) -> None:
        """Use this anonymous id for the visitor from now on (stored as analytics.js stores it)."""
        self._call("setAnonymousId", [anonymous_id])

    def _call(self, method: str, args: Sequence[object]) -> None:
        self._next_call += 1
        for arg in args:
            if callable(arg):
                self._callbacks[self._next_call] = arg
                break
        try:
            changes = self._session.call(self._next_call, method, args, self._page.context())
        except Exception as error:  # noqa: BLE001 - a call must never raise into the caller
            changes = [
                Warning("internal-error", f"{method} failed: {type(error).__name__}."),
                CallDone(self._next_call),
            ]
        self._apply(changes)

    def _apply(self, changes: Sequence[Change]) -> None:
        for change in changes:
            if isinstance(change, LoadBeacon):
                self._page.load_beacon(change.url, self._beacon_outcome)
            elif isinstance(change, Warning | ReportError):
                warning = WootricWebWarning(f"[wootric-web] {change.message}", change.code)
                warnings.warn(warning, stacklevel=4)
            elif isinstance(change, CallDone):
                self._complete(change.call)
            else:
                self._page.apply(change)
        settled = self._session.beacon_state is not Beacon.LOADING
        if settled and self._ready is not None and not self._ready.done():
            self._ready.set_result(None)

    def _beacon_outcome(self, failure: str | None) -> None:
        session = self._session
        self._apply(session.beacon_loaded() if failure is None else session.beacon_failed(failure))

    def _complete(self, call: int) -> None:
        callback = self._callbacks.pop(call, None)
        if callback is None:
            return
        try:
            callback()
        except Exception as error:  # noqa: BLE001 - the caller's callback must not break us
            warning = WootricWebWarning(
                f"[wootric-web] a callback raised {type(error).__name__}.", "callback-raised"
            )
            warnings.warn(warning, stacklevel=2)


def _default_page(location: str | Mapping[str, object] | PageContext | None) -> Executor:
    if IN_PYODIDE:
        from .browser_page import BrowserPage

        return BrowserPage()
    return MemoryPage(location=location)


__all__: Any = ["Analytics", "Consent", "User", "WootricWebWarning"]
