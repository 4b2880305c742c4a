"""Which strings count as an email: those in which the expression `.+@.+\\..+` finds a match."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from wootric_web.destination import looks_like_email

REFERENCE = re.compile(r".+@.+\..+")


@given(st.text(alphabet="a@.\n\r", max_size=30))
def test_an_email_is_what_the_expression_finds(value: str) -> None:
    assert looks_like_email(value) is (REFERENCE.search(value) is not None)


def test_a_long_string_of_at_signs_is_answered_at_once() -> None:
    # The expression backtracks for minutes over this; a page may pass any string.
    assert looks_like_email("@" * 200_000) is False
    assert looks_like_email("@" * 200_000 + "a.b") is True


def test_what_is_not_a_string_is_no_email() -> None:
    assert looks_like_email(None) is False
    assert looks_like_email(["ada@example.com"]) is False
