"""In worker mode the page never waits on Python: booting and 1,000 calls cause no long task.

pages/long-tasks.html installs a PerformanceObserver for long tasks before anything else runs.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

CALLS = 1000
LONG_TASK_LIMIT_MS = 200


@pytest.fixture(scope="module")
def burst(module_page: Page, server_url: str) -> dict[str, Any]:
    module_page.goto(server_url + "pages/long-tasks.html")
    measured: dict[str, Any] = module_page.evaluate(
        """async (count) => {
            // The calls are made in page tasks, which the observer sees (evaluate()'s own task
            // is not one of them).
            await new Promise((resolve) => setTimeout(resolve));
            // Half while Pyodide boots (queued in the worker, held until the beacon loads), half
            // once it is ready (answered one by one).
            const early = [];
            for (let i = 0; i < count / 2; i += 1) early.push(analytics.track('early', {i}));
            await within(nextEvent('wootric-web:ready'));
            await within(analytics.ready());
            const late = [];
            for (let i = 0; i < count / 2; i += 1) late.push(analytics.track('late', {i}));
            await within(Promise.all([...early, ...late]), 60000, 'the calls');
            return {
                longTasks,
                commands: wootricPreview.commands.map(entry => entry.settings.properties.i),
                events: wootricPreview.commands.map(entry => entry.settings.event_name),
            };
        }""",
        CALLS,
    )
    return measured


def test_a_thousand_calls_cause_no_long_task(burst: dict[str, Any]) -> None:
    durations = [round(task["duration"]) for task in burst["longTasks"]]

    print("long tasks (ms):", durations)
    assert max(durations, default=0) < LONG_TASK_LIMIT_MS, durations


def test_a_thousand_calls_reach_the_beacon_once_each_in_order(burst: dict[str, Any]) -> None:
    half = CALLS // 2

    assert burst["events"] == ["early"] * half + ["late"] * half
    assert burst["commands"] == list(range(half)) * 2


def test_the_page_does_see_long_tasks(module_page: Page, burst: dict[str, Any]) -> None:
    # A check of the measurement itself: a task the page makes long is reported. (A page task:
    # the test's own evaluate() calls run outside the page's task scheduler.)
    module_page.evaluate(
        """() => {
            window.longTasksBefore = longTasks.length;
            setTimeout(() => {
                const start = performance.now();
                while (performance.now() - start < 120) { /* deliberately long */ }
            });
        }"""
    )

    module_page.wait_for_function("longTasks.length > longTasksBefore", timeout=10000)
