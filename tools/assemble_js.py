"""Assembles the JavaScript a page loads from the modules under js-modules/.

A page loads a few files, and the inline loader cannot import anything, so a rule that two of them
need is written once under js-modules/ and copied into each, between marker lines:

    // <join-host.js>
    ...this file's text, as js-modules/join-host.js has it, indented like the first marker...
    // </join-host.js>

The loader is pasted into pages as it is, so it stays readable in static/, and README.md's copy
of it (the first `<script data-src=...>` element there) and its CSP hash are kept equal to it.
The tag is compiled before the page's `load`, so its readable source (js-modules/wootric-web.js)
is minified by esbuild into static/wootric-web.js, with a source map for whoever debugs it.

`make build` runs this; `--check` (run by the tests) fails when a copy differs from its module.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "js-modules"
TAG_SOURCE = MODULES / "wootric-web.js"
TAG = ROOT / "static" / "wootric-web.js"
LOADER = ROOT / "static" / "wootric-web-loader.js"
README = ROOT / "README.md"
TARGETS = [LOADER, TAG_SOURCE]
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


_PASTED_LOADER = re.compile(r"(<script data-src=[^>]*>)(\n.*?)(</script>)", re.DOTALL)


def csp_hash(element_text: str) -> str:
    """The Content Security Policy source that admits an inline script with this text."""
    digest = hashlib.sha256(element_text.encode()).digest()
    return f"sha256-{base64.b64encode(digest).decode()}"


def with_loader(readme: str, loader: str) -> str:
    """``readme`` with its pasted loader, and that loader's hash wherever it is given, current."""
    pasted = _PASTED_LOADER.search(readme)
    if pasted is None:
        raise SystemExit("README.md has no <script data-src=...> element to paste the loader into")
    old, new = pasted[2], "\n" + loader
    readme = readme[: pasted.start(2)] + new + readme[pasted.end(2) :]
    return readme.replace(csp_hash(old), csp_hash(new))


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
    for target in [*TARGETS, README]:
        text = target.read_text()
        new = with_loader(text, LOADER.read_text()) if target == README else assembled(text)
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
