from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from wootric_web import Analytics, WootricWebWarning, protocol

TOKEN = "NPS-01fe3cbc"


@pytest.fixture
def analytics() -> Iterator[Analytics]:
    """A fresh page; warnings are recorded, not raised, since bad input is part of the contract."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WootricWebWarning)
        yield Analytics(TOKEN)


@pytest.fixture(autouse=True)
def _new_page_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test is a page load of its own: the protocol has no session until its `start`, as in
    a new worker, since a session takes one `start` only."""
    monkeypatch.setattr(protocol, "_session", None)
