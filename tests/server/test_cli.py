"""``python -m wootric_web send`` and ``export``: in-process, and as real processes on a terminal
and through a crash."""

from __future__ import annotations

import io
import json
import os
import pty
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from wootric_web.__main__ import CANNOT_RUN, OK, SOME_FAILED, credentials_from, main
from wootric_web.rest import ClientCredentials, PasswordGrant, SqliteStore, WootricClient, export
from wootric_web.rest.client import Credentials

from .conftest import CLIENT_ID, CLIENT_SECRET, USERNAME
from .standin import FakeClock, Logged, StandIn
from .test_export import DAY, expected, exported, fill, list_requests

ENVIRON = {"WOOTRIC_CLIENT_ID": CLIENT_ID, "WOOTRIC_CLIENT_SECRET": CLIENT_SECRET}


def cli(standin: StandIn, clock: FakeClock, *argv: str) -> int:
    def client(credentials: Credentials, url: str | None) -> WootricClient:
        assert url == standin.url
        return WootricClient(credentials, base_url=url, sleep=clock.sleep, clock=clock.time)

    return main(["--api-url", standin.url, *argv], ENVIRON, client)


def events_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(line + "\n" for line in lines))
    return path


IDENTIFY = json.dumps({"type": "identify", "userId": "u1", "traits": {"email": "a@example.com"}})


def test_send_prints_each_failure_and_a_summary(
    standin: StandIn, clock: FakeClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = events_file(tmp_path, IDENTIFY, "{oops", json.dumps({"type": "page", "userId": "u"}))

    assert cli(standin, clock, "send", str(path)) == SOME_FAILED

    out = capsys.readouterr().out.splitlines()
    assert out[0] == "line 2: line-not-json: The line is not valid JSON (line column 2)."
    assert out[1].startswith("line 3: type-unsupported: Wootric has no call for page events")
    assert out[2].startswith("3 events: 1 sent, 2 failed, 0 with warnings; ")


def test_send_reads_standard_input_and_succeeds_when_every_event_is_sent(
    standin: StandIn,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(IDENTIFY.encode())))

    assert cli(standin, clock, "send") == OK
    assert capsys.readouterr().out.startswith("1 events: 1 sent, 0 failed")
    assert [u["external_id"] for u in standin.end_users.values()] == ["u1"]


def test_send_prints_warnings_when_asked(
    standin: StandIn, clock: FakeClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = {"type": "identify", "userId": "u1", "traits": {"email": "a@x.io", "a.b": 1}}
    path = events_file(tmp_path, json.dumps(dict(event, messageId="m1")))

    assert cli(standin, clock, "send", "-v", str(path)) == OK
    assert capsys.readouterr().out.startswith("line 1 (m1): warning property-key-invalid: ")


def test_without_credentials_nothing_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send"], {}) == CANNOT_RUN
    assert "set WOOTRIC_CLIENT_ID and WOOTRIC_CLIENT_SECRET" in capsys.readouterr().err


def test_the_environment_chooses_the_grant() -> None:
    assert credentials_from(ENVIRON) == ClientCredentials(CLIENT_ID, CLIENT_SECRET)
    login = {
        "WOOTRIC_USERNAME": USERNAME,
        "WOOTRIC_PASSWORD": "pw",
        "WOOTRIC_ACCOUNT_TOKEN": "NPS-EU-01fe3cbc",
    }
    assert credentials_from(login) == PasswordGrant(USERNAME, "pw", "NPS-EU-01fe3cbc")


def test_a_login_without_its_account_token_is_refused() -> None:
    with pytest.raises(ValueError, match="WOOTRIC_ACCOUNT_TOKEN"):
        credentials_from({"WOOTRIC_USERNAME": USERNAME, "WOOTRIC_PASSWORD": "pw"})


def test_export_writes_sqlite_and_prints_what_it_read(
    standin: StandIn, clock: FakeClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(standin, 60, start=standin.now() - DAY)
    db = tmp_path / "out.sqlite"

    assert cli(standin, clock, "export", "--db", str(db), "--since", "2023-01-01") == OK

    assert exported(db) == expected(standin)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "end_users: 60 records in 2 pages"
    assert out[-1].endswith(" s")


def test_export_goes_on_from_the_savepoint_without_a_date(
    standin: StandIn, clock: FakeClock, tmp_path: Path
) -> None:
    db = tmp_path / "out.sqlite"
    assert cli(standin, clock, "export", "--db", str(db), "--since", "2023-01-01") == OK
    standin.add_end_user(email="later@example.com")
    clock.advance(60)

    assert cli(standin, clock, "export", "--db", str(db)) == OK
    assert exported(db) == expected(standin)


def test_export_without_a_date_or_savepoint_says_what_to_give(
    standin: StandIn, clock: FakeClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(standin, clock, "export", "--db", str(tmp_path / "x.sqlite")) == CANNOT_RUN
    assert "give a start date (--since)" in capsys.readouterr().err


def test_export_refuses_a_since_that_is_not_a_date(
    standin: StandIn, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(standin, clock, "export", "--since", "last tuesday") == CANNOT_RUN
    assert "--since must be a date" in capsys.readouterr().err


def test_export_into_a_file_that_is_not_a_database_says_so(
    standin: StandIn, clock: FakeClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("not a database, but somebody's notes\n" * 100)

    assert cli(standin, clock, "export", "--db", str(db), "--since", "2023-01-01") == CANNOT_RUN
    assert "file is not a database" in capsys.readouterr().err


def test_export_as_singer_writes_messages_on_stdout_and_the_summary_on_stderr(
    standin: StandIn, clock: FakeClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(standin, 5, start=standin.now() - DAY)

    assert cli(standin, clock, "export", "--singer", "--since", "2023-01-01") == OK

    captured = capsys.readouterr()
    types = {json.loads(line)["type"] for line in captured.out.splitlines()}
    assert types == {"SCHEMA", "RECORD", "STATE"}
    assert captured.err.startswith("end_users: 5 records")


def test_export_as_singer_resumes_from_a_state_file(
    standin: StandIn, clock: FakeClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(standin, 5, start=standin.now() - DAY)
    cli(standin, clock, "export", "--singer", "--since", "2023-01-01")
    last = capsys.readouterr().out.splitlines()[-1]
    state = tmp_path / "state.json"
    state.write_text(json.dumps(json.loads(last)["value"]))

    clock.advance(60)

    argv = ["export", "--singer", "--state", str(state), "--lookback-days", "0"]
    assert cli(standin, clock, *argv) == OK
    assert '"RECORD"' not in capsys.readouterr().out


# --- real processes -------------------------------------------------------------------------


@pytest.fixture
def live() -> Iterator[StandIn]:
    """The stand-in on the real clock, with no rate limit to wait for, for real processes."""
    with StandIn(rate_limit=10**9) as api:
        api.clients[CLIENT_ID] = CLIENT_SECRET
        yield api


def command(standin: StandIn, *argv: str, **options: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "wootric_web", "--api-url", standin.url, *argv],
        env={**os.environ, **ENVIRON},
        stdout=options.pop("stdout", subprocess.PIPE),
        stderr=options.pop("stderr", subprocess.PIPE),
        **options,
    )


def test_export_shows_a_progress_bar_on_a_terminal(live: StandIn, tmp_path: Path) -> None:
    fill(live, 120, start=live.now() - DAY)
    leader, follower = pty.openpty()
    process = command(live, "export", "--db", str(tmp_path / "x.sqlite"), "--since", "2023-01-01",
                      stderr=follower)  # fmt: skip
    os.close(follower)
    screen = b""
    while chunk := _read(leader):
        screen += chunk
    assert process.wait(timeout=60) == OK
    os.close(leader)

    assert b"end_users" in screen
    assert "━".encode() in screen


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal closes when the process ends
        return b""


def test_export_shows_no_progress_bar_when_not_on_a_terminal(live: StandIn, tmp_path: Path) -> None:
    process = command(live, "export", "--db", str(tmp_path / "x.sqlite"), "--since", "2023-01-01")
    out, err = process.communicate(timeout=60)

    assert process.returncode == OK
    assert err == b""
    assert out.startswith(b"end_users: 0 records")


def test_10000_end_users_exported_and_killed_at_a_random_page_resume_to_exactly_the_apis_rows(
    live: StandIn, tmp_path: Path
) -> None:
    fill(live, 10_000, start=live.now() - 30 * DAY)
    since = "2020-01-01"
    # What one whole export reads, for comparison.
    with (
        closing(SqliteStore(tmp_path / "whole.sqlite")) as store,
        WootricClient(ClientCredentials(CLIENT_ID, CLIENT_SECRET), base_url=live.url) as client,
    ):
        export(client, store, since=1_577_836_800)
    whole = len(list_requests(live.log))
    live.log.clear()

    page = random.randrange(2, whole)
    db = tmp_path / "wootric.sqlite"
    victim: list[subprocess.Popen[bytes]] = []
    # (run, whether it lists) for every request, noted as it arrives: the killed request's answer
    # may still be on its way when the process is found dead.
    seen: list[tuple[int, bool]] = []

    def kill_at_the_chosen_page(request: Logged) -> None:
        run = len(victim)
        seen.append((run, request.method == "GET" and request.path.startswith("/v1/")))
        if run == 1 and seen.count((1, True)) == page:
            # SIGKILL: no handler, no cleanup, as a machine losing power would stop it.
            victim[0].send_signal(signal.SIGKILL)

    live.on_request = kill_at_the_chosen_page
    began = time.monotonic()
    victim.append(command(live, "export", "--db", str(db), "--since", since))
    victim[0].communicate(timeout=120)
    first_seconds = time.monotonic() - began
    assert victim[0].returncode == -signal.SIGKILL, f"killed at page {page} of {whole}"
    with closing(sqlite3.connect(db)) as connection:
        unfinished = connection.execute(
            "SELECT count(*) FROM wootric_savepoints WHERE finished = 0"
        ).fetchone()[0]
    assert unfinished > 0, f"killed at page {page} of {whole}"

    began = time.monotonic()
    victim.append(command(live, "export", "--db", str(db)))
    _, err = victim[1].communicate(timeout=120)
    second_seconds = time.monotonic() - began

    assert (victim[1].returncode, err) == (OK, b""), f"killed at page {page} of {whole}"
    assert exported(db) == expected(live), f"killed at page {page} of {whole}"
    # Resumed, not restarted: the killed page is read again, each of the (at most two) streams
    # already finished asks once for what came since, and a stop among the 130 end users of one
    # second reads that second's first pages again (two at most).
    assert seen.count((1, True)) + seen.count((2, True)) <= whole + 1 + 2 + 2
    rows = exported(db)
    first_requests = sum(run == 1 for run, _ in seen)
    second_requests = sum(run == 2 for run, _ in seen)
    print(
        f"\n10k export killed at page {page} of {whole}: first run {first_seconds:.1f} s, "
        f"{first_requests} requests; resumed run {second_seconds:.1f} s, {second_requests} "
        f"requests; a whole run reads {whole} pages; rows: {len(rows['end_users'])} end users, "
        f"{len(rows['properties'])} properties, {len(rows['responses'])} responses, "
        f"{len(rows['declines'])} declines"
    )
