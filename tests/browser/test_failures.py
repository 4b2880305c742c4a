"""When something is missing (the beacon, the runtime, the token), the page still never waits
forever: every call resolves, `ready()` resolves, and the tag says what went wrong."""

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
    "defines no window.wootric": (
        lambda route: route.fulfill(
            status=200, content_type="text/javascript", body="window.notWootric = true;"
        ),
        "beacon-no-wootric",
    ),
    # The tag gives up after data-beacon-timeout (1.5 s).
    "never arrives": (lambda route: None, "beacon-timeout"),
}


@pytest.mark.parametrize("beacon", list(BEACONS))
def test_a_beacon_that_never_loads_still_applies_the_settings_and_resolves(
    page: Page, server_url: str, expect_console_errors: list[str], beacon: str
) -> None:
    answer, code = BEACONS[beacon]
    expect_console_errors.append(r"Failed to load resource: .* 404")
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
            return {code: error.detail.code, calledBack};
        })()"""
    )

    assert result == {"code": "runtime-load-failed", "calledBack": 3}


@pytest.mark.parametrize(
    ("page_path", "code", "sentence"),
    [
        ("pages/no-token.html", "config-account-token", "has no data-account-token attribute"),
        ("pages/unknown-mode.html", "config-mode", 'data-mode="turbo" is not a mode'),
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
                .some(entry => entry.name.includes('wootric-worker'))};
        })()"""
    )

    assert result == {"code": code, "worker": False}
