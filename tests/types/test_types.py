"""static/wootric-web.d.ts, checked by the TypeScript compiler: every documented use in
example.ts type-checks under --strict, and the wrong uses it marks with @ts-expect-error are
refused (tsc reports an unused @ts-expect-error otherwise)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TSC = ROOT / "node_modules" / ".bin" / "tsc"
DECLARATIONS = ROOT / "static" / "wootric-web.d.ts"
EXAMPLE = Path(__file__).resolve().parent / "example.ts"
# What a page script sees: the DOM and a modern language level.
FLAGS = ["--noEmit", "--strict", "--pretty", "false", "--target", "es2022", "--lib", "es2022,dom"]

pytestmark = pytest.mark.skipif(
    not TSC.exists(), reason="node_modules/.bin/tsc is missing: `make deps` installs TypeScript"
)


def tsc(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TSC), *FLAGS, *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_documented_use_type_checks_and_every_marked_misuse_is_refused() -> None:
    result = tsc(EXAMPLE, DECLARATIONS)

    assert result.returncode == 0, result.stdout + result.stderr


def test_an_unmarked_misuse_fails_the_check(tmp_path: Path) -> None:
    # The check above can fail: the same compiler and flags refuse a wrong call.
    wrong = tmp_path / "wrong.ts"
    wrong.write_text(
        f'/// <reference path="{DECLARATIONS.as_posix()}" />\n'
        'void analytics.track({ plan: "pro" });\n'
    )

    result = tsc(wrong)

    assert result.returncode != 0
    assert "wrong.ts(2," in result.stdout
