"""Browser tests: Debian's Chromium driven by pytest-playwright, pages served by tools/serve.py.

Fixtures:
    server_url             base URL ("http://127.0.0.1:PORT/") of the session's server: demo/ at /,
                           static/ at /static/, tests/browser/pages/ at /pages/.
    expect_console_errors  a list a test appends regular expressions to; console errors and
                           uncaught page errors matching one of them do not fail the test.
    console_log            the session's ConsoleLog; `console_log.watch(context_or_page)` for
                           contexts a test makes itself (pytest-playwright's `context`, `page`
                           and `module_page` are watched already).
    module_context         one browser context shared by the tests of a module (one visitor).
    module_page            one page of it, so a module boots Pyodide once.
    serve_under_policy     starts another server whose files carry a Content-Security-Policy.

`with console_errors(page) as errors:` collects the console errors a page logs meanwhile.

Any console error or uncaught error that no test expected fails the test during which it
happened (or, for one raised while a module-scoped fixture was set up, the next test).
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, Route

# The repository root, for tools/ (pytest puts only this folder on sys.path).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tools.chromium import CHROMIUM, CHROMIUM_ARGS
from tools.serve import PAGES_DIR, Config, Server, start_in_thread

HERE = Path(__file__).resolve().parent
# The offline stand-in for Wootric's beacon, for tests that answer a beacon request themselves.
PREVIEW_BEACON = HERE.parents[1] / "static" / "preview-beacon.js"
# A policy that allows only the page's own server, and WebAssembly (which Pyodide needs).
STRICT_POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'"


def hold(page: Page, url: str) -> list[Route]:
    """Holds back the page's requests for `url` (a glob); the list fills with them as they come,
    for the test to answer when it chooses, or never."""
    held: list[Route] = []

    def keep(route: Route) -> None:
        held.append(route)

    page.route(url, keep)
    return held


def pytest_configure(config: pytest.Config) -> None:
    # pytest-base-url (pulled in by pytest-playwright) still defines its session fixture as a
    # method; the deprecation is theirs to fix and says nothing about these tests.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods"
        ":pytest.PytestRemovedIn10Warning",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # This hook sees every collected item, not only this folder's.
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    args = [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    server, base_url = start_in_thread("127.0.0.1", 0, Config(pages_dir=PAGES_DIR))
    yield base_url
    server.shutdown()
    server.server_close()


@pytest.fixture
def serve_under_policy() -> Iterator[Callable[[str], str]]:
    """`serve_under_policy(policy)` starts a server like `server_url`'s whose every file carries
    that Content-Security-Policy (so the worker has it too), and gives its base URL."""
    servers: list[Server] = []

    def start(policy: str) -> str:
        config = Config(pages_dir=PAGES_DIR, headers=(("Content-Security-Policy", policy),))
        server, base_url = start_in_thread("127.0.0.1", 0, config)
        servers.append(server)
        return base_url

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def console_errors(page: Page) -> Iterator[list[str]]:
    """The text of every console error `page` logs while the block runs (for tests that count
    them; expect_console_errors still has to admit them)."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    try:
        yield errors
    finally:
        page.remove_listener("console", on_console)


class ConsoleLog:
    """Console errors and uncaught errors of every watched context, not yet checked by a test."""

    def __init__(self) -> None:
        self.unchecked: list[str] = []

    def watch(self, target: BrowserContext | Page) -> None:
        target.on("console", self._on_console)
        if isinstance(target, BrowserContext):
            target.on("weberror", lambda web_error: self._on_error(web_error.error))
        else:
            target.on("pageerror", self._on_error)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.unchecked.append(f"console error: {message.text} ({where})")

    def _on_error(self, error: Error) -> None:
        self.unchecked.append(f"uncaught error: {error.message}")

    def take(self) -> list[str]:
        taken, self.unchecked = self.unchecked, []
        return taken


@pytest.fixture(scope="session")
def console_log() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def expect_console_errors() -> list[str]:
    return []


@pytest.fixture(autouse=True)
def _fail_on_console_errors(
    console_log: ConsoleLog, expect_console_errors: list[str]
) -> Iterator[None]:
    yield
    unexpected = [
        entry
        for entry in console_log.take()
        if not any(re.search(pattern, entry) for pattern in expect_console_errors)
    ]
    if unexpected:
        pytest.fail("unexpected browser errors:\n" + "\n".join(unexpected), pytrace=False)


@pytest.fixture
def context(context: BrowserContext, console_log: ConsoleLog) -> BrowserContext:
    console_log.watch(context)
    return context


@pytest.fixture(scope="module")
def module_context(browser: Browser, console_log: ConsoleLog) -> Iterator[BrowserContext]:
    """One visitor's browser for a module's tests: what one test's visit saves (storage, Cache
    Storage, the HTTP cache), the next test's visit finds."""
    context = browser.new_context()
    console_log.watch(context)
    yield context
    context.close()


@pytest.fixture(scope="module")
def module_page(module_context: BrowserContext) -> Page:
    return module_context.new_page()
