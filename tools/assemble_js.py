"""Copies the JavaScript modules under js-modules/ into the files a page loads (static/).

A page loads a few files, and the inline loader cannot import anything, so a rule that two of them
need is written once under js-modules/ and copied here into each, between marker lines:

    // <join-host.js>
    ...this file's text, as js-modules/join-host.js has it, indented like the first marker...
    // </join-host.js>

`make build` runs this; `--check` (run by the tests) fails when a copy differs from its module.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "js-modules"
TARGETS = [ROOT / "static" / "wootric-web-loader.js", ROOT / "static" / "wootric-web.js"]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="only say which files are stale")
    stale = []
    for target in TARGETS:
        text = target.read_text()
        new = assembled(text)
        if new != text:
            stale.append(target)
            if not parser.parse_args().check:
                target.write_text(new)
    if stale and parser.parse_args().check:
        print("stale, run `make build`:", *(str(path.relative_to(ROOT)) for path in stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
