"""Executor: the real page, through Pyodide's ``js`` module (Python on the main thread).

This is the only Python module that touches ``window``. It is imported only inside Pyodide.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any
from urllib.parse import quote, unquote

import js
from pyodide.ffi import JsProxy
from pyodide.ffi.wrappers import (
    add_event_listener,
    clear_timeout,
    remove_event_listener,
    set_timeout,
)

from .changes import (
    CallBeacon,
    IdentityChanged,
    RemoveSettings,
    StopSurvey,
    Store,
    WriteSettings,
)
from .executor import BeaconOutcome, PageChange
from .identity import ANONYMOUS_ID, GROUP_ID, GROUP_PROPERTIES, USER_ID, USER_TRAITS
from .page_context import PageContext
from .session import CONSENT_KEY, DEFAULT_BEACON_TIMEOUT_MS
from .values import JsonValue

# A beacon that neither loads nor fails within this time is treated as failed, so that
# `ready()` and every held call still settle.
BEACON_TIMEOUT_MS = DEFAULT_BEACON_TIMEOUT_MS
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


class BrowserPage:
    """Applies changes to ``window.wootricSettings``, the beacon, cookies and localStorage."""

    def __init__(self, *, beacon_timeout_ms: int = BEACON_TIMEOUT_MS) -> None:
        self._commands: list[str] = []
        self._beacon_timeout_ms = beacon_timeout_ms

    def stored(self) -> tuple[Mapping[str, str], Mapping[str, str]]:
        local: dict[str, str] = {}
        # The keys the tag reads at start-up (wootric-web.js's STORED_KEYS), the consent choice
        # among them, so that a visitor's choice holds whichever of the two a page runs.
        for key in (ANONYMOUS_ID, USER_ID, USER_TRAITS, GROUP_ID, GROUP_PROPERTIES, CONSENT_KEY):
            value = _quietly(partial(js.localStorage.getItem, key))
            if isinstance(value, str):
                local[key] = value
        return local, _cookies()

    def context(self) -> PageContext:
        location = js.location
        canonical = js.document.querySelector("link[rel='canonical']")
        return PageContext(
            href=location.href,
            pathname=location.pathname,
            search=location.search,
            referrer=js.document.referrer,
            title=js.document.title,
            canonical=canonical.getAttribute("href") if canonical else None,
        )

    def apply(self, change: PageChange) -> None:
        match change:
            case WriteSettings(values):
                settings = _settings_object()
                for key, value in values.items():
                    # JSON.parse builds plain JavaScript values, and `__proto__` keys become
                    # ordinary properties rather than prototype changes.
                    js.Reflect.set(settings, key, js.JSON.parse(json.dumps(value)))
            case RemoveSettings(keys):
                settings = _settings_object()
                for key in keys:
                    js.Reflect.deleteProperty(settings, key)
            case CallBeacon(command):
                wootric = getattr(js.window, "wootric", None)
                if callable(wootric):
                    self._commands.append(command)
                    _quietly(lambda: wootric(command))
            case Store(key, value, "local"):
                if value is None:
                    _quietly(lambda: js.localStorage.removeItem(key))
                else:
                    _quietly(lambda: js.localStorage.setItem(key, value))
            case Store(key, value, "cookie"):
                age = 0 if value is None else COOKIE_MAX_AGE
                cookie = f"{key}={quote(value or '', safe='')}; path=/; max-age={age}; SameSite=Lax"
                _quietly(lambda: setattr(js.document, "cookie", cookie))
            case StopSurvey():
                survey = getattr(js.window, "WootricSurvey", None)
                if survey is not None and callable(getattr(survey, "stop", None)):
                    _quietly(survey.stop)
            case IdentityChanged():
                pass

    def load_beacon(self, url: str, outcome: BeaconOutcome) -> None:
        """Add the beacon script; its outcome gets the code the tag's executor gives it."""
        script = js.document.createElement("script")
        timer: int | JsProxy | None = None
        settled = False
        threw = False

        def settle(failure: str | None) -> None:
            # The script's other event and the timer may still come; each is taken back here,
            # so nothing that stays on the page can call into Python once the outcome is given.
            nonlocal settled
            if settled:
                return
            settled = True
            if timer is not None:
                clear_timeout(timer)
            remove_event_listener(js.window, "error", on_page_error)
            remove_event_listener(script, "load", on_load)
            remove_event_listener(script, "error", on_load_error)
            outcome(failure)

        def on_page_error(event: Any) -> None:
            # An error thrown while the beacon runs is its failure, not an uncaught error on the
            # page. (A cross-origin beacon's errors are muted and name no file: those stay.)
            nonlocal threw
            if event.filename == script.src:
                threw = True
                event.preventDefault()

        def on_load(_event: Any) -> None:
            if threw:
                settle("beacon-threw")
            elif callable(getattr(js.window, "wootric", None)):
                settle(None)
            else:
                settle("beacon-no-wootric")

        def on_load_error(_event: Any) -> None:
            settle("beacon-load-failed")

        def on_timeout() -> None:
            nonlocal timer
            timer = None  # it has fired: set_timeout's wrapper lets go of its own proxy
            settle("beacon-timeout")

        # Pyodide's wrappers own the proxies: remove_event_listener and clear_timeout destroy
        # theirs, and a timer that fires destroys its own.
        add_event_listener(js.window, "error", on_page_error)
        add_event_listener(script, "load", on_load)
        add_event_listener(script, "error", on_load_error)
        timer = set_timeout(on_timeout, self._beacon_timeout_ms)
        script.async_ = True
        script.src = url
        js.document.head.appendChild(script)

    def settings(self) -> dict[str, JsonValue]:
        text = js.JSON.stringify(_settings_object())
        settings = json.loads(text) if isinstance(text, str) else {}
        return settings if isinstance(settings, dict) else {}

    def beacon_calls(self) -> list[str]:
        return list(self._commands)


def _settings_object() -> Any:
    settings = getattr(js.window, "wootricSettings", None)
    if settings is None or js.Object(settings) != settings:
        settings = js.Object.new()
        js.window.wootricSettings = settings
    return settings


def _cookies() -> dict[str, str]:
    text = _quietly(lambda: js.document.cookie)
    cookies: dict[str, str] = {}
    for pair in (text if isinstance(text, str) else "").split(";"):
        name, _, value = pair.strip().partition("=")
        if name and name not in cookies:
            cookies[name] = unquote(value)
    return cookies


def _quietly(action: Callable[[], Any]) -> Any:
    """Storage and the beacon may throw (private modes, blocked cookies, a broken beacon):
    the page must keep working, so such failures are swallowed here, at the edge."""
    try:
        return action()
    except Exception:  # noqa: BLE001
        return None
