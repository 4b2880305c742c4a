"""The tag on somebody else's page: what it loads, from where, what it says, and what it refuses.

The shipped JavaScript never evaluates text as code; the tag works under a strict Content Security
Policy; a page makes no request but to its own server and the beacon; the console never shows a
visitor's data unless debug is on; a bad account token or an insecure beacon URL loads no beacon.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route

from .conftest import PREVIEW_BEACON, STRICT_POLICY, ConsoleLog

STATIC = Path(__file__).resolve().parents[2] / "static"
REMOTE_BEACON = "https://beacon.invalid/wootric-sdk.js"
# Ways of running text as code, or of writing markup from strings.
FORBIDDEN = re.compile(
    r"\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(|\.innerHTML\b|\.outerHTML\b"
    r"|insertAdjacentHTML|document\.write|set(?:Timeout|Interval)\s*\(\s*['\"`]"
)
# Distinctive personal data: it must never appear in console output while debug is off.
PII = "pii-7f3a"
CALLS_WITH_PII = f"""async () => {{
    const cyclic = {{name: '{PII}'}};
    cyclic.self = cyclic;
    await within(Promise.all([
        analytics.identify('{PII}-user', {{
            email: '{PII}@example.com', name: 'Ada {PII}', createdAt: 'when {PII}',
            '$key {PII}': '{PII}', nested: {{deeper: '{PII}'}}, cyclic, notANumber: NaN,
        }}),
        analytics.track('{PII} bought', {{card: '{PII}', 'a.b {PII}': 1, when: new Date(NaN)}}),
        analytics.track('', {{why: '{PII}'}}),
        analytics.page('{PII} category', '{PII} page', {{query: '{PII}'}}),
        analytics.group('{PII}-group', {{name: '{PII} Inc'}}),
        analytics.identify('{PII}-user', {{language: 7}}, {{integrations: {{Wootric: false}}}}),
        analytics.alias('{PII}-alias'),
        analytics.setAnonymousId('{PII}-anonymous'),
    ]));
}}"""


def shipped_scripts() -> list[Path]:
    return sorted([*STATIC.glob("*.js"), *STATIC.glob("*.mjs")])


@pytest.mark.parametrize("script", shipped_scripts(), ids=lambda path: path.name)
def test_shipped_javascript_never_runs_text_as_code_or_writes_markup(script: Path) -> None:
    code = script.read_text(encoding="utf-8")

    assert not FORBIDDEN.findall(code)


def test_the_scan_covers_the_tag_its_executor_and_its_worker() -> None:
    shipped = {path.name for path in shipped_scripts()}
    assert {"wootric-web.js", "wootric-web-executor.js", "wootric-worker.mjs"} <= shipped


# --- a strict Content Security Policy ----------------------------------------------------------


def test_the_tag_works_under_a_strict_content_security_policy(
    page: Page, serve_under_policy: Callable[[str], str]
) -> None:
    # Any violation would be a console error, which fails the test.
    base_url = serve_under_policy(STRICT_POLICY)
    workers: list[str] = []
    page.on("worker", lambda worker: workers.append(worker.url))
    page.goto(base_url + "pages/csp.html")

    commands = page.evaluate(
        """within(analytics.identify('u-1')).then(() => wootricPreview.commands.map(
            entry => [entry.command, entry.settings.segment_user_id]))"""
    )

    assert commands == [["run", "u-1"]]
    # The worker is the same-origin module itself, not a blob: shim (which the policy forbids).
    assert workers == [base_url + "static/wootric-worker.mjs"]


# --- requests and console output of one page ---------------------------------------------------


@pytest.fixture(scope="module")
def remote_beacon_page(
    browser: Browser, console_log: ConsoleLog, server_url: str
) -> Iterator[dict[str, Any]]:
    context = browser.new_context()
    console_log.watch(context)
    seen: dict[str, Any] = {"requests": [], "console": []}

    def on_console(message: ConsoleMessage) -> None:
        seen["console"].append(f"{message.type}: {message.text}")

    context.on("request", lambda request: seen["requests"].append(request.url))
    context.route(
        REMOTE_BEACON,
        lambda route: route.fulfill(path=PREVIEW_BEACON, content_type="text/javascript"),
    )
    page = context.new_page()
    page.on("console", on_console)
    page.goto(server_url + "pages/remote-beacon.html")
    page.evaluate(CALLS_WITH_PII)
    seen["page"] = page
    yield seen
    context.close()


def test_the_page_requests_nothing_but_its_own_server_and_the_beacon(
    remote_beacon_page: dict[str, Any], server_url: str
) -> None:
    own = urlsplit(server_url).netloc
    requests = remote_beacon_page["requests"]
    elsewhere = [url for url in requests if urlsplit(url).netloc != own and url != REMOTE_BEACON]

    assert elsewhere == []
    assert requests.count(REMOTE_BEACON) == 1


def test_without_debug_the_console_never_shows_the_visitors_data(
    remote_beacon_page: dict[str, Any],
) -> None:
    console = remote_beacon_page["console"]

    assert [line for line in console if line.startswith("warning: [wootric-web]")]  # it spoke
    assert [line for line in console if PII in line] == []


def test_with_debug_on_the_console_does_show_it(remote_beacon_page: dict[str, Any]) -> None:
    # The control for the test above: the same scan sees personal data once debug is on.
    page: Page = remote_beacon_page["page"]
    page.evaluate(f"analytics.debug(true); within(analytics.track('{PII} debug'))")
    page.evaluate("analytics.debug(false)")

    assert [line for line in remote_beacon_page["console"] if PII in line]


# --- what the tag refuses ----------------------------------------------------------------------


def test_a_bad_account_token_loads_no_beacon_and_says_so(
    page: Page, server_url: str, expect_console_errors: list[str]
) -> None:
    expect_console_errors.append(r"\[wootric-web\] The account token is not a Wootric token")
    beacons: list[str] = []
    page.on("request", lambda request: beacons.extend([request.url] * ("beacon" in request.url)))
    page.goto(server_url + "pages/bad-token.html")

    result = page.evaluate(
        """(async () => {
            await within(Promise.all([analytics.identify('u-1'), analytics.ready()]));
            return {error: (await nextEvent('wootric-web:error')).detail,
                settings: wootricSettings, wootric: typeof window.wootric};
        })()"""
    )

    assert result["error"]["code"] == "account-token-invalid"
    assert "no survey can show" in result["error"]["message"]
    assert result["settings"]["segment_user_id"] == "u-1"
    assert result["wootric"] == "undefined"
    assert beacons == []


def test_an_insecure_beacon_loads_when_the_page_explicitly_allows_it(
    page: Page, server_url: str
) -> None:
    def answer(route: Route) -> None:
        route.fulfill(path=PREVIEW_BEACON, content_type="text/javascript")

    page.route("http://beacon.invalid/wootric-sdk.js", answer)
    page.goto(server_url + "pages/insecure-beacon-allowed.html")

    commands = page.evaluate(
        "within(analytics.identify('u-1')).then(() => wootricPreview.commands.length)"
    )

    assert commands == 1
