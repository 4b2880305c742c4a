"""Identity across page loads: what the tag stores, reads back, and forgets (worker mode).

The life of one visitor (identify, reload, identify again, reset, setAnonymousId) is played once
for the module, on two page loads, and each test checks one fact of it. Tests that need storage
prepared differently get their own browser context.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

USER = """(() => {
    const user = analytics.user();
    return {id: user.id(), anonymousId: user.anonymousId(), traits: user.traits()};
})()"""
STORED = """({
    localUserId: localStorage.getItem('ajs_user_id'),
    localTraits: localStorage.getItem('ajs_user_traits'),
    cookies: document.cookie.split('; ').map(cookie => cookie.split('=')[0]).filter(Boolean),
})"""


def open_plain_page(page: Page, server_url: str) -> None:
    page.goto(server_url + "pages/plain.html")
    page.evaluate("within(analytics.ready())")


@pytest.fixture(scope="module")
def visitor(browser: Browser, console_log: Any, server_url: str) -> Iterator[dict[str, Any]]:
    context = browser.new_context()
    console_log.watch(context)
    page = context.new_page()
    story: dict[str, Any] = {}

    open_plain_page(page, server_url)
    page.evaluate("within(analytics.identify('u-1', {email: 'ada@example.com', plan: 'pro'}))")
    story["identified"] = page.evaluate(USER)

    page.reload()
    page.evaluate("within(analytics.ready())")
    story["reloaded"] = page.evaluate(USER)
    story["identify_after_reload"] = page.evaluate(
        "within(analytics.identify({language: 'fr'})).then(() => wootricSettings)"
    )

    page.evaluate("within(analytics.reset())")
    story["after_reset"] = page.evaluate(USER)
    story["stored_after_reset"] = page.evaluate(STORED)
    story["settings_after_reset"] = page.evaluate("JSON.parse(JSON.stringify(wootricSettings))")
    story["identify_after_reset"] = page.evaluate(
        "within(analytics.identify({})).then(() => wootricSettings)"
    )

    page.evaluate("within(analytics.setAnonymousId('anon-42'))")
    story["anonymous_id_set"] = page.evaluate(USER)
    story["identify_after_set"] = page.evaluate(
        "within(analytics.identify({plan: 'free'})).then(() => wootricSettings)"
    )
    yield story
    context.close()


def test_identity_survives_a_reload(visitor: dict[str, Any]) -> None:
    assert visitor["reloaded"] == visitor["identified"]
    assert visitor["identified"]["id"] == "u-1"
    assert visitor["identified"]["traits"] == {"email": "ada@example.com", "plan": "pro"}


def test_an_identify_without_an_id_after_a_reload_uses_the_stored_user(
    visitor: dict[str, Any],
) -> None:
    settings = visitor["identify_after_reload"]

    assert settings["segment_user_id"] == "u-1"
    # Traits accumulate across the reload.
    assert settings["properties"] == {"plan": "pro", "language": "fr", "id": "u-1"}


def test_reset_forgets_the_user(visitor: dict[str, Any]) -> None:
    assert visitor["after_reset"]["id"] is None
    assert visitor["after_reset"]["traits"] == {}


def test_reset_starts_a_new_anonymous_id(visitor: dict[str, Any]) -> None:
    after, before = visitor["after_reset"]["anonymousId"], visitor["identified"]["anonymousId"]

    assert after
    assert after != before


def test_reset_clears_the_stored_user(visitor: dict[str, Any]) -> None:
    stored = visitor["stored_after_reset"]

    assert stored["localUserId"] is None
    assert stored["localTraits"] in (None, "{}")
    assert "ajs_user_id" not in stored["cookies"]


def test_reset_removes_the_visitor_settings(visitor: dict[str, Any]) -> None:
    settings = visitor["settings_after_reset"]

    assert not {"email", "segment_user_id", "properties"} & settings.keys()
    assert settings["account_token"] == "NPS-01fe3cbc"


def test_an_identify_after_reset_is_anonymous(visitor: dict[str, Any]) -> None:
    settings = visitor["identify_after_reset"]

    assert settings["segment_user_id"] == visitor["after_reset"]["anonymousId"]
    assert "email" not in settings


def test_set_anonymous_id_sets_the_id_used_without_a_user(visitor: dict[str, Any]) -> None:
    assert visitor["anonymous_id_set"]["anonymousId"] == "anon-42"
    assert visitor["identify_after_set"]["segment_user_id"] == "anon-42"


def test_identity_stored_by_classic_analytics_js_is_read(
    context: BrowserContext, page: Page, server_url: str
) -> None:
    # analytics.js 4.x wrote JSON-quoted, URI-encoded cookie values.
    context.add_cookies(
        [
            {"name": "ajs_user_id", "value": "%22legacy-user%22", "url": server_url},
            {"name": "ajs_anonymous_id", "value": "%22legacy-anon%22", "url": server_url},
        ]
    )
    open_plain_page(page, server_url)

    user = page.evaluate(USER)

    assert user["id"] == "legacy-user"
    assert user["anonymousId"] == "legacy-anon"


def test_unavailable_storage_is_survived(
    context: BrowserContext, page: Page, server_url: str
) -> None:
    # Private modes and blocked cookies: every read and write throws.
    context.add_init_script(
        """
        const refuse = () => { throw new DOMException('denied', 'SecurityError'); };
        Object.defineProperty(window, 'localStorage', {get: refuse, configurable: true});
        Object.defineProperty(Document.prototype, 'cookie', {get: refuse, set: refuse});
        """
    )
    open_plain_page(page, server_url)

    result = page.evaluate(
        """within(analytics.identify('u-9', {plan: 'pro'})).then(() => ({
            userId: analytics.user().id(),
            settings: wootricSettings,
        }))"""
    )

    assert result["userId"] == "u-9"
    assert result["settings"]["segment_user_id"] == "u-9"


# What a browser does where the visitor has disabled cookies (a blocked Storage throws instead).
COOKIES_DISABLED = """Object.defineProperty(Document.prototype, 'cookie', {
    get: () => '', set: () => {}, configurable: true,
});"""
LOCAL_STORAGE_THROWS = """Object.defineProperty(window, 'localStorage', {
    get: () => { throw new DOMException('denied', 'SecurityError'); }, configurable: true,
});"""


@pytest.mark.parametrize(
    ("disabled", "kept_after_reload"),
    [
        # localStorage keeps the user and the traits.
        (COOKIES_DISABLED, {"id": "u-9", "traits": {"plan": "pro"}}),
        # The cookie keeps the user; the traits (kept only in localStorage) last for the page.
        (LOCAL_STORAGE_THROWS, {"id": "u-9", "traits": {}}),
    ],
    ids=["cookies disabled", "localStorage throwing"],
)
def test_with_one_storage_unavailable_the_other_keeps_the_visitor(
    context: BrowserContext,
    page: Page,
    server_url: str,
    disabled: str,
    kept_after_reload: dict[str, Any],
) -> None:
    context.add_init_script(disabled)
    open_plain_page(page, server_url)
    page.evaluate("within(analytics.identify('u-9', {plan: 'pro'}))")
    in_memory = page.evaluate(USER)
    page.reload()
    page.evaluate("within(analytics.ready())")

    reloaded = page.evaluate(USER)

    assert {"id": in_memory["id"], "traits": in_memory["traits"]} == {
        "id": "u-9",
        "traits": {"plan": "pro"},
    }
    assert {"id": reloaded["id"], "traits": reloaded["traits"]} == kept_after_reload
    assert reloaded["anonymousId"] == in_memory["anonymousId"]
