"""The plain-data changes the core asks the page for.

The core never touches a page. It returns lists of these, and an executor applies them in order:
``static/wootric-web.js`` in the browser's main thread, :mod:`wootric_web.browser_page` for Python
on the main thread, :mod:`wootric_web.memory_page` in CPython. ``to_wire`` gives the JSON form that
crosses from the worker (see ``docs/architecture.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from .values import JsonValue


def _attributed(wire: dict[str, JsonValue], call: int | None) -> dict[str, JsonValue]:
    """``wire`` with the call it belongs to, so that a debug view can show it with that call."""
    if call is not None:
        wire["call"] = call
    return wire


@dataclass(frozen=True, slots=True)
class WriteSettings:
    """Assign these keys of ``window.wootricSettings`` (other keys stay as they are)."""

    values: dict[str, JsonValue]
    call: int | None = None

    def for_call(self, call: int) -> WriteSettings:
        return WriteSettings(self.values, call)

    def to_wire(self) -> dict[str, JsonValue]:
        return _attributed({"op": "settings", "values": self.values}, self.call)


@dataclass(frozen=True, slots=True)
class RemoveSettings:
    """Delete these keys of ``window.wootricSettings``."""

    keys: tuple[str, ...]
    call: int | None = None

    def for_call(self, call: int) -> RemoveSettings:
        return RemoveSettings(self.keys, call)

    def to_wire(self) -> dict[str, JsonValue]:
        return _attributed({"op": "unset", "keys": list(self.keys)}, self.call)


@dataclass(frozen=True, slots=True)
class LoadBeacon:
    """Add the beacon script to the page, once, and report whether it loaded."""

    url: str

    def to_wire(self) -> dict[str, JsonValue]:
        return {"op": "load_beacon", "url": self.url}


@dataclass(frozen=True, slots=True)
class CallBeacon:
    """Give the beacon a command: ``window.wootric(command)``."""

    command: Literal["run", "page", "group"]
    call: int | None = None

    def for_call(self, call: int) -> CallBeacon:
        return CallBeacon(self.command, call)

    def to_wire(self) -> dict[str, JsonValue]:
        return _attributed({"op": "beacon", "command": self.command}, self.call)


@dataclass(frozen=True, slots=True)
class Store:
    """Write one identity value where analytics.js keeps it; ``value=None`` removes it."""

    key: str
    value: str | None
    place: Literal["cookie", "local"]

    def to_wire(self) -> dict[str, JsonValue]:
        return {
            "op": "store",
            "key": self.key,
            "value": self.value,
            "cookie": self.place == "cookie",
            "local": self.place == "local",
        }


@dataclass(frozen=True, slots=True)
class IdentityChanged:
    """The identity as it now stands, for synchronous reads such as ``analytics.user().id()``."""

    user_id: str | None
    anonymous_id: str
    traits: dict[str, JsonValue]

    def to_wire(self) -> dict[str, JsonValue]:
        return {
            "op": "identity",
            "user_id": self.user_id,
            "anonymous_id": self.anonymous_id,
            "traits": self.traits,
        }


@dataclass(frozen=True, slots=True)
class Warning:
    """Tell the site owner about bad input. ``message`` never contains the caller's data.

    ``call`` names the call it concerns, so a debug view can show it with that call.
    """

    code: str
    message: str
    call: int | None = None

    def to_wire(self) -> dict[str, JsonValue]:
        return _attributed({"op": "warn", "code": self.code, "message": self.message}, self.call)


@dataclass(frozen=True, slots=True)
class ReportError:
    """Something stops surveys from showing: tell the site owner (``wootric-web:error``)."""

    code: str
    message: str

    def to_wire(self) -> dict[str, JsonValue]:
        return {"op": "error", "code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class StopSurvey:
    """Hide a survey that is showing, without recording a decline: ``WootricSurvey.stop()``."""

    def to_wire(self) -> dict[str, JsonValue]:
        return {"op": "stop_survey"}


@dataclass(frozen=True, slots=True)
class CallDone:
    """Everything call ``call`` asked of the page has been applied: resolve its promise."""

    call: int

    def to_wire(self) -> dict[str, JsonValue]:
        return {"op": "done", "call": self.call}


Change: TypeAlias = (
    WriteSettings
    | RemoveSettings
    | LoadBeacon
    | CallBeacon
    | Store
    | IdentityChanged
    | Warning
    | ReportError
    | StopSurvey
    | CallDone
)
