"""The rules the page's JavaScript shares with the core give the core's answers.

The JavaScript modules under js-modules/ are run here by Node, as plain scripts, beside the Python
they mirror: a rule that drifts from the core fails here, in CPython, before any browser test.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from wootric_web.session import ACCOUNT_TOKEN, CONSENT_KEY, Session
from wootric_web.shared_rules import ENCODER_LIMITS, for_javascript
from wootric_web.values import LIMITS

MODULES = Path(__file__).resolve().parents[2] / "js-modules"
TOKEN = "NPS-01fe3cbc"


def run_js(modules: list[str], expression: str) -> Any:
    """The JSON value of `expression`, evaluated after the modules, in one Node process."""
    source = "\n".join((MODULES / name).read_text() for name in modules)
    script = f"{source}\nprocess.stdout.write(JSON.stringify({expression}));"
    result = subprocess.run(
        ["node", "-e", script], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(result.stdout)


CHOICES = [None, "granted", "revoked", "something else"]
# The tag's data-consent as a page may write it: absent, empty, "false", or any other value.
ATTRIBUTES = [None, "", "false", "required", "true"]


def test_the_consent_rule_of_the_loader_and_tag_is_the_cores() -> None:
    cases = [(choice, attribute) for choice in CHOICES for attribute in ATTRIBUTES]
    javascript = run_js(["consent.js"], f"{json.dumps(cases)}.map(([c, a]) => consentAllows(c, a))")

    # The executor starts the core with consent required for any data-consent but "false".
    python = [
        Session(
            TOKEN,
            stored_local={} if choice is None else {CONSENT_KEY: choice},
            consent_required=attribute is not None and attribute != "false",
        ).consented
        for choice, attribute in cases
    ]
    assert javascript == python
    assert True in python
    assert False in python


@pytest.mark.parametrize(
    "token",
    [
        "NPS-01fe3cbc",
        "NPS-EU-01fe3cbc",
        "NPS-AU-01FE3CBC",
        "NPS-01fe3cb",
        "NPS-US-01fe3cbc",
        "nps-01fe3cbc",
        " NPS-01fe3cbc",
        "NPS-01fe3cbc\n",
        "NPS-01fe3cbcd",
        "",
    ],
)
def test_the_executor_reads_account_tokens_as_the_core_does(token: str) -> None:
    rules = json.dumps(for_javascript())
    javascript = run_js([], f"new RegExp({rules}.accountToken).test({json.dumps(token)})")

    assert javascript is (ACCOUNT_TOKEN.fullmatch(token) is not None)


def test_the_encoder_keeps_twice_what_the_core_keeps() -> None:
    assert {
        "depth": 2 * LIMITS["depth"],
        "values": 2 * LIMITS["items_per_argument"],
        "characters": 2 * LIMITS["characters_per_argument"],
    } == ENCODER_LIMITS


def test_a_call_queued_in_short_form_keeps_its_page_context() -> None:
    context = {
        "href": "https://shop.example/p?q=1",
        "pathname": "/p",
        "search": "?q=1",
        "referrer": "https://search.example/",
        "title": "Pricing",
        "canonical": None,
    }
    both = run_js(
        ["page-context.js", "buffered-page.js"],
        f"[fromBufferedPage(bufferedPage({json.dumps(context)}, 5)), "
        f"bufferedPage({json.dumps(context)}, 5)]",
    )

    assert both[0] == context
    assert both[1]["__t"] == "bpc"
    assert both[1]["at"] == 5
