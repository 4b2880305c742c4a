"""The JSON messages between the JavaScript executor and Python (see ``docs/architecture.md``).

:func:`handle` is the only entry point the worker (or ``data-mode="main"``) calls: JSON text in,
a JSON array of changes out. It never raises: a failure inside the core still completes the call
it came with, so no promise on the page is left pending.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from .changes import CallDone, Change, Warning
from .host_events import HOSTS
from .page_context import PageContext
from .session import DEFAULT_BEACON_URL, READS_PAGE_CONTEXT, Session
from .values import JsonValue, is_mapping

_session: Session | None = None


def handle(text: str) -> str:
    """Apply a message (or a JSON array of messages, in order) and return the changes as JSON.

    A batch crosses from the page in one piece, so thousands of calls queued before start-up
    cost one round trip rather than thousands.
    """
    try:
        decoded = json.loads(text)
    except ValueError:
        return json.dumps([Warning("message-invalid", "A message was not JSON.").to_wire()])
    messages = decoded if isinstance(decoded, list) else [decoded]
    return _dumps([change.to_wire() for message in messages for change in _handle_one(message)])


def _dumps(wire: list[dict[str, JsonValue]]) -> str:
    """The changes as JSON text; a change that cannot be written is replaced by a warning."""
    try:
        return json.dumps(wire, allow_nan=False)
    except (TypeError, ValueError):
        parts: list[str] = []
        for change in wire:
            try:
                parts.append(json.dumps(change, allow_nan=False))
            except (TypeError, ValueError):
                failed = Warning("internal-error", "A change could not be written as JSON.")
                parts.append(json.dumps(failed.to_wire()))
        return "[" + ", ".join(parts) + "]"


def _handle_one(message: object) -> list[Change]:
    try:
        return _dispatch(message)
    except Exception as error:  # noqa: BLE001 - the page must never see a Python exception
        changes: list[Change] = [
            Warning("internal-error", f"wootric-web failed on a message: {type(error).__name__}.")
        ]
        call_id = message.get("id") if isinstance(message, Mapping) else None
        if isinstance(call_id, int) and not isinstance(call_id, bool):
            changes.append(CallDone(call_id))
        return changes


def _dispatch(message: object) -> list[Change]:
    global _session
    if not is_mapping(message):
        return [Warning("message-invalid", "A message that is not an object was ignored.")]
    kind = message.get("kind")
    if kind == "start" and _session is not None:
        # One page load has one session: a second start (a second executor on the same Python,
        # say) would drop the visitor's held calls and consent, so it is refused as any other
        # message the protocol cannot take.
        return [Warning("message-invalid", "A second start message was ignored.")]
    if kind == "start":
        stored = message.get("stored")
        stored = stored if isinstance(stored, Mapping) else {}
        beacon_url = message.get("beacon_url")
        _session = Session(
            str(message.get("account_token") or ""),
            beacon_url=beacon_url if isinstance(beacon_url, str) else DEFAULT_BEACON_URL,
            stored_local=_strings(stored.get("local")),
            stored_cookie=_strings(stored.get("cookie")),
            consent_required=message.get("consent") == "required",
            strict_properties=message.get("strict_properties") is True,
            host=host if isinstance(host := message.get("host"), str) and host in HOSTS else None,
        )
        return _session.start()
    if _session is None:
        raise RuntimeError("a message arrived before start")
    if kind == "call":
        args = message.get("args")
        method = str(message.get("method"))
        # Every call carries the page it was made on, and only a page call reads it: reading it
        # for the others was a tenth of a burst's time.
        page = message.get("page") if method in READS_PAGE_CONTEXT else None
        return _session.call(
            int(message["id"]),
            method,
            args if isinstance(args, list) else [],
            None if page is None else PageContext.from_wire(page),
        )
    if kind == "event":
        return _session.host_event(int(message["id"]), message.get("event"))
    if kind == "beacon":
        if message.get("state") == "loaded":
            return _session.beacon_loaded()
        code = message.get("code")
        return _session.beacon_failed(code if isinstance(code, str) else "beacon-load-failed")
    if kind == "consent":
        granted = message.get("granted") is True
        return _session.grant_consent() if granted else _session.revoke_consent()
    return [Warning("message-invalid", "A message of an unknown kind was ignored.")]


def _strings(raw: object) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        return {}
    return {
        key: value for key, value in raw.items() if isinstance(key, str) and isinstance(value, str)
    }
