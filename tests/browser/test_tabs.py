"""Two pages of one site open at once: a call is applied once across both.

A hidden page keeps its unapplied calls in storage, for the next page load should it be discarded
unseen. Another page load of the site then takes them and applies them; when the hidden page comes
back, it must not apply them a second time, and its own later calls are its own.

Each test holds back one of the first page's files so that its calls wait, hides that page (its
`visibilityState`, as a browser switching tabs sets it), loads a second page in the same context
(the same storage), then brings the first back and lets it finish.
"""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, Route

from .conftest import HERE, hold

PAGE = "pages/plain.html"
# The loader alone, its `load` held back with its image: the calls wait in the loader's queue.
LOADER_PAGE = "pages/loader-held.html"
ICON = HERE / "pages" / "icon.svg"

SET_VISIBILITY = """(state) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
    const hidden = state === 'hidden';
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    // As a browser fires it: at the document, bubbling to the window.
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
}"""

# What a page's beacon was asked to do: [command, email, event name] per command.
COMMANDS = """() => wootricPreview.commands.map((entry) => [entry.command,
    entry.settings.email ?? null, entry.settings.event_name ?? null])"""

CALLS_THEN_HIDE = """async () => {
    window.answers = [analytics.identify('u-tab', { email: 'tab@example.com' }),
        analytics.track('Made in the first tab')];
    window.ready = analytics.ready();
}"""


def stored(page: Page) -> list[str]:
    """The methods of the calls kept in storage."""
    methods: list[str] = page.evaluate("""() => {
        const calls = JSON.parse(localStorage.getItem('wootric_web_pending')) ?? [];
        return calls.map((entry) => entry.method);
    }""")
    return methods


def second_page_applies_them(context: BrowserContext, server_url: str) -> list[list[str | None]]:
    other = context.new_page()
    other.goto(server_url + PAGE)
    other.evaluate(
        "async () => { await within(analytics.ready()); await within(analytics.page()); }"
    )
    commands: list[list[str | None]] = other.evaluate(COMMANDS)
    other.close()
    return commands


def first_page_finishes(page: Page, held: list[Route]) -> list[list[str | None]]:
    page.evaluate(SET_VISIBILITY, "visible")
    for route in held:
        route.continue_()
    page.evaluate("""async () => {
        await within(Promise.all(answers));
        await within(ready);
        await within(analytics.track('Made after coming back'));
    }""")
    commands: list[list[str | None]] = page.evaluate(COMMANDS)
    return commands


def test_early_calls_of_a_hidden_page_taken_by_another_are_applied_once(
    page: Page, context: BrowserContext, server_url: str
) -> None:
    held = hold(page, "**/static/wootric-web-executor.js")  # the calls wait in the tag
    page.goto(server_url + PAGE)
    page.evaluate(CALLS_THEN_HIDE)
    page.evaluate(SET_VISIBILITY, "hidden")
    assert stored(page) == ["identify", "track"]

    elsewhere = second_page_applies_them(context, server_url)
    here = first_page_finishes(page, held)

    assert ["run", "tab@example.com", "Made in the first tab"] in elsewhere
    assert [event for _, _, event in here] == ["Made after coming back"]
    assert stored(page) == []


def test_calls_waiting_for_python_on_a_hidden_page_taken_by_another_are_applied_once(
    page: Page, context: BrowserContext, server_url: str
) -> None:
    held = hold(page, "**/static/wootric-worker.mjs")  # the executor is here, Python is not
    with page.expect_request("**/static/wootric-worker.mjs"):
        page.goto(server_url + PAGE)
    page.evaluate(CALLS_THEN_HIDE)
    page.evaluate(SET_VISIBILITY, "hidden")
    assert stored(page) == ["identify", "track"]

    elsewhere = second_page_applies_them(context, server_url)
    here = first_page_finishes(page, held)

    assert ["run", "tab@example.com", "Made in the first tab"] in elsewhere
    assert [event for _, _, event in here] == ["Made after coming back"]
    assert stored(page) == []


def test_calls_of_a_hidden_page_that_comes_back_first_are_its_own(
    page: Page, context: BrowserContext, server_url: str
) -> None:
    held = hold(page, "**/static/wootric-web-executor.js")
    page.goto(server_url + PAGE)
    page.evaluate(CALLS_THEN_HIDE)
    page.evaluate(SET_VISIBILITY, "hidden")

    here = first_page_finishes(page, held)
    elsewhere = second_page_applies_them(context, server_url)

    assert ["run", "tab@example.com", "Made in the first tab"] in here
    assert [event for _, _, event in elsewhere if event] == []


def test_calls_a_hidden_page_left_in_the_loader_taken_by_another_are_applied_once(
    page: Page, context: BrowserContext, server_url: str
) -> None:
    held = hold(page, "**/pages/icon.svg?held")  # no `load`: the calls wait in the loader
    page.goto(server_url + LOADER_PAGE, wait_until="domcontentloaded")
    page.evaluate(CALLS_THEN_HIDE)
    page.evaluate(SET_VISIBILITY, "hidden")  # the loader leaves its queue in storage

    elsewhere = second_page_applies_them(context, server_url)
    page.evaluate(SET_VISIBILITY, "visible")
    for route in held:
        route.fulfill(path=ICON, content_type="image/svg+xml")
    here = first_page_finishes(page, [])

    assert ["run", "tab@example.com", "Made in the first tab"] in elsewhere
    # The first page's tag knows the calls another took: it applies only its own later one.
    assert [event for _, _, event in here] == ["Made after coming back"]
    assert stored(page) == []


def test_a_consent_word_a_hidden_page_applies_once_back_is_not_repeated_on_the_next(
    page: Page, server_url: str
) -> None:
    held = hold(page, "**/static/wootric-worker.mjs")  # the executor is here, Python is not
    with page.expect_request("**/static/wootric-worker.mjs"):
        page.goto(server_url + PAGE)
    page.evaluate("() => { window.granted = analytics.consent.grant(); }")
    page.evaluate(SET_VISIBILITY, "hidden")
    left = page.evaluate("() => Object.keys(localStorage).filter((key) => key.includes('_left_'))")

    page.evaluate(SET_VISIBILITY, "visible")
    for route in held:
        route.continue_()
    page.unroute("**/static/wootric-worker.mjs")
    page.evaluate(
        "async () => { await within(granted); await within(analytics.consent.revoke()); }"
    )
    page.goto(server_url + PAGE)
    choice = page.evaluate("""async () => {
        await within(analytics.track('Next page'));
        return localStorage.getItem('wootric_web_consent');
    }""")

    assert len(left) == 1  # the grant, left for the next page while Python did not have it
    assert choice == "revoked"  # the visitor's later word stands
