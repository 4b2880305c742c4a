"""The JavaScript a page loads holds each shared module exactly as js-modules/ has it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_copy_of_a_javascript_module_matches_its_source() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "assemble_js.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
