"""The incremental export through the stand-in: SQLite by default, Singer messages on request."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from wootric_web.rest import ExportError, SingerWriter, SqliteStore, WootricClient, export
from wootric_web.rest.export import Progress, Savepoint
from wootric_web.rest.tables import END_USERS, Batch

from .standin import FakeClock, Logged, StandIn

DAY = 86_400


def iso(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fill(standin: StandIn, users: int, *, start: int) -> None:
    """End users with properties, responses and declines, at times the test chooses: ten a
    second, so that pages break inside seconds, and a run of 120 sharing one second."""
    for number in range(users):
        moment = start + 3 if number % 7 == 0 and number < 840 else start + number // 10
        user = standin.add_end_user(
            email=f"user{number}@example.com",
            external_id=f"ext-{number}",
            created_at=moment - DAY,
            updated_at=moment,
            properties={f"key{k}": f"value {number}-{k}" for k in range(number % 4)}
            | ({"seats_amount": number} if number % 5 == 0 else {}),
        )
        if number % 3 == 0:
            standin.add_response(
                user["id"], score=number % 11, created_at=moment, updated_at=moment
            )
        if number % 4 == 1:
            standin.add_decline(user["id"], created_at=moment, updated_at=moment)


def table(path: Path, query: str) -> set[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return set(connection.execute(query))


def expected_end_users(standin: StandIn) -> set[tuple[Any, ...]]:
    return {
        (u["id"], u["email"], u["external_id"], iso(u["updated_at"]), iso(u["created_at"]))
        for u in standin.end_users.values()
    }


def expected_properties(standin: StandIn) -> set[tuple[Any, ...]]:
    return {
        (u["id"], key, value if isinstance(value, str) else json.dumps(value))
        for u in standin.end_users.values()
        for key, value in u["properties"].items()
    }


def expected_feedback(records: dict[int, dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {(r["id"], r["end_user_id"], iso(r["updated_at"])) for r in records.values()}


def exported(path: Path) -> dict[str, set[tuple[Any, ...]]]:
    return {
        "end_users": table(
            path, "SELECT id, email, external_id, updated_at, created_at FROM wootric_end_users"
        ),
        "properties": table(path, "SELECT * FROM wootric_end_users_properties"),
        "responses": table(path, "SELECT id, end_user_id, updated_at FROM wootric_responses"),
        "declines": table(path, "SELECT id, end_user_id, updated_at FROM wootric_declines"),
    }


def expected(standin: StandIn) -> dict[str, set[tuple[Any, ...]]]:
    return {
        "end_users": expected_end_users(standin),
        "properties": expected_properties(standin),
        "responses": expected_feedback(standin.responses),
        "declines": expected_feedback(standin.declines),
    }


def run(
    client: WootricClient,
    path: Path,
    clock: FakeClock,
    since: int | None = None,
    on_page: Callable[[Progress], None] | None = None,
) -> None:
    with closing(SqliteStore(path)) as store:
        export(client, store, since=since, now=int(clock.time()), on_page=on_page)


@pytest.fixture
def start(clock: FakeClock) -> int:
    return int(clock.time()) - 30 * DAY


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "wootric.sqlite"


@pytest.fixture
def filled(standin: StandIn, start: int) -> StandIn:
    fill(standin, 400, start=start)
    return standin


def test_an_export_holds_exactly_the_apis_rows(
    client: WootricClient, filled: StandIn, db: Path, clock: FakeClock, start: int
) -> None:
    run(client, db, clock, since=start)

    assert exported(db) == expected(filled)


def test_the_end_users_table_has_seed_003s_columns(
    client: WootricClient, filled: StandIn, db: Path, clock: FakeClock, start: int
) -> None:
    run(client, db, clock, since=start)

    with closing(sqlite3.connect(db)) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(wootric_end_users)")]
    assert columns == [
        "id", "phone_number", "email", "last_seen_at", "last_surveyed", "created_at",
        "external_created_at", "external_id", "last_response__text", "last_response__score",
        "last_response__survey__channel", "last_response__id", "updated_at",
        "settings_email_nps", "settings_force_mobile_survey", "settings_force_web_survey",
        "settings_mobile_nps", "settings_surveys_disabled_by_end_user", "settings_web_nps",
    ]  # fmt: skip


def test_last_response_and_settings_are_flattened(
    client: WootricClient, standin: StandIn, db: Path, clock: FakeClock, start: int
) -> None:
    user = standin.add_end_user(
        email="a@example.com",
        updated_at=start,
        last_response={"id": 77, "score": 9, "text": "Great", "survey": {"channel": "mobile:ios"}},
    )
    user["settings"]["web_nps"] = False

    run(client, db, clock, since=start)

    assert table(
        db,
        "SELECT last_response__id, last_response__score, last_response__text, "
        "last_response__survey__channel, settings_web_nps, settings_email_nps "
        "FROM wootric_end_users",
    ) == {(77, 9, "Great", "mobile:ios", 0, 1)}


def test_the_first_export_needs_a_start_date_and_makes_no_call(
    client: WootricClient, standin: StandIn, db: Path, clock: FakeClock
) -> None:
    with pytest.raises(ExportError, match="give a start date"):
        run(client, db, clock)
    assert standin.log == []


def test_the_next_export_starts_from_the_savepoint_and_catches_updates(
    client: WootricClient, filled: StandIn, db: Path, clock: FakeClock, start: int
) -> None:
    run(client, db, clock, since=start)
    first_bound = int(clock.time())
    clock.advance(DAY)
    changed = next(iter(filled.end_users.values()))
    changed.update(email="new@example.com", updated_at=filled.now() - 10)
    filled.log.clear()

    run(client, db, clock)

    assert exported(db) == expected(filled)
    end_user_lists = [r for r in filled.log if r.path == "/v1/end_users"]
    assert dict(end_user_lists[0].query)["updated[gte]"] == str(first_bound)
    assert len(end_user_lists) == 1


def test_a_property_removed_in_wootric_is_removed_from_the_table(
    client: WootricClient, standin: StandIn, db: Path, clock: FakeClock, start: int
) -> None:
    user = standin.add_end_user(email="a@example.com", updated_at=start, properties={"a": "1"})
    run(client, db, clock, since=start)
    user.update(properties={"b": "2"}, updated_at=standin.now())
    clock.advance(10)

    run(client, db, clock)

    assert table(db, "SELECT * FROM wootric_end_users_properties") == {(user["id"], "b", "2")}


def test_a_late_update_to_a_response_is_caught_by_reading_back(
    client: WootricClient, filled: StandIn, db: Path, clock: FakeClock, start: int
) -> None:
    run(client, db, clock, since=start)
    clock.advance(DAY)
    answer = next(iter(filled.responses.values()))
    filled.update_response(answer["id"], tags=["pricing"], excluded_from_calculations=True)

    run(client, db, clock)

    assert table(
        db,
        f"SELECT tags, excluded_from_calculations FROM wootric_responses WHERE id = {answer['id']}",
    ) == {('["pricing"]', 1)}


def test_reading_back_stops_at_the_lookback(
    client: WootricClient, standin: StandIn, db: Path, clock: FakeClock
) -> None:
    user = standin.add_end_user(email="a@example.com")
    old = standin.add_response(user["id"], created_at=standin.now() - 200 * DAY)
    with closing(SqliteStore(db)) as store:
        export(client, store, since=standin.now() - 365 * DAY, now=standin.now())
        clock.advance(DAY)
        standin.update_response(old["id"], tags=["late"])
        standin.log.clear()
        export(client, store, now=standin.now(), lookback_days=120)

    [listing] = [r for r in standin.log if r.path == "/v1/responses"]
    assert dict(listing.query)["created[gte]"] == str(standin.now() - DAY - 120 * DAY)
    assert table(db, "SELECT tags FROM wootric_responses") == {("[]",)}


def test_savepoints_are_kept_in_the_same_file(
    client: WootricClient, filled: StandIn, db: Path, clock: FakeClock, start: int
) -> None:
    run(client, db, clock, since=start)

    assert table(db, "SELECT * FROM wootric_savepoints") == {
        (stream, int(clock.time()), 1) for stream in ("end_users", "responses", "declines")
    }


class Crash(Exception):
    pass


def crash_after(pages: int) -> Callable[[Progress], None]:
    seen = 0

    def on_page(progress: Progress) -> None:
        nonlocal seen
        seen += 1
        if seen == pages:
            raise Crash

    return on_page


@pytest.mark.parametrize("pages", [1, 3, 8, 9, 12])
def test_an_export_stopped_between_pages_resumes_with_no_row_lost_or_doubled(
    client: WootricClient, filled: StandIn, tmp_path: Path, clock: FakeClock, start: int, pages: int
) -> None:
    run(client, tmp_path / "whole.sqlite", clock, since=start)
    whole = len(list_requests(filled.log))
    filled.log.clear()
    db = tmp_path / "stopped.sqlite"
    with pytest.raises(Crash):
        run(client, db, clock, since=start, on_page=crash_after(pages))
    before = len(list_requests(filled.log))
    filled.log.clear()

    run(client, db, clock)

    assert exported(db) == expected(filled)
    # Resumed, not restarted: together the two runs read what one whole export reads.
    assert before + len(list_requests(filled.log)) == whole


def test_a_crash_inside_a_pages_transaction_leaves_neither_rows_nor_savepoint(
    client: WootricClient, filled: StandIn, db: Path, clock: FakeClock, start: int
) -> None:
    class FailingStore(SqliteStore):
        def _upsert(self, table: Any, rows: list[dict[str, Any]]) -> None:
            super()._upsert(table, rows)
            if table is END_USERS:
                raise Crash

    with closing(FailingStore(db)) as store, pytest.raises(Crash):
        export(client, store, since=start, now=int(clock.time()))

    assert table(db, "SELECT count(*) FROM wootric_end_users") == {(0,)}
    assert table(db, "SELECT stream, position, finished FROM wootric_savepoints") == {
        (stream, start, 0) for stream in ("end_users", "responses", "declines")
    }


def list_requests(log: list[Logged]) -> list[Logged]:
    return [r for r in log if r.method == "GET" and r.path.startswith("/v1/")]


def every_nth(n: int, action: Callable[[], None]) -> Callable[[Logged], None]:
    count = 0

    def hook(request: Logged) -> None:
        nonlocal count
        if request.path.startswith("/v1/"):
            count += 1
            if count % n == 0:
                action()

    return hook


FAULTS: dict[str, Callable[[StandIn, FakeClock], None]] = {
    "token expires mid-export": lambda api, clock: setattr(
        api, "on_request", every_nth(4, lambda: clock.advance(7200))
    ),
    "token revoked mid-export": lambda api, clock: setattr(
        api, "on_request", every_nth(3, api.revoke_tokens)
    ),
    "429 storm": lambda api, clock: api.fail(6, "rate_limited"),
    "500s": lambda api, clock: setattr(
        api, "on_request", every_nth(2, lambda: api.fail(1, "status", status=500))
    ),
    "connection cut mid-page": lambda api, clock: setattr(
        api, "on_request", every_nth(3, lambda: api.fail(1, "cut"))
    ),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_an_export_through_faults_ends_with_exactly_the_apis_rows(
    client: WootricClient, filled: StandIn, db: Path, clock: FakeClock, start: int, fault: str
) -> None:
    FAULTS[fault](filled, clock)

    run(client, db, clock, since=start)

    assert exported(db) == expected(filled)
    signed_in = sum(r.path == "/oauth/token" for r in filled.log)
    assert signed_in > 1 or any(r.faulted for r in filled.log)  # the fault did happen


def test_singer_messages_follow_the_spec(
    client: WootricClient, filled: StandIn, clock: FakeClock, start: int
) -> None:
    out = io.StringIO()
    export(client, SingerWriter(out), since=start, now=int(clock.time()))

    messages = [json.loads(line) for line in out.getvalue().splitlines()]
    schemas = {m["stream"]: m for m in messages if m["type"] == "SCHEMA"}
    records = [m for m in messages if m["type"] == "RECORD"]
    assert [m["type"] for m in messages[:4]] == ["SCHEMA"] * 4
    assert schemas["wootric_end_users"]["key_properties"] == ["id"]
    assert schemas["wootric_end_users_properties"]["key_properties"] == [
        "end_user_id",
        "property_key",
    ]
    assert {m["stream"] for m in records} == set(schemas)
    assert all(
        set(m["record"]) == set(schemas[m["stream"]]["schema"]["properties"]) for m in records
    )
    assert messages[-1]["type"] == "STATE"
    assert {r["record"]["id"] for r in records if r["stream"] == "wootric_end_users"} == set(
        filled.end_users
    )


def test_singer_resumes_from_the_last_state(
    client: WootricClient, filled: StandIn, clock: FakeClock, start: int
) -> None:
    out = io.StringIO()
    export(client, SingerWriter(out), since=start, now=int(clock.time()))
    state = json.loads(out.getvalue().splitlines()[-1])["value"]
    clock.advance(DAY)
    filled.log.clear()

    again = io.StringIO()
    export(client, SingerWriter(again, state), now=int(clock.time()), lookback_days=0)

    [listing, *_] = [r for r in filled.log if r.path == "/v1/end_users"]
    assert dict(listing.query)["updated[gte]"] == str(state["bookmarks"]["end_users"]["position"])
    assert not [line for line in again.getvalue().splitlines() if '"RECORD"' in line]


def test_a_state_that_does_not_read_is_no_savepoint() -> None:
    writer = SingerWriter(io.StringIO(), {"bookmarks": {"end_users": {"position": "x"}, "a": 1}})

    assert writer.savepoints() == {}


def test_the_savepoint_reads_back_as_it_was_written(db: Path) -> None:
    with closing(SqliteStore(db)) as store:
        store.write("responses", Batch(), Savepoint(123, finished=True))
        assert store.savepoints() == {"responses": Savepoint(123, finished=True)}


def test_progress_runs_over_the_time_window(
    client: WootricClient, filled: StandIn, db: Path, clock: FakeClock, start: int
) -> None:
    seen: list[Progress] = []

    run(client, db, clock, since=start, on_page=seen.append)

    end_users = [p for p in seen if p.stream == "end_users"]
    positions = [p.position for p in end_users]
    assert positions == sorted(positions)
    assert end_users[-1].position == end_users[-1].bound == int(clock.time())
    assert end_users[-1].rows == len(filled.end_users)
