"""When something is missing, broken or forbidden (the beacon, the runtime, the token, workers,
WebAssembly), the page still never waits forever and sees no uncaught error: every call resolves,
`ready()` resolves, and the tag says what went wrong."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route

# What /pages/routed-beacon.js answers (see pages/routed-beacon.html), and the failure code the
# tag then reports to Python.
BEACONS: dict[str, tuple[Callable[[Route], None], str]] = {
    "cannot be fetched": (
        lambda route: route.fulfill(status=404, body="not here"),
        "beacon-load-failed",
    ),
    # What an ad blocker does.
    "is blocked": (lambda route: route.abort(), "beacon-load-failed"),
    "defines no window.wootric": (
        lambda route: route.fulfill(
            status=200, content_type="text/javascript", body="window.notWootric = true;"
        ),
        "beacon-no-wootric",
    ),
    # The tag gives up after data-beacon-timeout (1.5 s).
    "never arrives": (lambda route: None, "beacon-timeout"),
    # The error is the beacon's failure, not an uncaught error on the page.
    "throws while it runs": (
        lambda route: route.fulfill(
            status=200, content_type="text/javascript", body="throw new Error('beacon broke');"
        ),
        "beacon-threw",
    ),
}


@pytest.mark.parametrize("beacon", list(BEACONS))
def test_a_beacon_that_never_loads_still_applies_the_settings_and_resolves(
    page: Page, server_url: str, expect_console_errors: list[str], beacon: str
) -> None:
    answer, code = BEACONS[beacon]
    expect_console_errors.append(r"Failed to load resource: (.* 404|net::ERR_FAILED)")
    expect_console_errors.append(rf"\[wootric-web\] The Wootric beacon .* \({code}\)")
    debug_lines: list[str] = []
    page.on("console", lambda message: debug_lines.append(message.text))
    page.add_init_script(
        """window.reportedErrors = [];
        addEventListener('wootric-web:error', (event) => reportedErrors.push(event.detail));"""
    )
    page.route("**/pages/routed-beacon.js", answer)
    page.goto(server_url + "pages/routed-beacon.html")

    result = page.evaluate(
        """(async () => {
            let calledBack = false;
            await within(analytics.identify('u-1', {email: 'ada@example.com'}, () => {
                calledBack = true;
            }));
            await within(analytics.ready());
            return {
                calledBack, settings: wootricSettings, beacon: typeof window.wootric,
                errors: reportedErrors,
            };
        })()"""
    )

    assert result["calledBack"] is True
    assert result["settings"]["segment_user_id"] == "u-1"
    assert result["settings"]["email"] == "ada@example.com"
    assert result["beacon"] == "undefined"
    assert [error["code"] for error in result["errors"]] == [code]
    assert "no survey can show" in result["errors"][0]["message"]
    assert f"[wootric-web] beacon failed {code}" in debug_lines


@pytest.mark.parametrize(
    "page_path", ["pages/broken-runtime.html", "pages/broken-runtime-main.html"]
)
def test_a_runtime_that_cannot_start_reports_an_error_and_resolves_every_call(
    page: Page, server_url: str, expect_console_errors: list[str], page_path: str
) -> None:
    expect_console_errors.append(r"\[wootric-web\] The Python runtime could not be loaded")
    expect_console_errors.append(r"Failed to load resource")
    page.goto(server_url + page_path)

    result = page.evaluate(
        """(async () => {
            const error = await within(nextEvent('wootric-web:error'));
            let calledBack = 0;
            await within(Promise.all([
                analytics.identify('u-1', () => { calledBack += 1; }),
                analytics.track('Later', () => { calledBack += 1; }),
                analytics.ready(() => { calledBack += 1; }),
            ]));
            return {code: error.detail.code, calledBack, kept: keptCalls()};
        })()"""
    )

    assert result == {
        "code": "runtime-load-failed",
        "calledBack": 3,
        "kept": ["identify", "track"],
    }


@pytest.mark.parametrize(
    ("page_path", "code", "sentence"),
    [
        ("pages/no-token.html", "config-account-token", "has no data-account-token attribute"),
        ("pages/unknown-mode.html", "config-mode", 'data-mode="turbo" is not a mode'),
        (
            "pages/bad-beacon-timeout.html",
            "config-beacon-timeout",
            'data-beacon-timeout="10s" is not a number of milliseconds',
        ),
        (
            "pages/insecure-beacon.html",
            "config-beacon-url",
            "is neither https: nor on this page's server",
        ),
    ],
)
def test_a_misconfigured_tag_says_what_to_change_and_resolves_every_call(
    page: Page,
    server_url: str,
    expect_console_errors: list[str],
    page_path: str,
    code: str,
    sentence: str,
) -> None:
    expect_console_errors.append(r"\[wootric-web\] .*" + re.escape(sentence))
    page.goto(server_url + page_path)

    result = page.evaluate(
        """(async () => {
            const error = await within(nextEvent('wootric-web:error'));
            await within(Promise.all([analytics.identify('u-1'), analytics.ready()]));
            return {code: error.detail.code, worker: performance.getEntriesByType('resource')
                .some(entry => entry.name.includes('wootric-worker')), kept: keptCalls()};
        })()"""
    )

    assert result == {"code": code, "worker": False, "kept": ["identify"]}


def test_a_beacon_that_never_arrives_is_given_up_after_ten_seconds_by_default(
    page: Page, server_url: str, expect_console_errors: list[str]
) -> None:
    expect_console_errors.append(r"\[wootric-web\] The Wootric beacon .* \(beacon-timeout\)")
    # The page's time moves only when the test says so (the worker keeps real time, so Python
    # boots as usual).
    page.clock.install(time=0)
    page.clock.pause_at(1)
    page.route("**/pages/routed-beacon.js", lambda route: None)
    page.goto(server_url + "pages/routed-beacon-default.html")
    # The beacon's script element: added once Python asks for the beacon. (A preload of it may
    # be requested earlier, while Python starts.)
    page.wait_for_selector("script[src$='routed-beacon.js']", state="attached", timeout=60_000)
    calls = page.evaluate_handle("[analytics.identify('u-1'), analytics.ready()]")

    page.clock.run_for(9_999)
    assert page.evaluate("harnessEvents.map(event => event.type)") == ["wootric-web:ready"]
    page.clock.run_for(1)
    error = page.evaluate("nextEvent('wootric-web:error')")

    settings = page.evaluate("calls => Promise.all(calls).then(() => wootricSettings)", calls)

    assert error["detail"]["code"] == "beacon-timeout"
    assert settings["segment_user_id"] == "u-1"


def test_a_beacon_that_throws_on_a_command_is_reported_and_the_call_still_resolves(
    page: Page, server_url: str, expect_console_errors: list[str]
) -> None:
    expect_console_errors.append(r"\[wootric-web\] .* \(beacon-command-failed\)")
    page.route(
        "**/pages/routed-beacon.js",
        lambda route: route.fulfill(
            content_type="text/javascript",
            body="window.wootric = () => { throw new Error('no survey today'); };",
        ),
    )
    page.goto(server_url + "pages/routed-beacon-default.html")

    result = page.evaluate(
        """(async () => {
            await within(analytics.identify('u-1', {email: 'ada@example.com'}));
            const error = await within(nextEvent('wootric-web:error'));
            return {error: error.detail, settings: wootricSettings};
        })()"""
    )

    assert result["error"]["code"] == "beacon-command-failed"
    assert "window.wootric('run')" in result["error"]["message"]
    assert result["settings"]["segment_user_id"] == "u-1"


def test_a_missing_wheel_is_reported_and_every_call_resolves(
    page: Page, server_url: str, expect_console_errors: list[str]
) -> None:
    expect_console_errors.append(r"\[wootric-web\] The wootric_web package could not be installed")
    page.route("**/static/wheels/wootric_web-*.whl", lambda route: route.fulfill(status=404))
    # Without this, the worker boots from the prebuilt snapshot, which needs no wheel.
    page.route("**/static/wheels/snapshot-*.gz", lambda route: route.fulfill(status=404))
    page.goto(server_url + "pages/plain.html")

    result = page.evaluate(
        """(async () => {
            const done = Promise.all([analytics.identify('u-1'), analytics.ready()]);
            const error = await within(nextEvent('wootric-web:error'));
            await within(done);
            return error.detail;
        })()"""
    )

    assert result["code"] == "wheel-load-failed"
    assert result["message"].endswith("answered 404 Not Found")


def test_where_workers_are_forbidden_python_runs_on_the_main_thread(
    page: Page, serve_under_policy: Callable[[str], str], expect_console_errors: list[str]
) -> None:
    # The browser reports the refused worker itself.
    expect_console_errors.append(r"Creating a worker from .* violates .*worker-src 'none'")
    warnings: list[str] = []
    page.on("console", lambda message: warnings.append(message.text))
    base_url = serve_under_policy(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'none'"
    )
    page.goto(base_url + "pages/csp.html")

    commands = page.evaluate(
        """within(analytics.identify('u-1')).then(() => wootricPreview.commands.map(
            entry => [entry.command, entry.settings.segment_user_id]))"""
    )

    assert commands == [["run", "u-1"]]
    assert any("runs on the page's main thread instead" in text for text in warnings)


@pytest.mark.parametrize(
    ("policy", "sentence"),
    [
        # The worker finds out for itself.
        ("default-src 'self'", "could not be loaded from"),
        # No worker either: the main thread finds out.
        ("default-src 'self'; worker-src 'none'", "does not allow WebAssembly"),
    ],
    ids=["in the worker", "on the main thread"],
)
def test_where_webassembly_is_forbidden_the_failure_is_reported_and_every_call_resolves(
    page: Page,
    serve_under_policy: Callable[[str], str],
    expect_console_errors: list[str],
    policy: str,
    sentence: str,
) -> None:
    expect_console_errors.append(r"\[wootric-web\] .*" + sentence)
    expect_console_errors.append(r"Creating a worker from .* violates")
    # No 'wasm-unsafe-eval': WebAssembly may not be compiled.
    page.goto(serve_under_policy(policy) + "pages/csp.html")

    result = page.evaluate(
        """(async () => {
            const done = Promise.all([analytics.identify('u-1'), analytics.ready()]);
            const error = await within(nextEvent('wootric-web:error'));
            await within(done);
            return {code: error.detail.code, kept: keptCalls()};
        })()"""
    )

    assert result == {"code": "runtime-load-failed", "kept": ["identify"]}
