"""Build the prebuilt memory snapshot that a visitor's first page load boots from.

A snapshot restores an interpreter that has already started and imported ``wootric_web``. A first
visit restores it only when the tag asks for it (``data-first-visit="prebuilt"``): it costs more
bytes than the plain boot from the light files that is the default. It is made by
the real worker (``static/wootric-worker.mjs``) in headless Chromium, exactly as a visitor's
browser makes the one it saves, then checked by booting a fresh browser from it.

Run ``python tools/build_snapshot.py static/wheels/manifest.json`` after the manifest is written:
it writes ``snapshot-<hash of its content>.gz`` beside the manifest and names it there. The name
changes whenever the content does, so a server may let browsers keep the file for good.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from chromium import CHROMIUM, CHROMIUM_ARGS  # tools/ is on sys.path: this script is there
from playwright.sync_api import Browser, Page, Route, sync_playwright
from serve import Config, start_in_thread

BOOT_TIMEOUT_MS = 120_000
# The page that runs the worker; served under /static/ so the worker is same-origin.
PAGE_PATH = "static/snapshot-build.html"
PAGE = """<!doctype html><meta charset="utf-8"><title>snapshot build</title><script>
  const worker = new Worker("/static/wootric-worker.mjs", { type: "module" });
  window.booted = new Promise((resolve) => {
    worker.addEventListener("message", ({ data }) => data.type !== "booting" && resolve(data));
    worker.addEventListener("error", (event) => resolve({ type: "error", message: event.message }));
  });
  worker.postMessage({
    type: "boot",
    pyodideUrl: new URL("/static/pyodide/", location.href).href,
    wheelUrl: null,
    manifestUrl: new URL("/static/wheels/manifest.json", location.href).href,
    firstVisit: "prebuilt", // once there is one, to check it
  });
</script>"""
READ_SAVED = """async () => {
    const cache = await caches.open("wootric-web-snapshot");
    const [key] = await cache.keys();
    const bytes = new Uint8Array(await (await cache.match(key)).arrayBuffer());
    let text = "";
    for (let at = 0; at < bytes.length; at += 0x8000) {
        text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
    }
    return btoa(text);
}"""


def boot(browser: Browser, base_url: str) -> tuple[Page, str]:
    """Boot the worker in a fresh context; returns the page and how it booted."""
    page = browser.new_context().new_page()
    page.set_default_timeout(BOOT_TIMEOUT_MS)

    def serve_page(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=PAGE)

    page.route(base_url + PAGE_PATH, serve_page)
    page.goto(base_url + PAGE_PATH)
    booted = page.evaluate("booted")
    if booted.get("type") != "ready":
        raise SystemExit(f"the worker did not boot: {booted}")
    return page, str(booted["boot"])


def make(browser: Browser, base_url: str) -> bytes:
    """A snapshot made by a plain boot of the worker, as it saves one for a visitor."""
    page, how = boot(browser, base_url)
    if how != "plain":
        raise SystemExit(f"expected a plain boot to make the snapshot from, got {how!r}")
    outcome = page.workers[0].evaluate("wootricWebBoot.saved")
    if outcome != "saved":
        raise SystemExit(f"the worker did not save a snapshot: {outcome!r}")
    return base64.b64decode(page.evaluate(READ_SAVED))


def build(manifest_path: Path) -> Path:
    """Make, name and check the snapshot for the manifest's runtime and wheel."""
    manifest = json.loads(manifest_path.read_text())
    manifest.pop("snapshot", None)
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    server, base_url = start_in_thread("127.0.0.1", 0, Config())
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # A visitor's browser keeps its snapshot uncompressed; the download is gzip's best.
            snapshot = gzip.compress(make(browser, base_url), 9, mtime=0)
            digest = hashlib.sha256(snapshot).hexdigest()
            target = manifest_path.parent / f"snapshot-{digest[:16]}.gz"
            target.write_bytes(snapshot)
            for stale in manifest_path.parent.glob("snapshot-*.gz"):
                if stale != target:
                    stale.unlink()
            manifest["snapshot"] = target.name
            manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
            _, how = boot(browser, base_url)
            if how != "prebuilt":
                raise SystemExit(f"a fresh browser did not boot from {target}: it booted {how!r}")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("manifest", type=Path, help="static/wheels/manifest.json")
    args = parser.parse_args(argv)
    target = build(args.manifest)
    print(f"{target} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
