"""Executor: an in-memory page, for CPython. The beacon counts as loaded (unless told otherwise)."""

from __future__ import annotations

import copy
from collections.abc import Mapping

from .changes import (
    CallBeacon,
    IdentityChanged,
    RemoveSettings,
    StopSurvey,
    Store,
    WriteSettings,
)
from .executor import BeaconOutcome, PageChange
from .page_context import PageContext
from .values import JsonValue


class MemoryPage:
    """A page held in dictionaries: ``settings`` is ``window.wootricSettings``.

    ``location`` is the page's URL, a :class:`PageContext`, or a mapping of its fields
    (``{"url": …, "referrer": …, "title": …, "canonical": …}``); without it the page defaults
    (``path``, ``url``, …) are left out of ``page_info``. ``beacon_loads=False`` plays a beacon
    that fails to load.
    """

    def __init__(
        self,
        *,
        location: str | Mapping[str, object] | PageContext | None = None,
        settings: Mapping[str, JsonValue] | None = None,
        local_storage: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
        beacon_loads: bool = True,
    ) -> None:
        self.location = None if location is None else PageContext.from_location(location)
        self.wootric_settings: dict[str, JsonValue] = dict(settings or {})
        self.local_storage: dict[str, str] = dict(local_storage or {})
        self.cookies: dict[str, str] = dict(cookies or {})
        self.scripts: list[str] = []
        self.commands: list[str] = []
        self.surveys_stopped = 0
        self.beacon_loads = beacon_loads

    def stored(self) -> tuple[Mapping[str, str], Mapping[str, str]]:
        return self.local_storage, self.cookies

    def context(self) -> PageContext:
        return self.location or PageContext()

    def apply(self, change: PageChange) -> None:
        match change:
            case WriteSettings(values):
                self.wootric_settings.update(copy.deepcopy(values))
            case RemoveSettings(keys):
                for key in keys:
                    self.wootric_settings.pop(key, None)
            case CallBeacon(command):
                if self.beacon_loads:
                    self.commands.append(command)
            case Store(key, value, place):
                storage = self.cookies if place == "cookie" else self.local_storage
                if value is None:
                    storage.pop(key, None)
                else:
                    storage[key] = value
            case StopSurvey():
                self.surveys_stopped += 1
            case IdentityChanged():
                pass

    def load_beacon(self, url: str, outcome: BeaconOutcome) -> None:
        self.scripts.append(url)
        outcome(None if self.beacon_loads else "beacon-load-failed")

    def settings(self) -> dict[str, JsonValue]:
        return copy.deepcopy(self.wootric_settings)

    def beacon_calls(self) -> list[str]:
        return list(self.commands)
