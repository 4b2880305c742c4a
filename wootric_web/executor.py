"""What an executor must do: apply the core's changes to one page, and describe that page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from .changes import (
    CallBeacon,
    IdentityChanged,
    RemoveSettings,
    StopSurvey,
    Store,
    WriteSettings,
)
from .page_context import PageContext
from .values import JsonValue

PageChange = WriteSettings | RemoveSettings | CallBeacon | Store | IdentityChanged | StopSurvey
BeaconOutcome = Callable[[str | None], None]
"""Called once: with None when the beacon script has loaded and defined ``window.wootric``, else
with the code of why it never will (``beacon-load-failed``, ``beacon-timeout``,
``beacon-no-wootric`` or ``beacon-threw``: the codes the tag gives the same failures)."""


class Executor(Protocol):
    def stored(self) -> tuple[Mapping[str, str], Mapping[str, str]]:
        """The raw identity values kept by the page: (localStorage, cookies)."""
        ...

    def context(self) -> PageContext:
        """The page as it is now, for a call being made now."""
        ...

    def apply(self, change: PageChange) -> None:
        """Make one change to the page."""
        ...

    def load_beacon(self, url: str, outcome: BeaconOutcome) -> None:
        """Add the beacon script and report its outcome."""
        ...

    def settings(self) -> dict[str, JsonValue]:
        """A copy of ``window.wootricSettings`` as it stands."""
        ...

    def beacon_calls(self) -> list[str]:
        """The commands given to the beacon so far, in order."""
        ...
