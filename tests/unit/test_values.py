"""Cleaning what a page passes: JSON-safe, bounded, never naming the data in warnings."""

from __future__ import annotations

import json
from typing import Any

from wootric_web.values import (
    MAX_CHARACTERS_TOTAL,
    MAX_DEPTH,
    MAX_ITEMS,
    MAX_ITEMS_TOTAL,
    MAX_KEY_LENGTH,
    MAX_STRING_LENGTH,
    clean,
)


def cleaned(value: object) -> tuple[Any, list[str]]:
    codes: list[str] = []
    result = clean(value, lambda code, message: codes.append(code))
    return result, codes


def test_long_strings_are_cut_to_the_limit_with_one_warning() -> None:
    result, codes = cleaned(["x" * (MAX_STRING_LENGTH + 5), "y" * (MAX_STRING_LENGTH + 1)])
    assert [len(item) for item in result] == [MAX_STRING_LENGTH, MAX_STRING_LENGTH]
    assert codes == ["value-too-long"]


def test_a_megabyte_string_never_passes_through_whole() -> None:
    result, _ = cleaned({"big": "é" * 1_000_000})
    assert len(result["big"]) == MAX_STRING_LENGTH


def test_items_beyond_the_limit_are_left_out() -> None:
    result, codes = cleaned({"list": list(range(MAX_ITEMS + 10)), **{f"k{i}": i for i in range(5)}})
    assert len(result["list"]) == MAX_ITEMS
    assert "value-too-many" in codes


def test_a_huge_object_is_bounded_in_total() -> None:
    huge = [[0] * MAX_ITEMS for _ in range(MAX_ITEMS)]
    result, codes = cleaned(huge)
    assert sum(len(row) for row in result) < MAX_ITEMS_TOTAL
    assert "value-too-large" in codes


def test_total_text_per_argument_is_bounded() -> None:
    many = [f"{i:05d}" + "x" * (MAX_STRING_LENGTH - 5) for i in range(200)]
    result, codes = cleaned(many)
    assert sum(len(item) for item in result if isinstance(item, str)) <= MAX_CHARACTERS_TOTAL
    assert "value-too-large" in codes


def test_lone_surrogates_become_replacement_characters() -> None:
    result, codes = cleaned({"a": "ok\ud800end", "b\udfff": 1, "pair": "😀"})
    assert result == {"a": "ok\ufffdend", "b\ufffd": 1, "pair": "😀"}
    assert codes == ["value-invalid-text"]
    json.dumps(result, ensure_ascii=False).encode("utf-8")


def test_overlong_keys_are_left_out() -> None:
    result, codes = cleaned({"k" * (MAX_KEY_LENGTH + 1): 1, "ok": 2})
    assert result == {"ok": 2}
    assert codes == ["key-too-long"]


def test_nesting_at_the_limit_is_kept_and_beyond_it_left_out() -> None:
    deep: Any = 1
    for _ in range(MAX_DEPTH):
        deep = [deep]
    _, codes = cleaned(deep)
    assert codes == []
    _, codes = cleaned([deep])
    assert codes == ["value-too-deep"]


def test_proto_keys_are_left_out_at_any_depth_and_other_names_kept() -> None:
    result, codes = cleaned(
        {"__proto__": {"polluted": True}, "a": {"__proto__": 1}, "constructor": 1, "prototype": 2}
    )
    assert result == {"a": {}, "constructor": 1, "prototype": 2}
    assert codes == ["key-reserved"]


def test_numeric_keys_are_spelled_as_javascript_spells_them() -> None:
    result, _ = cleaned({1: "a", 2.0: "b", 2.5: "c"})
    assert result == {"1": "a", "2": "b", "2.5": "c"}


def test_warnings_never_contain_the_data() -> None:
    messages: list[str] = []
    secret = "shawn@example.com"
    clean(
        {secret: [secret * 5000, float("nan"), object(), {secret: {}}], "k" * 300 + secret: 1},
        lambda code, message: messages.append(message),
    )
    assert messages
    assert not any("shawn" in message for message in messages)
