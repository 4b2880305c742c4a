"""Whatever a page passes to analytics calls, the page keeps working (worker mode).

One page serves the module. `HOSTILE` builds, inside the page, every kind of value a page's code
can produce that JSON cannot simply carry; each call gets all of them at once, in each argument
position. The values carry `SECRET` so that the tests can check no warning ever quotes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page

from wootric_web.values import MAX_DEPTH, MAX_ITEMS, MAX_KEY_LENGTH, MAX_STRING_LENGTH

SECRET = "hostile-secret-8c0f"

# A function that returns a fresh object of hostile values.
HOSTILE = f"""() => {{
    const secret = '{SECRET}';
    const cyclic = {{secret}};
    cyclic.self = cyclic;
    cyclic.list = [cyclic, {{back: cyclic}}];
    let deep = {{secret}};
    for (let i = 0; i < 5000; i += 1) deep = {{deep}};
    const throwing = () => {{ throw new Error(secret); }};
    const trap = new Proxy({{}}, {{
        get: throwing, has: throwing, ownKeys: throwing, getOwnPropertyDescriptor: throwing,
        getPrototypeOf: throwing, defineProperty: throwing, set: throwing,
    }});
    const revocable = Proxy.revocable({{secret}}, {{}});
    revocable.revoke();
    const hostile = {{
        secret,
        cyclic,
        deep,
        fn() {{ return secret; }},
        symbol: Symbol(secret),
        [Symbol(secret)]: secret,
        big: 12345678901234567890n,
        node: document.body,
        window,
        map: new Map([[secret, secret]]),
        error: new Error(secret),
        trap,
        revoked: revocable.proxy,
        get getter() {{ throw new Error(secret); }},
        badJson: {{ toJSON: throwing }},
        selfJson: {{ toJSON() {{ return this; }} }},
        notANumber: NaN,
        infinite: -Infinity,
        invalidDate: new Date(NaN),
        huge: secret + 'x'.repeat(1024 * 1024),
        ['k'.repeat(1000)]: secret,
        loneSurrogate: secret + '\\ud800' + 'tail\\udc00',
        many: Array.from({{length: 100000}}, (_, i) => secret + i),
        wide: Object.fromEntries(Array.from({{length: 5000}}, (_, i) => ['key' + i, i])),
        sparse: new Array(1e9),
        ...JSON.parse('{{"__proto__": {{"polluted": "yes"}}, "prototype": {{"polluted": "yes"}}, ' +
            '"constructor": {{"prototype": {{"polluted": "yes"}}}}}}'),
    }};
    return hostile;
}}"""

CALLS = f"""async () => {{
    const make = {HOSTILE};
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort().join();
    const outcome = {{threw: [], resolved: 0}};
    const calls = [
        ['identify', () => [make(), make(), make()]],
        ['identify', () => ['u-1', make(), make()]],
        ['track', () => ['Hostile', make(), make()]],
        ['track', () => [make(), make()]],
        ['page', () => ['Docs', 'Hostile', make(), make()]],
        ['page', () => [make(), make()]],
        ['group', () => ['g-1', make(), make()]],
        ['group', () => [make()]],
    ];
    const promises = [];
    for (const [method, args] of calls) {{
        try {{
            promises.push(analytics[method](...args()).then(() => {{ outcome.resolved += 1; }}));
        }} catch (error) {{
            outcome.threw.push(method);
        }}
    }}
    await within(Promise.all(promises), 60000, 'the hostile calls');
    let text = null;
    try {{
        text = JSON.stringify(wootricSettings);
        encodeURIComponent(text);  // what a beacon does with them; throws on invalid UTF-16
        outcome.encodable = true;
    }} catch (error) {{
        outcome.encodable = false;
    }}
    outcome.settings = text && JSON.parse(text);
    outcome.prototypeUnchanged =
        Object.getOwnPropertyNames(Object.prototype).sort().join() === prototypeBefore;
    outcome.polluted = [({{}}).polluted, Object.prototype.polluted, [].polluted];
    outcome.plainPrototypes = [wootricSettings.properties, wootricSettings.page_info,
        wootricSettings.group_info].map(value => Object.getPrototypeOf(value) === Object.prototype);
    return outcome;
}}"""


@pytest.fixture(scope="module")
def hostile_page(module_page: Page, server_url: str) -> Iterator[tuple[Page, list[str]]]:
    console: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        console.append(f"{message.type}: {message.text}")

    module_page.on("console", on_console)
    module_page.goto(server_url + "pages/plain.html")
    module_page.evaluate("within(analytics.ready())")
    yield module_page, console
    module_page.remove_listener("console", on_console)


@pytest.fixture(scope="module")
def outcome(hostile_page: tuple[Page, list[str]]) -> dict[str, Any]:
    page, _ = hostile_page
    result: dict[str, Any] = page.evaluate(CALLS)
    return result


def test_no_call_throws_into_the_page_and_every_call_resolves(outcome: dict[str, Any]) -> None:
    assert outcome["threw"] == []
    assert outcome["resolved"] == 8


def test_the_settings_stay_json_that_a_beacon_can_url_encode(outcome: dict[str, Any]) -> None:
    assert outcome["encodable"] is True
    assert outcome["settings"]["segment_user_id"] == "u-1"


def test_nothing_reaches_object_prototype(outcome: dict[str, Any]) -> None:
    assert outcome["prototypeUnchanged"] is True
    assert outcome["polluted"] == [None, None, None]


def test_proto_keys_never_change_the_prototype_of_a_written_value(
    outcome: dict[str, Any],
) -> None:
    assert outcome["plainPrototypes"] == [True, True, True]


def walk(value: Any, depth: int = 0) -> Iterator[tuple[int, Any]]:
    yield depth, value
    children = value.values() if isinstance(value, dict) else value
    if isinstance(value, dict | list):
        for child in children:
            yield from walk(child, depth + 1)


def test_the_settings_keep_within_the_documented_size_limits(outcome: dict[str, Any]) -> None:
    for key in ("properties", "page_info", "group_info"):
        for depth, value in walk(outcome["settings"][key]):
            assert depth <= MAX_DEPTH
            if isinstance(value, str):
                assert len(value) <= MAX_STRING_LENGTH
            if isinstance(value, dict | list):
                assert len(value) <= MAX_ITEMS
            if isinstance(value, dict):
                assert all(len(name) <= MAX_KEY_LENGTH for name in value)


def test_what_is_cut_or_left_out_is_said_in_warnings(
    hostile_page: tuple[Page, list[str]], outcome: dict[str, Any]
) -> None:
    _, console = hostile_page
    warnings = "\n".join(line for line in console if line.startswith("warning: [wootric-web]"))

    for said in [
        "contains itself",  # the loader: cycles
        "threw when read",  # the loader: throwing getters, toJSON and Proxies
        "NaN and Infinity became null",  # the loader
        "not plain were left out",  # the loader: DOM nodes, window, Map, Error
        "Strings longer than",  # the core: cut
        "left out",
        "lone surrogates",  # the core: repaired
    ]:
        assert said in warnings, said


def test_no_console_output_quotes_the_values(
    hostile_page: tuple[Page, list[str]], outcome: dict[str, Any]
) -> None:
    _, console = hostile_page

    assert not [line for line in console if re.search(SECRET, line)]


def test_a_page_made_wootric_settings_with_setters_gets_plain_data(
    hostile_page: tuple[Page, list[str]],
) -> None:
    page, _ = hostile_page
    result = page.evaluate(
        """async () => {
            const original = window.wootricSettings;
            const hits = [];
            class Settings {
                set email(value) { hits.push('email'); }
                set properties(value) { hits.push('properties'); }
            }
            window.wootricSettings = Object.assign(new Settings(), {product_name: 'Shop'});
            try {
                await within(analytics.identify('u-2', {email: 'ada@example.com', plan: 'pro'}));
                const own = Object.getOwnPropertyDescriptor(wootricSettings, 'email');
                return {hits, own: own && 'value' in own, email: wootricSettings.email,
                    product: wootricSettings.product_name};
            } finally {
                window.wootricSettings = original;
            }
        }"""
    )

    assert result == {"hits": [], "own": True, "email": "ada@example.com", "product": "Shop"}
