"""The same calls give the same page in both runtimes: a module worker (the default) and the main
thread (`data-mode="main"`). Each mode's page is booted once for the module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

PAGES = {"worker": "pages/plain.html", "main": "pages/main-mode.html"}
# What the tag, the beacon and the test harness may add to window; nothing else.
ALLOWED_GLOBALS = {"analytics", "wootricSettings", "wootric", "WootricSurvey", "wootricPreview"}

CALLS = """[
    analytics.page('Landing'),
    analytics.identify('u-1', {email: 'ada@example.com', createdAt: '2015-01-01', plan: 'pro'}),
    analytics.track('Purchased', {total_amount: 120}),
    analytics.page('Docs', 'Pricing'),
    analytics.group('0e8c78ea', {name: 'Initech'}),
]"""


@pytest.fixture(scope="module", params=list(PAGES))
def mode_page(
    request: pytest.FixtureRequest, browser: Browser, console_log: Any, server_url: str
) -> Iterator[Page]:
    context = browser.new_context()
    console_log.watch(context)
    page = context.new_page()
    page.goto(server_url + PAGES[request.param])
    yield page
    context.close()


@pytest.fixture(scope="module")
def observed(mode_page: Page) -> dict[str, Any]:
    """The effect of CALLS, made at once, without waiting between them."""
    effects: dict[str, Any] = mode_page.evaluate(f"observe(() => {CALLS})")
    return effects


def test_the_runtime_announces_it_is_ready_once(mode_page: Page) -> None:
    mode_page.evaluate("within(nextEvent('wootric-web:ready'))")

    assert mode_page.evaluate("harnessEvents.map(event => event.type)") == ["wootric-web:ready"]


def test_ready_resolves_once_the_beacon_has_loaded(mode_page: Page) -> None:
    loaded = mode_page.evaluate(
        "within(analytics.ready().then(() => typeof window.wootric === 'function'))"
    )

    assert loaded is True


def test_the_beacon_receives_each_command_in_call_order(observed: dict[str, Any]) -> None:
    # The first page call of a page load sends no command: the beacon counts the landing page.
    assert observed["commands"] == ["run", "run", "page", "group"]


def test_each_command_sees_the_settings_of_its_own_call(observed: dict[str, Any]) -> None:
    identify, track, page, group = observed["atCommands"]

    assert identify["event_name"] is None
    assert track["event_name"] == "Purchased"
    assert page["page_info"]["name"] == "Pricing"
    assert group["group_info"] == {"name": "Initech", "id": "0e8c78ea"}


def test_the_calls_leave_the_contract_settings(observed: dict[str, Any]) -> None:
    settings = observed["settings"]

    assert settings["account_token"] == "NPS-01fe3cbc"
    assert settings["segment_user_id"] == "u-1"
    assert settings["email"] == "ada@example.com"
    assert settings["created_at"] == 1420070400
    assert settings["event_name"] == "Purchased"
    assert settings["properties"] == {"total_amount": 120}
    assert settings["page_info"]["category"] == "Docs"
    assert settings["page_info"]["path"].endswith(".html")


def test_identity_is_stored_where_analytics_js_keeps_it(mode_page: Page, observed: Any) -> None:
    stored = mode_page.evaluate(
        """({
            local: localStorage.getItem('ajs_user_id'),
            cookie: document.cookie.split('; ').find(c => c.startsWith('ajs_user_id=')),
            anonymous: document.cookie.includes('ajs_anonymous_id='),
        })"""
    )

    assert stored["local"] in ("u-1", '"u-1"')
    assert stored["cookie"] == "ajs_user_id=u-1"
    assert stored["anonymous"] is True


def test_the_tag_adds_no_other_globals(mode_page: Page, observed: Any) -> None:
    added = mode_page.evaluate(
        "Object.getOwnPropertyNames(window).filter(name => !windowNamesBefore.includes(name))"
    )

    assert set(added) <= ALLOWED_GLOBALS
