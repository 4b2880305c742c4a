"""track: the contract's rows and examples, through the public API."""

from __future__ import annotations

from wootric_web import Analytics

EMAIL = "shawn@shawnmorgan.com"


def test_track_sets_email_and_event_name_and_runs_once(analytics: Analytics) -> None:
    analytics.track("track_event", {"email": EMAIL})
    settings = analytics.wootric_settings
    assert settings["email"] == EMAIL
    assert settings["event_name"] == "track_event"
    assert settings["properties"] == {}
    assert analytics.beacon_calls == ["run"]


def test_track_never_touches_created_at_and_leaves_out_email_and_created_keys(
    analytics: Analytics,
) -> None:
    analytics.track(
        "track_event",
        {"email": EMAIL, "createdAt": "01/01/2015", "property1": "foo", "property2": "bar"},
    )
    assert "created_at" not in analytics.wootric_settings
    assert analytics.wootric_settings["properties"] == {"property1": "foo", "property2": "bar"}


def test_track_leaves_an_existing_created_at_alone(analytics: Analytics) -> None:
    analytics.identify({"createdAt": "2015-01-01"})
    analytics.track("e", {"createdAt": "2016-01-01"})
    assert analytics.wootric_settings["created_at"] == 1420070400


def test_track_event_name_is_kept_exactly(analytics: Analytics) -> None:
    analytics.track("  Signed Up! ")
    assert analytics.wootric_settings["event_name"] == "  Signed Up! "


def test_track_email_prefers_option_traits_over_properties(analytics: Analytics) -> None:
    analytics.track("e", {"email": "props@example.com"}, {"traits": {"email": EMAIL}})
    assert analytics.wootric_settings["email"] == EMAIL


def test_track_email_from_context_traits(analytics: Analytics) -> None:
    analytics.track("e", {}, {"context": {"traits": {"email": EMAIL}}})
    assert analytics.wootric_settings["email"] == EMAIL


def test_track_email_property_key_is_matched_ignoring_case(analytics: Analytics) -> None:
    analytics.track("e", {"EMAIL": EMAIL, "a": 1})
    assert analytics.wootric_settings["email"] == EMAIL
    assert analytics.wootric_settings["properties"] == {"a": 1}


def test_track_falls_back_to_an_email_looking_user_id(analytics: Analytics) -> None:
    analytics.identify(EMAIL)
    analytics.track("e")
    assert analytics.wootric_settings["email"] == EMAIL


def test_track_without_email_leaves_email_untouched(analytics: Analytics) -> None:
    analytics.identify("u1", {"email": EMAIL})
    analytics.track("e", {"a": 1})
    assert analytics.wootric_settings["email"] == EMAIL


def test_track_language_comes_from_properties(analytics: Analytics) -> None:
    analytics.track("e", {"language": "ZH_HANS"})
    assert analytics.wootric_settings["language"] == "ZH_HANS"
    assert analytics.wootric_settings["properties"] == {"language": "ZH_HANS"}


def test_track_date_properties_become_date_keys(analytics: Analytics) -> None:
    analytics.track("e", {"renewal": "2015-01-01T00:00:00Z", "plan_date": "2015-01-01"})
    assert analytics.wootric_settings["properties"] == {
        "renewal_date": 1420070400,
        "plan_date": 1420070400,
    }


def test_track_with_integrations_wootric_false_changes_nothing(analytics: Analytics) -> None:
    before = analytics.wootric_settings
    analytics.track("e", {"a": 1}, {"integrations": {"Wootric": False}})
    assert analytics.wootric_settings == before
    assert analytics.beacon_calls == []


def test_track_without_an_event_name_is_skipped_with_a_warning() -> None:
    import pytest

    from wootric_web import WootricWebWarning

    analytics = Analytics("NPS-01fe3cbc")
    with pytest.warns(WootricWebWarning, match="event name"):
        analytics.track("", {"a": 1})
    assert "event_name" not in analytics.wootric_settings
    assert analytics.beacon_calls == []


def test_track_accepts_an_event_object(analytics: Analytics) -> None:
    analytics.track({"event": "Signed Up", "properties": {"plan": "pro"}})
    assert analytics.wootric_settings["event_name"] == "Signed Up"
    assert analytics.wootric_settings["properties"] == {"plan": "pro"}


def test_each_track_runs_the_beacon_once_in_order(analytics: Analytics) -> None:
    analytics.identify("u1")
    analytics.track("a")
    analytics.track("b")
    assert analytics.beacon_calls == ["run", "run", "run"]
