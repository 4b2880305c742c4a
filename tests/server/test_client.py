"""The API client against the stand-in: signing in, hosts, retries, the rate limit, listing."""

from __future__ import annotations

import pytest

from wootric_web.rest import CredentialsRefused, WootricError
from wootric_web.rest.client import (
    MAX_PAGE,
    PER_PAGE,
    ClientCredentials,
    WootricClient,
    api_seconds,
    api_url,
    path_segment,
)

from .conftest import PASSWORD, client_for
from .standin import FakeClock, StandIn


def requests_to(standin: StandIn, path: str) -> list[str]:
    return [f"{r.method} {r.path}" for r in standin.log if r.path == path]


def test_client_credentials_sign_in_once_for_many_calls(
    client: WootricClient, standin: StandIn
) -> None:
    client.get("/v1/end_users")
    client.get("/v1/end_users")

    assert requests_to(standin, "/oauth/token") == ["POST /oauth/token"]
    assert dict(standin.log[0].form)["grant_type"] == "client_credentials"


def test_the_password_grant_names_the_account_in_the_query_and_the_password_in_the_body(
    standin: StandIn, clock: FakeClock
) -> None:
    with client_for(standin, clock, password=True) as client:
        client.get("/v1/end_users")

    token_request = standin.log[0]
    assert dict(token_request.query) == {"account_token": standin.account_token}
    assert dict(token_request.form)["password"] == PASSWORD
    assert standin.log[1].status == 200


def test_a_token_is_renewed_a_minute_before_it_expires(
    client: WootricClient, standin: StandIn, clock: FakeClock
) -> None:
    client.get("/v1/end_users")
    clock.advance(7200 - 61)
    client.get("/v1/end_users")
    clock.advance(2)
    client.get("/v1/end_users")

    assert len(requests_to(standin, "/oauth/token")) == 2
    assert all(r.status == 200 for r in standin.log)


def test_a_token_refused_before_its_time_is_renewed_and_the_call_made_again(
    client: WootricClient, standin: StandIn
) -> None:
    client.get("/v1/end_users")
    standin.revoke_tokens()

    assert client.get("/v1/end_users") == []
    assert [r.status for r in standin.log] == [200, 200, 401, 200, 200]


def test_refused_credentials_name_the_token_call(standin: StandIn, clock: FakeClock) -> None:
    with (
        WootricClient(
            ClientCredentials("client-id", "wrong"), base_url=standin.url, clock=clock.time
        ) as client,
        pytest.raises(CredentialsRefused, match=r"POST /oauth/token .*401 .*secret is wrong"),
    ):
        client.get("/v1/end_users")


def test_the_secret_never_appears_in_a_url(client: WootricClient, standin: StandIn) -> None:
    client.get("/v1/end_users")

    assert not any("client-secret" in str(r.query) for r in standin.log)


@pytest.mark.parametrize(
    ("token", "url"),
    [
        (None, "https://api.wootric.com"),
        ("NPS-01fe3cbc", "https://api.wootric.com"),
        ("NPS-EU-01fe3cbc", "https://api.wootric.eu"),
        ("NPS-AU-01fe3cbc", "https://api.wootric.au"),
    ],
)
def test_the_host_follows_the_account_tokens_region(token: str | None, url: str) -> None:
    assert api_url(token) == url


def test_a_token_that_is_not_wootrics_is_refused_before_any_call() -> None:
    with pytest.raises(ValueError, match="not a Wootric token"):
        api_url("NPS-XX-01fe3cbc")


def test_a_429_waits_until_the_reset_the_headers_announce(
    client: WootricClient, standin: StandIn, clock: FakeClock
) -> None:
    client.get("/v1/end_users")
    clock.advance(15)  # the clock starts on a minute: 45 s of it left
    standin.fail(1, "rate_limited")

    client.get("/v1/end_users")

    assert clock.sleeps == [45]
    assert [r.status for r in standin.log[-2:]] == [429, 200]


def test_a_429_storm_is_waited_out_minute_by_minute(
    client: WootricClient, standin: StandIn, clock: FakeClock
) -> None:
    standin.fail(5, "rate_limited")

    assert client.get("/v1/end_users") == []
    assert clock.sleeps == [60, 60, 60, 60, 60]


def test_no_calls_left_means_waiting_for_the_reset_before_the_next_call(
    client: WootricClient, standin: StandIn, clock: FakeClock
) -> None:
    standin.rate_limit = 2
    client.get("/v1/end_users")
    client.get("/v1/end_users")  # the minute's last call: Remaining is 0

    client.get("/v1/end_users")

    assert clock.sleeps == [60]
    assert all(r.status == 200 for r in standin.log)


def test_5xx_answers_are_retried_with_doubling_backoff(
    client: WootricClient, standin: StandIn, clock: FakeClock
) -> None:
    standin.fail(3, "status", status=503)

    assert client.get("/v1/end_users") == []
    assert clock.sleeps == [1, 2, 4]


def test_retries_end_with_an_error_naming_the_call_and_the_last_status(
    standin: StandIn, clock: FakeClock
) -> None:
    standin.fail(3, "status", status=500, matching=lambda r: r.path == "/v1/end_users")
    with (
        client_for(standin, clock, attempts=3) as client,
        pytest.raises(WootricError, match=r"GET /v1/end_users failed 3 times.*500") as raised,
    ):
        client.get("/v1/end_users")
    assert raised.value.status == 500


def test_a_connection_cut_in_the_middle_of_an_answer_is_retried(
    client: WootricClient, standin: StandIn
) -> None:
    standin.add_end_user(email="a@example.com")
    standin.fail(1, "cut", matching=lambda r: r.path == "/v1/end_users")

    rows = client.get("/v1/end_users")

    assert [row["email"] for row in rows] == ["a@example.com"]
    assert len(requests_to(standin, "/v1/end_users")) == 2


def test_a_4xx_is_an_error_naming_the_call_and_wootrics_message_and_is_not_retried(
    client: WootricClient, standin: StandIn
) -> None:
    with pytest.raises(WootricError, match=r"PUT /v1/end_users/1 was refused: 404 The record"):
        client.put("/v1/end_users/1", {"email": "a@example.com"})
    assert len(requests_to(standin, "/v1/end_users/1")) == 1


def test_find_answers_none_for_a_record_that_is_not_there(client: WootricClient) -> None:
    assert client.find("/v1/end_users/12345") is None


def test_the_error_never_carries_the_query(client: WootricClient) -> None:
    with pytest.raises(WootricError) as raised:
        client.get("/v1/end_users", {"page": 31, "email": "private@example.com"})

    assert "private@example.com" not in str(raised.value)
    assert raised.value.call == "GET /v1/end_users"


def test_pages_read_past_wootrics_page_limit_by_moving_the_window(
    client: WootricClient, standin: StandIn, clock: FakeClock
) -> None:
    start = standin.now()
    # 1,600 end users, one second apart: more than 30 pages of 50 reach.
    for offset in range(1600):
        standin.add_end_user(email=f"u{offset}@example.com", updated_at=start + offset)

    seen = [
        row["id"]
        for page in client.pages("/v1/end_users", "updated", start, start + 9999)
        for row in page.rows
    ]

    assert sorted(set(seen)) == sorted(standin.end_users)
    assert all(int(dict(r.query).get("page", "1")) <= MAX_PAGE for r in standin.log)


def test_pages_page_through_rows_that_share_one_second(
    client: WootricClient, standin: StandIn
) -> None:
    moment = standin.now()
    for offset in range(3 * PER_PAGE + 7):
        standin.add_end_user(email=f"u{offset}@example.com", updated_at=moment)
    standin.add_end_user(email="later@example.com", updated_at=moment + 1)

    pages = list(client.pages("/v1/end_users", "updated", moment, moment + 10))

    ids = [row["id"] for page in pages for row in page.rows]
    assert len(ids) == len(set(ids)) == len(standin.end_users)
    assert [page.resume_from for page in pages] == [moment] * 3 + [moment + 10]


def test_pages_say_where_to_resume_after_each_page(client: WootricClient, standin: StandIn) -> None:
    start = standin.now()
    for offset in range(120):
        standin.add_end_user(email=f"u{offset}@example.com", updated_at=start + offset)

    pages = list(client.pages("/v1/end_users", "updated", start, start + 500))

    assert [(p.resume_from, p.last) for p in pages] == [
        (start + 49, False),
        (start + 98, False),
        (start + 500, True),
    ]


def test_more_rows_in_one_second_than_the_page_limit_reaches_is_an_error(
    client: WootricClient, standin: StandIn
) -> None:
    moment = standin.now()
    for offset in range(MAX_PAGE * PER_PAGE + 1):
        standin.add_end_user(email=f"u{offset}@example.com", updated_at=moment)

    with pytest.raises(WootricError, match="share one second"):
        list(client.pages("/v1/end_users", "updated", moment, moment + 1))


def test_path_segments_escape_dots_slashes_and_queries() -> None:
    assert path_segment("../oauth/token?x=1") == "%2E%2E%2Foauth%2Ftoken%3Fx%3D1"


@pytest.mark.parametrize(
    "text",
    ["2023-11-14 14:13:20 -0800", "2023-11-14T22:13:20.000Z", "2023-11-14T14:13:20.000-08:00"],
)
def test_api_timestamps_are_read_in_both_of_wootrics_formats(text: str) -> None:
    assert api_seconds(text) == 1_700_000_000
