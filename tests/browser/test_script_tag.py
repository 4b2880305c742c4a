"""The script tag on a page that uses the Segment snippet (worker mode, the preview beacon).

Every test runs twice: with the tag on the page (snippet.html), and added by wootric-web's loader
once the page has loaded (loader.html). Each serves the whole module, so Pyodide boots once for
each. The page queues calls in the snippet's stub before the tag loads; each test then makes its
own calls and looks only at what those calls changed (`observe` in pages/harness.js returns the
beacon commands the calls caused and the settings afterwards).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from .conftest import ConsoleLog, console_errors

JAN_1_2015 = 1420070400  # 2015-01-01T00:00:00Z in Unix seconds


@pytest.fixture(scope="module", params=["snippet.html", "loader.html"], ids=["tag", "loader"])
def snippet_page(
    request: pytest.FixtureRequest, browser: Browser, console_log: ConsoleLog, server_url: str
) -> Iterator[Page]:
    """The page, once its queued calls are applied; a visitor of its own for each install."""
    context = browser.new_context()
    console_log.watch(context)
    page = context.new_page()
    page.goto(server_url + "pages/" + request.param)
    page.evaluate("within(queuedReady, 30000, 'analytics.ready()')")
    yield page
    context.close()


def observe(page: Page, calls: str) -> dict[str, Any]:
    """Run `calls` (a JS expression giving a promise or a list of them) and report its effects."""
    effects: dict[str, Any] = page.evaluate(f"observe(() => {calls})")
    return effects


@pytest.fixture
def canonical(snippet_page: Page) -> Iterator[Any]:
    """Adds `<link rel="canonical" href=...>` to the page for one test."""

    def add(href: str) -> None:
        snippet_page.evaluate(
            """href => {
                const link = document.createElement('link');
                link.rel = 'canonical';
                link.setAttribute('href', href);
                document.head.append(link);
            }""",
            href,
        )

    yield add
    snippet_page.evaluate(
        "document.querySelectorAll(\"link[rel='canonical']\").forEach(l => l.remove())"
    )


# --- the snippet queue -------------------------------------------------------------------------


def test_the_snippet_stub_is_replaced_by_the_library(snippet_page: Page) -> None:
    assert snippet_page.evaluate("Array.isArray(window.analytics)") is False
    assert snippet_page.evaluate("typeof analytics.identify") == "function"


def test_queued_calls_are_replayed_in_call_order(snippet_page: Page) -> None:
    first = snippet_page.evaluate("wootricPreview.commands.slice(0, 3)")

    # page('Landing') is the first page call (no command); identify, page('Queued'), track follow.
    assert [entry["command"] for entry in first] == ["run", "page", "run"]
    assert first[0]["settings"]["segment_user_id"] == "queued-user"
    assert first[1]["settings"]["page_info"]["name"] == "Queued"
    assert first[2]["settings"]["event_name"] == "Queued Event"


def test_queued_calls_keep_the_page_context_of_the_moment_they_were_made(
    snippet_page: Page, server_url: str
) -> None:
    # The page changed its URL and title after queueing and before the library loaded.
    page_info = snippet_page.evaluate("wootricPreview.commands[1].settings.page_info")
    address = snippet_page.url.split("?")[0]

    assert page_info == {
        "name": "Queued",
        "path": address.removeprefix(server_url.rstrip("/")),
        "url": address,
        "search": "",
        "title": "Snippet page",
        "referrer": "",
    }


def test_settings_the_page_set_itself_are_kept(snippet_page: Page) -> None:
    settings = snippet_page.evaluate("wootricSettings")

    assert settings["product_name"] == "Snippet Shop"
    assert settings["account_token"] == "NPS-01fe3cbc"
    assert settings["version"].startswith("wootric-web-")


# --- identify ----------------------------------------------------------------------------------


def test_identify_writes_the_user_settings_and_runs_once(snippet_page: Page) -> None:
    result = observe(
        snippet_page,
        """analytics.identify('u-1', {
            email: 'ada@example.com',
            createdAt: new Date(Date.UTC(2015, 0, 1)),
            language: 'es',
            plan: 'enterprise',
            signup: '2015-01-01',
        })""",
    )

    assert result["commands"] == ["run"]
    settings = result["settings"]
    assert settings["segment_user_id"] == "u-1"
    assert settings["email"] == "ada@example.com"
    assert settings["created_at"] == JAN_1_2015
    assert settings["language"] == "es"
    assert settings["event_name"] is None
    assert settings["properties"] == {
        "id": "u-1",
        "language": "es",
        "plan": "enterprise",
        "signup_date": JAN_1_2015,
    }


def test_identify_callback_runs_once_its_changes_are_applied(snippet_page: Page) -> None:
    seen = snippet_page.evaluate(
        """async () => {
            let atCallback = null;
            await within(analytics.identify('u-2', {}, () => {
                atCallback = wootricSettings.segment_user_id;
            }));
            return atCallback;
        }"""
    )

    assert seen == "u-2"


def test_user_reads_the_identity_synchronously(snippet_page: Page) -> None:
    user = snippet_page.evaluate(
        """async () => {
            await within(analytics.identify('u-3', {plan: 'pro'}));
            const user = analytics.user();
            return {id: user.id(), anonymousId: user.anonymousId(), traits: user.traits()};
        }"""
    )

    assert user["id"] == "u-3"
    assert user["traits"] == {"plan": "pro"}
    assert len(user["anonymousId"]) == 36


# --- track -------------------------------------------------------------------------------------


def test_track_writes_the_event_and_its_properties_and_runs_once(snippet_page: Page) -> None:
    created_at_before = snippet_page.evaluate("wootricSettings.created_at")

    result = observe(
        snippet_page,
        """analytics.track('Clicked', {
            plan: 'pro',
            total_amount: 3,
            renewal: '2015-01-01T00:00:00Z',
            email: 'track@example.com',
        })""",
    )

    assert result["commands"] == ["run"]
    settings = result["settings"]
    assert settings["event_name"] == "Clicked"
    assert settings["email"] == "track@example.com"
    assert settings["properties"] == {"plan": "pro", "total_amount": 3, "renewal_date": JAN_1_2015}
    assert settings["created_at"] == created_at_before


def test_track_without_an_event_name_is_skipped(snippet_page: Page) -> None:
    before = snippet_page.evaluate("JSON.parse(JSON.stringify(wootricSettings))")

    result = observe(snippet_page, "analytics.track('')")

    assert result["commands"] == []
    assert result["settings"] == before


# --- page --------------------------------------------------------------------------------------


def test_page_fills_in_the_page_defaults(snippet_page: Page, server_url: str) -> None:
    snippet_page.evaluate("history.replaceState(null, '', location.pathname + '?later=1#section')")

    result = observe(snippet_page, "analytics.page('Docs', 'Pricing', {plan: 'x'})")
    address = snippet_page.url.split("?")[0]

    assert result["commands"] == ["page"]
    assert result["settings"]["page_info"] == {
        "category": "Docs",
        "name": "Pricing",
        "plan": "x",
        "path": address.removeprefix(server_url.rstrip("/")),
        "url": address + "?later=1",  # without the #hash
        "search": "?later=1",
        "title": "Snippet page, later",
        "referrer": "",
    }


def test_page_uses_a_canonical_link_and_keeps_the_query(snippet_page: Page, canonical: Any) -> None:
    snippet_page.evaluate("history.replaceState(null, '', location.pathname + '?later=1')")
    canonical("https://example.com/docs/pricing")

    info = observe(snippet_page, "analytics.page('Pricing')")["settings"]["page_info"]

    assert info["url"] == "https://example.com/docs/pricing?later=1"
    assert info["path"] == "/docs/pricing"


def test_page_uses_a_canonical_link_with_a_query_as_it_is(
    snippet_page: Page, canonical: Any
) -> None:
    canonical("https://example.com/docs?v=2")

    info = observe(snippet_page, "analytics.page('Pricing')")["settings"]["page_info"]

    assert info["url"] == "https://example.com/docs?v=2"
    assert info["path"] == "/docs"


def test_page_resolves_only_the_path_of_a_relative_canonical_link(
    snippet_page: Page, canonical: Any
) -> None:
    snippet_page.evaluate("history.replaceState(null, '', location.pathname + '?later=1')")
    canonical("/relative/pricing")

    info = observe(snippet_page, "analytics.page('Pricing')")["settings"]["page_info"]

    assert info["path"] == "/relative/pricing"
    assert info["url"] == "/relative/pricing?later=1"  # the link as written, as analytics.js does


def test_page_uses_only_the_first_canonical_link(snippet_page: Page, canonical: Any) -> None:
    canonical("https://example.com/first")
    canonical("https://example.com/second")

    info = observe(snippet_page, "analytics.page('Pricing')")["settings"]["page_info"]

    assert info["path"] == "/first"


def test_page_context_is_captured_when_the_call_is_made(snippet_page: Page) -> None:
    title = snippet_page.evaluate(
        """async () => {
            const before = document.title;
            const done = analytics.page('Moment');
            document.title = 'Changed after the call';
            await within(done);
            document.title = before;
            return wootricSettings.page_info.title;
        }"""
    )

    assert title != "Changed after the call"


def test_page_leaves_the_user_settings_alone(snippet_page: Page) -> None:
    keys = ["email", "created_at", "properties", "event_name"]
    before = snippet_page.evaluate(
        f"JSON.parse(JSON.stringify({keys}.map(k => wootricSettings[k])))"
    )

    result = observe(snippet_page, "analytics.page('Another')")

    assert [result["settings"].get(key) for key in keys] == before


# --- group -------------------------------------------------------------------------------------


def test_group_writes_group_info_and_sends_one_group_command(snippet_page: Page) -> None:
    result = observe(
        snippet_page, "analytics.group('0e8c78ea', {name: 'Initech', plan: 'enterprise'})"
    )

    assert result["commands"] == ["group"]
    assert result["settings"]["group_info"] == {
        "name": "Initech",
        "plan": "enterprise",
        "id": "0e8c78ea",
    }


# --- options and other methods -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("integrations", "commands"),
    [
        ("{Wootric: false}", []),
        ("{All: false}", []),
        ("{All: false, Wootric: true}", ["run"]),
        ("{All: false, Wootric: {}}", ["run"]),
        ("{wootric: false}", ["run"]),  # keys are matched exactly
    ],
)
def test_the_integrations_option_can_skip_wootric(
    snippet_page: Page, integrations: str, commands: list[str]
) -> None:
    result = observe(
        snippet_page, f"analytics.track('Option', {{a: 1}}, {{integrations: {integrations}}})"
    )

    assert result["commands"] == commands


def test_skipped_calls_change_no_settings(snippet_page: Page) -> None:
    before = snippet_page.evaluate("JSON.parse(JSON.stringify(wootricSettings))")

    result = observe(snippet_page, "analytics.track('e', {a: 1}, {integrations: {Wootric: false}})")

    assert result["settings"] == before


def test_alias_and_screen_are_accepted_without_effect(snippet_page: Page) -> None:
    before = snippet_page.evaluate("JSON.parse(JSON.stringify(wootricSettings))")

    result = observe(snippet_page, "[analytics.alias('new-id'), analytics.screen('Home')]")

    assert result == {"commands": [], "atCommands": [], "settings": before}


def test_the_snippets_other_methods_are_accepted_and_resolve(snippet_page: Page) -> None:
    result = observe(
        snippet_page,
        """['trackSubmit', 'trackClick', 'trackLink', 'trackForm', 'pageview',
            'addSourceMiddleware', 'addIntegrationMiddleware', 'addDestinationMiddleware',
            'register'].map(name => analytics[name](document.body, 'x'))""",
    )

    assert result["commands"] == []


def test_hostile_arguments_never_throw(snippet_page: Page) -> None:
    properties = snippet_page.evaluate(
        """async () => {
            const cyclic = {name: 'loop'};
            cyclic.self = cyclic;
            const properties = {
                ok: 'yes', big: 10n, symbol: Symbol('s'), fn() {}, nothing: undefined, cyclic,
                get broken() { throw new Error('getter'); },
            };
            await within(analytics.track('Hostile', properties));
            return wootricSettings.properties;
        }"""
    )

    assert properties["ok"] == "yes"
    assert properties["big"] == "10"
    assert not {"symbol", "fn", "nothing", "broken"} & properties.keys()


def test_listeners_hear_each_handled_call(snippet_page: Page) -> None:
    heard = snippet_page.evaluate(
        """async () => {
            const heard = [];
            const listener = (event) => heard.push(event);
            analytics.on('track', listener);
            await within(analytics.track('Heard'));
            analytics.off('track', listener);
            await within(analytics.track('Not heard'));
            return heard;
        }"""
    )

    assert heard == ["Heard"]


def test_every_method_returns_a_promise(snippet_page: Page) -> None:
    kinds = snippet_page.evaluate(
        """['identify', 'track', 'page', 'group', 'alias', 'screen', 'ready']
            .map(name => analytics[name]('x') instanceof Promise)"""
    )

    assert all(kinds)


# --- a second copy of the tag ------------------------------------------------------------------


def test_a_second_tag_logs_one_error_and_sets_nothing_up(
    snippet_page: Page, expect_console_errors: list[str]
) -> None:
    expect_console_errors.append(r"\[wootric-web\] .*included twice")
    with console_errors(snippet_page) as errors:
        same = snippet_page.evaluate(
            """async () => {
                const before = window.analytics;
                const script = document.createElement('script');
                script.src = '/static/wootric-web.js';
                script.dataset.accountToken = 'NPS-99999999';
                const loaded = new Promise(resolve => script.addEventListener('load', resolve));
                document.head.append(script);
                await within(loaded);
                return window.analytics === before && wootricSettings.account_token;
            }"""
        )

    assert same == "NPS-01fe3cbc"
    assert len([text for text in errors if "included twice" in text]) == 1
