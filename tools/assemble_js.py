"""Assembles the JavaScript a page loads from the modules under js-modules/.

A page loads a few files, and the inline loader cannot import anything, so a rule that two of them
need is written once under js-modules/ and copied into each, between marker lines:

    // <join-host.js>
    ...this file's text, as js-modules/join-host.js has it, indented like the first marker...
    // </join-host.js>

The loader is pasted into pages as it is, so it stays readable in static/. The tag is compiled
before the page's `load`, so its readable source (js-modules/wootric-web.js) is minified by
esbuild into static/wootric-web.js, with a source map for whoever debugs it on their page.

`make build` runs this; `--check` (run by the tests) fails when a copy differs from its module.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "js-modules"
TAG_SOURCE = MODULES / "wootric-web.js"
TAG = ROOT / "static" / "wootric-web.js"
TARGETS = [ROOT / "static" / "wootric-web-loader.js", TAG_SOURCE]
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
_REGION = re.compile(
    r"^(?P<indent>[ \t]*)// <(?P<name>[\w.-]+\.js)>\n.*?^(?P=indent)// </(?P=name)>$",
    re.MULTILINE | re.DOTALL,
)


def assembled(text: str) -> str:
    """``text`` with every marked region holding its module's current text."""

    def fill(match: re.Match[str]) -> str:
        indent, name = match["indent"], match["name"]
        body = (MODULES / name).read_text().rstrip("\n").split("\n")
        lines = [f"{indent}{line}" if line else "" for line in body]
        return "\n".join([f"{indent}// <{name}>", *lines, f"{indent}// </{name}>"])

    return _REGION.sub(fill, text)


def minify_tag() -> None:
    """static/wootric-web.js from its source: the same code, without comments and long names."""
    subprocess.run(
        [
            str(ESBUILD),
            str(TAG_SOURCE),
            "--minify",
            "--sourcemap",
            "--log-level=warning",
            f"--outfile={TAG}",
        ],
        check=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="only say which files are stale")
    check = parser.parse_args().check
    stale = []
    for target in TARGETS:
        text = target.read_text()
        new = assembled(text)
        if new != text:
            stale.append(target)
            if not check:
                target.write_text(new)
    if check:
        if stale:
            print("stale, run `make build`:", *(str(path.relative_to(ROOT)) for path in stale))
        return 1 if stale else 0
    minify_tag()
    return 0


if __name__ == "__main__":
    sys.exit(main())
