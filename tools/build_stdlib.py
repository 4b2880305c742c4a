"""Build the standard library the worker boots from: only the modules it imports, compiled.

Pyodide's own ``python_stdlib.zip`` is the whole standard library as source: 2.5 MB on the wire,
of which Pyodide's start-up and ``wootric_web`` import about 130 modules, and every one of them is
compiled from source on every plain boot (about 2 of its 3 seconds). This zip holds only those
modules, as bytecode compiled by the same Pyodide (so its magic number is right), uncompressed
inside: the server's brotli then compresses across files, and an import reads a file and
unmarshals it. Measured on the development machine: Pyodide's plain boot in about 0.8 s instead
of about 3 s, and 0.97 MB brotli instead of 2.48 MB. Source (.py) instead of bytecode would be
0.53 MB, and boot as slowly as the whole zip does.

Which modules: the real worker's Pyodide is booted in headless Chromium from the whole zip, our
wheel is unpacked and ``wootric_web.protocol`` imported (all the worker imports: see
tests/unit/test_snapshot_imports.py), every protocol message kind is handled once, and every
absolute import written anywhere in the loaded ``wootric_web`` modules (in a function too) is
imported; every module then loaded from the zip is kept.

Run ``python tools/build_stdlib.py static/wheels/manifest.json`` once the manifest names our
wheel: it writes ``stdlib-<hash of its content>.zip`` beside the manifest and names it there
(``"stdlib"``), which the worker passes to ``loadPyodide`` as ``stdLibURL``, with its
precompressed copies (``.br``, ``.gz``: tools/precompress.mjs) beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from chromium import CHROMIUM, CHROMIUM_ARGS  # tools/ is on sys.path: this script is there
from playwright.sync_api import Route, sync_playwright
from serve import Config, start_in_thread

PRECOMPRESS = Path(__file__).resolve().parent / "precompress.mjs"
TIMEOUT_MS = 120_000
# A fixed time for every entry, so that the same modules always give the same bytes (and name).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
PAGE_PATH = "static/stdlib-build.html"
# One message of each kind the worker handles, with every method: what they import at call time
# is imported here too. Never stored anywhere: this Pyodide only finds modules.
MESSAGES = [
    {
        "kind": "start",
        "account_token": "NPS-01fe3cbc",
        "beacon_url": "/static/preview-beacon.js",
        "consent": "required",
        "strict_properties": True,
        "stored": {"local": {"ajs_user_traits": "{}"}, "cookie": {"ajs_user_id": '"u-0"'}},
    },
    {"kind": "consent", "granted": True},
    *(
        {
            "kind": "call",
            "id": number,
            "method": method,
            "args": args,
            "page": {
                "href": "https://example.com/a?b=1",
                "pathname": "/a",
                "search": "?b=1",
                "referrer": "https://example.org/",
                "title": "T",
                "canonical": "https://example.com/a",
            },
        }
        for number, (method, args) in enumerate(
            [
                (
                    "identify",
                    ["u-1", {"email": "a@example.com", "createdAt": "2015-01-01T10:00:00Z"}],
                ),
                ("identify", [{"created": {"$wootric": "date", "ms": 1420070400000}}]),
                ("track", ["Signed Up", {"plan": "pro", "at_date": "2020-02-02"}]),
                ("page", ["Docs", "Pricing", {"path": "/a"}]),
                ("group", ["g-1", {"name": "Example"}]),
                ("alias", ["u-2"]),
                ("screen", ["Home"]),
                ("reset", []),
            ],
            start=1,
        )
    ),
    {"kind": "beacon", "state": "loaded"},
    {"kind": "beacon", "state": "failed", "code": "beacon-timeout"},
    "not json",
]
# Runs in Pyodide once our wheel is unpacked: imports what the worker may, and gives back the
# compiled bytecode of every module loaded from the standard library's zip.
FIND_AND_COMPILE = """
import ast, importlib, importlib.util, json, sys, zipimport
from importlib._bootstrap_external import _code_to_hash_pyc

import wootric_web.protocol

for message in json.loads(MESSAGES):
    wootric_web.protocol.handle(message if isinstance(message, str) else json.dumps(message))
    wootric_web.protocol.handle(json.dumps([message]))
for name, module in list(sys.modules.items()):
    if not name.startswith("wootric_web") or not getattr(module, "__file__", None):
        continue
    with open(module.__file__, "rb") as source:
        tree = ast.parse(source.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for imported in names:
            try:
                importlib.import_module(imported)
            except ImportError:
                pass  # js, or the server side's dependencies: none of them in the zip

archive = zipimport.zipimporter(next(path for path in sys.path if path.endswith(".zip")))
prefix = archive.archive + "/"
compiled = {}
for module in list(sys.modules.values()):
    spec = getattr(module, "__spec__", None)
    if spec is None or not isinstance(spec.loader, zipimport.zipimporter):
        continue
    name = spec.origin.removeprefix(prefix)
    source = archive.get_data(spec.origin)
    code = compile(source, spec.origin, "exec", dont_inherit=True)
    # Unchecked: nothing is there to check against, and no time goes on it.
    pyc = _code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False)
    compiled[name + "c"] = bytes(pyc).hex()
json.dumps(compiled)
"""
WORKER = """
import { loadPyodide } from %(pyodide)s;
const pyodide = await loadPyodide({ indexURL: %(index)s });
const wheel = new Uint8Array(await (await fetch(%(wheel)s)).arrayBuffer());
pyodide.unpackArchive(wheel, "wheel", {
  extractDir: pyodide.runPython("import site; site.getsitepackages()[0]"),
});
pyodide.globals.set("MESSAGES", %(messages)s);
postMessage(pyodide.runPython(%(program)s));
"""
PAGE = """<!doctype html><meta charset="utf-8"><title>stdlib build</title><script>
  const source = new Blob([%(worker)s], { type: "text/javascript" });
  const worker = new Worker(URL.createObjectURL(source), { type: "module" });
  window.compiled = new Promise((resolve, reject) => {
    worker.addEventListener("message", ({ data }) => resolve(data));
    worker.addEventListener("error", (event) => reject(new Error(event.message)));
  });
</script>"""


def stdlib_zip(compiled: Mapping[str, bytes]) -> bytes:
    """A zip of `compiled` ({path in the zip: bytes}): stored, in name order, with one date, so
    that the same modules always make the same file. Stored because the server compresses the
    whole file better than zip compresses each entry, and an import then inflates nothing."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(compiled):
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_DATE), compiled[name])
    return buffer.getvalue()


def compile_in_pyodide(base_url: str, wheel_url: str) -> dict[str, bytes]:
    """The worker's modules from the standard library, compiled by Pyodide in Chromium."""
    pyodide_url = base_url + "static/pyodide/"
    worker = WORKER % {
        "pyodide": json.dumps(pyodide_url + "pyodide.mjs"),
        "index": json.dumps(pyodide_url),
        "wheel": json.dumps(wheel_url),
        "messages": json.dumps(json.dumps(MESSAGES)),
        "program": json.dumps(FIND_AND_COMPILE),
    }
    page_html = PAGE % {"worker": json.dumps(worker)}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)

        def serve_page(route: Route) -> None:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=page_html)

        page.route(base_url + PAGE_PATH, serve_page)
        page.goto(base_url + PAGE_PATH)
        found: dict[str, str] = json.loads(page.evaluate("window.compiled"))
        browser.close()
    return {name: bytes.fromhex(pyc) for name, pyc in found.items()}


def build(manifest_path: Path) -> Path:
    """Compile, zip, name and record the worker's standard library for the manifest's wheel."""
    manifest = json.loads(manifest_path.read_text())
    server, base_url = start_in_thread("127.0.0.1", 0, Config())
    try:
        wheel_url = f"{base_url}static/{manifest_path.parent.name}/{manifest['wheel']}"
        archive = stdlib_zip(compile_in_pyodide(base_url, wheel_url))
    finally:
        server.shutdown()
        server.server_close()
    target = manifest_path.parent / f"stdlib-{hashlib.sha256(archive).hexdigest()[:16]}.zip"
    target.write_bytes(archive)
    for stale in manifest_path.parent.glob("stdlib-*.zip*"):
        if stale.name != target.name and not stale.name.startswith(target.name + "."):
            stale.unlink()
    # Its brotli and gzip copies, as the runtime's files have (a server sends those).
    subprocess.run(["node", str(PRECOMPRESS), str(target)], check=True, stdout=subprocess.DEVNULL)
    manifest["stdlib"] = target.name
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("manifest", type=Path, help="static/wheels/manifest.json")
    args = parser.parse_args(argv)
    target = build(args.manifest)
    with zipfile.ZipFile(target) as archive:
        count = len(archive.namelist())
    print(f"{target} ({count} modules, {target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
