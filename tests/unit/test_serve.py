"""tools/serve.py's caching and encoding, what lets a repeat visit fetch nothing but 304s, and
its answers' promptness."""

from __future__ import annotations

import gzip
import http.client
import statistics
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tools.serve import Config, start_in_thread


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    static = tmp_path_factory.mktemp("static")
    (static / "runtime.wasm").write_bytes(b"\0asm" + b"\1" * 4000)
    (static / "snapshot-0123456789abcdef.gz").write_bytes(gzip.compress(b"memory"))
    (static / "wheel.whl").write_bytes(b"PK" + b"\2" * 100)
    (static / "wootric-web.js").write_text("window.analytics = [];")
    (static / "wootric-web-executor.js").write_text("// added after load")
    server, url = start_in_thread(config=Config(static_dir=static))
    yield url + "static/"
    server.shutdown()
    server.server_close()


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), b""


def test_webassembly_is_gzip_encoded_for_a_browser_that_accepts_it(base_url: str) -> None:
    status, headers, body = fetch(base_url + "runtime.wasm", **{"Accept-Encoding": "gzip, br"})

    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(body) == b"\0asm" + b"\1" * 4000


def test_a_client_that_accepts_no_gzip_gets_the_file_as_it_is(base_url: str) -> None:
    _, headers, body = fetch(base_url + "runtime.wasm")

    assert "Content-Encoding" not in headers
    assert body == b"\0asm" + b"\1" * 4000


def test_files_compressed_already_are_sent_as_they_are(base_url: str) -> None:
    _, headers, body = fetch(base_url + "wheel.whl", **{"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in headers
    assert body == b"PK" + b"\2" * 100


def test_a_repeat_request_with_the_etag_gets_a_304_without_a_body(base_url: str) -> None:
    _, headers, _ = fetch(base_url + "runtime.wasm", **{"Accept-Encoding": "gzip"})

    status, _, body = fetch(
        base_url + "runtime.wasm", **{"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]}
    )

    assert status == 304
    assert body == b""


def test_the_two_encodings_have_different_etags(base_url: str) -> None:
    _, encoded, _ = fetch(base_url + "runtime.wasm", **{"Accept-Encoding": "gzip"})
    _, plain, _ = fetch(base_url + "runtime.wasm")

    assert encoded["ETag"] != plain["ETag"]


def test_a_file_named_by_its_content_hash_may_be_kept_for_good(base_url: str) -> None:
    _, headers, _ = fetch(base_url + "snapshot-0123456789abcdef.gz")

    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_the_tag_may_be_used_for_ten_minutes_without_asking(base_url: str) -> None:
    _, headers, _ = fetch(base_url + "wootric-web.js")

    assert headers["Cache-Control"] == "public, max-age=600"


@pytest.mark.parametrize("name", ["runtime.wasm", "wootric-web-executor.js"])
def test_any_other_file_is_revalidated_before_use(base_url: str, name: str) -> None:
    _, headers, _ = fetch(base_url + name)

    assert headers["Cache-Control"] == "no-cache"


# --- pages with wootric-web's loader -----------------------------------------------------------

LOADER_PAGE = """<script data-src="/static/wootric-web.js" data-account-token="NPS-01fe3cbc">\
<!-- wootric-web-loader.js --></script>"""


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    demo, static = tmp_path_factory.mktemp("demo"), tmp_path_factory.mktemp("static")
    (demo / "index.html").write_text(LOADER_PAGE)
    (static / "wootric-web-loader.js").write_text("// the loader\n")
    config = Config(demo_dir=demo, static_dir=static, account_token="NPS-AU-12345678")
    server, url = start_in_thread(config=config)
    yield url
    server.shutdown()
    server.server_close()


def test_a_page_gets_the_loaders_code_in_place_of_its_marker(demo_url: str) -> None:
    _, _, body = fetch(demo_url)

    assert "<!-- wootric-web-loader.js -->" not in body.decode()
    assert '">\n// the loader\n</script>' in body.decode()


def test_the_demos_account_token_goes_on_the_loader(demo_url: str) -> None:
    _, _, body = fetch(demo_url)

    assert 'data-src="/static/wootric-web.js" data-account-token="NPS-AU-12345678"' in body.decode()


def test_answers_on_a_kept_alive_connection_are_not_held_back(base_url: str) -> None:
    # A browser sends most of a page's requests on connections it has used before; with Nagle's
    # algorithm each answer's body waited 40 ms there for the client's delayed acknowledgement.
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port)
    times = []
    for _ in range(9):
        start = time.perf_counter()
        connection.request("GET", address.path + "wootric-web.js")
        connection.getresponse().read()
        times.append(time.perf_counter() - start)
    connection.close()

    assert statistics.median(times[1:]) < 0.020
