from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from wootric_web import Analytics, WootricWebWarning

TOKEN = "NPS-01fe3cbc"


@pytest.fixture
def analytics() -> Iterator[Analytics]:
    """A fresh page; warnings are recorded, not raised, since bad input is part of the contract."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WootricWebWarning)
        yield Analytics(TOKEN)
