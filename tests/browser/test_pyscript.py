"""demo/pyscript.html: `from wootric_web import Analytics` in a PyScript `<script type="py">`,
offline, on our own Pyodide, writes window.wootricSettings and drives the beacon."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect


@pytest.fixture(scope="module")
def requests(module_page: Page, server_url: str) -> list[str]:
    """Every URL the page asked for, while PyScript booted and ran the page's Python."""
    seen: list[str] = []

    def note(request: Request) -> None:
        seen.append(request.url)

    module_page.on("request", note)
    module_page.set_viewport_size({"width": 1280, "height": 900})
    module_page.goto(server_url + "pyscript.html")
    expect(module_page.locator("#status")).to_have_attribute("data-state", "ready", timeout=60000)
    module_page.remove_listener("request", note)
    return seen


@pytest.fixture
def pyscript_page(module_page: Page, requests: list[str]) -> Page:
    return module_page


def settings(page: Page) -> Any:
    return page.evaluate("() => JSON.parse(JSON.stringify(window.wootricSettings))")


def test_python_writes_window_wootric_settings(pyscript_page: Page) -> None:
    written = settings(pyscript_page)

    assert written["account_token"] == "NPS-01fe3cbc"
    assert written["email"] == "shawn@example.com"
    assert written["created_at"] == 1420070400
    assert written["event_name"] == "Signed Up"
    assert written["page_info"]["name"] == "Pricing"
    assert written["page_info"]["category"] == "Docs"
    assert written["group_info"] == {"id": "0e8c78ea", "name": "Initech"}


def test_the_beacon_receives_the_commands_in_call_order(pyscript_page: Page) -> None:
    commands = pyscript_page.evaluate("wootricPreview.commands.map((entry) => entry.command)")

    # identify and track run; the first page call of a page load sends no command.
    assert commands == ["run", "run", "group"]


def test_python_reads_back_what_it_did(pyscript_page: Page) -> None:
    expect(pyscript_page.locator("#calls")).to_have_text('[\n  "run",\n  "run",\n  "group"\n]')
    expect(pyscript_page.locator("#settings")).to_contain_text('"segment_user_id": "abcd1234"')


def test_everything_comes_from_this_server(
    requests: list[str], server_url: str, pyscript_page: Page
) -> None:
    assert requests, "no request was seen"
    assert [url for url in requests if not url.startswith(server_url)] == []
    paths = {url.removeprefix(server_url) for url in requests}
    assert "static/pyodide/pyodide.asm.wasm" in paths
    assert any(path.startswith("static/wheels/wootric_web-") for path in paths)


def test_the_page_shows_its_python(pyscript_page: Page) -> None:
    expect(pyscript_page.locator("#source")).to_contain_text("from wootric_web import Analytics")
