"""The reference model for the browser tests: what the beacon must see for a list of calls.

A step is one analytics call as a page makes it (`runSteps` in pages/harness.js plays it on a real
page). The Python API, `wootric_web.Analytics`, makes the same calls in CPython, where the beacon
counts as loaded from the start: each beacon command it gives, with the settings of that moment, is
what the real page's beacon must receive too — the same commands, in the same order, each once,
however the calls were timed.
"""

from __future__ import annotations

import re
import string
import warnings
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from wootric_web import Analytics

TOKEN = "NPS-01fe3cbc"
Step = dict[str, Any]
Command = tuple[str, Any]

# Anonymous ids are random on both sides; a command is the same whichever one it carries.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_PYTHON_METHODS = {"setAnonymousId": "set_anonymous_id"}
CALLBACKS = {"identify", "track", "page", "group"}


def normalised(value: Any) -> Any:
    """`value` with every anonymous id (a UUID) replaced by the same placeholder."""
    if isinstance(value, str):
        return _UUID.sub("<anonymous id>", value)
    if isinstance(value, list | tuple):
        return type(value)(normalised(item) for item in value)
    if isinstance(value, dict):
        return {key: normalised(item) for key, item in value.items()}
    return value


def wire(steps: Sequence[Step]) -> list[Step]:
    """The steps as `runSteps` takes them: dates as {"$date": milliseconds}."""

    def encode(value: Any) -> Any:
        if isinstance(value, datetime):
            return {"$date": round(value.timestamp() * 1000)}
        if isinstance(value, list | tuple):
            return [encode(item) for item in value]
        if isinstance(value, dict):
            return {key: encode(item) for key, item in value.items()}
        return value

    return [encode(step) for step in steps]


def expected(
    steps: Sequence[Step], location: dict[str, str], model: Analytics | None = None
) -> tuple[list[Command], dict[str, Any]]:
    """The beacon commands (with the settings at each) and the final settings for `steps`,
    normalised; `model` carries on from earlier steps."""
    model = model or Analytics(TOKEN, location=location)
    commands: list[Command] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bad input is part of the sequences
        for step in steps:
            if step.get("tick"):
                continue
            method: str = step["method"]
            call: Callable[..., None] = getattr(model, _PYTHON_METHODS.get(method, method))
            given = len(model.beacon_calls)
            call(*step["args"], *([lambda: None] if step.get("callback") else []))
            commands += [(name, model.wootric_settings) for name in model.beacon_calls[given:]]
    return normalised(commands), normalised(model.wootric_settings)


def page_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """`window.wootricSettings` as read from a page, normalised; without the survey callbacks the
    tag installs there, which the Python API has no part in."""
    kept: dict[str, Any] = normalised({k: v for k, v in settings.items() if k != "callbacks"})
    return kept


def observed(entries: Sequence[dict[str, Any]]) -> list[Command]:
    """What the preview beacon recorded (`wootricPreview.commands`), normalised."""
    return [(entry["command"], page_settings(entry["settings"])) for entry in entries]


# --- random calls ------------------------------------------------------------------------------

_KEYS = st.sampled_from(
    [
        "email",
        "Email",
        "createdAt",
        "created",
        "language",
        "plan",
        "total_amount",
        "signup",
        "name",
        "id",
        "$bad",
        "a.b",
    ]
)
_TEXT = st.one_of(
    st.sampled_from(
        [
            "2015-01-01",
            "2015-01-01T10:00:00Z",
            "20150101",
            "1420099200.935",
            "ada@example.com",
            "es",
            "",
        ]
    ),
    st.text(alphabet=string.ascii_letters + string.digits + "@. -", max_size=10),
)
# Whole milliseconds: what a JavaScript Date holds.
_DATES = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000))
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.sampled_from([1.5, -0.25]),
    _TEXT,
    _DATES,
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=5,
)
_MAPPINGS = st.dictionaries(_KEYS, _VALUES, max_size=4)
_OPTIONS = st.one_of(
    st.sampled_from(
        [
            {"integrations": {"Wootric": False}},
            {"integrations": {"All": False}},
            {"integrations": {"All": False, "Wootric": True}},
            {},
        ]
    ),
    st.builds(lambda traits: {"traits": traits}, _MAPPINGS),
)
_USER_IDS = st.sampled_from(["u-1", "u-2", "ada@example.com", 42])
_NAMES = st.sampled_from(["Pricing", "Docs", "Signed Up", ""])


def _forms(method: str, *forms: st.SearchStrategy[tuple[Any, ...]]) -> st.SearchStrategy[Step]:
    return st.one_of(forms).map(lambda args: {"method": method, "args": list(args)})


_CALLS = st.one_of(
    _forms(
        "identify",
        st.tuples(_USER_IDS),
        st.tuples(_USER_IDS, _MAPPINGS),
        st.tuples(_USER_IDS, _MAPPINGS, _OPTIONS),
        st.tuples(_MAPPINGS),
        st.tuples(_MAPPINGS, _OPTIONS),
    ),
    _forms(
        "track",
        st.tuples(_NAMES),
        st.tuples(_NAMES, _MAPPINGS),
        st.tuples(_NAMES, _MAPPINGS, _OPTIONS),
    ),
    _forms(
        "page",
        st.tuples(),
        st.tuples(_NAMES),
        st.tuples(_NAMES, _NAMES),
        st.tuples(_NAMES, _NAMES, _MAPPINGS),
        st.tuples(_MAPPINGS),
        st.tuples(_NAMES, _MAPPINGS, _OPTIONS),
    ),
    _forms("group", st.tuples(st.sampled_from(["g-1", "g-2"]), _MAPPINGS), st.tuples(_MAPPINGS)),
    _forms("reset", st.tuples()),
    _forms("setAnonymousId", st.tuples(st.sampled_from(["anon-1", "anon-2"]))),
    _forms("alias", st.tuples(st.just("new-id"))),
)


@st.composite
def sequences(draw: st.DrawFn, *, max_size: int = 12, timed: bool = True) -> list[Step]:
    """Calls, each awaited or not and with or without a callback, with tasks passing between
    some of them (`timed`); without `timed`, calls as they queue before the tag exists."""
    steps: list[Step] = []
    for index in range(draw(st.integers(0, max_size))):
        if timed and draw(st.integers(0, 3)) == 0:
            steps.append({"tick": True})
            continue
        call = draw(_CALLS)
        awaited = timed and draw(st.booleans())
        # reset and setAnonymousId take no callback in the Python API.
        callback = call["method"] in CALLBACKS and draw(st.integers(0, 4)) == 0
        steps.append({**call, "id": index, "await": awaited, "callback": callback})
    return steps
