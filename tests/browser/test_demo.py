"""The demo page, used as a person would: click the buttons, watch the preview beacon's panel.

One page load serves the module (Pyodide boots once); each test clicks what it needs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

RESULTS = Path(__file__).resolve().parents[2] / "test-results"


def click_and_wait(page: Page, call: str) -> None:
    """Submit one of the demo's forms and wait until its call has been applied."""
    applied = page.locator("#log li", has_text=f"{call}(…) applied")
    count = applied.count()
    page.locator(f"form[data-call='{call}'] button").click()
    expect(applied).to_have_count(count + 1, timeout=30000)


@pytest.fixture(scope="module")
def demo_page(module_page: Page, server_url: str) -> Page:
    module_page.set_viewport_size({"width": 1280, "height": 900})
    module_page.goto(server_url)
    expect(module_page.locator("#status")).to_have_attribute("data-state", "ready", timeout=30000)
    return module_page


def test_the_demo_queues_calls_made_before_the_library_loads(demo_page: Page) -> None:
    # The page queued page('Demo') in the loader before wootric-web.js ran. (First in this module:
    # the page button below replaces page_info.)
    expect(demo_page.locator("#settings")).to_contain_text('"name": "Demo"')


def test_the_demo_shows_what_each_call_sends_to_the_beacon(demo_page: Page) -> None:
    page = demo_page
    panel = page.locator("#wootric-preview")
    expect(panel).to_contain_text('"account_token": "NPS-01fe3cbc"')
    commands = panel.locator("[data-preview='commands'] li")
    before = page.evaluate("wootricPreview.commands.map(entry => entry.command)")
    text_before = panel.inner_text()

    click_and_wait(page, "identify")
    expect(panel).to_contain_text('"email": "ada@example.com"')
    expect(panel).to_contain_text('"created_at": 1420070400')
    click_and_wait(page, "track")
    expect(panel).to_contain_text('"event_name": "Purchased"')
    expect(panel).to_contain_text('"renewal_date": 1767225600')
    click_and_wait(page, "page")
    click_and_wait(page, "group")
    expect(panel).to_contain_text('"name": "Initech"')

    expect(commands).to_have_text([*before, "run", "run", "page", "group"])
    expect(page.locator("#settings")).to_contain_text('"event_name": "Purchased"')
    assert panel.inner_text() != text_before
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "demo.png", full_page=True)


def test_the_demo_reset_button_forgets_the_user(demo_page: Page) -> None:
    page = demo_page
    click_and_wait(page, "identify")
    expect(page.locator("#user")).to_contain_text('"id": "user-42"')

    click_and_wait(page, "reset")

    expect(page.locator("#user")).to_contain_text('"id": null')
    expect(page.locator("#settings")).not_to_contain_text("ada@example.com")
