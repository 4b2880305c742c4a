"""The export's default sink: one SQLite file, tables as seed 003 names them, upserted by id.

The savepoints live in the same file (``wootric_savepoints``) and each is written in the same
transaction as the rows it covers, so the file never says a page was exported unless its rows are
there, whatever stops the export.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from os import PathLike

from .export import Savepoint
from .tables import END_USER_PROPERTIES, TABLES, Batch, ColumnType, Row, Table

SAVEPOINTS = "wootric_savepoints"

_SQL_TYPES: dict[ColumnType, str] = {
    "integer": "INTEGER",
    "real": "REAL",
    "text": "TEXT",
    "boolean": "INTEGER",
    "timestamp": "TEXT",
    "json": "TEXT",
}


def _name(identifier: str) -> str:
    """An identifier quoted for SQL; ours are fixed names, quoted all the same."""
    return '"' + identifier.replace('"', '""') + '"'


def create_statement(table: Table) -> str:
    columns = ", ".join(f"{_name(name)} {_SQL_TYPES[kind]}" for name, kind in table.columns)
    key = ", ".join(_name(name) for name in table.key)
    return f"CREATE TABLE IF NOT EXISTS {_name(table.name)} ({columns}, PRIMARY KEY ({key}))"


def upsert_statement(table: Table) -> str:
    names = table.column_names
    columns = ", ".join(_name(name) for name in names)
    values = ", ".join(f":{name}" for name in names)
    key = ", ".join(_name(name) for name in table.key)
    updates = ", ".join(
        f"{_name(name)} = excluded.{_name(name)}" for name in names if name not in table.key
    )
    return (
        f"INSERT INTO {_name(table.name)} ({columns}) VALUES ({values}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )


class SqliteStore:
    """An export's SQLite file (``contextlib.closing`` closes it after use)."""

    def __init__(self, path: str | PathLike[str]) -> None:
        self.connection = sqlite3.connect(path)
        with self.connection:
            for table in TABLES:
                self.connection.execute(create_statement(table))
            self.connection.execute(
                f"CREATE TABLE IF NOT EXISTS {SAVEPOINTS} (stream TEXT PRIMARY KEY, "
                "position INTEGER NOT NULL, finished INTEGER NOT NULL)"
            )

    def close(self) -> None:
        self.connection.close()

    def savepoints(self) -> Mapping[str, Savepoint]:
        rows = self.connection.execute(f"SELECT stream, position, finished FROM {SAVEPOINTS}")
        return {stream: Savepoint(position, bool(finished)) for stream, position, finished in rows}

    def write(self, stream: str, batch: Batch, savepoint: Savepoint) -> None:
        """The batch's rows and the stream's savepoint, in one transaction."""
        with self.connection:
            if batch.replaced:
                # An end user's properties come whole with the end user: the ones no longer
                # there were removed in Wootric.
                self.connection.executemany(
                    f"DELETE FROM {_name(END_USER_PROPERTIES.name)} WHERE end_user_id = ?",
                    [(user_id,) for user_id in batch.replaced],
                )
            for table, rows in batch.rows.items():
                self._upsert(table, rows)
            self.connection.execute(
                f"INSERT INTO {SAVEPOINTS} (stream, position, finished) VALUES (?, ?, ?) "
                "ON CONFLICT (stream) DO UPDATE SET position = excluded.position, "
                "finished = excluded.finished",
                (stream, savepoint.position, int(savepoint.finished)),
            )

    def _upsert(self, table: Table, rows: list[Row]) -> None:
        # A record without an id cannot be kept by id; Wootric's always have one.
        keyed = [row for row in rows if all(row.get(key) is not None for key in table.key)]
        self.connection.executemany(upsert_statement(table), keyed)
