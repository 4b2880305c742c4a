"""A first visit boots plainly from the light files, by default: Pyodide's runtime, the standard
library `make build` trimmed to what the worker imports (tools/build_stdlib.py), and our wheel;
no prebuilt snapshot. It saves a snapshot in the browser, which the repeat visit boots from. The
tag's data-first-visit="prebuilt" takes the other path (tests/browser/test_snapshot_boot.py).

The trimmed standard library is checked on its own too: Pyodide booted plainly from it in a module
worker imports every module the worker may reach, and handles every kind of message.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from .conftest import ConsoleLog
from .test_snapshot_boot import applied_the_call, visit

ROOT = Path(__file__).resolve().parents[2]
WHEELS = ROOT / "static" / "wheels"
PACKAGE = ROOT / "wootric_web"
FULL_STDLIB = ROOT / "static" / "pyodide" / "python_stdlib.zip"
PAGE_CONTEXT = {
    "href": "https://example.com/a?b=1",
    "pathname": "/a",
    "search": "?b=1",
    "referrer": "https://example.org/",
    "title": "T",
    "canonical": None,
}
# One message of each kind, every call method among them, and arguments that reach the date,
# property and value rules.
MESSAGES: list[dict[str, Any]] = [
    {
        "kind": "start",
        "account_token": "NPS-01fe3cbc",
        "beacon_url": "/static/preview-beacon.js",
        "consent": "required",
        "strict_properties": True,
        "stored": {
            "local": {"ajs_user_traits": '{"plan": "pro"}'},
            "cookie": {"ajs_user_id": '"u"'},
        },
    },
    {"kind": "consent", "granted": True},
    *(
        {"kind": "call", "id": number, "method": method, "args": args, "page": PAGE_CONTEXT}
        for number, (method, args) in enumerate(
            [
                ("identify", ["u-1", {"email": "a@example.com", "createdAt": "2015-01-01 10:00"}]),
                ("identify", [{"created": {"$wootric": "date", "ms": 1420070400000}}]),
                ("track", ["Signed Up", {"at": "2020-02-02T10:00:00+02:00", "$bad": 1}]),
                ("page", ["Docs", "Pricing", {"path": "/a"}, {"$wootric": "function"}]),
                ("group", ["g-1", {"name": "Example", "since": "1420099200.935"}]),
                ("alias", ["u-2"]),
                ("screen", ["Home"]),
                ("reset", []),
            ],
            start=1,
        )
    ),
    {"kind": "beacon", "state": "loaded"},
    {"kind": "beacon", "state": "failed", "code": "beacon-timeout"},
]
# A page whose module worker boots Pyodide plainly from the trimmed standard library, unpacks our
# wheel, then imports each module named and handles each message; it posts what failed.
PAGE = """<!doctype html><meta charset="utf-8"><title>light boot</title><script>
  const job = %(job)s;
  const source = `
    const job = ${JSON.stringify(job)};
    const { loadPyodide } = await import(job.pyodide + "pyodide.mjs");
    const pyodide = await loadPyodide({ indexURL: job.pyodide, stdLibURL: job.stdlib });
    const wheel = new Uint8Array(await (await fetch(job.wheel)).arrayBuffer());
    pyodide.unpackArchive(wheel, "wheel", {
      extractDir: pyodide.runPython("import site; site.getsitepackages()[0]"),
    });
    pyodide.globals.set("JOB", JSON.stringify(job));
    postMessage(pyodide.runPython(job.program));
  `;
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  window.outcome = new Promise((resolve) => {
    worker.addEventListener("message", ({ data }) => resolve(JSON.parse(data)));
    worker.addEventListener("error", (event) => resolve({ boot: event.message }));
  });
</script>"""
PROGRAM = """
import importlib, json, sys, traceback
job = json.loads(JOB)
failed = {}
for name in job["modules"]:
    try:
        importlib.import_module(name)
    except Exception:
        failed[name] = traceback.format_exc().strip().splitlines()[-1]
import wootric_web.protocol
answers = [wootric_web.protocol.handle(json.dumps(message)) for message in job["messages"]]
json.dumps({"failed": failed, "answers": [json.loads(answer) for answer in answers],
            "stdlib": next(path for path in sys.path if path.endswith(".zip"))})
"""


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((WHEELS / "manifest.json").read_text())
    return loaded


def worker_modules() -> set[str]:
    """Every wootric_web module the worker may load: those its one import loads (which
    tests/unit/test_snapshot_imports.py keeps to all but the main thread's and the server's)."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, wootric_web.protocol; print(*sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {name for name in loaded if name.split(".")[0] == "wootric_web"}


def standard_library() -> set[str]:
    """The module names in Pyodide's whole standard library."""
    with zipfile.ZipFile(FULL_STDLIB) as archive:
        paths = [name for name in archive.namelist() if name.endswith(".py")]
    return {path.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for path in paths}


def reachable_standard_library() -> set[str]:
    """Standard library modules the worker may reach: every absolute import written anywhere (a
    function too) in the worker's modules; Pyodide imports what those import with them. (CPython's
    list of loaded modules is no guide: its 3.11 `uuid` imports `platform`, 3.14's does not.)"""
    names: set[str] = set()
    for module in worker_modules():
        path = PACKAGE.joinpath(*module.split(".")[1:])
        source = path.with_suffix(".py") if path != PACKAGE else PACKAGE / "__init__.py"
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
    return names & standard_library()


@pytest.fixture(scope="module")
def light_boot(browser: Browser, console_log: ConsoleLog, server_url: str) -> dict[str, Any]:
    """Pyodide booted plainly from the trimmed standard library, told to import everything the
    worker may reach and to handle every kind of message."""
    named = manifest()
    job = {
        "pyodide": server_url + "static/pyodide/",
        "stdlib": server_url + "static/wheels/" + named["stdlib"],
        "wheel": server_url + "static/wheels/" + named["wheel"],
        "modules": sorted(worker_modules() | reachable_standard_library()),
        "messages": MESSAGES,
        "program": PROGRAM,
    }
    context = browser.new_context()
    console_log.watch(context)
    page = context.new_page()
    page.route(
        server_url + "static/light-boot.html",
        lambda route: route.fulfill(
            content_type="text/html; charset=utf-8", body=PAGE % {"job": json.dumps(job)}
        ),
    )
    page.goto(server_url + "static/light-boot.html")
    outcome: dict[str, Any] = page.evaluate("window.outcome")
    context.close()
    return {**outcome, "job": job}


@pytest.fixture(scope="module")
def first_visit(module_context: BrowserContext, server_url: str) -> dict[str, Any]:
    """A new visitor's first visit, the worker booting as the tag has it by default."""
    requested: list[str] = []
    module_context.on("request", lambda request: requested.append(request.url))
    page, seen = visit(module_context, server_url, "pages/worker-boot.html")
    page.close()
    return {**seen, "requested": requested}


def test_the_standard_library_holds_only_compiled_modules_of_pyodides_own() -> None:
    with zipfile.ZipFile(WHEELS / manifest()["stdlib"]) as archive:
        names = archive.namelist()
    modules = {
        name.removesuffix(".pyc").removesuffix("/__init__").replace("/", ".") for name in names
    }

    assert names
    assert all(name.endswith(".pyc") for name in names)
    assert modules < standard_library()


def test_pyodide_boots_plainly_from_the_trimmed_standard_library(
    light_boot: dict[str, Any],
) -> None:
    assert "boot" not in light_boot, light_boot.get("boot")
    assert light_boot["stdlib"].endswith(".zip")


def test_every_module_the_worker_may_reach_imports_from_the_trimmed_standard_library(
    light_boot: dict[str, Any],
) -> None:
    assert {"json", "wootric_web.protocol"} <= set(light_boot["job"]["modules"])
    assert light_boot["failed"] == {}


def test_every_kind_of_message_is_handled_with_the_trimmed_standard_library(
    light_boot: dict[str, Any],
) -> None:
    answers = light_boot["answers"]
    kinds = {message["kind"] for message in light_boot["job"]["messages"]}

    assert kinds == {"start", "consent", "call", "beacon"}
    assert len(answers) == len(light_boot["job"]["messages"])
    assert all(isinstance(answer, list) for answer in answers)
    assert not [
        change
        for answer in answers
        for change in answer
        if change["op"] == "error" and change.get("code") not in {"beacon-timeout"}
    ]


def test_a_first_visit_boots_plainly_by_default(first_visit: dict[str, Any]) -> None:
    assert first_visit["ready"]
    assert first_visit["tried"] == ["plain"]


def test_a_first_visit_fetches_the_trimmed_standard_library_and_no_snapshot(
    first_visit: dict[str, Any],
) -> None:
    requested = first_visit["requested"]
    stdlib = manifest()["stdlib"]

    assert any(url.endswith("/static/wheels/" + stdlib) for url in requested)
    assert not any(url.endswith("/python_stdlib.zip") for url in requested)
    assert not any("/static/wheels/snapshot-" in url for url in requested)


def test_a_first_visit_handles_calls(first_visit: dict[str, Any]) -> None:
    assert applied_the_call(first_visit["changes"])


def test_a_repeat_visit_boots_from_the_snapshot_the_first_saved(
    module_context: BrowserContext, server_url: str, first_visit: dict[str, Any]
) -> None:
    page, seen = visit(module_context, server_url, "pages/worker-boot.html")
    page.close()

    assert first_visit["saved"] == "saved"
    assert seen["tried"] == ["saved"]
    assert applied_the_call(seen["changes"])


def _tag_boot(context: BrowserContext, url: str) -> str:
    page: Page = context.new_page()
    page.goto(url)
    page.evaluate("within(analytics.ready())")
    [worker] = page.workers
    boot = str(worker.evaluate("wootricWebBoot.boot"))
    page.close()
    return boot


def test_the_tag_boots_a_first_visit_plainly_by_default(
    context: BrowserContext, server_url: str
) -> None:
    assert _tag_boot(context, server_url + "pages/plain.html") == "plain"


def test_the_tags_data_first_visit_prebuilt_restores_the_prebuilt_snapshot(
    context: BrowserContext, server_url: str
) -> None:
    assert _tag_boot(context, server_url + "pages/first-visit-prebuilt.html") == "prebuilt"
