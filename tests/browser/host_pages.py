"""Pages that run a host analytics library beside wootric-web, for the host-library tests.

A test page is made here (so that the two tags can be put in either order) and served at a URL of
the test server through a Playwright route; the library's own hosts are answered by routes too, so
nothing leaves 127.0.0.1. The loader is pasted in as a site would paste it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Route

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
LOADER = (ROOT / "static" / "wootric-web-loader.js").read_text()
TOKEN = "NPS-01fe3cbc"
EMAIL = "shawn@shawnmorgan.com"

# Fields that differ between any two page loads, with or without wootric-web.
VOLATILE = {
    "messageId",
    "timestamp",
    "sentAt",
    "originalTimestamp",
    "anonymousId",
    "sessionId",
    "sessionStart",
}


def loader_tag(**attributes: str) -> str:
    """The install: the inline loader with its data- attributes."""
    extra = "".join(f' {name}="{value}"' for name, value in attributes.items())
    return (
        f'<script data-src="/static/wootric-web.js" data-account-token="{TOKEN}" '
        f'data-beacon-url="/static/preview-beacon.js"{extra}>{LOADER}</script>'
    )


def html(title: str, head: list[str], body: str = "") -> str:
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{title}</title>",
            '<link rel="icon" href="data:,">',
            '<script src="/pages/harness.js"></script>',
            *head,
            f"</head><body><h1>{title}</h1>{body}</body></html>",
        ]
    )


def serve(page: Page, url: str, text: str) -> None:
    """Answers `url` with the page `text` (and every later load of it, until routed anew)."""
    page.unroute(url)
    page.route(url, lambda route: route.fulfill(body=text, content_type="text/html"))


def serve_file(path: Path, content_type: str = "text/javascript") -> Callable[[Route], None]:
    return lambda route: route.fulfill(path=str(path), content_type=content_type)


def record_posts(page: Page, url: str, into: list[dict[str, Any]]) -> None:
    """Answers the library's event posts to `url` (a glob) with 200 and keeps their bodies."""

    def answer(route: Route) -> None:
        request = route.request
        try:
            body = json.loads(request.post_data or "null")
        except ValueError:
            body = None
        # Events have a type; a library's own metrics posts (Segment's /v1/m) are not events.
        for event in body.get("batch", [body]) if isinstance(body, dict) else []:
            if isinstance(event, dict) and "type" in event:
                into.append(event)
        route.fulfill(status=200, body=json.dumps({"success": True}))

    page.route(url, answer)


def comparable(event: Any) -> Any:
    """An event as the library sent it, without what differs from load to load."""
    if isinstance(event, dict):
        return {k: comparable(v) for k, v in event.items() if k not in VOLATILE}
    if isinstance(event, list):
        return [comparable(item) for item in event]
    return event


def beacon_commands(page: Page) -> list[dict[str, Any]]:
    commands: list[dict[str, Any]] = page.evaluate(
        "JSON.parse(JSON.stringify(window.wootricPreview?.commands ?? []))"
    )
    return commands
