"""The core's rules that the page's JavaScript applies too, gathered from where the core keeps them.

The loader, the tag and the executor run before Python has started (or beside it), so they check
some of the same things: where the consent choice and analytics.js's identity are stored, what an
account token looks like, which beacon to load and how long to wait for it, and how much of a call
the encoder keeps. `make build` (tools/assemble_js.py) writes :func:`for_javascript` into
js-modules/core-rules.js, which each of them includes; none of them writes these values itself.
"""

from __future__ import annotations

from . import identity, values
from .session import ACCOUNT_TOKEN, CONSENT_KEY, DEFAULT_BEACON_TIMEOUT_MS, DEFAULT_BEACON_URL
from .values import JsonValue

# The encoder in the page keeps twice what the core keeps, so that it never cuts a value the core
# would have kept whole, and the core's own limits (and warnings) decide what a call carries.
ENCODER_LIMITS = {
    "depth": 2 * values.MAX_DEPTH,
    "values": 2 * values.MAX_ITEMS_TOTAL,
    "characters": 2 * values.MAX_CHARACTERS_TOTAL,
}

# What the page reads from storage for the core at start-up: analytics.js's keys, and the
# consent choice. Ids are also in cookies, as analytics.js writes them.
STORED_KEYS = {
    "local": [
        identity.ANONYMOUS_ID,
        identity.USER_ID,
        identity.USER_TRAITS,
        identity.GROUP_ID,
        identity.GROUP_PROPERTIES,
        CONSENT_KEY,
    ],
    "cookie": [identity.ANONYMOUS_ID, identity.USER_ID, identity.GROUP_ID],
}


def for_javascript() -> dict[str, JsonValue]:
    """The rules, as the JavaScript reads them (``CORE_RULES`` in js-modules/core-rules.js)."""
    stored: dict[str, JsonValue] = {kind: list(keys) for kind, keys in STORED_KEYS.items()}
    limits: dict[str, JsonValue] = dict(ENCODER_LIMITS)
    return {
        "consentKey": CONSENT_KEY,
        "storedKeys": stored,
        # Python's pattern, whole-string: the same text is a JavaScript regular expression.
        "accountToken": f"^{ACCOUNT_TOKEN.pattern}$",
        "defaultBeaconUrl": DEFAULT_BEACON_URL,
        "defaultBeaconTimeoutMs": DEFAULT_BEACON_TIMEOUT_MS,
        "encoderLimits": limits,
    }
