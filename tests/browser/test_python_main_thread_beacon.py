"""The Python API on the page's main thread loads the beacon itself (wootric_web/browser_page.py):
it reports the beacon's outcome once, with the code the tag gives the same failure, and leaves
nothing behind that could fire afterwards.

Each test is a page of its own: a beacon that loaded defines `window.wootric` for good. The page's
clock is Playwright's, flowing as usual until a test moves it on past the beacon's timeout.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error, Page, Route

from wootric_web.session import DEFAULT_BEACON_TIMEOUT_MS

from .conftest import PREVIEW_BEACON, hold
from .test_failures import BEACONS
from .test_python_main_thread import RUN_PYTHON

TIMEOUT_MS = DEFAULT_BEACON_TIMEOUT_MS  # the Python API's, as the tag's data-beacon-timeout's


def start(beacon_url: str) -> str:
    """Python that makes `analytics` for a beacon at `beacon_url`, keeping the codes of the
    warnings it gives in `reported`."""
    return f"""
import warnings
from wootric_web import Analytics, WootricWebWarning

reported = []
warnings.simplefilter("always", WootricWebWarning)
warnings.showwarning = lambda message, *_: reported.append(getattr(message, "code", None))
analytics = Analytics("NPS-01fe3cbc", beacon_url={beacon_url!r})
"""


@pytest.fixture
def python_page(page: Page, server_url: str) -> Page:
    page.clock.install()
    page.goto(f"{server_url}pages/python-main-thread.html")
    page.evaluate(RUN_PYTHON, "None")  # Python has booted
    return page


def uncaught_errors(page: Page) -> list[str]:
    """The page's uncaught errors from now on."""
    errors: list[str] = []

    def note(error: Error) -> None:
        errors.append(error.message)

    page.on("pageerror", note)
    return errors


def preview_beacon(route: Route) -> None:
    route.fulfill(path=PREVIEW_BEACON, content_type="text/javascript")


def test_a_page_kept_open_past_the_timeout_after_the_beacon_loaded_shows_no_error(
    python_page: Page,
) -> None:
    python_page.evaluate(RUN_PYTHON, start("/static/preview-beacon.js") + "await analytics.ready()")
    errors = uncaught_errors(python_page)

    # Playwright's clock throws a timer's error out of run_for (a real clock's would be an
    # uncaught error on the page); either fails the test.
    python_page.clock.run_for(TIMEOUT_MS + 1)
    python_page.evaluate(RUN_PYTHON, "None")  # whatever the timer left for Python's loop has run

    assert errors == []
    assert python_page.evaluate(RUN_PYTHON, "reported") == []


def test_a_beacon_that_loads_after_its_timeout_shows_no_error(python_page: Page) -> None:
    held = hold(python_page, "**/late-beacon.js")
    with python_page.expect_request("**/late-beacon.js"):
        python_page.evaluate(RUN_PYTHON, start("/late-beacon.js"))
    python_page.clock.run_for(TIMEOUT_MS + 1)
    python_page.evaluate(RUN_PYTHON, "await analytics.ready()")
    errors = uncaught_errors(python_page)
    # `done` resolves once the beacon's script element has had its `load` event, Python's
    # listener (added first) included. It is wrapped: evaluate_handle would wait for a promise.
    loaded = python_page.evaluate_handle(
        """() => ({done: new Promise((resolve) => document
            .querySelector("script[src$='late-beacon.js']")
            .addEventListener("load", () => resolve(true)))})"""
    )

    preview_beacon(held[0])
    python_page.evaluate("loaded => loaded.done", loaded)

    assert errors == []
    assert len(python_page.evaluate(RUN_PYTHON, "reported")) == 1  # the timeout, only


@pytest.mark.parametrize("beacon", list(BEACONS))
def test_a_beacon_that_fails_is_reported_with_the_code_the_tag_gives_that_failure(
    python_page: Page, expect_console_errors: list[str], beacon: str
) -> None:
    answer, code = BEACONS[beacon]
    expect_console_errors.append(r"Failed to load resource: (.* 404|net::ERR_FAILED)")
    errors = uncaught_errors(python_page)
    python_page.route("**/pages/routed-beacon.js", answer)
    with python_page.expect_request("**/pages/routed-beacon.js"):
        python_page.evaluate(RUN_PYTHON, start("/pages/routed-beacon.js"))
    if code == "beacon-timeout":
        python_page.clock.run_for(TIMEOUT_MS + 1)  # every other answer settles the beacon itself

    reported = python_page.evaluate(RUN_PYTHON, "await analytics.ready()\nreported")

    assert reported == [code]
    assert errors == []  # a beacon that throws is its failure, not the page's uncaught error
