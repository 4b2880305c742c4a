"""static/wootric-worker.mjs on its own: it boots Pyodide, installs our wheel and answers messages.

One page (one Pyodide boot) serves the whole module; see pages/worker-boot.html.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page

START = {
    "kind": "start",
    "account_token": "NPS-01fe3cbc",
    "beacon_url": "/static/preview-beacon.js",
    "stored": {"local": {}, "cookie": {}},
}


@pytest.fixture(scope="module")
def worker_page(module_page: Page, server_url: str) -> Page:
    module_page.goto(server_url + "pages/worker-boot.html")
    # Sent straight away, while the worker is still booting: it must be queued, then answered.
    module_page.evaluate(
        """text => {
            window.sentWhileBooting = !window.isReady();
            window.early = window.send(text);
        }""",
        json.dumps(START),
    )
    return module_page


def test_worker_posts_ready(worker_page: Page) -> None:
    assert worker_page.evaluate("window.booted")["type"] == "ready"


def test_message_sent_before_ready_is_answered(worker_page: Page) -> None:
    assert worker_page.evaluate("window.sentWhileBooting") is True
    answer: dict[str, Any] = worker_page.evaluate("window.early")
    assert answer["type"] == "changes"
    assert answer["seq"] == 1
    assert "error" not in answer, answer.get("error")
    changes = json.loads(answer["text"])
    assert isinstance(changes, list)
    settings = [change for change in changes if change.get("op") == "settings"]
    assert any(
        change["values"].get("account_token") == START["account_token"] for change in settings
    ), changes
    assert {"op": "load_beacon", "url": START["beacon_url"]} in changes


def test_answers_keep_their_sequence_numbers(worker_page: Page) -> None:
    worker_page.evaluate("window.booted")
    answers: list[dict[str, Any]] = worker_page.evaluate(
        "texts => Promise.all(texts.map(window.send))",
        [json.dumps({"kind": "beacon", "state": "loaded"})] * 3,
    )
    seqs = [answer["seq"] for answer in answers]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == 3
    for answer in answers:
        assert isinstance(json.loads(answer["text"]), list)


def test_text_that_is_not_json_is_still_answered(worker_page: Page) -> None:
    worker_page.evaluate("window.booted")
    answer: dict[str, Any] = worker_page.evaluate("window.send('this is not JSON')")
    # protocol.handle reports bad input as a warning; had it raised, the worker would answer
    # "[]" with an error. Either way the caller gets an answer and nobody waits forever.
    assert answer["type"] == "changes"
    changes = json.loads(answer["text"])
    assert isinstance(changes, list)
    assert answer.get("error") or any(change.get("op") == "warn" for change in changes), answer


def test_a_runtime_that_cannot_load_is_reported(
    page: Page, server_url: str, expect_console_errors: list[str]
) -> None:
    expect_console_errors.append(r"status of 404 .*/static/missing/pyodide\.mjs")
    page.goto(server_url + "pages/worker-boot.html?pyodideUrl=/static/missing/")
    page.evaluate("text => { window.pending = window.send(text); }", json.dumps(START))
    booted: dict[str, Any] = page.evaluate("window.booted")
    assert booted["type"] == "error"
    assert booted["code"] == "runtime-load-failed"
    assert "/static/missing/" in booted["message"]
    # Messages are still answered after a failed boot, so no caller waits forever.
    answer: dict[str, Any] = page.evaluate("window.pending")
    assert answer == {"type": "changes", "seq": 1, "text": "[]", "error": booted["message"]}
