"""What the worker's memory snapshot must hold of the package.

The worker takes its snapshot once `wootric_web.protocol` is imported. A restored snapshot brings
back the interpreter's memory but not the wheel's files (they live outside it, in the browser's
in-memory file system), so a module first imported after that point could not be found on a
snapshot boot while it works on a plain one: every module the worker may need must already be
imported by the protocol.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import wootric_web

# Needs Pyodide's `js` module: imported only by the Python API on a page's main thread.
MAIN_THREAD_ONLY = {"wootric_web.browser_page"}
# The server side (CPython, with the `server` extra's httpx): never loaded in a browser.
SERVER_SIDE = {"wootric_web.__main__", "wootric_web.rest"}
# Read by `make build`, which writes its rules into the JavaScript; no Python in a page needs it.
BUILD_TIME = {"wootric_web.shared_rules"}

LOADED_BY_PROTOCOL = """
import sys
import wootric_web.protocol
print("\\n".join(sys.modules))
"""


def test_importing_the_protocol_imports_every_module_the_worker_may_need() -> None:
    modules = pkgutil.iter_modules(wootric_web.__path__)
    package = {f"wootric_web.{module.name}" for module in modules}
    # A fresh interpreter: this one has imported whatever other tests needed.
    result = subprocess.run(
        [sys.executable, "-c", LOADED_BY_PROTOCOL], capture_output=True, text=True, check=True
    )
    loaded = {name for name in result.stdout.split() if name.startswith("wootric_web.")}

    assert package - MAIN_THREAD_ONLY - SERVER_SIDE - BUILD_TIME - loaded == set()
    # The exceptions name modules that exist.
    assert package >= MAIN_THREAD_ONLY | SERVER_SIDE | BUILD_TIME


def test_the_worker_never_imports_the_server_side_or_its_dependencies() -> None:
    result = subprocess.run(
        [sys.executable, "-c", LOADED_BY_PROTOCOL], capture_output=True, text=True, check=True
    )
    loaded = set(result.stdout.split())

    assert {name for name in loaded if name.startswith("wootric_web.rest")} == set()
    assert loaded.isdisjoint({"wootric_web.__main__", "httpx", "rich"})
