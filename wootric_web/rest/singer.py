"""The export as Singer messages: SCHEMA, RECORD and STATE lines for any Singer target.

Streams are the SQLite file's tables (:mod:`.tables`), with the same keys. The state is
``{"bookmarks": {stream: {"position": <Unix seconds>, "finished": <bool>}}}``; each STATE follows
the records it covers, so a target that keeps the last state it saw resumes where its rows end.
Singer has no message for a removed row, so a property removed in Wootric stays in a target's
``wootric_end_users_properties`` (the SQLite file removes it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TextIO

from .export import Savepoint
from .tables import TABLES, Batch, ColumnType, Table

_JSON_TYPES: dict[ColumnType, dict[str, Any]] = {
    "integer": {"type": ["null", "integer"]},
    "real": {"type": ["null", "number"]},
    "text": {"type": ["null", "string"]},
    "boolean": {"type": ["null", "boolean"]},
    "timestamp": {"type": ["null", "string"], "format": "date-time"},
    "json": {"type": ["null", "string"]},
}


def schema_message(table: Table) -> dict[str, Any]:
    properties = {name: _JSON_TYPES[kind] for name, kind in table.columns}
    return {
        "type": "SCHEMA",
        "stream": table.name,
        "schema": {"type": "object", "properties": properties},
        "key_properties": list(table.key),
    }


def read_state(state: Mapping[str, Any]) -> dict[str, Savepoint]:
    """Savepoints from a Singer state (the value of the last STATE message); what does not read as
    one is left out, so that stream starts from the start date."""
    bookmarks = state.get("bookmarks")
    savepoints: dict[str, Savepoint] = {}
    if not isinstance(bookmarks, dict):
        return savepoints
    for stream, bookmark in bookmarks.items():
        position = bookmark.get("position") if isinstance(bookmark, dict) else None
        if isinstance(position, int) and not isinstance(position, bool):
            savepoints[stream] = Savepoint(position, bookmark.get("finished") is True)
    return savepoints


class SingerWriter:
    """Writes the export to ``out``, starting from ``state`` (as :func:`read_state` reads it)."""

    def __init__(self, out: TextIO, state: Mapping[str, Any] | None = None) -> None:
        self._out = out
        self._savepoints = read_state(state or {})
        for table in TABLES:
            self._emit(schema_message(table))

    def savepoints(self) -> Mapping[str, Savepoint]:
        return dict(self._savepoints)

    def write(self, stream: str, batch: Batch, savepoint: Savepoint) -> None:
        for table, rows in batch.rows.items():
            for row in rows:
                self._emit({"type": "RECORD", "stream": table.name, "record": row})
        self._savepoints[stream] = savepoint
        bookmarks = {
            name: {"position": saved.position, "finished": saved.finished}
            for name, saved in self._savepoints.items()
        }
        self._emit({"type": "STATE", "value": {"bookmarks": bookmarks}})
        self._out.flush()

    def _emit(self, message: Mapping[str, Any]) -> None:
        self._out.write(json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n")
