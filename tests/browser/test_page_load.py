"""The tag is all a page waits for before its `load` event; the rest of wootric-web comes after.

wootric-web.js only defines `window.analytics` and keeps the calls made meanwhile; once the page has
loaded it adds wootric-web-executor.js, which starts the worker and hands the calls to Python.
These tests check that split, and that no call is lost or left waiting when the executor is late,
missing, or loaded on its own.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from .conftest import hold

PAGE = "pages/plain.html"
EXECUTOR = "**/static/wootric-web-executor.js"
# The tag is compiled and run before the page's `load` event: it must stay small.
TAG_MAX_BYTES = 16_000
# How long the tag waits for `load` before it adds the executor all the same (LOAD_WAIT_MS).
LOAD_WAIT_MS = 10_000


TIMINGS = """async () => {
    await within(analytics.ready());
    const [navigation] = performance.getEntriesByType('navigation');
    const named = (end) => performance.getEntriesByType('resource')
        .find((entry) => entry.name.endsWith(end));
    return {
        loadStart: navigation.loadEventStart,
        tagBytes: named('/wootric-web.js').decodedBodySize,
        executorStart: named('/wootric-web-executor.js').startTime,
    };
}"""


def test_the_executor_is_fetched_only_once_the_page_has_loaded(page: Page, server_url: str) -> None:
    page.goto(server_url + PAGE)

    timings: dict[str, float] = page.evaluate(TIMINGS)

    assert timings["executorStart"] >= timings["loadStart"]
    assert 0 < timings["tagBytes"] <= TAG_MAX_BYTES


def test_calls_made_before_the_executor_arrives_are_answered_by_it_in_order(
    page: Page, server_url: str
) -> None:
    held = hold(page, EXECUTOR)  # the executor waits until the calls below are made
    page.goto(server_url + PAGE)
    page.wait_for_function("document.readyState === 'complete'")
    page.evaluate("""() => {
        window.answered = [];
        const email = 'ada@example.com';
        analytics.identify('u-1', { email }).then(() => answered.push('identify'));
        analytics.track('Early').then(() => answered.push('track'));
        window.user = analytics.user(); // read before Python has said anything, and after
    }""")
    assert len(held) == 1
    held[0].continue_()

    seen: dict[str, Any] = page.evaluate("""async () => {
        await within(analytics.ready());
        await within(analytics.page());
        return { answered, userId: user.id(), email: wootricSettings.email,
                 events: wootricPreview.commands.map((entry) => entry.settings.event_name) };
    }""")

    assert seen["answered"] == ["identify", "track"]
    assert seen["userId"] == "u-1"
    assert seen["email"] == "ada@example.com"
    assert "Early" in seen["events"]


def test_without_its_executor_the_tag_says_so_and_leaves_no_caller_waiting(
    page: Page, server_url: str, expect_console_errors: list[str]
) -> None:
    expect_console_errors += [r"executor-load-failed", r"status of 404 .*wootric-web-executor\.js"]
    page.route(EXECUTOR, lambda route: route.fulfill(status=404, body="not here"))
    page.goto(server_url + PAGE)

    outcome: dict[str, Any] = page.evaluate("""async () => {
        const error = await within(nextEvent('wootric-web:error'));
        await within(analytics.identify('u-1', { email: 'ada@example.com' }));
        let readyCalledBack = false;
        await within(analytics.ready(() => { readyCalledBack = true; }));
        const settings = window.wootricSettings ?? null;
        return { code: error.detail.code, readyCalledBack, settings };
    }""")

    assert outcome["code"] == "executor-load-failed"
    assert outcome["readyCalledBack"] is True
    assert outcome["settings"] is None


def test_the_executor_on_its_own_does_nothing_but_say_so(
    page: Page, server_url: str, expect_console_errors: list[str]
) -> None:
    expect_console_errors.append(r"wootric-web-executor\.js is added by wootric-web\.js")
    alone = server_url + "pages/executor-alone.html"
    markup = (
        '<link rel="icon" href="data:,"><script src="/static/wootric-web-executor.js"></script>'
    )
    page.route(alone, lambda route: route.fulfill(content_type="text/html", body=markup))
    page.goto(alone)

    assert page.evaluate("typeof window.analytics") == "undefined"
    assert page.evaluate("typeof window.wootricSettings") == "undefined"


# Resolves once the tag has run (the page's script element fires `load` after it has).
TAG_HAS_RUN = """() => window.analytics?.initialized || new Promise((resolve) => {
    document.querySelector('script[src$="/wootric-web.js"]').addEventListener('load', resolve);
})"""


def test_a_page_whose_load_never_comes_gets_its_executor_all_the_same(
    page: Page, server_url: str
) -> None:
    page.clock.install()  # the tag's wait for `load` is cut short below, not waited out
    page.route("**/stalled.png", lambda route: None)  # never answered: no `load` event
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server_url + "pages/stalled-load.html", wait_until="domcontentloaded")
    page.evaluate(TAG_HAS_RUN)
    page.evaluate("() => { analytics.identify('u-1', { email: 'ada@example.com' }); }")
    assert not any(url.endswith("/wootric-web-executor.js") for url in requested)

    page.clock.fast_forward(LOAD_WAIT_MS)
    seen: dict[str, Any] = page.evaluate("""async () => {
        await within(analytics.ready());
        return { email: wootricSettings.email, readyState: document.readyState };
    }""")

    assert seen == {"email": "ada@example.com", "readyState": "interactive"}


def test_calls_made_before_the_executor_arrives_outlive_a_page_left_before_then(
    page: Page, server_url: str
) -> None:
    held = hold(page, EXECUTOR)  # never answered: the page is left first
    page.goto(server_url + PAGE)
    page.wait_for_function("document.readyState === 'complete'")
    page.evaluate("""() => {
        analytics.identify('u-1', { email: 'ada@example.com', createdAt: new Date(1420070400000) });
        analytics.track('Before leaving');
    }""")
    assert len(held) == 1
    page.unroute(EXECUTOR)

    page.goto(server_url + PAGE)
    seen: dict[str, Any] = page.evaluate("""async () => {
        await within(analytics.ready());
        await within(analytics.page()); // after the calls the earlier page left
        return { email: wootricSettings.email, createdAt: wootricSettings.created_at,
                 events: wootricPreview.commands.map((entry) => entry.settings.event_name),
                 left: localStorage.getItem('wootric_web_pending') };
    }""")

    assert seen["email"] == "ada@example.com"
    assert seen["createdAt"] == 1420070400
    assert "Before leaving" in seen["events"]
    assert seen["left"] is None


WORKER = "**/static/wootric-worker.mjs"


@pytest.mark.parametrize(
    ("page_name", "word", "choice", "email"),
    [
        ("consent.html", "grant", "granted", "ada@example.com"),
        ("plain.html", "revoke", "revoked", None),
    ],
)
@pytest.mark.parametrize("waiting_for", [EXECUTOR, WORKER], ids=["executor", "python"])
def test_a_consent_call_made_before_python_has_it_outlives_a_page_left_before_then(
    page: Page,
    server_url: str,
    waiting_for: str,
    page_name: str,
    word: str,
    choice: str,
    email: str | None,
) -> None:
    held = hold(page, waiting_for)  # never answered: the page is left first
    with page.expect_request(waiting_for):
        page.goto(server_url + "pages/" + page_name)
    page.evaluate(
        """(word) => {
            analytics.identify('u-1', { email: 'ada@example.com' });
            analytics.consent[word]();
        }""",
        word,
    )
    assert len(held) == 1
    page.unroute(waiting_for)

    page.goto(server_url + "pages/" + page_name)
    seen = page.evaluate("""async () => {
        await within(analytics.track('Next page'));
        if (localStorage.getItem('wootric_web_consent') === 'granted') {
            await within(analytics.ready());
        }
        return { choice: localStorage.getItem('wootric_web_consent'),
                 email: window.wootricSettings?.email ?? null,
                 left: Object.keys(localStorage).filter((key) => key.includes('_left_')),
                 pending: localStorage.getItem('wootric_web_pending') };
    }""")

    assert seen == {"choice": choice, "email": email, "left": [], "pending": None}
