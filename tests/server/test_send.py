"""Sending events through the stand-in: each event on its own, no call made twice."""

from __future__ import annotations

import io
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from wootric_web.rest import CredentialsRefused, WootricClient, read_lines, send_events
from wootric_web.rest.client import ClientCredentials
from wootric_web.rest.send import MAX_LINE_BYTES, Failure

from .conftest import client_for
from .standin import FakeClock, Fault, Logged, StandIn


def identify(user_id: str, **traits: Any) -> dict[str, Any]:
    return {"type": "identify", "userId": user_id, "traits": traits}


def response(user_id: str, score: Any = 9, **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "track",
        "event": "Survey answered",
        "userId": user_id,
        "properties": {"feedbackScore": score},
        "context": {"ip": "192.0.2.7", "page": {"url": "https://example.com/app"}},
        "integrations": {"Wootric": {"eventType": "create response"}},
    }
    event.update(changes)
    return event


def decline(user_id: str, **changes: Any) -> dict[str, Any]:
    event = response(user_id, **changes)
    event["integrations"] = {"Wootric": {"eventType": "create decline"}}
    return event


def lines(*events: Any) -> list[tuple[int, object | Failure]]:
    data = b"".join(
        event if isinstance(event, bytes) else json.dumps(event).encode() + b"\n"
        for event in events
    )
    return list(read_lines(io.BytesIO(data)))


def failures(report: Any) -> dict[int, str]:
    return {outcome.line: outcome.failure.code for outcome in report.failures}


def test_an_identify_creates_the_end_user_and_a_track_then_finds_them_without_a_lookup(
    client: WootricClient, standin: StandIn
) -> None:
    report = send_events(
        client, lines(identify("u1", email="a@example.com", plan="pro"), response("u1"))
    )

    assert failures(report) == {}
    [user] = standin.end_users.values()
    assert (user["external_id"], user["properties"]) == ("u1", {"plan": "pro"})
    [answer] = standin.responses.values()
    assert answer["end_user_id"] == user["id"]
    assert [f"{r.method} {r.path}" for r in standin.log if r.path != "/oauth/token"] == [
        "GET /v1/end_users/u1",  # by external id: not there
        "GET /v1/end_users/a%40example%2Ecom",  # by email: not there
        "POST /v1/end_users",
        f"POST /v1/end_users/{user['id']}/responses",
    ]


def test_an_end_user_the_beacon_made_by_email_is_given_the_user_id(
    client: WootricClient, standin: StandIn
) -> None:
    made_by_beacon = standin.add_end_user(email="a@example.com", properties={"seen": "yes"})

    send_events(client, lines(identify("u1", email="a@example.com", plan="pro")))

    assert len(standin.end_users) == 1
    assert made_by_beacon["external_id"] == "u1"
    assert made_by_beacon["properties"] == {"seen": "yes", "plan": "pro"}


def test_a_response_keeps_the_end_users_stored_properties(
    client: WootricClient, standin: StandIn
) -> None:
    user = standin.add_end_user(email="a@example.com", external_id="u1", properties={"a": "1"})
    event = response(
        "u1", context={"ip": "192.0.2.7", "page": {"url": "https://e.com/"}, "traits": {"b": "2"}}
    )

    send_events(client, lines(event))

    assert user["properties"] == {"a": "1", "b": "2"}


def test_a_line_that_cannot_be_read_fails_alone(client: WootricClient, standin: StandIn) -> None:
    report = send_events(
        client,
        lines(
            b"{not json\n",
            b"\xff\xfe{}\n",
            b"[" * 100_000 + b"\n",
            b'{"type": "identify", "userId": ' + b"9" * 5000 + b"}\n",
            identify("u1", email="a@example.com"),
        ),
    )

    assert failures(report) == {
        1: "line-not-json",
        2: "line-not-utf8",
        3: "line-too-deep",
        4: "line-not-json",
    }
    assert len(standin.end_users) == 1


def test_a_line_longer_than_the_limit_fails_unread_and_the_next_line_is_read(
    client: WootricClient, standin: StandIn
) -> None:
    huge = json.dumps(identify("big", email="b@example.com", blob="x" * MAX_LINE_BYTES)) + "\n"

    report = send_events(client, lines(huge.encode(), identify("u1", email="a@example.com")))

    assert failures(report) == {1: "line-too-long"}
    assert [u["external_id"] for u in standin.end_users.values()] == ["u1"]


def test_blank_lines_are_not_events() -> None:
    assert [number for number, _ in read_lines(io.BytesIO(b'\n{"a": 1}\n  \n{"b": 2}'))] == [2, 4]


def test_an_event_wootric_refuses_fails_alone_with_wootrics_reason(
    client: WootricClient, standin: StandIn
) -> None:
    standin.add_end_user(email="a@example.com", external_id="u1")
    standin.add_end_user(email="taken@example.com", external_id="u2")

    report = send_events(
        client,
        lines(identify("u1", email="taken@example.com"), identify("u3", email="c@example.com")),
    )

    [failed] = report.failures
    assert failed.failure is not None
    assert (failed.line, failed.failure.code) == (1, "api-refused")
    assert failed.failure.message.startswith(
        "PUT /v1/end_users/486438462 was refused: 422 email has already been taken"
    )
    assert report.sent == 1


def test_an_email_that_belongs_to_another_user_id_is_an_error(
    client: WootricClient, standin: StandIn
) -> None:
    someone = standin.add_end_user(email="taken@example.com", external_id="someone-else")

    report = send_events(client, lines(identify("u1", email="taken@example.com", plan="x")))

    assert failures(report) == {1: "email-taken"}
    assert someone["properties"] == {}


def test_an_event_whose_calls_keep_failing_fails_alone(standin: StandIn, clock: FakeClock) -> None:
    standin.fail(2, "status", status=503, matching=lambda r: r.method == "POST")

    with client_for(standin, clock, attempts=2) as client:
        report = send_events(
            client, lines(identify("u1", email="a@example.com"), identify("u2", email="b@x.io"))
        )

    assert failures(report) == {1: "api-refused"}
    assert [u["external_id"] for u in standin.end_users.values()] == ["u2"]


def test_refused_credentials_stop_the_batch(standin: StandIn, clock: FakeClock) -> None:
    client = WootricClient(
        ClientCredentials("client-id", "wrong"), base_url=standin.url, clock=clock.time
    )
    with client, pytest.raises(CredentialsRefused):
        send_events(client, lines(identify("u1", email="a@example.com")))


def test_hostile_values_are_sent_repaired_with_warnings_and_the_batch_goes_on(
    client: WootricClient, standin: StandIn
) -> None:
    hostile = identify(
        "../../oauth/token?x=1",
        email="a@example.com",
        **{"long": "x" * 50_000, "odd": "\ud800", "k]ey": 1, "a.b": 2, "__proto__": {"x": 1}},
    )

    report = send_events(client, lines(hostile, identify("u2", email="b@example.com")))

    assert failures(report) == {}
    first = report.outcomes[0]
    assert {code for code, _ in first.warnings} >= {
        "value-too-long",
        "value-invalid-text",
        "property-key-bracket",
        "property-key-invalid",
        "key-reserved",
    }
    user = next(u for u in standin.end_users.values() if u["email"] == "a@example.com")
    assert user["external_id"] == "../../oauth/token?x=1"
    assert user["properties"] == {"long": "x" * 10_000, "odd": "\ufffd"}
    assert len(standin.end_users) == 2


def test_events_missing_what_they_need_fail_alone(client: WootricClient, standin: StandIn) -> None:
    report = send_events(
        client,
        lines(
            {"type": "identify", "traits": {"email": "a@example.com"}},
            identify("u1", name="no email or phone"),
            response("nobody"),
            {"type": "page", "userId": "u1", "name": "Home"},
            identify("u2", email="b@example.com"),
            response("u2", score=12),
            dict(decline("u2"), integrations={"Wootric": {"eventType": "delete"}}),
            decline("u2"),
        ),
    )

    assert failures(report) == {
        1: "user-id-missing",
        2: "email-or-phone-missing",
        3: "user-not-found",
        4: "type-unsupported",
        6: "score-invalid",
        7: "event-type-unsupported",
    }
    assert len(standin.declines) == 1


def test_outcomes_name_the_events_message_id(client: WootricClient) -> None:
    event = dict(identify("u1"), messageId="m-1")

    [outcome] = send_events(client, lines(event)).outcomes

    assert (outcome.line, outcome.message_id) == (1, "m-1")


# --- 10,000 mixed events --------------------------------------------------------------------


@dataclass
class Mix:
    """Events with the outcome each must have, written down as they are made."""

    lines: list[bytes] = field(default_factory=list)
    expected_failures: dict[int, str] = field(default_factory=dict)
    expected_writes: int = 0

    def add(self, event: Any, failure: str | None = None) -> None:
        self.lines.append(event if isinstance(event, bytes) else json.dumps(event).encode() + b"\n")
        if failure is None:
            self.expected_writes += 1
        else:
            self.expected_failures[len(self.lines)] = failure


def mixed_events(count: int, seed: int) -> Mix:
    rng = random.Random(seed)
    mix = Mix()
    known: list[str] = []
    moment = 1_500_000_000
    while len(mix.lines) < count:
        roll = rng.random()
        # Every event is unlike every other (a counter in its traits, a time two days on), so
        # that two identical calls could only come from sending one event twice.
        moment += 2 * 86_400
        number = len(mix.lines)
        if roll < 0.25 or not known:
            user_id = f"user-{len(known)}"
            if rng.random() < 0.1:
                mix.add(identify(user_id, name="no contact"), "email-or-phone-missing")
                continue
            contact = (
                {"email": f"{user_id}@example.com"}
                if rng.random() < 0.8
                else {"phone": f"+1202555{len(known):04d}"}
            )
            mix.add(identify(user_id, **contact, plan=rng.choice(["free", "pro"]), n=number))
            known.append(user_id)
        elif roll < 0.45:
            mix.add(identify(rng.choice(known), visits=number))
        elif roll < 0.7:
            mix.add(response(rng.choice(known), rng.randint(0, 10), timestamp=moment))
        elif roll < 0.85:
            mix.add(decline(rng.choice(known), timestamp=moment))
        else:
            mix.add(*rng.choice(BAD_EVENTS)(rng, number))
    return mix


BAD_EVENTS: list[Callable[[random.Random, int], tuple[Any, str]]] = [
    lambda rng, n: (b'{"type": "identify", "userId": \n', "line-not-json"),
    lambda rng, n: ({"type": "identify", "traits": {"n": n}}, "user-id-missing"),
    lambda rng, n: (response(f"stranger-{n}"), "user-not-found"),
    lambda rng, n: (response("user-0", score=11, timestamp=n), "score-invalid"),
    lambda rng, n: (
        response("user-0", integrations={"Wootric": {"eventType": "x"}}),
        "event-type-unsupported",
    ),
    lambda rng, n: ({"type": "group", "userId": "user-0", "groupId": n}, "type-unsupported"),
    lambda rng, n: (b"\xc3\x28\n", "line-not-utf8"),
]


def test_10000_mixed_events_report_every_failure_and_make_no_call_twice(
    standin: StandIn, clock: FakeClock
) -> None:
    mix = mixed_events(10_000, seed=15)
    # Faults along the way: a 500 now and then, and a storm of 429s, none of them applied.
    injected = Counter[str]()

    def faults(request: Logged) -> None:
        seen = len(standin.log)
        if seen % 997 == 500:
            standin.faults.append(Fault("status", status=500))
            injected["500"] += 1
        if seen == 4000:
            standin.faults.extend(Fault("rate_limited") for _ in range(6))
            injected["429"] += 6

    standin.on_request = faults
    api_began, began = clock.time(), time.monotonic()
    with client_for(standin, clock) as client:
        report = send_events(client, read_lines(io.BytesIO(b"".join(mix.lines))))
    seconds = time.monotonic() - began

    answered = [r for r in standin.log if not r.faulted and r.path != "/oauth/token"]
    repeated = [call for call, n in Counter(r.call for r in answered).items() if n > 1]
    writes = [r for r in answered if r.method in ("POST", "PUT") and r.applied]
    assert failures(report) == mix.expected_failures
    assert repeated == []
    assert len(writes) == mix.expected_writes == report.sent
    # The announced limit (100 a minute) was waited out: only the storm's 429s were seen.
    assert sum(r.status == 429 for r in standin.log) == injected["429"]
    print(
        f"\n10k send: {len(report.outcomes)} events, {len(report.failures)} failures reported, "
        f"{len(standin.log)} requests ({sum(injected.values())} faults injected, "
        f"{len(answered)} answered calls, none repeated), {seconds:.1f} s, "
        f"{(clock.time() - api_began) / 3600:.1f} h of the API's rate-limited time"
    )
