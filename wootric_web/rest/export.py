"""Incremental export: end users with their properties, responses and declines, page by page.

Each stream is listed oldest first from a start to the moment the export began
(:meth:`~wootric_web.rest.client.WootricClient.pages`), and every page goes to a :class:`Sink`
together with the savepoint that covers it, which the sink keeps with the rows in one step: an
export stopped anywhere resumes from the last page kept, losing nothing, and the rows read again
replace themselves by id.

End users are listed by ``updated_at``, so a later export sees every change to them. Responses and
declines can only be listed by ``created_at`` (§2.5 documents no ``updated`` filter), so a change
to an old one (a tag, an exclusion) is caught as Miro's tap catches it (§4.2): once a run has
finished, the next one starts that much earlier and reads the last months again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from .client import WootricClient
from .tables import Batch, batch_for

# Miro's tap reads responses and declines four months back (§4.2).
DEFAULT_LOOKBACK_DAYS = 120


@dataclass(frozen=True)
class Stream:
    name: str
    path: str
    key: Literal["created", "updated"]
    # Whether a finished run is followed by one that reads the last months again.
    looks_back: bool


STREAMS = (
    Stream("end_users", "/v1/end_users", "updated", looks_back=False),
    Stream("responses", "/v1/responses", "created", looks_back=True),
    Stream("declines", "/v1/declines", "created", looks_back=True),
)


@dataclass(frozen=True)
class Savepoint:
    """Where a stream's next listing starts (Unix seconds, inclusive), and whether the run that
    left it reached the end of its window (only then does a new run look back)."""

    position: int
    finished: bool


class Sink(Protocol):
    """Where exported rows go: SQLite (:mod:`.sqlite_store`) or Singer messages (:mod:`.singer`)."""

    def savepoints(self) -> Mapping[str, Savepoint]:
        """The savepoint of each stream exported before."""
        ...

    def write(self, stream: str, batch: Batch, savepoint: Savepoint) -> None:
        """Keep ``batch`` and ``savepoint`` together: both or, if it fails, neither."""
        ...


@dataclass(frozen=True)
class Progress:
    """Where a stream's export has got to: ``position`` runs from ``start`` to ``bound``;
    ``rows`` counts the records read, each once."""

    stream: str
    start: int
    position: int
    bound: int
    rows: int
    pages: int


@dataclass
class Summary:
    streams: list[Progress] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(stream.rows for stream in self.streams)


class ExportError(Exception):
    """The export cannot start as asked (it makes no call then)."""


def start_of(
    stream: Stream,
    saved: Savepoint | None,
    since: int | None,
    lookback_seconds: int,
    *,
    resuming: bool,
) -> int:
    """Where ``stream``'s export starts: ``since`` when given, else its savepoint, and further
    back for a stream that looks back when a new export follows one that finished."""
    if since is not None:
        return since
    if saved is None:
        raise ExportError(
            f"Nothing of {stream.name} has been exported yet: give a start date (--since) for "
            "the first export."
        )
    if stream.looks_back and not resuming:
        return saved.position - lookback_seconds
    return saved.position


def export(
    client: WootricClient,
    sink: Sink,
    *,
    since: int | None = None,
    now: int | None = None,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
    streams: Sequence[Stream] = STREAMS,
    on_page: Callable[[Progress], None] | None = None,
) -> Summary:
    """Export every stream from ``since`` (Unix seconds), or from the sink's savepoints, to ``now``
    (the client's time unless given); the rows changed from then on are the next export's."""
    began = time.monotonic()
    requests = client.requests
    bound = int(client.clock()) if now is None else now
    saved = sink.savepoints()
    # An export that stopped before it finished is taken up where it stopped, reading nothing
    # twice; only a new one reads back.
    resuming = any(not savepoint.finished for savepoint in saved.values())
    starts = {
        stream.name: start_of(
            stream, saved.get(stream.name), since, lookback_days * 86_400, resuming=resuming
        )
        for stream in streams
    }
    for stream in streams:
        # Every stream's start is kept before any is read, so that an export stopped before it
        # reaches a stream resumes that stream from here too (a --since included).
        sink.write(stream.name, Batch(), Savepoint(starts[stream.name], finished=False))
    summary = Summary()
    for stream in streams:
        start = starts[stream.name]
        window_end = max(bound, start)
        progress = Progress(stream.name, start, start, window_end, rows=0, pages=0)
        if start == window_end:
            # Nothing can lie in an empty window: no call.
            sink.write(stream.name, Batch(), Savepoint(start, finished=True))
            summary.streams.append(progress)
            continue
        previous: set[object] = set()
        for page in client.pages(stream.path, stream.key, start, window_end):
            batch = batch_for(stream.name, page.rows)
            sink.write(stream.name, batch, Savepoint(page.resume_from, page.last))
            # A page starts with the previous one's last second again: count those rows once.
            ids = {row.get("id") for row in page.rows}
            progress = Progress(
                stream.name,
                start,
                page.resume_from,
                window_end,
                rows=progress.rows + len(ids - previous),
                pages=progress.pages + 1,
            )
            previous = ids
            if on_page is not None:
                on_page(progress)
        summary.streams.append(progress)
    summary.requests = client.requests - requests
    summary.seconds = time.monotonic() - began
    return summary
