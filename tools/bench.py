"""Benchmark the tag against Pyodide alone and Wootric's own snippet, side by side in one run.

Every scenario runs in headless Chromium over pages served on 127.0.0.1, several rounds each, in
an order that turns from round to round so that noise hits all of them alike; the report gives
medians and ratios measured in the same run.

    A  floor     Pyodide alone: loadPyodide() on the main thread (bench/pages/floor.html), its
                 files served as the issue measured it: gzip made by the server, no brotli
    A' floor     the same page served as wootric-web is: the precompressed (brotli) files
    B  first     a host page with wootric-web's loader, first visit: a new browser context,
                 empty caches; the default boot, plain from the light files
    C  repeat    the same page visited again in B's context: warm HTTP cache, saved snapshot
    D  snippet   the host page with Wootric's own JavaScript snippet instead: no Python at all
    E, F         B and C with data-first-visit="prebuilt": make build's snapshot on a first visit
    H  host      the host page alone, first and repeat visit: the baseline for `load` and TBT
    T  tag       the host page with the tag in its own script element instead of the loader
    S  script    the host page with an empty script in the tag's place: what any script costs
    R  run       the loader's own run on the page's main thread, timed from scripts either side
    R0 run       the same for the loader as it was before it joined host libraries, side by side
    latency      on C's page once ready: calls one after another, each timed until applied
    burst        calls made before the runtime is ready: time from ready until all are applied
    M  memory    C again, cross-origin isolated so that Chromium measures the page's memory: the
                 worker's WebAssembly heap and the page's total, after ready and after the calls
    L  Lighthouse 12.2.3 (npm), default mobile settings, a fresh profile each run: the host page
                 alone and with the loader, its performance score and total-byte-weight

Bytes are Resource Timing's transferSize, per file; wootric-web's are those under /static/ (the
tag, executor, worker, runtime, standard library and wheel), as the floor's are Pyodide's.

Run ``make bench`` (or ``python tools/bench.py --rounds 5``). It prints Markdown tables and
writes the raw figures to ``bench/results/`` as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from chromium import CHROMIUM, CHROMIUM_ARGS  # tools/ is on sys.path: this script is there
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright
from serve import LOADER_MARKER, STATIC_DIR, Config, Server, start_in_thread

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "bench" / "pages"
RESULTS = ROOT / "bench" / "results"
# host.html with the marker replaced by each variant's head elements: the page's own calls, queued
# before wootric-web has loaded (page-calls.html), and how wootric-web is installed.
VARIANTS = {
    "host": (),
    "loader": ("page-calls.html", "variant-loader.html"),
    "tag": ("page-calls.html", "variant-tag.html"),
    "snippet": ("variant-snippet.html",),
    "prebuilt": ("page-calls.html", "variant-prebuilt.html"),
}
VARIANTS_WITH_QUERY = {"burst": ("variant-burst.html",)}
MARKER = "<!-- variant -->"
TIMEOUT_MS = 120_000
# New origins per round for each `load` figure. The loader's share of a 45 ms `load` is about a
# millisecond and one sample's noise about 6 ms: with 160 samples a ratio still moved by ±3% from
# run to run, so the targets' figures (H, B, C) have 320, and the 95% interval is reported beside
# each. T and S, which only say where the tag in its own element stands, have a quarter of that.
LOAD_SAMPLES = 64
SCRIPT_ELEMENT_EVERY = 4
# New origins per round for R, the loader's run: under a millisecond, timed by performance.now()
# (whose 0.1 ms steps average out), so its mean is known to a few hundredths of a millisecond.
RUN_SAMPLES = 16
# `load` ratios given with a 95% interval: each page with a script to the host page alone, and
# the page with the tag in a script element to the page with an empty one (the tag's own share).
LOAD_RATIOS = [
    ("B", "H1"),
    ("C", "H2"),
    ("T1", "H1"),
    ("T2", "H2"),
    ("S1", "H1"),
    ("S2", "H2"),
    ("T1", "S1"),
    ("T2", "S2"),
]

# What crossed the network for a page and its workers, per request: [URL, Resource Timing's
# transferSize] (0 for a cache hit, headers only for a 304).
PAGE_BYTES = """() => [...performance.getEntriesByType('navigation'),
    ...performance.getEntriesByType('resource')].map((entry) => [entry.name, entry.transferSize])"""
WORKER_BYTES = """performance.getEntriesByType('resource')
    .map((entry) => [entry.name, entry.transferSize])"""
# wootric-web's own files, as Pyodide's are the floor's: everything a page fetches from here.
STATIC = "/static/"
# The page's memory as Chromium reports it (cross-origin isolated pages only), after a garbage
# collection, so that garbage not yet collected does not count as kept: {total, worker}.
PAGE_MEMORY = """async () => {
    gc();
    const { bytes, breakdown } = await performance.measureUserAgentSpecificMemory();
    const inWorker = ({ attribution }) =>
        attribution.some(({ scope }) => scope === 'DedicatedWorkerGlobalScope');
    const worker = breakdown.filter(inWorker).reduce((sum, entry) => sum + entry.bytes, 0);
    return { total: bytes, worker };
}"""
# Measures memory at once instead of at the next garbage collection, and lets pages and workers
# collect garbage (gc()) before they are measured.
MEMORY_ARGS = ["--enable-blink-features=ForceEagerMeasureMemory", "--js-flags=--expose-gc"]
ISOLATED = (
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Embedder-Policy", "require-corp"),
)
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_RUNS = 3
# Calls one after another once ready, identify/track/page in turn; each timed from the call
# until its promise resolves, which is once its settings and beacon command are applied.
LATENCY = """async (count) => {
    await analytics.ready();
    const calls = [
        (i) => analytics.identify('u-1', { email: 'ada@example.com', visits: i }),
        (i) => analytics.track('Clicked', { i }),
        (i) => analytics.page('Docs', { i }),
    ];
    const times = [];
    for (let i = 0; i < count; i += 1) {
        const start = performance.now();
        await calls[i % 3](i);
        times.push(performance.now() - start);
    }
    return times;
}"""


@dataclass(frozen=True)
class Target:
    """One of the issue's targets: a figure computed from the medians, and its limit."""

    name: str
    figure: Callable[[dict[str, float]], float]
    limit: float
    unit: str
    interval: tuple[str, str] | None = None  # one of LOAD_RATIOS, reported with its interval


TARGETS = [
    Target(
        "first visit bytes (wootric-web's) / floor bytes",
        lambda m: m["B.static_bytes"] / m["A.static_bytes"],
        0.7,
        "x",
    ),
    Target("repeat visit ready / floor ready", lambda m: m["C.ready"] / m["A.ready"], 0.2, "x"),
    Target("first visit ready / floor ready", lambda m: m["B.ready"] / m["A.ready"], 1.25, "x"),
    Target("first visit TBT - host page TBT", lambda m: m["B.tbt"] - m["H1.tbt"], 50, "ms"),
    Target("repeat visit TBT - host page TBT", lambda m: m["C.tbt"] - m["H2.tbt"], 50, "ms"),
    Target("call latency after ready, p50", lambda m: m["latency.p50"], 0.5, "ms"),
    Target("call latency after ready, p99", lambda m: m["latency.p99"], 2, "ms"),
    Target("pre-ready calls applied after ready", lambda m: m["burst.applied"], 1000, "ms"),
    Target("pre-ready calls lost or out of order", lambda m: m["burst.wrong"], 0, ""),
    Target("repeat visit bytes fetched", lambda m: m["C.bytes"] / 1000, 100, "KB"),
    Target(
        "first visit load / host page load",
        lambda m: m["B.page_load"] / m["H1.page_load"],
        1.05,
        "x",
        interval=("B", "H1"),
    ),
    Target(
        "repeat visit load / host page load",
        lambda m: m["C.page_load"] / m["H2.page_load"],
        1.05,
        "x",
        interval=("C", "H2"),
    ),
    Target(
        "page memory after 10,000 calls / after ready",
        lambda m: m["M.calls_total"] / m["M.ready_total"],
        1.1,
        "x",
    ),
    Target(
        "worker's WebAssembly heap after 10,000 calls / after ready",
        lambda m: m["M.calls_heap"] / m["M.ready_heap"],
        1.1,
        "x",
    ),
    Target(
        "Lighthouse performance score: host page - with the loader",
        lambda m: m["L.host_score"] - m["L.loader_score"],
        0.02,
        "",
    ),
]


def write_pages(folder: Path) -> None:
    """The benchmark pages, composed from bench/pages/, and an image for the host page."""
    for source in PAGES.iterdir():
        shutil.copy(source, folder / source.name)
    host = (PAGES / "host.html").read_text()
    heads = {
        name: "\n  ".join((PAGES / part).read_text().strip() for part in parts)
        for name, parts in {**VARIANTS, **VARIANTS_WITH_QUERY}.items()
    }
    for name, head in heads.items():
        (folder / f"{name}.html").write_text(host.replace(MARKER, head))
    (folder / "photo.png").write_bytes(photo(640, 360))
    # S: the tag's page with an empty script in the tag's place, under the tag's name (so that it
    # is served, and cached, as the tag is).
    (folder / "blank").mkdir()
    (folder / "blank" / "wootric-web.js").write_text("")
    blank = heads["tag"].replace("/static/wootric-web.js", "blank/wootric-web.js")
    (folder / "blank.html").write_text(host.replace(MARKER, blank))
    # R: the loader's page with a mark just before the loader and just after it.
    loader = (PAGES / "variant-loader.html").read_text().strip()
    start, end = (f"<script>bench.mark('loader {mark}')</script>" for mark in ("start", "end"))
    timed = heads["loader"].replace(loader, "\n  ".join((start, loader, end)))
    (folder / "loader-timed.html").write_text(host.replace(MARKER, timed))
    # R0: the same page with the loader from before it joined host libraries, inline in the same
    # element, as sites pasted it (without the two lines that say why the file is kept).
    kept_as = (PAGES / "loader-before-hosts.js").read_text().split("\n", 2)
    assert kept_as[0].startswith("// The loader as sites pasted it"), kept_as[0]
    before = "\n" + kept_as[2].strip()
    (folder / "loader-before-timed.html").write_text(
        host.replace(MARKER, timed.replace(LOADER_MARKER.decode(), before))
    )


def photo(width: int, height: int) -> bytes:
    """A PNG with a photograph's size on the wire (noise defeats compression), made offline."""
    noise = random.Random(7)
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            grain = noise.randrange(24)
            rows += bytes((x * 255 // width ^ grain, y * 255 // height ^ grain, 160 ^ grain))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + chunk(b"IEND", b"")
    )


class Visits:
    """Runs the scenarios: each method makes its own pages and returns {figure: value}."""

    def __init__(
        self,
        playwright: Playwright,
        base_urls: tuple[str, str, str],
        new_origin: Callable[[], contextlib.AbstractContextManager[str]],
        calls: int,
        incognito: bool,
    ) -> None:
        self.playwright = playwright
        self.new_origin = new_origin
        # wootric-web's server, the floor's as the issue measured it, and a cross-origin isolated
        # one for memory.
        self.base_url, self.floor_base_url, self.isolated_base_url = base_urls
        self.calls = calls
        self.browser = (
            playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            if incognito
            else None
        )

    @contextlib.contextmanager
    def context(self, args: Sequence[str] = ()) -> Iterator[BrowserContext]:
        """A new visitor's browser: by default a fresh profile on disk, whose HTTP cache and
        compiled-code cache work as in a visitor's browser; with --incognito, an in-memory one
        (which keeps no compiled code, and no file over about 6 MB in its HTTP cache). `args`:
        Chromium's command line, added to the usual (a profile's browser only)."""
        with tempfile.TemporaryDirectory() as profile:
            if self.browser is not None and not args:
                context = self.browser.new_context()
            else:
                context = self.playwright.chromium.launch_persistent_context(
                    profile, executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *args]
                )
            context.set_default_timeout(TIMEOUT_MS)
            try:
                yield context
            finally:
                context.close()

    def visit(
        self, context: BrowserContext, page_name: str, *marks: str, base_url: str = ""
    ) -> tuple[Page, dict[str, float]]:
        """Opens a page and waits for its load event and `marks`; returns the page and marks."""
        page = context.new_page()
        page.goto((base_url or self.base_url) + "pages/" + page_name)
        waits = ", ".join(f"bench.when({json.dumps(mark)})" for mark in ("load", *marks))
        found = page.evaluate(f"Promise.all([{waits}]).then(() => bench.marks)")
        return page, {name: float(time) for name, time in found.items()}

    def figures(self, prefix: str, page: Page, found: dict[str, float]) -> dict[str, float]:
        """A visit's figures, named `prefix.figure`: its marks, blocking time and bytes (all,
        wootric-web's, and `prefix.file /static/…` for each of its files)."""
        requests = page.evaluate(PAGE_BYTES)
        for worker in page.workers:
            requests += worker.evaluate(WORKER_BYTES)
        files: dict[str, float] = {}
        for url, size in requests:
            path = urlsplit(url).path
            if path.startswith(STATIC):
                files[f"{prefix}.file {path}"] = files.get(f"{prefix}.file {path}", 0.0) + size
        figures = {
            "load": found["load"],
            "ready": found.get("ready"),
            "first_run": found.get("first run"),
            "tbt": float(page.evaluate("bench.tbt()")),
            "bytes": float(sum(size for _, size in requests)),
            "static_bytes": sum(files.values()),
        }
        named = {f"{prefix}.{name}": value for name, value in figures.items() if value is not None}
        return named | files

    def floor(self) -> dict[str, float]:
        """A, on a server that sends Pyodide's files as the issue measured them; A', on
        wootric-web's, which sends the precompressed ones."""
        figures: dict[str, float] = {}
        for name, base_url in (("A", self.floor_base_url), ("A'", self.base_url)):
            with self.context() as context:
                page, found = self.visit(context, "floor.html", "ready", base_url=base_url)
                figures |= self.figures(name, page, found)
        return figures

    def host(self) -> dict[str, float]:
        """H: the host page alone, and the `load` event with and without wootric-web.

        A `load` event lasts tens of milliseconds here and a script's share of it a millisecond or
        two: less than the noise between two browser launches. So these samples are taken side by
        side in one running browser (as a visitor's is), the pages in turn: the host page, with
        the loader (B, C), and one sample in SCRIPT_ELEMENT_EVERY also with the tag in a script
        element (T) and with an empty script served as the tag is (S: what any script costs).
        Each sample is a new origin, a server on a new port: its first visit finds every cache
        empty (the HTTP cache, compiled code and Cache Storage are all kept per origin), and its
        second visit is the repeat visit. The figures are medians over every round's samples.
        """
        figures: dict[str, Any] = {}
        targets = [("host.html", "H1", "H2"), ("loader.html", "B", "C")]
        script_elements = [("tag.html", "T1", "T2"), ("blank.html", "S1", "S2")]
        with self.context() as context:
            for sample in range(LOAD_SAMPLES):
                pages = targets + script_elements * (sample % SCRIPT_ELEMENT_EVERY == 0)
                # Each page takes each place in the order as often, so that drift hits all alike.
                turn = (sample + sample // SCRIPT_ELEMENT_EVERY) % len(pages)
                for page_name, *visits in pages[turn:] + pages[:turn]:
                    with self.new_origin() as base_url:
                        for visit in visits:
                            page, found = self.visit(context, page_name, base_url=base_url)
                            figures.setdefault(f"{visit}.load_samples", []).append(found["load"])
                            if sample == 0 and visit.startswith("H"):
                                figures |= self.figures(visit, page, found)
                            page.close()
        return figures

    def loader_run(self) -> dict[str, Any]:
        """R: the loader's run, from the end of the script before it to the start of the one
        after (which includes one script's own start, about 0.05 ms), on a first and a repeat
        visit of new origins. The part of `load` that is the loader's, without `load`'s noise.
        R0 likewise for the loader before it joined host libraries, in turn with R."""
        figures: dict[str, Any] = {}
        loaders = [("R", "loader-timed.html"), ("R0", "loader-before-timed.html")]
        with self.context() as context:
            for sample in range(RUN_SAMPLES):
                # Each loader on an origin of its own, the two in turn first.
                for name, page_name in loaders[sample % 2 :] + loaders[: sample % 2]:
                    with self.new_origin() as base_url:
                        for visit in ("1", "2"):
                            page, found = self.visit(context, page_name, base_url=base_url)
                            run = found["loader end"] - found["loader start"]
                            figures.setdefault(f"{name}{visit}.run_samples", []).append(run)
                            page.close()
        return figures

    def snippet(self) -> dict[str, float]:
        with self.context() as context:
            page, found = self.visit(context, "snippet.html", "ready")
            return self.figures("D", page, found)

    def tag_visits(self, context: BrowserContext, page_name: str, names: str) -> dict[str, Any]:
        """Visits of a loader's page, one per letter of `names`, each waiting for the snapshot
        it saves (as a visitor's next visit would find it)."""
        figures: dict[str, Any] = {}
        for name in names:
            page, found = self.visit(context, page_name, "ready", "first run")
            [worker] = page.workers
            figures[f"{name}.boot"] = worker.evaluate("wootricWebBoot.boot")
            figures[f"{name}.saved"] = worker.evaluate("wootricWebBoot.saved")
            figures |= self.figures(name, page, found)
            if name == "C":
                times = sorted(page.evaluate(LATENCY, self.calls))
                figures["latency.p50"] = percentile(times, 50)
                figures["latency.p99"] = percentile(times, 99)
            page.close()
        return figures

    def tag(self) -> dict[str, Any]:
        """B, then C, latency and burst in B's browser."""
        with self.context() as context:
            figures = self.tag_visits(context, "loader.html", "BC")
            page, found = self.visit(
                context, f"burst.html?calls={self.calls}", "runtime ready", "burst applied"
            )
            seen = page.evaluate(
                "beaconSeen.filter(([, event]) => event === 'burst').map(([, , i]) => i)"
            )
            figures["burst.applied"] = found["burst applied"] - found["runtime ready"]
            # Calls made after ready, or lost, doubled or out of order, spoil the measurement.
            made_early = found["burst made"] < found["runtime ready"]
            figures["burst.wrong"] = float(seen != list(range(self.calls)) or not made_early)
            figures["burst.tbt"] = float(page.evaluate("bench.tbt()"))
        return figures

    def prebuilt(self) -> dict[str, Any]:
        """E and F: B and C again, the loader asking for the prebuilt snapshot on a first visit."""
        with self.context() as context:
            return self.tag_visits(context, "prebuilt.html", "EF")

    def memory(self) -> dict[str, float]:
        """M: C's visit on a cross-origin isolated server, where Chromium reports the page's
        memory (its total, and the worker's share) and the worker its WebAssembly heap: once
        ready, and again after the latency run's calls, each after a garbage collection."""
        figures: dict[str, float] = {}
        with self.context(MEMORY_ARGS) as context:
            base_url = self.isolated_base_url
            for visit in ("first", "repeat"):
                page, _ = self.visit(context, "loader.html", "ready", base_url=base_url)
                [worker] = page.workers
                if visit == "first":
                    worker.evaluate("wootricWebBoot.saved")
                    page.close()
            for moment in ("ready", "calls"):
                if moment == "calls":
                    page.evaluate(LATENCY, self.calls)
                worker.evaluate("gc()")
                measured = page.evaluate(PAGE_MEMORY)
                figures[f"M.{moment}_total"] = float(measured["total"])
                figures[f"M.{moment}_worker"] = float(measured["worker"])
                figures[f"M.{moment}_heap"] = float(worker.evaluate("wootricWebBoot.heapBytes()"))
            figures["M.isolated"] = float(page.evaluate("crossOriginIsolated"))
        return figures

    def lighthouse(self) -> dict[str, float]:
        """L: one Lighthouse run each on the host page alone and with the loader."""
        figures: dict[str, float] = {}
        for name, page_name in (("host", "host.html"), ("loader", "loader.html")):
            with self.new_origin() as base_url:
                score, weight = lighthouse(base_url + "pages/" + page_name)
            figures[f"L.{name}_score"], figures[f"L.{name}_bytes"] = score, weight
        return figures


def lighthouse(url: str) -> tuple[float, float]:
    """One Lighthouse run (default mobile settings, headless Chromium, a fresh profile):
    (performance score, total-byte-weight in bytes)."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        flags = " ".join(["--headless=new", "--no-sandbox", *CHROMIUM_ARGS])
        command = [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={output}",
            "--only-categories=performance",
            "--quiet",
            f"--chrome-path={CHROMIUM}",
            f"--chrome-flags={flags}",
        ]
        subprocess.run(command, check=True, timeout=300, capture_output=True)
        found = json.loads(output.read_text())
    weight = found["audits"]["total-byte-weight"]["numericValue"]
    return float(found["categories"]["performance"]["score"]), float(weight)


@contextlib.contextmanager
def new_origin(like: Server) -> Iterator[str]:
    """Another origin serving what `like` serves: a server on a new port, sharing its prepared
    (hashed and compressed) files, so that no visit waits for a file to be compressed."""
    server, base_url = start_in_thread("127.0.0.1", 0, like.config)
    server.prepared, server.prepared_lock = like.prepared, like.prepared_lock
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()


def percentile(ordered: Sequence[float], rank: float) -> float:
    """The nearest-rank percentile of an ordered sequence."""
    index = max(0, min(len(ordered) - 1, round(rank / 100 * len(ordered) + 0.5) - 1))
    return float(ordered[index])


def ratio_interval(
    numerators: Sequence[float], denominators: Sequence[float], draws: int = 2000
) -> tuple[float, float]:
    """A 95% bootstrap interval for median(numerators) / median(denominators): how far that ratio
    would move were the samples taken again. Seeded, so that a run's report can be recomputed."""
    draw = random.Random(0).choices
    ratios = sorted(
        statistics.median(draw(numerators, k=len(numerators)))
        / statistics.median(draw(denominators, k=len(denominators)))
        for _ in range(draws)
    )
    return ratios[round(0.025 * draws)], ratios[round(0.975 * draws) - 1]


def pool(rounds: list[dict[str, Any]], suffix: str) -> dict[str, list[float]]:
    """Every round's `X<suffix>` sample lists, joined: {X: samples}."""
    keys = {key for figures in rounds for key in figures if key.endswith(suffix)}
    return {
        key.removesuffix(suffix): [sample for figures in rounds for sample in figures.get(key, [])]
        for key in keys
    }


def medians(rounds: list[dict[str, Any]]) -> dict[str, float]:
    """Each figure's median over the rounds; `X.load_samples` lists give `X.page_load`, the
    median of all their samples together, and `X/Y.load_low`/`_high` the 95% interval of the
    ratio of X's to Y's (LOAD_RATIOS); `X.run_samples` give `X.run`, their mean (timed in steps
    of 0.1 ms, which a median would keep to and a mean averages out)."""
    keys = {key for figures in rounds for key, value in figures.items() if isinstance(value, float)}
    # A file not fetched in a round counts as 0 bytes; every other figure is in every round.
    m = {
        key: statistics.median(
            figures.get(key, 0.0) if ".file " in key else figures[key] for figures in rounds
        )
        for key in sorted(keys)
    }
    pooled = pool(rounds, ".load_samples")
    for name, samples in pooled.items():
        m[name + ".page_load"] = statistics.median(samples)
    for name, other in LOAD_RATIOS:
        if name in pooled and other in pooled:
            low, high = ratio_interval(pooled[name], pooled[other])
            m[f"{name}/{other}.load_low"], m[f"{name}/{other}.load_high"] = low, high
    for name, runs in pool(rounds, ".run_samples").items():
        m[name + ".run"] = statistics.mean(runs)
    return m


def fmt(value: float, unit: str = "ms") -> str:
    if unit == "bytes":
        return f"{value / 1000:,.1f} KB" if value < 1_000_000 else f"{value / 1e6:,.2f} MB"
    if unit == "ms":
        return f"{value:,.0f} ms" if value >= 10 else f"{value:,.2f} ms"
    return f"{value:.2f}"


def report(m: dict[str, float], rounds: int, calls: int, incognito: bool) -> str:
    """The Markdown tables: every scenario's medians, then each target and whether it is met."""
    rows = [
        ("A", "floor: `loadPyodide()` on the main thread, gzip as the issue measured it", "A"),
        ("A'", "floor, served as wootric-web is (brotli files)", "A'"),
        ("B", "loader, first visit (empty caches): plain boot from the light files", "B"),
        ("C", "loader, repeat visit (warm cache, saved snapshot)", "C"),
        ("D", "Wootric's JavaScript snippet, no Python", "D"),
        ("E", 'loader, first visit, `data-first-visit="prebuilt"` (prebuilt snapshot)', "E"),
        ("F", "loader, repeat visit after E (saved snapshot)", "F"),
        ("H", "host page alone, first visit", "H1"),
        ("H", "host page alone, repeat visit", "H2"),
        ("T", "host page with the tag in a script element, first visit", "T1"),
        ("T", "host page with the tag in a script element, repeat visit", "T2"),
        ("S", "host page with an empty script served as the tag is, first visit", "S1"),
        ("S", "host page with an empty script served as the tag is, repeat visit", "S2"),
    ]
    lines = [
        f"Medians of {rounds} rounds, each visitor a new "
        f"{'in-memory (incognito) browser context' if incognito else 'browser profile'}; "
        "ratios are to the floor A measured in the same run. TBT: total blocking time of the "
        f"page's main thread. `load`: the page's load event; for B, C and H the median of "
        f"{LOAD_SAMPLES} more visits a round ({LOAD_SAMPLES * rounds} in all) in one browser, for "
        f"T and S of {LOAD_SAMPLES * rounds // SCRIPT_ELEMENT_EVERY}, each sample a new origin.",
        "",
        "| | scenario | ready | ready / A | first `run` | TBT | `load` | bytes fetched "
        "| wootric-web's (Pyodide's for A) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for letter, name, key in rows:
        ready = m.get(f"{key}.ready")
        first_run = m.get(f"{key}.first_run")
        load = m.get(f"{key}.page_load", m.get(f"{key}.load"))
        tbt, transferred = m.get(f"{key}.tbt"), m.get(f"{key}.bytes")
        static = m.get(f"{key}.static_bytes") if key[0] in "ABCEF" else None
        lines.append(
            f"| {letter} | {name} | {fmt(ready) if ready else '—'} | "
            f"{fmt(ready / m['A.ready'], 'x') if ready else '—'} | "
            f"{fmt(first_run) if first_run else '—'} | "
            f"{fmt(tbt) if tbt is not None else '—'} | {fmt(load) if load else '—'} | "
            f"{fmt(transferred, 'bytes') if transferred is not None else '—'} | "
            f"{fmt(static, 'bytes') if static is not None else '—'} |"
        )
    lines += ["", *file_table(m)]
    burst = "in order, none lost" if m["burst.wrong"] == 0 else "SOME LOST, LATE OR OUT OF ORDER"
    lines += [
        "",
        f"Calls after ready, one after another ({calls:,}, identify/track/page): "
        f"p50 {fmt(m['latency.p50'])}, p99 {fmt(m['latency.p99'])}. "
        f"{calls:,} calls made before ready: all applied {fmt(m['burst.applied'])} after ready "
        f"({burst}; TBT {fmt(m['burst.tbt'])}).",
        "",
        "| target | measured | limit | met |",
        "| --- | --- | --- | --- |",
    ]
    for target in TARGETS:
        value = target.figure(m)
        # Ratios to three places, so that one just over its limit does not print as equal to it.
        places = {"x": 3, "ms": 2, "": 2}.get(target.unit, 1)
        shown = f"{value:,.{places}f} {target.unit}"
        if target.interval:
            shown += f" ({interval(m, *target.interval)})"
        lines.append(
            f"| {target.name} | {shown} | {target.limit:g} {target.unit} | "
            f"{'yes' if value <= target.limit else '**no**'} |"
        )
    lines += [
        "",
        "`load` with the tag in a script element instead of the loader (T), to the host page's: "
        f"first visit {load_ratio(m, 'T1', 'H1')}, repeat visit {load_ratio(m, 'T2', 'H2')}. "
        "With S, an empty script served as the tag is (what any script element costs this page): "
        f"first visit {load_ratio(m, 'S1', 'H1')}, repeat visit {load_ratio(m, 'S2', 'H2')}. "
        f"T to S (the tag's own share): first visit {load_ratio(m, 'T1', 'S1')}, repeat visit "
        f"{load_ratio(m, 'T2', 'S2')}.",
        "",
        "R, the loader's own run on the page's main thread (mean of "
        f"{RUN_SAMPLES * rounds} visits each): first visit {fmt(m['R1.run'])}, repeat visit "
        f"{fmt(m['R2.run'])}. R0, the loader before it joined host libraries "
        "(bench/pages/loader-before-hosts.js), in turn with R on origins of its own: first visit "
        f"{fmt(m['R01.run'])}, repeat visit {fmt(m['R02.run'])}.",
        "",
        "M, memory on C's page"
        f"{'' if m['M.isolated'] else ' (NOT cross-origin isolated: not measured)'}, as Chromium "
        "reports it after a garbage collection: the page's total "
        f"{fmt(m['M.ready_total'], 'bytes')} once ready, {fmt(m['M.calls_total'], 'bytes')} after "
        f"{calls:,} calls (the worker's share {fmt(m['M.ready_worker'], 'bytes')}, "
        f"{fmt(m['M.calls_worker'], 'bytes')}); the worker's WebAssembly heap "
        f"{fmt(m['M.ready_heap'], 'bytes')}, {fmt(m['M.calls_heap'], 'bytes')}.",
        "",
        f"L, Lighthouse 12.2.3 (default mobile settings, medians of {rounds} runs each): the host "
        f"page alone scores {m['L.host_score']:.2f} with a total-byte-weight of "
        f"{m['L.host_bytes'] / 1024:,.0f} KiB; with the loader {m['L.loader_score']:.2f} and "
        f"{m['L.loader_bytes'] / 1024:,.0f} KiB.",
    ]
    return "\n".join(lines)


def file_table(m: dict[str, float]) -> list[str]:
    """Bytes per file of wootric-web's (Pyodide's for the floor), on each visit that has them."""
    columns = ["A", "A'", "B", "C", "E", "F"]
    paths = sorted(
        {key.split(".file ", 1)[1] for key in m if ".file " in key},
        key=lambda path: (-m.get(f"B.file {path}", 0.0), path),
    )
    lines = [
        "Bytes per file (medians; 0: taken from a cache; a few hundred bytes: a revalidation):",
        "",
        "| file | " + " | ".join(columns) + " |",
        "| --- |" + " --- |" * len(columns),
    ]
    for path in paths:
        cells = [m.get(f"{column}.file {path}") for column in columns]
        shown = [fmt(cell, "bytes") if cell is not None else "—" for cell in cells]
        lines.append(f"| `{path.removeprefix(STATIC)}` | " + " | ".join(shown) + " |")
    return lines


def interval(m: dict[str, float], name: str, other: str) -> str:
    """The 95% interval of a `load` ratio, as the report shows it."""
    return f"95%: {m[f'{name}/{other}.load_low']:.3f}-{m[f'{name}/{other}.load_high']:.3f}"


def load_ratio(m: dict[str, float], name: str, other: str) -> str:
    """A `load` ratio and its 95% interval, as the report shows it."""
    ratio = m[f"{name}.page_load"] / m[f"{other}.page_load"]
    return f"{ratio:.3f} x ({interval(m, name, other)})"


def chromium_version() -> str:
    result = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=False)
    return result.stdout.strip()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=10_000, help="calls for latency and burst")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--incognito", action="store_true", help="in-memory browser contexts instead of profiles"
    )
    args = parser.parse_args(argv)
    manifest = json.loads((STATIC_DIR / "wheels" / "manifest.json").read_text())
    if "snapshot" not in manifest:
        raise SystemExit("static/ is not built with a prebuilt snapshot: run `make build` first.")

    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `make deps` (npm ci) first.")

    with tempfile.TemporaryDirectory() as folder:
        pages = Path(folder) / "pages"
        pages.mkdir()
        write_pages(pages)
        configs = (
            Config(pages_dir=pages),
            Config(pages_dir=pages, precompressed=False),
            Config(pages_dir=pages, headers=ISOLATED),
        )
        servers = [start_in_thread("127.0.0.1", 0, config) for config in configs]
        try:
            with sync_playwright() as playwright:
                urls = (servers[0][1], servers[1][1], servers[2][1])
                origins = partial(new_origin, servers[0][0])
                visits = Visits(playwright, urls, origins, args.calls, args.incognito)
                scenarios = [
                    visits.floor,
                    visits.tag,
                    visits.snippet,
                    visits.host,
                    visits.prebuilt,
                    visits.loader_run,
                    visits.memory,
                    visits.lighthouse,
                ]
                # Warms the servers' compressed copies and the disk, which no round should pay.
                visits.tag()
                visits.prebuilt()
                visits.floor()
                visits.memory()
                rounds: list[dict[str, Any]] = []
                for number in range(args.rounds):
                    figures: dict[str, Any] = {}
                    turn = number % len(scenarios)
                    for scenario in scenarios[turn:] + scenarios[:turn]:
                        figures |= scenario()
                    rounds.append(figures)
                    print(
                        f"round {number + 1}/{args.rounds}: ready A {figures['A.ready']:.0f} ms, "
                        f"B {figures['B.ready']:.0f} ms ({figures['B.boot']}), "
                        f"C {figures['C.ready']:.0f} ms ({figures['C.boot']}), "
                        f"E {figures['E.ready']:.0f} ms ({figures['E.boot']}); "
                        f"first-visit bytes {figures['B.static_bytes'] / 1e6:.2f} MB, "
                        f"floor {figures['A.static_bytes'] / 1e6:.2f} MB",
                        file=sys.stderr,
                    )
        finally:
            for each, _ in servers:
                each.shutdown()
                each.server_close()

    m = medians(rounds)
    table = report(m, args.rounds, args.calls, args.incognito)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "chromium": chromium_version(),
        "machine": {"cpus": len(os.sched_getaffinity(0)), "platform": platform.platform()},
        "contexts": "incognito" if args.incognito else "profile",
        "manifest": manifest,
        "rounds": rounds,
        "medians": m,
        "targets": {
            t.name: {"measured": t.figure(m), "limit": t.limit, "met": t.figure(m) <= t.limit}
            for t in TARGETS
        },
        "table": table,
    }
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in (f"bench-{stamp}.json", "latest.json"):
        (args.out / name).write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nraw figures: {args.out / f'bench-{stamp}.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
