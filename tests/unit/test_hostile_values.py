"""Hostile values from Python callers: nothing raises, nothing leaks, settings stay JSON."""

from __future__ import annotations

import enum
import json
import warnings
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from wootric_web import Analytics, WootricWebWarning, protocol
from wootric_web.session import Session


class Raising(Exception):
    pass


class RaisingMapping(Mapping[str, object]):
    """A mapping whose every read raises."""

    def __getitem__(self, key: str) -> object:
        raise Raising

    def __iter__(self) -> Iterator[str]:
        raise Raising

    def __len__(self) -> int:
        raise Raising


class RaisingItems(dict[str, object]):
    def items(self) -> Any:
        raise Raising


class HostileString(str):
    def __str__(self) -> str:
        raise Raising

    def __eq__(self, other: object) -> bool:
        raise Raising

    __hash__ = str.__hash__


class HostileInt(int):
    def __int__(self) -> int:
        raise Raising

    def __index__(self) -> int:
        raise Raising


class Colour(enum.IntEnum):
    RED = 1


class BrokenZone(tzinfo):
    def utcoffset(self, moment: datetime | None) -> timedelta:
        raise Raising

    def dst(self, moment: datetime | None) -> timedelta:
        raise Raising

    def tzname(self, moment: datetime | None) -> str:
        raise Raising


class Getattr:
    """Any attribute read raises (only the test runner's own printing is let through)."""

    def __getattr__(self, name: str) -> object:
        raise Raising

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text("Getattr()")


class Megabyte(str):
    """A megabyte of text that prints briefly in a failing example."""

    def __repr__(self) -> str:
        return "Megabyte()"


# Factories, so that every example gets fresh objects (and failures print their names only).
HOSTILE_FACTORIES: dict[str, Callable[[], object]] = {
    "raising mapping": RaisingMapping,
    "raising items": lambda: RaisingItems(a=1),
    "hostile str": lambda: HostileString("shawn@example.com"),
    "hostile int": lambda: HostileInt(7),
    "int enum": lambda: Colour.RED,
    "broken time zone": lambda: datetime(2015, 1, 1, tzinfo=BrokenZone()),
    "raising getattr": Getattr,
    "decimal": lambda: Decimal("1.5"),
    "fraction": lambda: Fraction(1, 3),
    "complex": lambda: complex(1, 2),
    "bytes": lambda: b"bytes",
    "set": lambda: {1, 2},
    "range": lambda: range(3),
    "huge int": lambda: 10**400,
    "unsafe int": lambda: -(2**60),
    "nan": lambda: float("nan"),
    "-inf": lambda: float("-inf"),
    "lone surrogates": lambda: "\ud800" * 3,
    "megabyte": lambda: Megabyte("x" * 1_000_000),
    "builtin function": lambda: print,
    "lambda": lambda: lambda: None,
    "type": lambda: type,
    "ellipsis": lambda: Ellipsis,
}
hostile = st.sampled_from(sorted(HOSTILE_FACTORIES)).map(lambda name: HOSTILE_FACTORIES[name]())
keys = st.text(max_size=5) | st.sampled_from(["__proto__", "constructor", "prototype", "$x", "a.b"])
values = st.recursive(
    hostile | st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=3),
    max_leaves=8,
)


def quietly(action: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WootricWebWarning)
        action()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["identify", "track", "page", "group"]), st.lists(values, max_size=4)
        ),
        max_size=5,
    )
)
def test_hostile_values_never_raise_and_settings_stay_json(
    calls: list[tuple[str, list[Any]]],
) -> None:
    analytics = Analytics("NPS-01fe3cbc")
    for method, args in calls:
        if method == "track":
            args = ["event", *args]
        quietly(lambda method=method, args=args: getattr(analytics, method)(*args[:4]))
    json.dumps(analytics.wootric_settings, allow_nan=False)
    json.dumps(analytics.user.traits, allow_nan=False, default=str)


@settings(max_examples=200, deadline=None)
@given(values)
def test_hostile_values_in_a_session_give_json_changes(value: Any) -> None:
    session = Session("NPS-01fe3cbc", new_id=lambda: "anon")
    session.start()
    session.beacon_loaded()
    for method in ("identify", "track", "page", "group"):
        changes = session.call(1, method, ["e", value, value])
        json.dumps([change.to_wire() for change in changes], allow_nan=False)


def test_a_mapping_that_raises_is_left_out_and_the_rest_applies() -> None:
    analytics = Analytics("NPS-01fe3cbc")
    quietly(
        lambda: analytics.identify(
            "u1", {"plan": "pro", "bad": RaisingMapping(), "email": "a@b.co"}
        )
    )
    assert analytics.wootric_settings["properties"] == {"plan": "pro", "id": "u1"}
    assert analytics.wootric_settings["email"] == "a@b.co"


def test_subclassed_scalars_become_plain_values() -> None:
    analytics = Analytics("NPS-01fe3cbc")
    quietly(
        lambda: analytics.track(
            "e", {"colour": Colour.RED, "n": HostileInt(7), "s": HostileString("x")}
        )
    )
    properties = analytics.wootric_settings["properties"]
    assert properties == {"colour": 1, "n": 7, "s": "x"}
    assert [type(value) for value in properties.values()] == [int, int, str]


def test_integers_beyond_javascripts_safe_range_become_strings() -> None:
    analytics = Analytics("NPS-01fe3cbc")
    quietly(lambda: analytics.track("e", {"big": 2**60, "huge": 10**400, "ok": 2**53 - 1}))
    assert analytics.wootric_settings["properties"] == {"big": str(2**60), "ok": 2**53 - 1}


def test_prototype_keys_never_reach_anything_but_properties() -> None:
    analytics = Analytics("NPS-01fe3cbc")
    quietly(lambda: analytics.identify({"__proto__": {"polluted": True}, "constructor": "c"}))
    assert analytics.wootric_settings["properties"] == {"constructor": "c"}
    assert "polluted" not in analytics.wootric_settings


def test_the_protocol_never_answers_with_invalid_json() -> None:
    protocol.handle(json.dumps({"kind": "start", "account_token": "NPS-01fe3cbc"}))
    protocol.handle(json.dumps({"kind": "beacon", "state": "loaded"}))
    # Python writes Infinity into JSON text by default; a page may send anything.
    message = {"kind": "call", "id": 1, "method": "track", "args": ["e", {"n": float("inf")}]}
    text = protocol.handle(json.dumps(message))
    assert json.loads(text)[-1] == {"op": "done", "call": 1}
