"""Assembles the JavaScript a page loads from the modules under js-modules/.

A page loads a few files, and the inline loader cannot import anything, so each job (a rule that
two of them share, or one part of the executor: the encoder, the beacon driver, the debug view…)
is a module under js-modules/, copied into each file that needs it, between marker lines:

    // <join-host.js>
    ...this file's text, as js-modules/join-host.js has it, indented like the first marker...
    // </join-host.js>

One module is written here, from Python: js-modules/core-rules.js, the core's rules that the
JavaScript applies too (wootric_web/shared_rules.py), so that no file keeps a copy of its own.

What a page loads runs before its `load` event, so the loader and the tag are written readable
here (js-modules/wootric-web-loader.js, js-modules/wootric-web.js) and minified by esbuild into
static/, the tag with a source map for whoever debugs it. README.md's copy of the loader (the
first `<script data-src=...>` element there) and its CSP hash are kept equal to the minified one,
which is what a site pastes.

`make build` runs this; `--check` (run by the tests) fails when a copy differs from its module,
or core-rules.js from the core.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

from wootric_web.shared_rules import for_javascript

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "js-modules"
TAG_SOURCE = MODULES / "wootric-web.js"
TAG = ROOT / "static" / "wootric-web.js"
LOADER_SOURCE = MODULES / "wootric-web-loader.js"
LOADER = ROOT / "static" / "wootric-web-loader.js"
README = ROOT / "README.md"
EXECUTOR = ROOT / "static" / "wootric-web-executor.js"
CORE_RULES = MODULES / "core-rules.js"
TARGETS = [LOADER_SOURCE, TAG_SOURCE, EXECUTOR]
# Readable sources, and the minified files pages load (or paste) made from them.
MINIFIED = {TAG_SOURCE: TAG, LOADER_SOURCE: LOADER}
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
_REGION = re.compile(
    r"^(?P<indent>[ \t]*)// <(?P<name>[\w.-]+\.js)>\n.*?^(?P=indent)// </(?P=name)>$",
    re.MULTILINE | re.DOTALL,
)


def core_rules() -> str:
    """js-modules/core-rules.js as the core's rules make it."""
    lines = [f"  {name}: {json.dumps(value)}," for name, value in for_javascript().items()]
    return "\n".join(
        [
            "// The core's rules that the JavaScript applies too, as wootric_web/shared_rules.py",
            "// gives them. Written by `make build` (tools/assemble_js.py): change them there.",
            "// Each file that copies it gets only the rules it reads.",
            "const CORE_RULES = Object.freeze({",
            *lines,
            "});",
            "",
        ]
    )


def assembled(text: str) -> str:
    """``text`` with every marked region holding its module's current text; core-rules.js's region
    holds only the rules the rest of ``text`` reads (``CORE_RULES.name``), since what the loader
    carries, a page parses before its `load` event."""

    def fill(match: re.Match[str]) -> str:
        indent, name = match["indent"], match["name"]
        if name == CORE_RULES.name:
            return match[0]
        return region(indent, name, (MODULES / name).read_text())

    text = _REGION.sub(fill, text)
    read = set(re.findall(r"\bCORE_RULES\.(\w+)", text))
    rule = re.compile(r"^  (\w+): ")

    def used(line: str) -> bool:
        named = rule.match(line)
        return named is None or named[1] in read

    def fill_rules(match: re.Match[str]) -> str:
        if match["name"] != CORE_RULES.name:
            return match[0]
        body = "\n".join(filter(used, CORE_RULES.read_text().split("\n")))
        return region(match["indent"], CORE_RULES.name, body)

    return _REGION.sub(fill_rules, text)


def region(indent: str, name: str, body: str) -> str:
    """A module's marked region: its text between its markers, indented like them."""
    lines = [f"{indent}{line}" if line else "" for line in body.rstrip("\n").split("\n")]
    return "\n".join([f"{indent}// <{name}>", *lines, f"{indent}// </{name}>"])


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


def minify(source: Path, target: Path) -> None:
    """``target`` from ``source``: the same code, without comments and long names."""
    command = [str(ESBUILD), str(source), "--minify", "--log-level=warning", f"--outfile={target}"]
    # A pasted loader has no file to map from; the tag's map is for whoever debugs it.
    subprocess.run([*command, "--sourcemap"] if target == TAG else command, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="only say which files are stale")
    check = parser.parse_args().check
    stale = []
    if CORE_RULES.read_text() != core_rules():
        stale.append(CORE_RULES)
        if not check:
            CORE_RULES.write_text(core_rules())
    for target in TARGETS:
        text = target.read_text()
        new = assembled(text)
        if new != text:
            stale.append(target)
            if not check:
                target.write_text(new)
    if not check:
        for source, target in MINIFIED.items():
            minify(source, target)
    readme = README.read_text()
    if LOADER.exists() and with_loader(readme, LOADER.read_text()) != readme:
        stale.append(README)
        if not check:
            README.write_text(with_loader(readme, LOADER.read_text()))
    if stale and check:
        print("stale, run `make build`:", *(str(path.relative_to(ROOT)) for path in stale))
    return 1 if stale and check else 0


if __name__ == "__main__":
    sys.exit(main())
