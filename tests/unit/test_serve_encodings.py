"""tools/serve.py sends a file's precompressed copies (FILE.br, FILE.gz, made by `make build`)
as a CDN sends them: brotli to a browser that accepts it, gzip to one that accepts only that."""

from __future__ import annotations

import gzip
import os
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tools.serve import Config, accepted_encodings, start_in_thread

RUNTIME = b"\0asm" + bytes(range(256)) * 40
# Stand-ins: the server sends these bytes as they are, whatever they hold.
BROTLI = b"brotli copy of the runtime"
GZIP = gzip.compress(RUNTIME, 9, mtime=0)


@pytest.fixture(scope="module")
def static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("static")
    (folder / "runtime.wasm").write_bytes(RUNTIME)
    (folder / "runtime.wasm.br").write_bytes(BROTLI)
    (folder / "runtime.wasm.gz").write_bytes(GZIP)
    (folder / "stdlib.zip").write_bytes(b"PK stored modules")
    (folder / "stdlib.zip.br").write_bytes(b"brotli copy of the zip")
    (folder / "old.js").write_text("// changed since it was compressed")
    (folder / "old.js.br").write_bytes(b"brotli copy of an older old.js")
    an_hour_ago = (folder / "old.js").stat().st_mtime - 3600
    os.utime(folder / "old.js.br", (an_hour_ago, an_hour_ago))
    return folder


def serve(static: Path, *, precompressed: bool) -> Iterator[str]:
    server, url = start_in_thread(config=Config(static_dir=static, precompressed=precompressed))
    yield url + "static/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def base_url(static: Path) -> Iterator[str]:
    yield from serve(static, precompressed=True)


@pytest.fixture(scope="module")
def floor_url(static: Path) -> Iterator[str]:
    yield from serve(static, precompressed=False)


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), b""


def test_a_browser_that_accepts_brotli_gets_the_brotli_copy(base_url: str) -> None:
    _, headers, body = fetch(base_url + "runtime.wasm", **{"Accept-Encoding": "gzip, br, zstd"})

    assert headers["Content-Encoding"] == "br"
    assert headers["Content-Type"] == "application/wasm"
    assert headers["Vary"] == "Accept-Encoding"
    assert body == BROTLI


def test_a_browser_that_accepts_only_gzip_gets_the_gzip_copy(base_url: str) -> None:
    _, headers, body = fetch(base_url + "runtime.wasm", **{"Accept-Encoding": "gzip"})

    assert headers["Content-Encoding"] == "gzip"
    assert body == GZIP


def test_brotli_refused_with_q_0_is_not_sent(base_url: str) -> None:
    _, headers, _ = fetch(base_url + "runtime.wasm", **{"Accept-Encoding": "br;q=0, gzip"})

    assert headers["Content-Encoding"] == "gzip"


def test_a_zip_with_a_brotli_copy_is_sent_brotli_encoded(base_url: str) -> None:
    _, headers, body = fetch(base_url + "stdlib.zip", **{"Accept-Encoding": "br"})

    assert headers["Content-Encoding"] == "br"
    assert headers["Content-Type"] == "application/zip"
    assert body == b"brotli copy of the zip"


def test_a_zip_without_a_gzip_copy_goes_as_it_is_to_a_gzip_only_client(base_url: str) -> None:
    _, headers, body = fetch(base_url + "stdlib.zip", **{"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in headers
    assert body == b"PK stored modules"


def test_a_copy_older_than_its_file_is_not_sent(base_url: str) -> None:
    _, headers, body = fetch(base_url + "old.js", **{"Accept-Encoding": "br, gzip"})

    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == b"// changed since it was compressed"


def test_each_encoding_has_its_own_etag_and_revalidates_as_itself(base_url: str) -> None:
    _, brotli, _ = fetch(base_url + "runtime.wasm", **{"Accept-Encoding": "br"})
    _, gzipped, _ = fetch(base_url + "runtime.wasm", **{"Accept-Encoding": "gzip"})
    status, _, body = fetch(
        base_url + "runtime.wasm", **{"Accept-Encoding": "br", "If-None-Match": brotli["ETag"]}
    )

    assert brotli["ETag"] != gzipped["ETag"]
    assert (status, body) == (304, b"")


def test_without_precompressed_copies_the_server_makes_gzip_itself(floor_url: str) -> None:
    _, headers, body = fetch(floor_url + "runtime.wasm", **{"Accept-Encoding": "gzip, br"})

    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == RUNTIME


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip, deflate, br, zstd", {"gzip", "deflate", "br", "zstd"}),
        ("br;q=0, gzip;q=0.5", {"gzip"}),
        ("GZIP ; q=1", {"gzip"}),
        ("", set()),
        ("gzip;q=nonsense", set()),
    ],
)
def test_accepted_encodings_reads_tokens_and_their_quality(header: str, accepted: set[str]) -> None:
    assert accepted_encodings(header) == accepted
