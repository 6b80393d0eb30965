"""What the browser test needs: Chromium (or a reason to skip), a Streamlit server, waiting.

Without Chromium or Playwright the browser test is skipped on a developer's machine and FAILS
in CI (CI=true), where `apt-get install chromium` is part of the set-up: a silently skipped
browser test would let a broken page through.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("LEDGER_CHROMIUM", "/usr/bin/chromium"))
# Chromium in a container: no sandbox, no GPU, no /dev/shm, and no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 768}
APP_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART = '[data-testid="stPlotlyChart"]'


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_chromium() -> None:
    """Skip (locally) or fail (in CI) when the browser test cannot run here."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "the playwright package is not installed (pip install -r requirements-dev.txt)"
    if problem is None and not CHROMIUM.is_file():
        problem = f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    if problem is None:
        return
    if in_ci():
        pytest.fail(f"browser test cannot run in CI: {problem}", pytrace=False)
    pytest.skip(problem)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


@contextmanager
def streamlit_server(repo: Path, db: Path, log: Path, timeout: float = 90) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free port with LEDGER_DB=db; yields its base URL and
    stops it (its own process group, nothing else) afterwards."""
    port = free_port()
    env = {**os.environ, "LEDGER_DB": str(db), "PYTHONPATH": str(repo)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--browser.gatherUsageStats",
        "false",
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=repo, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while not _healthy(url):
                if process.poll() is not None:
                    raise RuntimeError(f"streamlit exited with {process.returncode}; see {log}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s; see {log}")
                time.sleep(0.5)
            yield url
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=15)


def _until_two_looks_agree(
    page,
    look: Callable[[], Any],
    *,
    timeout_ms: float,
    settle_ms: int,
    what: str,
    ready: Callable[[Any], bool] = lambda _: True,
) -> Any:
    """Call `look` every `settle_ms` until it is `ready` and gives what it gave the time before;
    returns that. Raises TimeoutError saying `what` and the last two looks after `timeout_ms`."""
    deadline = time.monotonic() + timeout_ms / 1000
    previous = None
    while True:
        current = look()
        if ready(current) and current == previous:
            return current
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: {previous} then {current}")
        previous = current
        page.wait_for_timeout(settle_ms)


_SETTLED = """() => new Promise(resolve => requestIdleCallback(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
    const drawn = [...charts].filter(c => c.querySelector('.main-svg')).length;
    resolve([app ? app.getAttribute('data-test-script-state') : '', charts.length, drawn]);
}, {timeout: 2000}))"""


def wait_for_page(page, *, min_charts: int = 0, timeout_ms: float = 60_000) -> int:
    """Wait until the script run is over and every plotly chart is drawn; returns the number of
    charts. The run ends before the browser has drawn what it sent (plotly's code is loaded on
    demand), so: wait for the run, for at least `min_charts` charts, then until two looks half a
    second apart, each when the browser is idle, see the same charts, all drawn."""
    page.wait_for_selector("h1", timeout=timeout_ms)
    page.wait_for_selector(APP_DONE, timeout=timeout_ms)
    if min_charts:
        page.wait_for_function(
            f"() => document.querySelectorAll('{CHART} .main-svg').length >= {min_charts}",
            timeout=timeout_ms,
        )
    state_charts_drawn = _until_two_looks_agree(
        page,
        lambda: page.evaluate(_SETTLED),
        ready=lambda look: look[0] == "notRunning" and look[2] == look[1],
        timeout_ms=timeout_ms,
        settle_ms=500,
        what="the page did not settle (state, charts, drawn)",
    )
    return state_charts_drawn[1]


def close_dialogs(page) -> None:
    """Streamlit's 'page not found' notice can show on a fresh server's first deep link."""
    if page.locator('[role="dialog"]').count():
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)


_BOX_WHEN_IDLE = """el => new Promise(resolve => requestIdleCallback(() => {
    const box = el.getBoundingClientRect();
    resolve([box.x, box.y, box.width, box.height]);
}, {timeout: 2000}))"""


def wait_until_still(locator, *, timeout_ms: float = 30_000, settle_ms: int = 400) -> None:
    """Scroll `locator` into view and wait until two looks `settle_ms` apart, each when the
    browser is idle, find it in the same place. Content above a button can still be growing
    when it is clicked (a data frame in a just-opened expander draws its grid lazily): under
    CPU load the page moved between Playwright's aim and its click, which then landed on the
    block around the button (seen in CI, reproduced 9 times in 40 under load)."""
    locator.scroll_into_view_if_needed()
    _until_two_looks_agree(
        locator.page,
        lambda: locator.evaluate(_BOX_WHEN_IDLE),
        timeout_ms=timeout_ms,
        settle_ms=settle_ms,
        what=f"{locator} kept moving (x, y, width, height)",
    )
