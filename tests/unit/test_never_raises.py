"""Property-based: no input raises out of a public call, and the settings stay JSON."""

from __future__ import annotations

import json
import math
import warnings
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from wootric_web import Analytics, WootricWebWarning, protocol

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.datetimes(timezones=st.none() | st.just(UTC))
    | st.dates()
    | st.builds(object)
    | st.sets(st.integers(), max_size=2)
    | st.binary()
)
keys = st.text() | st.integers() | st.floats(allow_nan=False) | st.none()
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(keys, children, max_size=4)
        | st.tuples(children, children)
    ),
    max_leaves=20,
)
arguments = st.lists(values | st.just(lambda: None), max_size=6)
methods = st.sampled_from(["identify", "track", "page", "group", "alias", "screen", "reset"])


def call(analytics: Analytics, method: str, args: list[Any]) -> None:
    if method == "reset":
        analytics.reset()
    elif method in ("alias", "screen"):
        getattr(analytics, method)(*args)
    else:
        # Each method takes as many positional arguments as its analytics.js form.
        getattr(analytics, method)(*args[: 5 if method == "page" else 4])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(methods, arguments), max_size=8))
def test_no_sequence_of_calls_raises_and_settings_stay_json(
    calls: list[tuple[str, list[Any]]],
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WootricWebWarning)
        analytics = Analytics("NPS-01fe3cbc", location="https://example.com/a?b=c")
        for method, args in calls:
            call(analytics, method, args)
    json.dumps(analytics.wootric_settings, allow_nan=False)
    assert analytics.wootric_settings["account_token"] == "NPS-01fe3cbc"


def test_a_self_containing_value_is_survived() -> None:
    cyclic: dict[str, Any] = {"a": 1}
    cyclic["self"] = cyclic
    looped: list[Any] = []
    looped.append(looped)
    analytics = Analytics("NPS-01fe3cbc")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        analytics.identify("u1", {"cyclic": cyclic, "looped": looped})
    assert analytics.wootric_settings["properties"] == {
        "cyclic": {"a": 1},
        "looped": [None],
        "id": "u1",
    }


def test_very_deep_nesting_is_cut_with_a_warning() -> None:
    deep: Any = "bottom"
    for _ in range(200):
        deep = {"d": deep}
    analytics = Analytics("NPS-01fe3cbc")
    import pytest

    with pytest.warns(WootricWebWarning, match="Nesting"):
        analytics.track("e", {"deep": deep})
    json.dumps(analytics.wootric_settings)


def test_non_finite_numbers_become_null() -> None:
    analytics = Analytics("NPS-01fe3cbc")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        analytics.track("e", {"a": math.nan, "b": math.inf})
    assert analytics.wootric_settings["properties"] == {"a": None, "b": None}


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(methods, st.lists(json_values, max_size=5)), max_size=6))
def test_the_protocol_answers_every_json_message_with_json(
    calls: list[tuple[str, list[Any]]],
) -> None:
    protocol._session = None  # each example is a page load of its own (one `start` each)
    protocol.handle(json.dumps({"kind": "start", "account_token": "NPS-01fe3cbc", "stored": {}}))
    protocol.handle(json.dumps({"kind": "beacon", "state": "loaded"}))
    for number, (method, args) in enumerate(calls):
        changes = json.loads(
            protocol.handle(
                json.dumps(
                    {"kind": "call", "id": number, "method": method, "args": args, "page": {}}
                )
            )
        )
        assert changes[-1] == {"op": "done", "call": number}


def test_python_dates_are_accepted_as_traits() -> None:
    analytics = Analytics("NPS-01fe3cbc")
    analytics.identify({"createdAt": date(2015, 1, 1), "renewal": datetime(2015, 1, 1)})
    assert analytics.wootric_settings["created_at"] == 1420070400
    assert analytics.wootric_settings["properties"] == {"renewal_date": 1420070400}
