"""page: page_info, analytics.js defaults, canonical links, and the page command."""

from __future__ import annotations

import pytest

from wootric_web import Analytics, PageContext


def make(location: str | PageContext | None = None) -> Analytics:
    return Analytics("NPS-01fe3cbc", location=location)


def test_second_page_call_sets_page_info_and_commands_page_once() -> None:
    analytics = make()
    analytics.page()
    analytics.page("Pricing", {"url": "https://segment.com/pricing", "path": "/pricing"})
    info = analytics.wootric_settings["page_info"]
    assert info == {"url": "https://segment.com/pricing", "path": "/pricing", "name": "Pricing"}
    assert analytics.beacon_calls == ["page"]


def test_first_page_call_sets_page_info_without_a_page_command() -> None:
    analytics = make()
    analytics.page("Pricing", {"path": "/pricing"})
    assert analytics.wootric_settings["page_info"]["path"] == "/pricing"
    assert analytics.beacon_calls == []


def test_page_never_runs_the_beacon_or_touches_visitor_settings() -> None:
    analytics = make()
    analytics.identify("u1", {"email": "a@b.co"})
    before = analytics.wootric_settings
    analytics.page()
    analytics.page("Docs")
    after = analytics.wootric_settings
    assert {k: v for k, v in after.items() if k != "page_info"} == before
    assert analytics.beacon_calls == ["run", "page"]


def test_page_info_is_replaced_on_every_page_call() -> None:
    analytics = make()
    analytics.page("A", {"a": 1})
    analytics.page("B", {"b": 2})
    assert analytics.wootric_settings["page_info"] == {"b": 2, "name": "B"}


def test_page_defaults_come_from_the_location() -> None:
    analytics = make(
        PageContext.from_url(
            "https://example.com/docs/a?x=1#top", referrer="https://r.example/", title="Docs"
        )
    )
    analytics.page()
    assert analytics.wootric_settings["page_info"] == {
        "referrer": "https://r.example/",
        "search": "?x=1",
        "title": "Docs",
        "path": "/docs/a",
        "url": "https://example.com/docs/a?x=1",
    }


def test_page_defaults_never_override_what_the_caller_gave() -> None:
    analytics = make("https://example.com/docs")
    analytics.page({"path": "/virtual", "title": "Mine"})
    info = analytics.wootric_settings["page_info"]
    assert info["path"] == "/virtual"
    assert info["title"] == "Mine"
    assert info["url"] == "https://example.com/docs"


def test_a_location_mapping_gives_referrer_title_and_canonical() -> None:
    location = {
        "url": "https://example.com/a?x=1",
        "referrer": "r",
        "title": "t",
        "canonical": "/c",
    }
    analytics = make(PageContext.from_location(location))
    analytics.page()
    assert analytics.wootric_settings["page_info"] == {
        "referrer": "r",
        "search": "?x=1",
        "title": "t",
        "path": "/c",
        "url": "/c?x=1",
    }


def test_analytics_accepts_a_location_mapping() -> None:
    analytics = Analytics("NPS-01fe3cbc", location={"url": "https://example.com/a", "title": "t"})
    analytics.page()
    assert analytics.wootric_settings["page_info"] == {
        "title": "t",
        "search": "",
        "path": "/a",
        "url": "https://example.com/a",
    }


def test_without_a_location_page_defaults_are_left_out() -> None:
    analytics = make()
    analytics.page("Docs")
    assert analytics.wootric_settings["page_info"] == {"name": "Docs"}


def test_two_strings_are_category_and_name() -> None:
    analytics = make()
    analytics.page("Docs", "Install")
    assert analytics.wootric_settings["page_info"] == {"name": "Install", "category": "Docs"}


@pytest.mark.parametrize(
    ("canonical", "path", "url"),
    [
        ("https://example.com/canon", "/canon", "https://example.com/canon?x=1"),
        ("https://example.com/canon?y=2", "/canon", "https://example.com/canon?y=2"),
        ("/relative/path", "/relative/path", "/relative/path?x=1"),
        ("sibling", "/docs/sibling", "sibling?x=1"),
    ],
)
def test_a_canonical_link_gives_the_path_and_url(canonical: str, path: str, url: str) -> None:
    analytics = make(
        PageContext.from_url("https://example.com/docs/page?x=1#h", canonical=canonical)
    )
    analytics.page()
    info = analytics.wootric_settings["page_info"]
    assert (info["path"], info["url"]) == (path, url)


def test_page_with_integrations_wootric_false_changes_nothing() -> None:
    analytics = make()
    analytics.page("A", {}, {"integrations": {"Wootric": False}})
    assert "page_info" not in analytics.wootric_settings


def test_page_dates_are_written_as_iso_strings() -> None:
    from datetime import UTC, datetime

    analytics = make()
    analytics.page("A", {"when": datetime(2015, 1, 1, tzinfo=UTC)})
    assert analytics.wootric_settings["page_info"]["when"] == "2015-01-01T00:00:00.000Z"
