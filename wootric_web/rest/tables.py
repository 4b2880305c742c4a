"""The export's tables: what each API record becomes, for SQLite and for Singer alike.

End users and their properties are the two tables of seed 003 (Kondado's connector), with its
column names; responses and declines, which it does not have, take the Singer tap's fields (§4.1)
under names of the same kind. Timestamps are written as ISO 8601 in UTC, whatever zone the API
wrote them in (its reads give the account's zone, §2.3), so that they sort as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from .client import api_seconds

ColumnType = Literal["integer", "real", "text", "boolean", "timestamp", "json"]
Cell = int | float | str | None
Row = dict[str, Cell]


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[tuple[str, ColumnType], ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


END_USERS = Table(
    "wootric_end_users",
    ("id",),
    (
        ("id", "integer"),
        ("phone_number", "text"),
        ("email", "text"),
        ("last_seen_at", "timestamp"),
        ("last_surveyed", "timestamp"),
        ("created_at", "timestamp"),
        ("external_created_at", "integer"),
        ("external_id", "text"),
        ("last_response__text", "text"),
        ("last_response__score", "real"),
        ("last_response__survey__channel", "text"),
        ("last_response__id", "integer"),
        ("updated_at", "timestamp"),
        ("settings_email_nps", "boolean"),
        ("settings_force_mobile_survey", "boolean"),
        ("settings_force_web_survey", "boolean"),
        ("settings_mobile_nps", "boolean"),
        ("settings_surveys_disabled_by_end_user", "boolean"),
        ("settings_web_nps", "boolean"),
    ),
)

END_USER_PROPERTIES = Table(
    "wootric_end_users_properties",
    ("end_user_id", "property_key"),
    (("end_user_id", "integer"), ("property_key", "text"), ("property_value", "text")),
)

_FEEDBACK_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("id", "integer"),
    ("end_user_id", "integer"),
    ("survey_id", "integer"),
    ("ip_address", "text"),
    ("origin_url", "text"),
    ("created_at", "timestamp"),
    ("updated_at", "timestamp"),
    ("end_user_properties", "json"),
)

RESPONSES = Table(
    "wootric_responses",
    ("id",),
    (
        *_FEEDBACK_COLUMNS,
        ("score", "integer"),
        ("text", "text"),
        ("completed", "boolean"),
        ("excluded_from_calculations", "boolean"),
        ("tags", "json"),
    ),
)

DECLINES = Table("wootric_declines", ("id",), _FEEDBACK_COLUMNS)

TABLES = (END_USERS, END_USER_PROPERTIES, RESPONSES, DECLINES)

_SETTINGS = (
    "email_nps",
    "force_mobile_survey",
    "force_web_survey",
    "mobile_nps",
    "surveys_disabled_by_end_user",
    "web_nps",
)


@dataclass
class Batch:
    """Rows for some tables. ``replaced`` are the end users whose properties the batch holds in
    full: their property rows not in the batch are gone from Wootric and go from the table too."""

    rows: dict[Table, list[Row]] = field(default_factory=dict)
    replaced: list[int] = field(default_factory=list)

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def batch_for(stream: str, records: Iterable[Mapping[str, Any]]) -> Batch:
    """The rows of a page of ``stream`` (``end_users``, ``responses`` or ``declines``)."""
    records = list(records)
    if stream == "end_users":
        users = [end_user_row(record) for record in records]
        properties = [row for record in records for row in property_rows(record)]
        ids = [user_id for user in users if isinstance(user_id := user["id"], int)]
        return Batch({END_USERS: users, END_USER_PROPERTIES: properties}, ids)
    table = RESPONSES if stream == "responses" else DECLINES
    return Batch({table: [feedback_row(table, record) for record in records]})


def end_user_row(user: Mapping[str, Any]) -> Row:
    """An end user as seed 003's main table: ``last_response`` and ``settings`` flattened."""
    last = _object(user.get("last_response"))
    settings = _object(user.get("settings"))
    row: Row = {
        "id": _integer(user.get("id")),
        "phone_number": as_text(user.get("phone_number")),
        "email": as_text(user.get("email")),
        "last_seen_at": timestamp(user.get("last_seen_at")),
        "last_surveyed": timestamp(user.get("last_surveyed")),
        "created_at": timestamp(user.get("created_at")),
        "external_created_at": _integer(user.get("external_created_at")),
        "external_id": as_text(user.get("external_id")),
        "last_response__text": as_text(last.get("text")),
        "last_response__score": _number(last.get("score")),
        "last_response__survey__channel": as_text(_object(last.get("survey")).get("channel")),
        "last_response__id": _integer(last.get("id")),
        "updated_at": timestamp(user.get("updated_at")),
    }
    for name in _SETTINGS:
        row[f"settings_{name}"] = _boolean(settings.get(name))
    return row


def property_rows(user: Mapping[str, Any]) -> list[Row]:
    """An end user's properties as seed 003's ``wootric_end_users_properties`` rows."""
    user_id = _integer(user.get("id"))
    return [
        {"end_user_id": user_id, "property_key": key, "property_value": as_text(value)}
        for key, value in _object(user.get("properties")).items()
    ]


def feedback_row(table: Table, record: Mapping[str, Any]) -> Row:
    """A response or decline; ``end_user.properties`` (the snapshot taken when the survey was
    answered, §2.5) and ``tags`` are JSON text."""
    row: Row = {}
    for name, kind in table.columns:
        value = (
            _object(record.get("end_user")).get("properties")
            if name == "end_user_properties"
            else record.get(name)
        )
        row[name] = cell(kind, value)
    return row


def cell(kind: ColumnType, value: Any) -> Cell:
    """``value`` as a column of ``kind``."""
    match kind:
        case "integer":
            return _integer(value)
        case "real":
            return _number(value)
        case "boolean":
            return _boolean(value)
        case "timestamp":
            return timestamp(value)
        case "json":
            return None if value is None else json.dumps(value, ensure_ascii=False)
        case _:
            return as_text(value)


def timestamp(value: object) -> str | None:
    """An API timestamp as ISO 8601 UTC; text that is not one is kept as it came."""
    seconds = api_seconds(value)
    if seconds is None:
        return value if isinstance(value, str) else None
    try:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return value if isinstance(value, str) else None


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20:
        return int(value)
    return None


def _number(value: object) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _boolean(value: object) -> int | None:
    return int(value) if isinstance(value, bool) else None


def as_text(value: object) -> str | None:
    """A value as text: strings as they are, anything else as JSON (``12``, ``true``)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
