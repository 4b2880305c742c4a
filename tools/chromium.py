"""How the tools drive Debian's Chromium (Playwright cannot download its own browser here)."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
# Quiet on a closed network: no update checks, sync, QUIC probes or GPU process.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-gpu",
]
