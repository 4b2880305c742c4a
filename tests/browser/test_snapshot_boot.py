"""The worker boots from memory snapshots when the tag asks for the prebuilt one on a first visit
(data-first-visit="prebuilt"): the one `make build` made, then one saved in Cache Storage by an
earlier visit; a missing, stale or failing one is passed over and replaced. (The default first
visit, a plain boot from the light files, is tests/browser/test_light_boot.py's.)

The tests of one browser context are its visits, in order: pages/worker-boot.html drives the
worker directly, and `wootricWebBoot` (the worker's own record) says how it booted and what became
of the snapshot it saved. Every visit but one restores a snapshot, well under a second each.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from .conftest import ConsoleLog

CACHE = "wootric-web-snapshot"
# Pyodide's WebAssembly and standard library, kept decoded: [path, Pyodide version] for each.
RUNTIME_CACHE = "wootric-web-runtime"
KEPT_RUNTIME = f"""caches.open('{RUNTIME_CACHE}').then(async cache => Promise.all(
    (await cache.keys()).map(async key =>
        [new URL(key.url).pathname, (await cache.match(key)).headers.get('X-Wootric-Web-Pyodide')])
))"""
RUNTIME_FILES = {"/static/pyodide/pyodide.asm.wasm", "/static/wheels/stdlib-"}
# What the worker fetched over the network (or from the HTTP cache), by path.
WORKER_FETCHED = "performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)"
PAGE = {"href": "https://example.com/", "pathname": "/", "search": "", "referrer": "", "title": "T"}
# Start-up, one identify call and the beacon's arrival, as one batch: its answer holds the call's
# settings and its `done`.
VISIT = [
    {
        "kind": "start",
        "account_token": "NPS-01fe3cbc",
        "beacon_url": "/static/preview-beacon.js",
        "stored": {"local": {}, "cookie": {}},
    },
    {
        "kind": "call",
        "id": 1,
        "method": "identify",
        "args": ["u-1", {"email": "visitor-7f3a@example.com"}],
        "page": PAGE,
    },
    {"kind": "beacon", "state": "loaded"},
]
# The worker, booting as the tag's data-first-visit="prebuilt" has it.
WORKER_BOOT = "pages/worker-boot.html?firstVisit=prebuilt"
SAVED_KEYS = (
    f"caches.open('{CACHE}').then(cache => cache.keys()).then(keys => keys.map(key => key.url))"
)
# The saved snapshot (kept uncompressed: what pack() wrote), as text that a search can read.
SAVED_TEXT = f"""async () => {{
    const cache = await caches.open('{CACHE}');
    const [key] = await cache.keys();
    return new TextDecoder('latin1').decode(await (await cache.match(key)).arrayBuffer());
}}"""
# Rewrites the saved snapshot with one byte of Pyodide's build id changed: a snapshot that
# unpacks well, of another build of the runtime, which Pyodide refuses to restore.
OTHER_BUILD = f"""async () => {{
    const cache = await caches.open('{CACHE}');
    const [key] = await cache.keys();
    const packed = new Uint8Array(await (await cache.match(key)).arrayBuffer());
    const pages = Math.ceil(new DataView(packed.buffer).getUint32(4, true) / 4096);
    const memory = 8 + Math.ceil(pages / 8); // memory page 0, which holds Pyodide's header
    packed[memory + 16] ^= 0xff; // the header's 5th word starts the build id
    await cache.put(key, new Response(packed));
}}"""


def visit(
    context: BrowserContext, server_url: str, path: str = WORKER_BOOT
) -> tuple[Page, dict[str, Any]]:
    """A page of `context` that boots the worker and handles VISIT: (page, what happened)."""
    page = context.new_page()
    page.goto(server_url + path)
    booted = page.evaluate("window.booted")
    answer = page.evaluate("text => window.send(text)", json.dumps(VISIT))
    [worker] = page.workers
    return page, {
        "ready": booted["type"] == "ready",
        "boot": booted.get("boot"),
        "tried": page.evaluate("window.bootingAs"),
        "changes": json.loads(answer["text"]),
        "saved": worker.evaluate("wootricWebBoot.saved"),
        "fetched": worker.evaluate(WORKER_FETCHED),
        "kept_runtime": page.evaluate(KEPT_RUNTIME),
    }


def runtime_files(paths: list[str]) -> set[str]:
    """Which of RUNTIME_FILES `paths` holds (the standard library by the start of its name)."""
    return {file for file in RUNTIME_FILES if any(path.startswith(file) for path in paths)}


def applied_the_call(changes: list[dict[str, Any]]) -> bool:
    settings = [change["values"] for change in changes if change["op"] == "settings"]
    identified = any(values.get("segment_user_id") == "u-1" for values in settings)
    return identified and {"op": "done", "call": 1} in changes


@pytest.fixture(scope="module")
def first_visit(module_context: BrowserContext, server_url: str) -> dict[str, Any]:
    page, seen = visit(module_context, server_url)
    seen["keys"] = page.evaluate(SAVED_KEYS)
    page.close()
    return seen


def test_a_first_visit_boots_from_the_prebuilt_snapshot(first_visit: dict[str, Any]) -> None:
    assert first_visit["ready"]
    assert first_visit["tried"] == ["prebuilt"]


def test_a_first_visit_handles_calls(first_visit: dict[str, Any]) -> None:
    assert applied_the_call(first_visit["changes"])


def test_a_first_visit_saves_one_snapshot_for_the_next(first_visit: dict[str, Any]) -> None:
    assert first_visit["saved"] == "saved"
    assert len(first_visit["keys"]) == 1


def test_a_repeat_visit_boots_from_the_saved_snapshot_and_handles_calls(
    module_context: BrowserContext, server_url: str, first_visit: dict[str, Any]
) -> None:
    page, seen = visit(module_context, server_url)
    page.close()

    assert seen["tried"] == ["saved"]
    assert applied_the_call(seen["changes"])
    assert seen["saved"] == "skipped"  # nothing new to save


def test_a_first_visit_keeps_the_runtime_files_for_the_next(first_visit: dict[str, Any]) -> None:
    kept = first_visit["kept_runtime"]

    assert runtime_files(first_visit["fetched"]) == RUNTIME_FILES  # fetched them itself
    assert runtime_files([path for path, _ in kept]) == RUNTIME_FILES
    assert len(kept) == 2
    assert all(version and version[0].isdigit() for _, version in kept)


def test_a_repeat_visit_takes_the_runtime_files_from_what_was_kept(
    module_context: BrowserContext, server_url: str, first_visit: dict[str, Any]
) -> None:
    page, seen = visit(module_context, server_url)
    page.close()

    assert seen["tried"] == ["saved"]
    assert runtime_files(seen["fetched"]) == set()
    assert applied_the_call(seen["changes"])


def test_a_runtime_file_kept_for_another_version_is_fetched_and_replaced(
    module_context: BrowserContext, server_url: str, first_visit: dict[str, Any]
) -> None:
    [(wasm, version)] = [kept for kept in first_visit["kept_runtime"] if kept[0].endswith(".wasm")]
    page = module_context.new_page()
    page.goto(server_url + WORKER_BOOT)
    page.evaluate("window.booted")
    page.evaluate(
        f"""caches.open('{RUNTIME_CACHE}').then(cache => cache.put({json.dumps(wasm)},
            new Response('not this version', {{headers: {{'X-Wootric-Web-Pyodide': '0.0.1'}}}})))"""
    )
    page.close()

    page, seen = visit(module_context, server_url)
    page.close()
    again, next_visit = visit(module_context, server_url)
    again.close()

    assert seen["ready"]
    assert applied_the_call(seen["changes"])
    assert runtime_files(seen["fetched"]) == {"/static/pyodide/pyodide.asm.wasm"}
    assert seen["saved"] == "saved"
    assert [wasm, version] in seen["kept_runtime"]
    assert runtime_files(next_visit["fetched"]) == set()


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(
            f"""caches.open('{CACHE}').then(async cache => {{
                const [key] = await cache.keys();
                await cache.put(key, new Response('not a snapshot'));
            }})""",
            id="not a snapshot",
        ),
        pytest.param(
            f"""caches.open('{CACHE}').then(async cache => {{
                const [key] = await cache.keys();
                const header = new Uint8Array(8);
                new DataView(header.buffer).setUint32(0, 0x57575333); // "WWS3"
                new DataView(header.buffer).setUint32(4, 1 << 24, true); // 16 MB, none of it here
                await cache.put(key, new Response(header));
            }})""",
            id="a header and nothing more",
        ),
        pytest.param(
            f"""caches.open('{CACHE}').then(async cache => {{
                const [key] = await cache.keys();
                const bytes = await (await cache.match(key)).arrayBuffer();
                await cache.put(key, new Response(bytes.slice(0, bytes.byteLength / 2)));
            }})""",
            id="cut in half",
        ),
        pytest.param(OTHER_BUILD, id="another Pyodide build"),
    ],
)
def test_a_failing_saved_snapshot_is_passed_over_and_replaced(
    module_context: BrowserContext, server_url: str, first_visit: dict[str, Any], spoil: str
) -> None:
    page = module_context.new_page()
    page.goto(server_url + WORKER_BOOT)
    page.evaluate("window.booted")
    page.evaluate(spoil)
    page.close()

    page, seen = visit(module_context, server_url)
    page.close()
    again, repaired = visit(module_context, server_url)
    again.close()

    assert seen["tried"] == ["saved", "prebuilt"]
    assert seen["ready"]
    assert applied_the_call(seen["changes"])
    assert seen["saved"] == "saved"
    assert repaired["tried"] == ["saved"]


def test_a_stale_snapshot_is_ignored_and_dropped_when_a_new_one_is_saved(
    module_context: BrowserContext, server_url: str, first_visit: dict[str, Any]
) -> None:
    stale = "https://wootric-web.invalid/snapshot/2/0.0.1/" + "0" * 64 + "/python_stdlib.zip"
    page = module_context.new_page()
    page.goto(server_url + WORKER_BOOT)
    page.evaluate("window.booted")
    page.evaluate(
        f"""caches.open('{CACHE}').then(async cache => {{
            for (const key of await cache.keys()) await cache.delete(key);
            await cache.put({json.dumps(stale)}, new Response('an older visit\\'s snapshot'));
        }})"""
    )
    page.close()

    page, seen = visit(module_context, server_url)
    keys = page.evaluate(SAVED_KEYS)
    page.close()

    assert seen["tried"] == ["prebuilt"]
    assert applied_the_call(seen["changes"])
    assert seen["saved"] == "saved"
    assert len(keys) == 1
    assert stale not in keys


@pytest.fixture(scope="module")
def without_prebuilt(browser: Browser, console_log: ConsoleLog, server_url: str) -> dict[str, Any]:
    """A visitor whose server has no usable prebuilt snapshot: two visits."""
    context = browser.new_context()
    console_log.watch(context)
    context.route(
        "**/static/wheels/snapshot-*.gz",
        lambda route: route.fulfill(status=200, body=b"\x1f\x8b not really gzip"),
    )
    page, first = visit(context, server_url)
    first["saved_text"] = page.evaluate(SAVED_TEXT)
    page.close()
    page, second = visit(context, server_url)
    page.close()
    context.close()
    return {"first": first, "second": second}


def test_without_a_usable_snapshot_python_boots_plainly_and_handles_calls(
    without_prebuilt: dict[str, Any],
) -> None:
    first = without_prebuilt["first"]

    assert first["tried"] == ["prebuilt", "plain"]
    assert first["boot"] == "plain"
    assert applied_the_call(first["changes"])


def test_a_plain_boot_saves_a_snapshot_the_next_visit_boots_from(
    without_prebuilt: dict[str, Any],
) -> None:
    assert without_prebuilt["first"]["saved"] == "saved"
    assert without_prebuilt["second"]["tried"] == ["saved"]
    assert applied_the_call(without_prebuilt["second"]["changes"])


def test_a_snapshot_made_in_the_browser_holds_no_visitor_data(
    without_prebuilt: dict[str, Any],
) -> None:
    # Taken before the first message: the visit's identify call, handled before the snapshot was
    # compressed and stored, left nothing in it.
    saved_text = without_prebuilt["first"]["saved_text"]

    assert "wootric_web" in saved_text  # the check can see what the snapshot holds
    assert "visitor-7f3a@example.com" not in saved_text


def test_the_tag_applies_calls_on_a_visit_that_boots_from_the_saved_snapshot(
    module_context: BrowserContext, server_url: str, first_visit: dict[str, Any]
) -> None:
    page = module_context.new_page()
    page.goto(server_url + "pages/plain.html")
    commands = page.evaluate(
        """within(analytics.identify('u-2', {email: 'ada@example.com'})).then(() =>
            wootricPreview.commands.map(({command, settings: {segment_user_id: id}}) =>
                [command, id]))"""
    )
    [worker] = page.workers
    boot = worker.evaluate("wootricWebBoot.boot")
    page.close()

    assert boot == "saved"
    assert commands == [["run", "u-2"]]
