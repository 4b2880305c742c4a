"""The server side: Wootric's REST API from plain CPython (install the ``server`` extra).

Events sent in cloud mode (:func:`send_events`), and an incremental export into SQLite or Singer
(:func:`export`). The browser worker never imports this package; it needs httpx, which the
browser's wheel does not bring.
"""

from .client import (
    ClientCredentials,
    CredentialsRefused,
    PasswordGrant,
    WootricClient,
    WootricError,
)
from .cloud_destination import EventError, Options, calls_for, plan_event
from .export import ExportError, Savepoint, export
from .send import Outcome, Report, read_lines, send_events
from .singer import SingerWriter
from .sqlite_store import SqliteStore

__all__ = [
    "ClientCredentials",
    "CredentialsRefused",
    "EventError",
    "ExportError",
    "Options",
    "Outcome",
    "PasswordGrant",
    "Report",
    "Savepoint",
    "SingerWriter",
    "SqliteStore",
    "WootricClient",
    "WootricError",
    "calls_for",
    "export",
    "plan_event",
    "read_lines",
    "send_events",
]
