"""The tag hosted on another site than the page's, as a CDN hosts it.

The runtime, the wheel and the snapshot resolve against the tag's own URL, so the folder can be
hosted anywhere that sends `Access-Control-Allow-Origin` (module scripts and the worker's fetches
are CORS requests). A worker must be same-origin with its page: the executor starts it from a
`blob:` module that imports the real one. The page here is on 127.0.0.1, the tag on localhost:
two sites, whose HTTP caches and storage browsers keep apart.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from tools.serve import Config, Server, start_in_thread

from .conftest import HERE

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cross-site tag</title>
<link rel="icon" href="data:,">
<script src="harness.js"></script>
<script async src="{cdn_url}static/wootric-web.js" data-account-token="NPS-01fe3cbc"
        data-beacon-url="/static/preview-beacon.js"></script>
</head><body><h1>The tag from another site</h1></body></html>
"""


def stop(server: Server) -> None:
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def cdn_url() -> Iterator[str]:
    """A server of static/, on another site, sending what a CDN would for public files."""
    config = Config(headers=(("Access-Control-Allow-Origin", "*"),))
    server, base_url = start_in_thread("127.0.0.1", 0, config)
    yield base_url.replace("127.0.0.1", "localhost")
    stop(server)


@pytest.fixture(scope="module")
def site_url(cdn_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site's server, whose page takes the tag from `cdn_url`: a page of a real server, since
    Chromium lets only a page on a loopback address reach another one."""
    pages: Path = tmp_path_factory.mktemp("pages")
    shutil.copy(HERE / "pages" / "harness.js", pages)
    (pages / "index.html").write_text(PAGE.format(cdn_url=cdn_url))
    server, base_url = start_in_thread("127.0.0.1", 0, Config(pages_dir=pages))
    yield base_url
    stop(server)


def visit(context: BrowserContext, site_url: str) -> tuple[Page, dict[str, Any]]:
    """The site's page identifies a visitor: (page, what happened)."""
    page = context.new_page()
    page.goto(site_url + "pages/index.html")
    seen: dict[str, Any] = page.evaluate("""async () => {
        await within(analytics.identify('u-1', { email: 'ada@example.com' }));
        await within(analytics.ready());
        return { email: wootricSettings.email, commands: wootricPreview.commands.length,
                 events: harnessEvents.map((event) => event.type) };
    }""")
    [worker] = page.workers
    seen["worker"] = worker.url
    seen["boot"] = worker.evaluate("wootricWebBoot.boot")
    seen["saved"] = worker.evaluate("wootricWebBoot.saved")
    return page, seen


def test_a_tag_from_another_site_runs_python_in_a_worker_and_saves_a_snapshot(
    module_context: BrowserContext, site_url: str
) -> None:
    page, seen = visit(module_context, site_url)
    page.close()

    assert seen["email"] == "ada@example.com"
    assert seen["commands"] > 0
    assert seen["events"] == ["wootric-web:ready"]
    assert seen["worker"].startswith("blob:" + site_url.rstrip("/"))
    assert seen["boot"] in ("prebuilt", "plain")
    assert seen["saved"] == "saved"


def test_the_next_visit_restores_the_snapshot_saved_for_the_page(
    module_context: BrowserContext, site_url: str
) -> None:
    page, seen = visit(module_context, site_url)
    page.close()

    assert seen["email"] == "ada@example.com"
    assert seen["boot"] == "saved"
