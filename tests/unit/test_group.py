"""group: group_info and the group command; alias and screen are ignored."""

from __future__ import annotations

from wootric_web import Analytics


def test_group_sets_group_info_with_the_id_and_commands_group(analytics: Analytics) -> None:
    analytics.group("0e8c78ea", {"name": "Initech", "plan": "enterprise"})
    assert analytics.wootric_settings["group_info"] == {
        "name": "Initech",
        "plan": "enterprise",
        "id": "0e8c78ea",
    }
    assert analytics.beacon_calls == ["group"]


def test_group_traits_accumulate_for_the_same_group(analytics: Analytics) -> None:
    analytics.group("g1", {"name": "Initech"})
    analytics.group({"plan": "pro"})
    assert analytics.wootric_settings["group_info"] == {
        "name": "Initech",
        "plan": "pro",
        "id": "g1",
    }


def test_a_new_group_id_replaces_the_group_traits(analytics: Analytics) -> None:
    analytics.group("g1", {"name": "Initech"})
    analytics.group("g2", {"plan": "pro"})
    assert analytics.wootric_settings["group_info"] == {"plan": "pro", "id": "g2"}


def test_group_with_all_false_is_skipped_unless_wootric_is_named(analytics: Analytics) -> None:
    analytics.group("g1", {}, {"integrations": {"All": False}})
    assert "group_info" not in analytics.wootric_settings
    analytics.group("g1", {}, {"integrations": {"All": False, "Wootric": True}})
    assert analytics.wootric_settings["group_info"] == {"id": "g1"}
    analytics.group("g2", {}, {"integrations": {"All": False, "Wootric": {}}})
    assert analytics.wootric_settings["group_info"] == {"id": "g2"}


def test_alias_and_screen_are_accepted_and_change_nothing(analytics: Analytics) -> None:
    before = analytics.wootric_settings
    analytics.alias("new-id", "old-id")
    analytics.screen("Home", {"a": 1})
    assert analytics.wootric_settings == before
    assert analytics.beacon_calls == []
