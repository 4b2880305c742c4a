"""A small static server for the demo and the browser tests.

Routes: ``/static/...`` from ``static/``, ``/pages/...`` from ``tests/browser/pages/`` (only when
asked for), everything else from ``demo/``. Answers carry an ETag and ``Cache-Control: no-cache``,
so a browser revalidates (and gets a 304) instead of running stale code; a file whose name holds
its content's hash (the prebuilt snapshot) is ``immutable`` instead, since it can never change,
and the tag itself, ``wootric-web.js``, may be used for ten minutes without asking.
Text and WebAssembly go gzip-encoded to a browser that accepts it, as any production server
sends them: a third of the bytes, and small enough for a browser's in-memory cache to keep. A
file that `make build` precompressed (``FILE.br`` and ``FILE.gz`` beside it, tools/precompress.mjs)
goes as those instead, brotli first, as a CDN or nginx's ``brotli_static`` sends them. A
page's ``<!-- wootric-web-loader.js -->`` becomes the loader's code (``static/``), read once per
page and server: restart the server after changing the loader.

Run ``python tools/serve.py --port 8000``, or from Python::

    server, base_url = start_in_thread(port=0)
    ...
    server.shutdown()
    server.server_close()
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import html
import mimetypes
import os
import re
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "demo"
STATIC_DIR = ROOT / "static"
PAGES_DIR = ROOT / "tests" / "browser" / "pages"

# Browsers refuse to compile wasm streamed with another type and refuse module scripts that are
# not JavaScript, so these are set explicitly rather than left to the platform's mime table.
MIME_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".whl": "application/octet-stream",
    ".zip": "application/zip",
    ".json": "application/json",
    ".map": "application/json",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".py": "text/plain; charset=utf-8",
}

# Worth compressing: text and WebAssembly. Zip files, wheels and .gz files are compressed already.
COMPRESSIBLE = {".wasm", ".mjs", ".js", ".json", ".map", ".html", ".css", ".svg", ".txt", ".py"}
# A name that ends in a hash of the file's content (e.g. snapshot-0123456789abcdef.gz).
_CONTENT_ADDRESSED = re.compile(r"-[0-9a-f]{16,64}\.[a-z]+$")
NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
# The tag is the one file a page waits for before its `load` event, so a repeat visit takes it
# from the cache without asking; it only adds the executor (revalidated, after `load`), so a tag
# a few minutes stale does no harm. A tag and an executor of releases that cannot work together
# refuse each other loudly (HANDOFF_VERSION in both).
TAG = "wootric-web.js"
TAG_CACHE = "public, max-age=600"

# The tag's script element, or the loader's (whose data-src names the tag).
_SCRIPT_TAG = re.compile(
    r"<script\b[^>]*\s(?:data-)?src=[\"'][^\"']*wootric-web\.js[\"'][^>]*>", re.I
)
# A page's loader is written `<script data-src=…><!-- wootric-web-loader.js --></script>`: the
# server puts in the loader's code, so that every page runs the one in static/ (which a site
# pastes in whole). Unfilled, the marker is a comment to JavaScript too, and does nothing.
LOADER_MARKER = b"<!-- wootric-web-loader.js -->"
LOADER = "wootric-web-loader.js"


@dataclass(frozen=True)
class Config:
    """What the server serves and how."""

    demo_dir: Path = DEMO_DIR
    static_dir: Path = STATIC_DIR
    pages_dir: Path | None = None
    account_token: str | None = None
    beacon_url: str | None = None
    verbose: bool = False
    # Sent with every file, e.g. a Content-Security-Policy for testing the tag under one.
    headers: tuple[tuple[str, str], ...] = ()
    # Send a file's precompressed copies (FILE.br, FILE.gz) when they are there. Off, every file
    # is sent as Pyodide's own boot is usually served: gzip made on the fly, or as it is.
    precompressed: bool = True


def content_type(path: Path) -> str:
    """The Content-Type header value for a file."""
    suffix = path.suffix.lower()
    if suffix in MIME_TYPES:
        return MIME_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def cache_control(path: Path) -> str:
    """The Cache-Control header value for a file."""
    if _CONTENT_ADDRESSED.search(path.name):
        return IMMUTABLE
    return TAG_CACHE if path.name == TAG else NO_CACHE


# Content-Encoding tokens, in the order a server prefers them, and their precompressed suffixes.
PRECOMPRESSED = (("br", ".br"), ("gzip", ".gz"))


@dataclass(frozen=True)
class Prepared:
    """A file as served: its body, ETag and its encodings ({Content-Encoding: bytes}), the
    server's preferred first; none when no encoding is worth it."""

    body: bytes
    etag: str
    encodings: dict[str, bytes]


def prepare(path: Path, body: bytes, *, precompressed: bool = True) -> Prepared:
    """Hash and compress a file's body once, rather than on every request for it. Precompressed
    copies beside the file are used when they are at least as new as it is."""
    etag = hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20]
    encodings: dict[str, bytes] = {}
    for token, suffix in PRECOMPRESSED if precompressed else ():
        copy = path.with_name(path.name + suffix)
        with contextlib.suppress(OSError):
            if copy.stat().st_mtime_ns >= path.stat().st_mtime_ns:
                encodings[token] = copy.read_bytes()
    if "gzip" not in encodings and path.suffix.lower() in COMPRESSIBLE:
        encodings["gzip"] = gzip.compress(body, mtime=0)
    return Prepared(body, etag, encodings)


def accepted_encodings(header: str) -> set[str]:
    """The content codings an Accept-Encoding header accepts (those not given q=0)."""
    accepted = set()
    for part in header.split(","):
        token, _, parameters = part.strip().partition(";")
        quality = parameters.strip().removeprefix("q=").strip() if parameters else "1"
        with contextlib.suppress(ValueError):
            if token and float(quality) > 0:
                accepted.add(token.strip().lower())
    return accepted


def set_script_attribute(page: str, name: str, value: str) -> str:
    """Set ``name="value"`` on the page's ``wootric-web.js`` script tag."""
    quoted = html.escape(value, quote=True)

    def replace(match: re.Match[str]) -> str:
        tag = match.group(0)
        attribute = re.compile(rf"\s{re.escape(name)}=(\"[^\"]*\"|'[^']*'|[^\s>]*)", re.I)
        if attribute.search(tag):
            return attribute.sub(lambda _: f' {name}="{quoted}"', tag, count=1)
        return f'{tag[:-1].rstrip("/ ")} {name}="{quoted}">'

    return _SCRIPT_TAG.sub(replace, page, count=1)


class Handler(BaseHTTPRequestHandler):
    """Answers GET and HEAD from the configured folders."""

    # Keep-alive: Chromium fetches the runtime over a few connections instead of one per file.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes. With Nagle's algorithm the body then waits for the
    # client to acknowledge the headers, which on a kept-alive connection it delays by 40 ms:
    # every answer after a connection's first would arrive 40 ms late.
    disable_nagle_algorithm = True
    server: Server

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.config.verbose:
            super().log_message(format, *args)

    def _resolve(self, url_path: str) -> tuple[Path, bool] | None:
        """The file for a URL path, and whether it is a demo page; None when outside the roots."""
        config = self.server.config
        mounts: list[tuple[str, Path]] = [("/static/", config.static_dir)]
        if config.pages_dir is not None:
            mounts.append(("/pages/", config.pages_dir))
        root, rest, is_demo = config.demo_dir, url_path, True
        for prefix, folder in mounts:
            if url_path.startswith(prefix) or url_path == prefix.rstrip("/"):
                root, rest, is_demo = folder, url_path[len(prefix) :], False
                break
        root = root.resolve()
        candidate = (root / rest.lstrip("/")).resolve()
        if candidate != root and root not in candidate.parents:
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate, is_demo

    def _serve(self, *, send_body: bool) -> None:
        url_path = unquote(urlsplit(self.path).path)
        resolved = self._resolve(url_path)
        if resolved is None or not resolved[0].is_file():
            self._send_error(HTTPStatus.NOT_FOUND)
            return
        path, is_demo = resolved
        try:
            stat = path.stat()
            prepared = self._prepare(path, stat, is_demo=is_demo)
        except OSError:
            self._send_error(HTTPStatus.NOT_FOUND)
            return
        accepted = accepted_encodings(self.headers.get("Accept-Encoding", ""))
        body, etag = prepared.body, f'"{prepared.etag}"'
        headers = {
            "Cache-Control": cache_control(path),
            "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
            "X-Content-Type-Options": "nosniff",
            **dict(self.server.config.headers),
        }
        if prepared.encodings:
            headers["Vary"] = "Accept-Encoding"
            for token, encoded in prepared.encodings.items():
                if token in accepted:
                    body, etag = encoded, f'"{prepared.etag}-{token}"'
                    headers["Content-Encoding"] = token
                    break
        headers["ETag"] = etag
        if etag in _etags(self.headers.get("If-None-Match", "")):
            headers.pop("Content-Encoding", None)
            self._send(HTTPStatus.NOT_MODIFIED, headers, b"", send_body=False)
            return
        headers["Content-Type"] = content_type(path)
        self._send(HTTPStatus.OK, headers, body, send_body=send_body)

    def _prepare(self, path: Path, stat: os.stat_result, *, is_demo: bool) -> Prepared:
        key = (path, stat.st_mtime_ns, stat.st_size)
        with self.server.prepared_lock:
            prepared = self.server.prepared.get(key)
        if prepared is None:
            body = path.read_bytes()
            if path.suffix == ".html" and LOADER_MARKER in body:
                code = (self.server.config.static_dir / LOADER).read_bytes()
                body = body.replace(LOADER_MARKER, b"\n" + code)
            body = self._substitute(body) if is_demo and path.suffix == ".html" else body
            prepared = prepare(path, body, precompressed=self.server.config.precompressed)
            with self.server.prepared_lock:
                self.server.prepared[key] = prepared
        return prepared

    def _substitute(self, body: bytes) -> bytes:
        config = self.server.config
        if not config.account_token and not config.beacon_url:
            return body
        page = body.decode("utf-8")
        if config.account_token:
            page = set_script_attribute(page, "data-account-token", config.account_token)
        if config.beacon_url:
            page = set_script_attribute(page, "data-beacon-url", config.beacon_url)
        return page.encode("utf-8")

    def _send_error(self, status: HTTPStatus) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-cache"}
        self._send(status, headers, body, send_body=self.command != "HEAD")

    def _send(
        self, status: HTTPStatus, headers: dict[str, str], body: bytes, *, send_body: bool
    ) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


class Server(ThreadingHTTPServer):
    """A threading server that carries its Config and stays quiet about dropped connections."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], config: Config) -> None:
        self.config = config
        # Each file's body, ETag and encodings, by (path, mtime, size): a file that changes on
        # disk is prepared anew.
        self.prepared: dict[tuple[Path, int, int], Prepared] = {}
        self.prepared_lock = threading.Lock()
        super().__init__(address, Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser closing a connection mid-download (page closed, navigation) is normal.
        if isinstance(sys.exc_info()[1], ConnectionError) and not self.config.verbose:
            return
        super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"


def start_in_thread(
    host: str = "127.0.0.1", port: int = 0, config: Config | None = None
) -> tuple[Server, str]:
    """Start a server in a daemon thread; port 0 picks a free port. Returns (server, base_url)."""
    server = Server((host, port), config or Config())
    thread = threading.Thread(target=server.serve_forever, name="serve.py", daemon=True)
    thread.start()
    return server, server.base_url


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--pages", action="store_true", help="also serve test pages at /pages/")
    parser.add_argument(
        "--account-token",
        default=os.environ.get("ACCOUNT_TOKEN") or None,
        help="replace the demo page's data-account-token (default: $ACCOUNT_TOKEN)",
    )
    parser.add_argument(
        "--beacon-url",
        default=os.environ.get("BEACON_URL") or None,
        help="replace the demo page's data-beacon-url (default: $BEACON_URL)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    config = Config(
        pages_dir=PAGES_DIR if args.pages else None,
        account_token=args.account_token,
        beacon_url=args.beacon_url,
        verbose=args.verbose,
    )
    with Server((args.host, args.port), config) as server:
        print(f"Serving demo/ at {server.base_url} (static/ at {server.base_url}static/)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
