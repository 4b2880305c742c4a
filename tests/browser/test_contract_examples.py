"""Every example of the behaviour contract, through the script tag alone (worker mode).

One page boots the tag with the preview beacon; each example starts from `analytics.reset()` so it
sees only its own effects, then makes its calls and compares `window.wootricSettings` and the
beacon commands the calls caused.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

EMAIL = "shawn@shawnmorgan.com"


@pytest.fixture(scope="module")
def tag_page(module_page: Page, server_url: str) -> Page:
    module_page.goto(server_url + "pages/plain.html")
    module_page.evaluate("within(analytics.ready(), 30000, 'analytics.ready()')")
    return module_page


def run(page: Page, calls: str) -> dict[str, Any]:
    """Reset, then make `calls` (a JS expression: a promise or a list of them); report effects."""
    page.evaluate("within(analytics.reset())")
    effects: dict[str, Any] = page.evaluate(f"observe(() => {calls})")
    return effects


def test_start_writes_the_token_and_version_and_requests_the_beacon(tag_page: Page) -> None:
    settings = tag_page.evaluate("wootricSettings")
    assert settings["account_token"] == "NPS-01fe3cbc"
    assert settings["version"].startswith("wootric-web-")
    beacons = tag_page.evaluate(
        "[...document.scripts].filter((s) => s.src.endsWith('/static/preview-beacon.js')).length"
    )
    assert beacons == 1


def test_track_with_an_email(tag_page: Page) -> None:
    effects = run(tag_page, f"analytics.track('track_event', {{email: '{EMAIL}'}})")
    assert effects["settings"]["email"] == EMAIL
    assert effects["settings"]["event_name"] == "track_event"
    assert effects["settings"]["properties"] == {}
    assert effects["commands"] == ["run"]


def test_track_leaves_created_at_untouched_and_leaves_out_email_and_created_at(
    tag_page: Page,
) -> None:
    run(tag_page, "analytics.identify({createdAt: '2016-01-01'})")
    effects = run(
        tag_page,
        f"""analytics.track('track_event', {{email: '{EMAIL}', createdAt: '01/01/2015',
            property1: 'foo', property2: 'bar'}})""",
    )
    assert "created_at" not in effects["settings"]  # reset removed it; track never sets it
    assert effects["settings"]["properties"] == {"property1": "foo", "property2": "bar"}


def test_identify_with_a_user_id_and_email(tag_page: Page) -> None:
    effects = run(tag_page, f"analytics.identify('abcd1234', {{email: '{EMAIL}'}})")
    settings = effects["settings"]
    assert settings["segment_user_id"] == "abcd1234"
    assert settings["event_name"] is None
    assert settings["properties"] == {"id": "abcd1234"}
    assert effects["commands"] == ["run"]


def test_identify_without_a_user_id_uses_the_anonymous_id(tag_page: Page) -> None:
    effects = run(tag_page, f"analytics.identify({{email: '{EMAIL}'}})")
    anonymous_id = tag_page.evaluate("analytics.user().anonymousId()")
    assert effects["settings"]["segment_user_id"] == anonymous_id


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        ("'2015-01-01'", 1420070400),
        ("'20150101'", 1420070400),
        ("'1420099200000'", 1420099200),
        ("'1420099200.435'", 1420099200),
        ("'1420099200.935'", 1420099201),
        ("new Date(Date.UTC(2015, 0, 1, 0, 0, 0, 500))", 1420070401),
        ("1420070400000", 1420070400),
    ],
)
def test_identify_created_at(tag_page: Page, created: str, expected: int) -> None:
    effects = run(tag_page, f"analytics.identify({{createdAt: {created}}})")
    assert effects["settings"]["created_at"] == expected
    assert effects["settings"]["properties"] == {}


def test_identify_language(tag_page: Page) -> None:
    effects = run(tag_page, "analytics.identify({language: 'es'})")
    assert effects["settings"]["language"] == "es"


def test_identify_date_traits_become_date_properties(tag_page: Page) -> None:
    effects = run(tag_page, "analytics.identify({property1: 'foo', property2: '2015-01-01'})")
    assert effects["settings"]["properties"] == {"property1": "foo", "property2_date": 1420070400}


def test_identify_date_keys_are_not_suffixed_twice(tag_page: Page) -> None:
    effects = run(tag_page, "analytics.identify({property2_date: 1420070400})")
    assert effects["settings"]["properties"] == {"property2_date": 1420070400}


def test_second_and_later_page_calls(tag_page: Page) -> None:
    tag_page.evaluate("within(analytics.page())")  # the landing page's own call, if not made yet
    effects = run(
        tag_page,
        "analytics.page('Pricing', {url: 'https://segment.com/pricing', path: '/pricing'})",
    )
    info = effects["settings"]["page_info"]
    assert info["name"] == "Pricing"
    assert info["url"] == "https://segment.com/pricing"
    assert info["path"] == "/pricing"
    assert effects["commands"] == ["page"]


def test_group(tag_page: Page) -> None:
    effects = run(tag_page, "analytics.group('0e8c78ea', {name: 'Initech', plan: 'enterprise'})")
    assert effects["settings"]["group_info"] == {
        "name": "Initech",
        "plan": "enterprise",
        "id": "0e8c78ea",
    }
    assert effects["commands"] == ["group"]


def test_integrations_wootric_false_changes_nothing(tag_page: Page) -> None:
    before = run(tag_page, "analytics.track('before')")["settings"]
    effects = tag_page.evaluate(
        "observe(() => analytics.track('e', {a: 1}, {integrations: {Wootric: false}}))"
    )
    assert effects["settings"] == before
    assert effects["commands"] == []
