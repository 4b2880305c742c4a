"""The Python API on the page's main thread remembers the visitor's consent choice across page
loads, where the tag keeps it (`wootric_web_consent` in localStorage).

Each test is one visitor (a browser context of its own) who makes a choice on one page load and
comes back on the next.
"""

from __future__ import annotations

from playwright.sync_api import Page

from .test_python_main_thread import RUN_PYTHON


def start(*, consent_required: bool) -> str:
    """Python that makes `analytics` for this page load."""
    return f"""
from wootric_web import Analytics
analytics = Analytics(
    "NPS-01fe3cbc", beacon_url="/static/preview-beacon.js", consent_required={consent_required}
)
"""


def load_python_page(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}pages/python-main-thread.html")


def beacon_scripts(page: Page) -> int:
    count: int = page.evaluate(
        "() => [...document.scripts].filter((s) => s.src.endsWith('preview-beacon.js')).length"
    )
    return count


def test_a_visitor_who_granted_consent_is_not_asked_again_on_the_next_page(
    page: Page, server_url: str
) -> None:
    load_python_page(page, server_url)
    page.evaluate(
        RUN_PYTHON,
        start(consent_required=True) + "analytics.consent.grant()\nawait analytics.ready()",
    )

    load_python_page(page, server_url)
    granted = page.evaluate(RUN_PYTHON, start(consent_required=True) + "analytics.consent.granted")

    assert granted is True
    assert beacon_scripts(page) == 1


def test_a_visitor_who_revoked_consent_stays_revoked_on_the_next_page(
    page: Page, server_url: str
) -> None:
    load_python_page(page, server_url)
    page.evaluate(
        RUN_PYTHON,
        start(consent_required=False) + "await analytics.ready()\nanalytics.consent.revoke()",
    )

    load_python_page(page, server_url)
    granted = page.evaluate(RUN_PYTHON, start(consent_required=False) + "analytics.consent.granted")

    assert granted is False
    assert beacon_scripts(page) == 0
