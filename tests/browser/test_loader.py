"""wootric-web's loader: an inline script that keeps the page's calls until `load`, then adds the
tag.

The page (pages/loader-held.html) holds an image the test answers when it chooses, so calls are
made while the page is still loading, as on a slow page. The rest of the behaviour, with the
Segment snippet on the page too, is test_script_tag.py's, which runs under both installs.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Request, Route

from .conftest import HERE, STRICT_POLICY, console_errors, hold

PAGE = "pages/loader-held.html"
LOADER = HERE.parents[1] / "static" / "wootric-web-loader.js"
ICON = HERE / "pages" / "icon.svg"
# How long the loader waits for `load` before it adds the tag all the same.
LOAD_WAIT_MS = 10_000
# The queues the loader left in storage for the next page load (js-modules/left-queue.js).
LEFT_QUEUES = """() => Object.keys(localStorage)
    .filter((name) => name.startsWith('wootric_web_left_'))
    .map((name) => JSON.parse(localStorage.getItem(name)))"""
CALL_METHODS = {"identify", "track", "page", "group", "alias", "screen", "reset", "setAnonymousId"}


def left_calls(page: Page) -> list[list[object]]:
    """The calls of every queue the loader left: [method, ...args, buffered page context]."""
    queues: list[dict[str, object]] = page.evaluate(LEFT_QUEUES)
    return [
        entry
        for left in queues
        for entry in left["calls"]  # type: ignore[attr-defined]
        if isinstance(entry, list) and entry[0] in CALL_METHODS
    ]


def hold_image(page: Page) -> list[Route]:
    """Holds back the page's image, and with it its `load` event."""
    return hold(page, "**/pages/icon.svg?held")


def release(held: list[Route]) -> None:
    for route in held:
        route.fulfill(path=ICON, content_type="image/svg+xml")


def loader_hash() -> str:
    """The CSP source that admits the loader: the hash of the element's text, as pasted."""
    digest = hashlib.sha256(("\n" + LOADER.read_text()).encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def test_calls_before_load_are_applied_once_the_page_has_loaded_in_order(
    page: Page, server_url: str
) -> None:
    held = hold_image(page)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server_url + PAGE, wait_until="domcontentloaded")
    queued = page.evaluate("""() => {
        const created = new Date(Date.UTC(2018, 7, 3, 15, 28, 46, 493));
        window.answers = [
            analytics.identify('u-1', { email: 'ada@example.com', createdAt: created }),
            analytics.page('Pricing'),
            analytics.track('Signed Up', { plan: 'pro' }),
        ];
        // Each settles once applied: the settings are those the call left.
        window.emailWhenIdentified = answers[0].then(() => wootricSettings.email);
        return { queue: Array.isArray(analytics), chained: analytics.debug(false) === analytics,
            promises: answers.every((answer) => answer instanceof Promise) };
    }""")
    assert queued == {"queue": True, "chained": True, "promises": True}
    assert not [url for url in requested if "wootric-web" in url]

    release(held)
    seen = page.evaluate("""async () => {
        await within(Promise.all(answers));
        const [navigation] = performance.getEntriesByType('navigation');
        const tag = performance.getEntriesByType('resource')
            .find((entry) => entry.name.endsWith('/wootric-web.js'));
        return { email: await emailWhenIdentified, createdAt: wootricSettings.created_at,
            event: wootricSettings.event_name, commands: wootricPreview.commands.map(
                (entry) => [entry.command, entry.settings.page_info?.name ?? null]),
            tagAfterLoad: tag.startTime >= navigation.loadEventStart };
    }""")

    assert seen == {
        "email": "ada@example.com",
        "createdAt": 1533310126,
        "event": "Signed Up",
        # identify runs the survey; the first page() sends no command; track runs it again.
        "commands": [["run", None], ["run", "Pricing"]],
        "tagAfterLoad": True,
    }


def test_the_tag_gets_the_loaders_attributes_and_nonce(page: Page, server_url: str) -> None:
    held = hold_image(page)
    page.goto(server_url + PAGE, wait_until="domcontentloaded")
    # A nonce set now stands for one the page was served with: the element keeps it either way.
    page.evaluate("document.querySelector('script[data-src]').setAttribute('nonce', 'n0nce')")

    release(held)
    tag = page.evaluate("""within(analytics.ready()).then(() => {
        const tag = document.querySelector('script[src$="/wootric-web.js"]');
        return { attributes: Object.fromEntries([...tag.attributes].map((a) => [a.name, a.value])),
            nonce: tag.nonce };
    })""")

    assert tag == {
        "attributes": {
            "data-account-token": "NPS-01fe3cbc",
            "data-beacon-url": "/static/preview-beacon.js",
            "src": "/static/wootric-web.js",
        },
        "nonce": "n0nce",
    }


def test_a_call_to_consent_before_load_reaches_the_tag(page: Page, server_url: str) -> None:
    held = hold_image(page)
    page.goto(server_url + PAGE, wait_until="domcontentloaded")
    page.evaluate("""() => {
        document.querySelector('script[data-src]').setAttribute('data-consent', 'required');
        window.identified = analytics.identify('u-1', { email: 'ada@example.com' });
        window.granted = analytics.consent.grant();
    }""")

    release(held)
    seen = page.evaluate("""async () => {
        await within(Promise.all([identified, granted, analytics.ready()]));
        const choice = localStorage.getItem('wootric_web_consent');
        return { email: wootricSettings.email, choice };
    }""")

    assert seen == {"email": "ada@example.com", "choice": "granted"}


def test_calls_made_on_a_page_left_before_load_are_applied_on_the_next(
    page: Page, server_url: str
) -> None:
    hold_image(page)  # never answered: the page is left first
    page.goto(server_url + PAGE, wait_until="domcontentloaded")
    page.evaluate("""() => {
        analytics.identify('u-2', { email: 'grace@example.com' });
        analytics.track('Before leaving', { step: 2 });
    }""")

    page.goto(server_url + "pages/plain.html")
    seen = page.evaluate("""async () => {
        await within(analytics.ready());
        await within(analytics.page('Next'));  // after the kept calls, which come first
        return { commands: wootricPreview.commands.map((entry) => [entry.command,
            entry.settings.email ?? null, entry.settings.event_name ?? null]),
            stored: localStorage.getItem('wootric_web_pending') };
    }""")
    left = page.evaluate(LEFT_QUEUES)

    assert seen["commands"][:2] == [
        ["run", "grace@example.com", None],
        ["run", "grace@example.com", "Before leaving"],
    ]
    assert seen["stored"] is None
    assert left == []  # the next page load took the left queue, once


@pytest.mark.parametrize(
    ("consent", "choice", "kept"),
    [
        (None, None, ["identify", "track"]),
        ("required", None, []),
        ("required", "granted", ["identify", "track"]),
        (None, "revoked", []),
    ],
)
def test_a_hidden_page_keeps_its_calls_only_as_consent_allows(
    page: Page, server_url: str, consent: str | None, choice: str | None, kept: list[str]
) -> None:
    hold_image(page)
    page.goto(server_url + PAGE, wait_until="domcontentloaded")
    page.evaluate(
        """([consent, choice]) => {
            if (consent) document.querySelector('script[data-src]').dataset.consent = consent;
            if (choice) localStorage.setItem('wootric_web_consent', choice);
            analytics.identify('u-3', { email: 'ada@example.com', createdAt: new Date(0) });
            analytics.track('Hidden', { plan: 'pro' });
            dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
        }""",
        [consent, choice],
    )
    stored = left_calls(page)

    assert [entry[0] for entry in stored] == kept
    if kept:
        identify, track = stored
        created = {"$wootric": "date", "ms": 0}  # a Date stays a Date, as the tag keeps it
        assert identify[1:3] == ["u-3", {"email": "ada@example.com", "createdAt": created}]
        context = track[-1]
        assert isinstance(context, dict)
        assert context["__t"] == "bpc"
        assert context["u"] == server_url + PAGE
        assert context["t"] == "Loader page"
        assert [left["load"] != "" for left in page.evaluate(LEFT_QUEUES)] == [True]


# Counts the page's writes to the store of kept calls, from before any script runs.
COUNT_PENDING_WRITES = """() => {
    window.pendingWrites = 0;
    for (const name of ['setItem', 'removeItem']) {
        const original = Storage.prototype[name];
        Storage.prototype[name] = function (key, ...rest) {
            if (key === 'wootric_web_pending') window.pendingWrites += 1;
            return original.call(this, key, ...rest);
        };
    }
}"""


def test_a_burst_of_calls_on_a_page_that_stays_visible_never_touches_the_store(
    page: Page, server_url: str
) -> None:
    page.add_init_script(f"({COUNT_PENDING_WRITES})()")
    page.goto(server_url + PAGE.replace("loader-held", "loader"))
    seen = page.evaluate("""async () => {
        // Before Python is ready, so that each call waits, unhandled, in the executor.
        const calls = [];
        for (let i = 0; i < 200; i += 1) calls.push(analytics.track('Burst', { i }));
        await within(Promise.all(calls));
        return { writes: pendingWrites, stored: localStorage.getItem('wootric_web_pending') };
    }""")

    assert seen == {"writes": 0, "stored": None}


def test_calls_the_loader_kept_when_hidden_leave_the_store_once_applied(
    page: Page, server_url: str
) -> None:
    held = hold_image(page)
    page.goto(server_url + PAGE, wait_until="domcontentloaded")
    page.evaluate("""() => {
        window.answers = [analytics.identify('u-4', { email: 'ada@example.com' }),
            analytics.track('Hidden early')];
        dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    }""")
    kept = [entry[0] for entry in left_calls(page)]
    release(held)
    stored = page.evaluate("""async () => {
        await within(Promise.all(answers));
        return localStorage.getItem('wootric_web_pending');
    }""")

    assert kept == ["identify", "track"]
    assert stored is None
    assert left_calls(page) == []  # the tag took its own load's queue into the store


def test_a_page_whose_load_never_comes_gets_the_tag_all_the_same(
    page: Page, server_url: str
) -> None:
    page.clock.install()  # the loader's wait for `load` is cut short below, not waited out
    hold_image(page)
    requested: dict[str, float] = {}  # script name -> when it was first asked for (real time)

    def note(request: Request) -> None:
        requested.setdefault(request.url.rsplit("/", 1)[-1], time.monotonic())

    page.on("request", note)
    page.goto(server_url + PAGE, wait_until="domcontentloaded")
    page.evaluate("() => { window.identified = analytics.identify('u-1', { email: 'a@b.co' }); }")
    assert "wootric-web.js" not in requested

    page.clock.fast_forward(LOAD_WAIT_MS)
    seen = page.evaluate("""async () => {
        await within(Promise.all([identified, analytics.ready()]));
        return { email: wootricSettings.email, readyState: document.readyState };
    }""")

    assert seen == {"email": "a@b.co", "readyState": "interactive"}
    # The tag added by the loader does not wait for `load` a second time.
    executor_wait = requested["wootric-web-executor.js"] - requested["wootric-web.js"]
    assert executor_wait < LOAD_WAIT_MS / 1000 / 2


def test_a_second_loader_says_so_once_and_changes_nothing(
    page: Page, server_url: str, expect_console_errors: list[str]
) -> None:
    # A second tag after the loader: test_script_tag.py, which runs under the loader too.
    expect_console_errors.append(r"\[wootric-web\] The loader is on this page twice")
    page.goto(server_url + PAGE)
    with console_errors(page) as errors:
        same = page.evaluate(
            """async (code) => {
                await within(analytics.ready());
                const before = window.analytics;
                const script = document.createElement('script');
                script.dataset.src = '/static/wootric-web.js';
                script.dataset.accountToken = 'NPS-99999999';
                script.textContent = code;
                document.head.append(script);
                return window.analytics === before && wootricSettings.account_token;
            }""",
            LOADER.read_text(),
        )

    assert same == "NPS-01fe3cbc"
    assert len([text for text in errors if "[wootric-web]" in text]) == 1


def test_the_loader_runs_under_a_strict_policy_that_admits_it_by_its_hash(
    page: Page, serve_under_policy: Callable[[str], str]
) -> None:
    # Any violation would be a console error, which fails the test.
    base_url = serve_under_policy(
        STRICT_POLICY.replace("script-src 'self'", "script-src 'self' " + loader_hash())
    )
    page.goto(base_url + "pages/csp-loader.html")

    commands = page.evaluate(
        """within(analytics.identify('u-1')).then(() => wootricPreview.commands.map(
            entry => [entry.command, entry.settings.segment_user_id]))"""
    )

    assert commands == [["run", "u-1"]]


def test_the_readme_gives_the_loader_as_it_is_and_its_hash() -> None:
    readme = (HERE.parents[1] / "README.md").read_text()
    pasted = re.search(r"<script data-src=[^>]*>(\n.*?)</script>", readme, re.S)

    assert pasted is not None
    assert pasted.group(1) == "\n" + LOADER.read_text()
    assert loader_hash() in readme


def test_a_tag_that_cannot_be_loaded_is_reported_and_leaves_no_caller_waiting(
    page: Page, server_url: str, expect_console_errors: list[str]
) -> None:
    expect_console_errors += [r"tag-load-failed", r"404"]
    held = hold_image(page)
    page.goto(server_url + PAGE, wait_until="domcontentloaded")
    page.evaluate("""() => {
        document.querySelector('script[data-src]').dataset.src = '/static/missing.js';
        window.error = nextEvent('wootric-web:error');
        window.before = [analytics.identify('u-1'), new Promise((r) => analytics.ready(r))];
    }""")

    release(held)
    seen = page.evaluate("""async () => {
        const { detail } = await within(error);
        await within(Promise.all([...before, analytics.track('After')]));
        const settings = window.wootricSettings;
        return { code: detail.code, queue: Array.isArray(analytics), settings };
    }""")

    assert seen == {"code": "tag-load-failed", "queue": True, "settings": None}


def test_a_loader_added_to_a_page_that_has_loaded_adds_the_tag_at_once(
    page: Page, server_url: str
) -> None:
    # As a tag manager adds it once the page has loaded: no `load` event is coming.
    loaded = server_url + "pages/loaded.html"
    markup = '<link rel="icon" href="data:,"><h1>A page without wootric-web, loaded</h1>'
    page.route(loaded, lambda route: route.fulfill(content_type="text/html", body=markup))
    page.goto(loaded)
    started = page.evaluate(
        """async (code) => {
            const loader = document.createElement('script');
            Object.assign(loader.dataset, { src: '/static/wootric-web.js',
                accountToken: 'NPS-01fe3cbc', beaconUrl: '/static/preview-beacon.js' });
            loader.textContent = code;
            const added = performance.now();
            document.head.append(loader);
            await new Promise((resolve) => analytics.ready(resolve));
            const tag = performance.getEntriesByType('resource')
                .find((entry) => entry.name.endsWith('/wootric-web.js'));
            return tag.startTime - added;
        }""",
        LOADER.read_text(),
    )

    assert started < LOAD_WAIT_MS / 2


def test_a_call_storage_cannot_carry_is_lost_alone_when_the_page_is_left_before_load(
    page: Page, server_url: str
) -> None:
    hold_image(page)
    page.goto(server_url + PAGE, wait_until="domcontentloaded")
    page.evaluate("""() => {
        const looped = { plan: 'pro' };
        looped.self = looped;  // JSON cannot carry it
        analytics.track('Looped', looped);
        analytics.identify('u-5', { email: 'lin@example.com' });
        analytics.track('After the loop');
    }""")

    page.goto(server_url + "pages/plain.html")
    seen = page.evaluate("""async () => {
        await within(analytics.ready());
        await within(analytics.page('Next'));
        return wootricPreview.commands.map((entry) => [entry.command,
            entry.settings.email ?? null, entry.settings.event_name ?? null]);
    }""")

    assert seen[:2] == [
        ["run", "lin@example.com", None],
        ["run", "lin@example.com", "After the loop"],
    ]
    assert "Looped" not in [event for _, _, event in seen]


def test_a_revoke_before_load_outlives_a_page_left_before_load_and_keeps_no_call(
    page: Page, server_url: str
) -> None:
    hold_image(page)  # never answered: the page is left first
    page.goto(server_url + PAGE, wait_until="domcontentloaded")
    page.evaluate("""() => {
        analytics.identify('u-6', { email: 'ada@example.com' });
        analytics.consent.revoke();
        dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    }""")
    left = page.evaluate(LEFT_QUEUES)

    page.goto(server_url + "pages/plain.html")
    seen = page.evaluate("""async () => {
        await within(analytics.identify('u-7', { email: 'bob@example.com' }));
        return { choice: localStorage.getItem('wootric_web_consent'),
            settings: window.wootricSettings ?? null, stored: Object.keys(localStorage) };
    }""")

    # Only the method names are left, which say nothing of the visitor.
    [calls] = [left_queue["calls"] for left_queue in left]
    assert [name for name in calls if name != "register"] == ["identify", "consent.revoke"]
    assert "ada@example.com" not in str(left)
    assert seen["choice"] == "revoked"  # the visitor's last word, applied on the next page
    # Neither the left identify nor this page's reached Wootric.
    assert "email" not in (seen["settings"] or {})
    assert not [name for name in seen["stored"] if name.startswith("wootric_web_left_")]
    assert "wootric_web_pending" not in seen["stored"]


def test_a_grant_before_load_lets_the_calls_of_a_page_left_before_load_be_kept(
    page: Page, server_url: str
) -> None:
    hold_image(page)
    page.goto(server_url + PAGE, wait_until="domcontentloaded")
    page.evaluate("""() => {
        document.querySelector('script[data-src]').dataset.consent = 'required';
        analytics.identify('u-8', { email: 'grace@example.com' });
        analytics.consent.grant();
    }""")

    page.goto(server_url + "pages/consent.html")  # consent required there too, none stored
    seen = page.evaluate("""async () => {
        await within(analytics.ready());  // which waits for the grant
        return { email: wootricSettings.email,
            choice: localStorage.getItem('wootric_web_consent') };
    }""")

    assert seen == {"email": "grace@example.com", "choice": "granted"}
