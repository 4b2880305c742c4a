"""The integrations option, matched exactly as analytics.js matches it."""

from __future__ import annotations

import pytest

from wootric_web.destination import is_enabled


@pytest.mark.parametrize(
    ("integrations", "enabled"),
    [
        ({}, True),
        ({"Wootric": False}, False),
        ({"Wootric": True}, True),
        ({"All": False}, False),
        ({"All": False, "Wootric": True}, True),
        ({"All": False, "Wootric": {"anything": 1}}, True),
        ({"All": False, "Wootric": {}}, True),
        ({"All": True, "Wootric": False}, False),
        ({"all": False}, True),  # only `All` is the switch
        ({"wootric": False}, True),  # the destination's name is matched exactly
        ({"Segment.io": False}, True),
    ],
)
def test_integrations_option_decides_whether_wootric_sees_the_call(
    integrations: dict[str, object], enabled: bool
) -> None:
    assert is_enabled({"integrations": integrations}) is enabled  # type: ignore[dict-item]


def test_a_malformed_integrations_option_is_ignored() -> None:
    assert is_enabled({"integrations": "Wootric"}) is True
