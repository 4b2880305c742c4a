"""The Python API inside Pyodide on the page's main thread drives the real window."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

RUN_PYTHON = """async (code) => {
  const pyodide = await window.pythonReady;
  const result = await pyodide.runPythonAsync(code);
  return result?.toJs ? result.toJs({dict_converter: Object.fromEntries}) : result;
}"""

SETUP = """
from wootric_web import Analytics
analytics = Analytics("NPS-01fe3cbc", beacon_url="/static/preview-beacon.js")
await analytics.ready()
"""


@pytest.fixture(scope="module")
def python_page(module_page: Page, server_url: str) -> Page:
    module_page.goto(f"{server_url}pages/python-main-thread.html?x=1")
    module_page.evaluate(RUN_PYTHON, SETUP)
    return module_page


def settings(page: Page) -> Any:
    return page.evaluate("() => JSON.parse(JSON.stringify(window.wootricSettings))")


def commands(page: Page) -> list[str]:
    given: list[str] = page.evaluate("() => wootricPreview.commands.map((entry) => entry.command)")
    return given


def test_start_writes_the_token_and_loads_the_beacon_once(python_page: Page) -> None:
    assert settings(python_page)["account_token"] == "NPS-01fe3cbc"
    scripts = python_page.evaluate(
        "() => [...document.scripts].filter((s) => s.src.endsWith('preview-beacon.js')).length"
    )
    assert scripts == 1


def test_identify_writes_window_settings_and_runs_the_beacon(python_page: Page) -> None:
    before = len(commands(python_page))
    python_page.evaluate(
        RUN_PYTHON,
        'analytics.identify("abcd1234", {"email": "shawn@example.com", "createdAt": "2015-01-01"})',
    )
    written = settings(python_page)
    assert written["segment_user_id"] == "abcd1234"
    assert written["email"] == "shawn@example.com"
    assert written["created_at"] == 1420070400
    assert written["properties"] == {"id": "abcd1234"}
    assert commands(python_page)[before:] == ["run"]


def test_page_reads_the_live_location_and_canonical_link(python_page: Page) -> None:
    python_page.evaluate(RUN_PYTHON, 'analytics.page("Pricing")')
    info = settings(python_page)["page_info"]
    assert info["name"] == "Pricing"
    assert info["path"] == "/canonical/pricing"
    assert info["url"] == "/canonical/pricing?x=1"
    assert info["title"] == "Python on the main thread"


def test_identity_is_stored_where_analytics_js_keeps_it(python_page: Page) -> None:
    stored = python_page.evaluate(
        """() => ({
          local: localStorage.getItem("ajs_user_id"),
          cookie: document.cookie.split("; ").find((c) => c.startsWith("ajs_user_id="))
        })"""
    )
    assert stored == {"local": '"abcd1234"', "cookie": "ajs_user_id=abcd1234"}


def test_python_reads_back_what_it_wrote(python_page: Page) -> None:
    result = python_page.evaluate(
        RUN_PYTHON,
        """analytics.track("Signed Up", {"plan": "pro"})
{"event": analytics.wootric_settings["event_name"], "calls": analytics.beacon_calls,
 "user": analytics.user.id}""",
    )
    assert result["event"] == "Signed Up"
    assert result["calls"][-1] == "run"
    assert result["user"] == "abcd1234"
