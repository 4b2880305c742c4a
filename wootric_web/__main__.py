"""``python -m wootric_web``: the server side's two commands, ``send`` and ``export``.

Credentials come from the environment, never the command line (where any user of the machine can
read them): ``WOOTRIC_USERNAME``, ``WOOTRIC_PASSWORD`` and ``WOOTRIC_ACCOUNT_TOKEN`` sign in as
RudderStack does, ``WOOTRIC_CLIENT_ID`` and ``WOOTRIC_CLIENT_SECRET`` as Kondado and the Singer taps
do (``WOOTRIC_ACCOUNT_TOKEN`` then only picks the EU or AU host).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack, closing
from typing import Any, BinaryIO

try:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from .dates import created_at_seconds
    from .rest import (
        ClientCredentials,
        ExportError,
        Options,
        Outcome,
        PasswordGrant,
        SingerWriter,
        SqliteStore,
        WootricClient,
        WootricError,
        export,
        read_lines,
        send_events,
    )
    from .rest.client import Credentials
    from .rest.export import DEFAULT_LOOKBACK_DAYS, Sink
    from .rest.export import Progress as ExportProgress
except ModuleNotFoundError as missing:
    if missing.name not in ("httpx", "rich"):
        raise
    sys.exit(
        f"wootric_web's commands need the server extra ({missing.name} is missing): "
        "pip install 'wootric-web[server]'"
    )

# Exit codes: everything done; some events failed; nothing could be done as asked.
OK, SOME_FAILED, CANNOT_RUN = 0, 1, 2


def credentials_from(environ: Mapping[str, str]) -> Credentials:
    """The credentials the environment holds; raises ValueError with what to set."""
    token = environ.get("WOOTRIC_ACCOUNT_TOKEN") or None
    if environ.get("WOOTRIC_USERNAME"):
        password = environ.get("WOOTRIC_PASSWORD")
        if not password or not token:
            raise ValueError(
                "WOOTRIC_USERNAME is set: set WOOTRIC_PASSWORD and WOOTRIC_ACCOUNT_TOKEN as well."
            )
        return PasswordGrant(environ["WOOTRIC_USERNAME"], password, token)
    if environ.get("WOOTRIC_CLIENT_ID"):
        secret = environ.get("WOOTRIC_CLIENT_SECRET")
        if not secret:
            raise ValueError("WOOTRIC_CLIENT_ID is set: set WOOTRIC_CLIENT_SECRET as well.")
        return ClientCredentials(environ["WOOTRIC_CLIENT_ID"], secret, token)
    raise ValueError(
        "No credentials: set WOOTRIC_CLIENT_ID and WOOTRIC_CLIENT_SECRET (Settings > API), or "
        "WOOTRIC_USERNAME, WOOTRIC_PASSWORD and WOOTRIC_ACCOUNT_TOKEN."
    )


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m wootric_web", description="Wootric (InMoment) from the server side."
    )
    main.add_argument(
        "--api-url", help="the API's base URL (default: chosen from the account token)"
    )
    commands = main.add_subparsers(dest="command", required=True)

    send = commands.add_parser(
        "send", help="send Segment or RudderStack events (JSON lines) to Wootric"
    )
    send.add_argument("events", nargs="?", default="-", help="a JSON-lines file; - for stdin")
    send.add_argument(
        "--strict-properties",
        action="store_true",
        help="Wootric's own value rules for properties, as the tag's data-strict-properties",
    )
    send.add_argument(
        "--last-surveyed-from-timestamp",
        action="store_true",
        help="set last_surveyed to each identify's timestamp, as RudderStack does",
    )
    send.add_argument("-v", "--verbose", action="store_true", help="print warnings as well")

    out = commands.add_parser(
        "export", help="export end users, responses and declines incrementally"
    )
    out.add_argument(
        "--db", default="wootric.sqlite", help="the SQLite file (default: wootric.sqlite)"
    )
    out.add_argument("--since", help="start date (ISO 8601 or Unix seconds); else the savepoint")
    out.add_argument("--singer", action="store_true", help="write Singer messages to stdout")
    out.add_argument("--state", help="with --singer: a file holding the last STATE's value")
    out.add_argument(
        "--lookback-days",
        type=int,
        default=DEFAULT_LOOKBACK_DAYS,
        help="how far back responses and declines are read again (default: %(default)s)",
    )
    return main


def main(
    argv: Sequence[str] | None = None,
    environ: Mapping[str, str] = os.environ,
    client_factory: Callable[[Credentials, str | None], WootricClient] | None = None,
) -> int:
    """Run the command ``argv`` names; the exit code: 0 done, 1 some events failed, 2 could not
    do as asked (the reason is on stderr). ``client_factory`` makes the API client (tests pass
    one with a clock of their own)."""
    args = parser().parse_args(argv)
    try:
        credentials = credentials_from(environ)
        make = client_factory or (lambda c, url: WootricClient(c, base_url=url))
        client = make(credentials, args.api_url)
    except ValueError as error:
        print(f"wootric_web: {error}", file=sys.stderr)
        return CANNOT_RUN
    with client:
        try:
            if args.command == "send":
                return run_send(client, args)
            return run_export(client, args)
        except (ExportError, WootricError, OSError, ValueError, sqlite3.Error) as error:
            print(f"wootric_web: {error}", file=sys.stderr)
            return CANNOT_RUN
        except KeyboardInterrupt:
            print("wootric_web: stopped.", file=sys.stderr)
            return CANNOT_RUN


def run_send(client: WootricClient, args: argparse.Namespace) -> int:
    options = Options(
        strict_properties=args.strict_properties,
        last_surveyed_from_timestamp=args.last_surveyed_from_timestamp,
    )
    began = time.monotonic()

    def show(outcome: Outcome) -> None:
        where = f"line {outcome.line}"
        if outcome.message_id:
            where += f" ({outcome.message_id})"
        if outcome.failure is not None:
            print(f"{where}: {outcome.failure.code}: {outcome.failure.message}", flush=True)
        if args.verbose:
            for code, message in outcome.warnings:
                print(f"{where}: warning {code}: {message}", flush=True)

    with ExitStack() as files:
        stream: BinaryIO = (
            sys.stdin.buffer if args.events == "-" else files.enter_context(open(args.events, "rb"))
        )
        report = send_events(client, read_lines(stream), options, on_outcome=show)
    warned = sum(1 for outcome in report.outcomes if outcome.warnings)
    print(
        f"{len(report.outcomes)} events: {report.sent} sent, {len(report.failures)} failed, "
        f"{warned} with warnings; {client.requests} requests in "
        f"{time.monotonic() - began:.1f} s"
    )
    return SOME_FAILED if report.failures else OK


def run_export(client: WootricClient, args: argparse.Namespace) -> int:
    since = None
    if args.since is not None:
        since = created_at_seconds(args.since)
        if since is None:
            raise ValueError("--since must be a date: ISO 8601 (2024-01-31) or Unix seconds.")
    with ExitStack() as stack:
        sink: Sink
        if args.singer:
            state: dict[str, Any] = {}
            if args.state:
                with open(args.state, encoding="utf-8") as file:
                    state = json.load(file)
            sink = SingerWriter(sys.stdout, state)
        else:
            sink = stack.enter_context(closing(SqliteStore(args.db)))
        bar = stack.enter_context(ProgressBar()) if sys.stderr.isatty() else None
        summary = export(
            client,
            sink,
            since=since,
            lookback_days=args.lookback_days,
            on_page=bar.update if bar else None,
        )
    report = sys.stderr if args.singer else sys.stdout
    for stream in summary.streams:
        print(f"{stream.stream}: {stream.rows} records in {stream.pages} pages", file=report)
    print(f"{summary.requests} requests in {summary.seconds:.1f} s", file=report)
    return OK


class ProgressBar:
    """A bar per stream on the terminal, over the time window the stream covers."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[rows]} records"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> ProgressBar:
        self._progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._progress.stop()

    def update(self, progress: ExportProgress) -> None:
        task = self._tasks.get(progress.stream)
        total = max(progress.bound - progress.start, 1)
        if task is None:
            task = self._tasks[progress.stream] = self._progress.add_task(
                progress.stream, total=total, rows=0
            )
        self._progress.update(
            task, completed=progress.position - progress.start, rows=progress.rows
        )


if __name__ == "__main__":
    sys.exit(main())
