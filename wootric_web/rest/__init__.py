"""The server side: Wootric's REST API from plain CPython (install the ``server`` extra).

Events sent in cloud mode (:func:`send_events`). The browser worker never imports this package; it
needs httpx, which the browser's wheel does not bring.
"""

from .client import (
    ClientCredentials,
    CredentialsRefused,
    PasswordGrant,
    WootricClient,
    WootricError,
)
from .cloud_destination import EventError, Options, calls_for, plan_event
from .send import Outcome, Report, read_lines, send_events

__all__ = [
    "ClientCredentials",
    "CredentialsRefused",
    "EventError",
    "Options",
    "Outcome",
    "PasswordGrant",
    "Report",
    "WootricClient",
    "WootricError",
    "calls_for",
    "plan_event",
    "read_lines",
    "send_events",
]
