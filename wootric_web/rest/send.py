"""Sending events: JSON lines in, the calls of :mod:`~wootric_web.rest.cloud_destination` made.

Each event is on its own: one that cannot be read, planned or carried out gives an
:class:`Outcome` with an error, and the next event goes on. Only refused credentials stop a batch,
since every later call would be refused too. End users found or written are remembered for the
batch, so that one batch never looks the same user up twice (Wootric's rate limit, about 100 calls
a minute per account (§2.3), makes every call count).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from .client import CredentialsRefused, WootricClient, WootricError
from .cloud_destination import (
    DEFAULT_OPTIONS,
    LOOKUP_KINDS,
    ApiCall,
    EventError,
    EventPlan,
    Lookup,
    Options,
    Warnings,
    calls_for,
    check_found,
    message_id,
    plan_event,
)

# A line longer than this is refused unread: an event is small, and the core cuts any one call's
# text at a million characters anyway (wootric_web.values).
MAX_LINE_BYTES = 1_048_576


@dataclass(frozen=True)
class Failure:
    code: str
    message: str


@dataclass(frozen=True)
class Outcome:
    """What became of one event (``line`` counts from 1); ``calls`` are the writes made."""

    line: int
    message_id: str | None
    type: str | None
    calls: tuple[str, ...] = ()
    failure: Failure | None = None
    warnings: Warnings = ()


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.failure is not None]

    @property
    def sent(self) -> int:
        return len(self.outcomes) - len(self.failures)


def read_lines(stream: BinaryIO) -> Iterator[tuple[int, object | Failure]]:
    """Each non-blank line of a JSON-lines stream, numbered from 1, as a decoded value or as why
    it could not be read."""
    number = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            # Skip the rest of the line without holding it.
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield (
                number,
                Failure(
                    "line-too-long", f"The line is longer than {MAX_LINE_BYTES} bytes; not read."
                ),
            )
            continue
        if line.strip():
            yield number, decode_line(line)


def decode_line(line: bytes) -> object | Failure:
    """One JSON line as a value, or the reason it is not one (never quoting the line)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return Failure("line-not-utf8", "The line is not UTF-8 text.")
    try:
        value: object = json.loads(text)
    except RecursionError:
        return Failure("line-too-deep", "The line nests too deeply to be read as JSON.")
    except ValueError as error:
        # JSONDecodeError names a position; int() refusing a huge number names the limit.
        where = f" (line column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        return Failure("line-not-json", f"The line is not valid JSON{where}.")
    return value


class Sender:
    """Sends events through one client, remembering the end users it has seen."""

    def __init__(self, client: WootricClient, options: Options = DEFAULT_OPTIONS) -> None:
        self.client = client
        self.options = options
        # None means looked up and not there.
        self._users: dict[Lookup, dict[str, Any] | None] = {}

    def send(self, line: int, event: object | Failure) -> Outcome:
        """Send one decoded event (or report why its line could not be read)."""
        if isinstance(event, Failure):
            return Outcome(line, None, None, failure=event)
        identity = message_id(event)
        try:
            plan = plan_event(event, self.options)
        except EventError as error:
            return Outcome(line, identity, None, failure=Failure(error.code, error.message))
        made: list[str] = []
        failure: Failure | None = None
        try:
            self._carry_out(plan, made)
        except EventError as error:
            failure = Failure(error.code, error.message)
        except CredentialsRefused:
            raise
        except WootricError as error:
            failure = Failure("api-refused" if error.status else "api-unreachable", str(error))
        return Outcome(line, identity, plan.type, tuple(made), failure, plan.warnings)

    def _carry_out(self, plan: EventPlan, made: list[str]) -> None:
        user = self._find(plan)
        planned = calls_for(plan, user)
        for call in planned.calls:
            answer = self._make(call)
            made.append(call.describe())
            if plan.type == "identify" and isinstance(answer, dict) and "id" in answer:
                user = answer
        if user is None or not planned.calls:
            return
        if planned.properties is not None:
            # What the write left stored, whatever shape the answer gave them in.
            user = {**user, "properties": planned.properties}
        self._remember(plan.lookups, user)

    def _find(self, plan: EventPlan) -> dict[str, Any] | None:
        for lookup in plan.lookups:
            if lookup not in self._users:
                call = lookup.call()
                found = self.client.find(call.path, call.params)
                self._users[lookup] = found if isinstance(found, dict) else None
            user = self._users[lookup]
            if user is not None:
                check_found(plan, lookup, user)
                return user
        return None

    def _make(self, call: ApiCall) -> Any:
        return self.client.call(call.method, call.path, params=call.params, form=call.form)

    def _remember(self, lookups: Iterable[Lookup], user: dict[str, Any]) -> None:
        keys = set(lookups)
        for how in LOOKUP_KINDS:
            value = user.get(how)
            if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
                keys.add(Lookup(how, str(value)))
        for key in keys:
            self._users[key] = user


def send_events(
    client: WootricClient,
    events: Iterable[tuple[int, object | Failure]],
    options: Options = DEFAULT_OPTIONS,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Report:
    """Send numbered events (as :func:`read_lines` gives them) in order; every outcome is in the
    report. Raises :class:`~wootric_web.rest.client.CredentialsRefused` if Wootric refuses to sign
    in, after which nothing more is sent."""
    sender = Sender(client, options)
    report = Report()
    for line, event in events:
        outcome = sender.send(line, event)
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return report
