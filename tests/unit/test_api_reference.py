"""The generated Python API reference matches the code."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools.api_reference import REFERENCE, render  # noqa: E402


def test_the_python_api_reference_is_up_to_date() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == render(), (
        "docs/python-api.md is out of date: run `python tools/api_reference.py`"
    )


def test_every_public_method_of_analytics_is_documented() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    for name in (
        "identify",
        "track",
        "page",
        "group",
        "reset",
        "ready",
        "wootric_settings",
        "beacon_calls",
    ):
        assert f"`Analytics.{name}" in text
