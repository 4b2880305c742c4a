from __future__ import annotations

from collections.abc import Iterator

import pytest

from wootric_web.rest import ClientCredentials, PasswordGrant, WootricClient

from .standin import FakeClock, StandIn

CLIENT_ID, CLIENT_SECRET = "client-id", "client-secret"
USERNAME, PASSWORD = "owner@example.com", "correct horse"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def standin(clock: FakeClock) -> Iterator[StandIn]:
    with StandIn(clock=clock.time) as api:
        api.clients[CLIENT_ID] = CLIENT_SECRET
        api.logins[USERNAME] = PASSWORD
        yield api


def client_for(
    standin: StandIn, clock: FakeClock, *, password: bool = False, attempts: int = 8
) -> WootricClient:
    credentials = (
        PasswordGrant(USERNAME, PASSWORD, standin.account_token)
        if password
        else ClientCredentials(CLIENT_ID, CLIENT_SECRET)
    )
    return WootricClient(
        credentials,
        base_url=standin.url,
        sleep=clock.sleep,
        clock=clock.time,
        attempts=attempts,
        # Loopback answers come in milliseconds: a stuck test fails fast instead of hanging.
        timeout=5.0,
    )


@pytest.fixture
def client(standin: StandIn, clock: FakeClock) -> Iterator[WootricClient]:
    with client_for(standin, clock) as api:
        yield api
