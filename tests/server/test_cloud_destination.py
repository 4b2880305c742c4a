"""The cloud-mode mapping, pure: an event in, a plan and its calls out (no network)."""

from __future__ import annotations

from typing import Any

import pytest

from wootric_web.dates import created_at_seconds
from wootric_web.rest.cloud_destination import (
    DEFAULT_OPTIONS,
    ApiCall,
    EventError,
    Lookup,
    Options,
    calls_for,
    plan_event,
)

# Seed 004 / RudderStack's processor fixtures (platform notes §3).
CREATE_USER_EVENT: dict[str, Any] = {
    "type": "identify",
    "userId": "dummyId2",
    "context": {
        "traits": {
            "city": "Bangalore",
            "name": "Shawn",
            "email": "shawn@example.com",
            "phone": "+19123456777",
            "title": "VP",
            "createdAt": "2021-01-20T13:39:21.032Z",
        }
    },
    "originalTimestamp": "2022-01-20T13:39:21.032Z",
}


def track(event_type: str = "create response", **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "track",
        "event": "Submit",
        "userId": "dummyId1",
        "properties": {"feedbackScore": 7, "feedbackText": "Simple, easy"},
        "context": {
            "ip": "0.0.0.0",
            "page": {"url": "http://127.0.0.1:7307/Testing/"},
            "traits": {"city": "Mumbai", "createdAt": "2021-01-20T13:39:21Z"},
        },
        "integrations": {"Wootric": {"eventType": event_type}},
        "timestamp": "2022-01-20T13:39:21.032Z",
    }
    event.update(changes)
    return event


def only_call(
    event: Any, user: dict[str, Any] | None, options: Options = DEFAULT_OPTIONS
) -> ApiCall:
    [call] = calls_for(plan_event(event, options), user).calls
    return call


def error_code(event: Any, user: dict[str, Any] | None = None) -> str:
    with pytest.raises(EventError) as raised:
        calls_for(plan_event(event), user)
    return raised.value.code


def test_identify_of_a_new_user_creates_them_as_rudderstacks_fixture_does() -> None:
    call = only_call(CREATE_USER_EVENT, None)

    assert (call.method, call.path) == ("POST", "/v1/end_users")
    assert call.form == {
        "email": "shawn@example.com",
        "phone_number": "+19123456777",
        "external_created_at": "1611149961",
        "external_id": "dummyId2",
        "properties[city]": "Bangalore",
        "properties[name]": "Shawn",
        "properties[title]": "VP",
    }


def test_last_surveyed_comes_from_the_events_time_only_when_asked() -> None:
    call = only_call(CREATE_USER_EVENT, None, Options(last_surveyed_from_timestamp=True))

    assert call.form["last_surveyed"] == "1642685961"


def test_identify_of_a_known_user_updates_them_with_the_stored_properties_merged() -> None:
    event = {
        "type": "identify",
        "context": {
            "externalId": [{"type": "wootricEndUserId", "id": 490635419}],
            "traits": {"title": "VP", "gender": "Male"},
        },
    }
    stored = {"Department": "Marketing", "product_plan": "Web", "revenue amount": 5000}
    user = {"id": 490635419, "external_id": "x", "properties": stored}

    call = only_call(event, user)

    assert (call.method, call.path) == ("PUT", "/v1/end_users/490635419")
    assert call.form == {
        "properties[Department]": "Marketing",
        "properties[product_plan]": "Web",
        "properties[revenue amount]": "5000",
        "properties[title]": "VP",
        "properties[gender]": "Male",
    }


def test_an_end_user_is_looked_up_by_wootric_id_then_user_id_then_email() -> None:
    event = dict(
        CREATE_USER_EVENT,
        context={
            **CREATE_USER_EVENT["context"],
            "externalId": [{"type": "wootricEndUserId", "id": "7"}],
        },
    )

    assert plan_event(event).lookups == (
        Lookup("id", "7"),
        Lookup("external_id", "dummyId2"),
        Lookup("email", "shawn@example.com"),
    )


def test_lookups_escape_what_would_change_the_path() -> None:
    assert Lookup("external_id", "../oauth/token").call() == ApiCall(
        "GET", "/v1/end_users/%2E%2E%2Foauth%2Ftoken", params={"lookup_by_external_id": "true"}
    )


def test_a_numeric_user_id_is_an_id_as_the_browser_reads_it() -> None:
    event = dict(CREATE_USER_EVENT, userId=1234)

    assert only_call(event, None).form["external_id"] == "1234"


def test_the_user_id_may_come_from_the_traits() -> None:
    event = {"type": "identify", "traits": {"id": "from-traits", "email": "a@example.com"}}

    assert only_call(event, None).form["external_id"] == "from-traits"


def test_identity_traits_never_become_properties() -> None:
    traits = {"userId": "u", "id": "u", "anonymousId": "a", "phone": "+1", "email": "e@x.io"}
    event = {"type": "identify", "userId": "u", "traits": {**traits, "plan": "pro"}}

    form = only_call(event, None).form

    assert [key for key in form if key.startswith("properties[")] == ["properties[plan]"]


@pytest.mark.parametrize(
    "created", [1611149961, 1611149961032, "2021-01-20T13:39:21Z", "1611149961"]
)
def test_external_created_at_is_read_by_the_cores_created_at_rules(created: int | str) -> None:
    event = {
        "type": "identify",
        "userId": "u",
        "traits": {"email": "a@x.io", "created_at": created},
    }

    form = only_call(event, None).form

    assert form["external_created_at"] == str(created_at_seconds(created))
    assert "properties[created_at]" not in form


def test_a_created_at_that_is_not_a_date_is_a_warning_and_stays_out() -> None:
    plan = plan_event({"type": "identify", "userId": "u", "traits": {"createdAt": "soon"}})

    assert "external_created_at" not in plan.action.fields
    assert [code for code, _ in plan.warnings] == ["created-at-unparseable"]


def test_date_properties_follow_the_cores_rules() -> None:
    event = {
        "type": "identify",
        "userId": "u",
        "traits": {"email": "a@x.io", "renewal": "2024-01-02"},
    }

    assert only_call(event, None).form["properties[renewal_date]"] == "1704153600"


def test_strict_properties_follow_wootrics_value_rules() -> None:
    event = {
        "type": "identify",
        "userId": "u",
        "traits": {"email": "a@x.io", "seats": 12, "plan": {"tier": "pro"}},
    }

    form = only_call(event, None, Options(strict_properties=True)).form

    assert form["properties[seats_amount]"] == "12"
    assert form["properties[plan_tier]"] == "pro"


def test_non_strict_values_are_written_as_javascript_and_json_would() -> None:
    traits = {"email": "a@x.io", "trial": True, "ratio": 0.5, "tags": ["a", "b"], "gone": None}
    event = {"type": "identify", "userId": "u", "traits": traits}

    form = only_call(event, None).form

    assert form["properties[trial]"] == "true"
    assert form["properties[ratio]"] == "0.5"
    assert form["properties[tags]"] == '["a","b"]'
    assert "properties[gone]" not in form


def test_a_null_trait_removes_the_stored_property() -> None:
    event = {"type": "identify", "userId": "u", "traits": {"plan": None, "seat": "A1"}}
    user = {"id": 1, "external_id": "u", "properties": {"plan": "pro", "team": "x"}}

    call = only_call(event, user)

    assert call.form == {"properties[team]": "x", "properties[seat]": "A1"}


def test_keys_wootric_rejects_or_that_would_nest_a_form_field_are_left_out_with_warnings() -> None:
    traits = {"a.b": 1, "$set": 2, "x]y": 3, "properties[z": 4, "fine": 5}
    plan = plan_event({"type": "identify", "userId": "u", "traits": {"email": "a@x.io", **traits}})

    assert plan.action.properties == {"fine": 5}
    assert {code for code, _ in plan.warnings} == {"property-key-invalid", "property-key-bracket"}


def test_hostile_values_are_repaired_by_the_cores_cleaning_with_warnings() -> None:
    traits = {"email": "a@x.io", "long": "x" * 20_000, "broken": "\ud800ok"}
    plan = plan_event({"type": "identify", "userId": "u", "traits": traits})

    assert plan.action.properties == {"long": "x" * 10_000, "broken": "\ufffdok"}
    assert {code for code, _ in plan.warnings} == {"value-too-long", "value-invalid-text"}


def test_an_end_user_found_by_email_is_given_the_user_id() -> None:
    user = {"id": 5, "email": "shawn@example.com", "external_id": None, "properties": {}}

    call = only_call(CREATE_USER_EVENT, user)

    assert call.path == "/v1/end_users/5"
    assert call.form["external_id"] == "dummyId2"


def test_an_end_user_found_by_external_id_keeps_it_out_of_the_update() -> None:
    user = {"id": 5, "external_id": "dummyId2", "properties": {}}

    assert "external_id" not in only_call(CREATE_USER_EVENT, user).form


def test_an_identify_with_nothing_to_change_makes_no_call() -> None:
    user = {"id": 5, "external_id": "u", "properties": {"plan": "pro"}}

    assert calls_for(plan_event({"type": "identify", "userId": "u"}), user).calls == []


def test_a_new_user_with_a_phone_and_no_email_is_created() -> None:
    event = {"type": "identify", "userId": "u", "traits": {"phone": 12025550146}}

    assert only_call(event, None).form == {"phone_number": "12025550146", "external_id": "u"}


def test_a_new_user_with_neither_email_nor_phone_is_an_error() -> None:
    assert error_code({"type": "identify", "userId": "u", "traits": {"name": "x"}}) == (
        "email-or-phone-missing"
    )


def test_an_email_looking_user_id_is_the_email_as_in_the_browser() -> None:
    event = {"type": "identify", "userId": "shawn@example.com"}

    assert only_call(event, None).form["email"] == "shawn@example.com"


def test_an_event_naming_no_end_user_is_an_error() -> None:
    assert error_code({"type": "identify", "traits": {"email": "a@x.io"}}) == "user-id-missing"


@pytest.mark.parametrize("bad", ["12a", 1.5, True, None, "", " 7"])
def test_a_wootric_id_that_is_not_a_number_is_an_error(bad: Any) -> None:
    event = {
        "type": "identify",
        "context": {"externalId": [{"type": "wootricEndUserId", "id": bad}]},
    }

    assert error_code(event) == "wootric-id-invalid"


def test_a_wootric_id_that_matches_no_one_and_no_user_id_is_an_error() -> None:
    event = {"type": "identify", "context": {"externalId": [{"type": "wootricEndUserId", "id": 9}]}}

    assert error_code(event) == "user-not-found"


def test_create_response_posts_the_response_as_rudderstacks_fixture_does() -> None:
    call = only_call(track(), {"id": 486438462})

    assert call.path == "/v1/end_users/486438462/responses"
    assert call.form == {
        "score": "7",
        "ip_address": "0.0.0.0",
        "origin_url": "http://127.0.0.1:7307/Testing/",
        "text": "Simple, easy",
        "created_at": "1642685961",
        "end_user[properties][city]": "Mumbai",
    }


def test_a_responses_time_is_the_created_date_among_its_properties_when_there_is_one() -> None:
    event = track(properties={"feedbackScore": 9, "createdAt": "2022-01-20T13:39:21.032Z"})

    assert only_call(event, {"id": 1}).form["created_at"] == "1642685961"


def test_seed_004s_example_with_ip_and_url_among_the_properties_is_a_response() -> None:
    event = track(
        context={},
        properties={"feedbackScore": 9, "ip": "127.0.0.0", "url": "https://www.example.com/"},
    )

    form = only_call(event, {"id": 1}).form

    assert (form["ip_address"], form["origin_url"]) == ("127.0.0.0", "https://www.example.com/")


def test_create_decline_with_no_traits_sends_only_the_url() -> None:
    event = track("create decline", context={"page": {"url": "https://example.com/"}})
    del event["timestamp"]

    call = only_call(event, {"id": 3})

    assert (call.path, call.form) == (
        "/v1/end_users/3/declines",
        {"origin_url": "https://example.com/"},
    )


@pytest.mark.parametrize("spelling", ["Create Response", "  create   response ", "CREATE RESPONSE"])
def test_the_event_type_is_read_ignoring_case_and_spacing(spelling: str) -> None:
    assert plan_event(track(spelling)).type == "create response"


def test_the_destinations_key_is_read_ignoring_case() -> None:
    event = track(integrations={"wootric": {"eventType": "create decline"}})

    assert plan_event(event).type == "create decline"


@pytest.mark.parametrize(
    ("integrations", "code"),
    [
        ({}, "event-type-missing"),
        ({"Wootric": True}, "event-type-missing"),
        ({"Wootric": {"eventType": "create survey"}}, "event-type-unsupported"),
        ({"Wootric": {"eventType": 3}}, "event-type-unsupported"),
    ],
)
def test_a_track_without_a_known_event_type_is_an_error(
    integrations: dict[str, Any], code: str
) -> None:
    assert error_code(track(integrations=integrations), {"id": 1}) == code


@pytest.mark.parametrize("score", [11, -1, 7.5, True, "12", "seven", [7]])
def test_a_score_outside_0_to_10_is_an_error(score: Any) -> None:
    event = track(properties={"feedbackScore": score})

    assert error_code(event, {"id": 1}) == "score-invalid"


@pytest.mark.parametrize("score", [0, 10, 7.0, "7"])
def test_scores_0_to_10_are_sent(score: Any) -> None:
    event = track(properties={"feedbackScore": score})

    assert only_call(event, {"id": 1}).form["score"] == str(int(score))


def test_a_response_without_a_score_is_an_error() -> None:
    assert error_code(track(properties={}), {"id": 1}) == "score-missing"


def test_a_response_without_an_ip_address_is_an_error() -> None:
    event = track(context={"page": {"url": "https://example.com/"}})

    assert error_code(event, {"id": 1}) == "ip-address-missing"


def test_a_response_without_a_url_is_an_error() -> None:
    assert error_code(track(context={"ip": "192.0.2.1"}), {"id": 1}) == "origin-url-missing"


def test_a_track_for_an_end_user_who_does_not_exist_is_an_error() -> None:
    assert error_code(track(), None) == "user-not-found"


def test_a_track_merges_the_traits_into_the_stored_properties() -> None:
    call = only_call(track(), {"id": 1, "properties": {"plan": "pro"}})

    assert call.form["end_user[properties][plan]"] == "pro"
    assert call.form["end_user[properties][city]"] == "Mumbai"


def test_the_calls_say_what_the_users_properties_become() -> None:
    planned = calls_for(plan_event(track()), {"id": 1, "properties": {"plan": "pro"}})

    assert planned.properties == {"plan": "pro", "city": "Mumbai"}


@pytest.mark.parametrize("kind", ["page", "screen", "group", "alias"])
def test_spec_events_wootric_has_no_call_for_are_errors_naming_them(kind: str) -> None:
    with pytest.raises(EventError, match=f"no call for {kind} events") as raised:
        plan_event({"type": kind, "userId": "u"})
    assert raised.value.code == "type-unsupported"


@pytest.mark.parametrize(
    ("event", "code"),
    [
        ({"userId": "u"}, "type-missing"),
        ({"type": "Identify", "userId": "u"}, "type-unsupported"),
        ([1, 2], "event-not-object"),
        ("identify", "event-not-object"),
    ],
)
def test_what_is_not_an_identify_or_track_event_is_an_error(event: Any, code: str) -> None:
    assert error_code(event) == code


def test_error_messages_never_carry_the_events_values() -> None:
    event = {"type": "identify", "userId": "secret-id", "traits": {"name": "Secret Name"}}
    with pytest.raises(EventError) as raised:
        calls_for(plan_event(event), None)

    assert "secret" not in raised.value.message.casefold()
