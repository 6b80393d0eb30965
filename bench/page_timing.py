"""Server-side query time of every page, and the browser's time to the first chart.

Which queries a page runs is not declared here: every page of ui.navigation.SECTIONS is run
through streamlit.testing's AppTest with default filters, and the calls it makes to
`queries.run` / `queries.lookup` (what ui.data's cached metric()/lookup() call) are recorded,
with st.cache_data cleared before each page. So the list stays true when pages change. The
calls a page makes at once through ui.data.metrics() are recorded as one batch.

Each page's recorded calls are then timed outside Streamlit, in a fresh process per page:
- cold: a new process opens a new read-only connection on the database file and runs the
  page's calls once (connect included). The OS page cache is not dropped (that needs root
  tricks on a shared machine), so "cold" means cold DuckDB, warm disk.
- warm: the same calls again on that connection, `warm_runs` times; the median total.
A batch's calls run at once here too, on as many threads as the app uses; a page's time is the
sum of its calls alone and its batches' wall times.
No st.cache_data in between: this is the cost of a cache miss, which every new filter is.

Time to first chart: `streamlit run dashboard.py` on the database, headless Chromium, from
navigation start to the first drawn plotly chart ([data-testid="stPlotlyChart"] .main-svg) on
the overview page, in a fresh browser context each time, after one load that warms the server.
"""

from __future__ import annotations

import itertools
import json
import os
import pickle
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

# A recorded query call: (kind "metric" or "lookup", name, parameters, batch number or None).
Call = tuple[Any, ...]

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
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
CHART = '[data-testid="stPlotlyChart"] .main-svg'
KPI = '[data-testid="stMetric"]'
# Polled every animation frame: when the first KPI card and the first plotly chart appear (ms
# since navigation start); resolves once the chart is there.
PROBE = (
    "() => { const w = window.__bench || (window.__bench = {});"
    f" if (!('kpi' in w) && document.querySelector('{KPI}')) w.kpi = performance.now();"
    f" if (!('chart' in w) && document.querySelector('{CHART}')) w.chart = performance.now();"
    " return ('chart' in w) ? w : null; }"
)


def page_files() -> list[tuple[str, str]]:
    """(url path, file) of every page in the navigation, in menu order."""
    from ui.navigation import SECTIONS

    return [(url, path) for entries in SECTIONS.values() for path, _, _, url in entries]


def record_calls(db: Path, timeout: float = 300) -> dict[str, dict[str, Any]]:
    """Run every page through AppTest on `db`; per page: its query calls, script time, errors.

    Runs in this process (call it in a child process: it sets LEDGER_DB and patches queries).
    """
    os.environ["LEDGER_DB"] = str(db)
    sys.path.insert(0, str(REPO))
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    import queries
    import ui.data

    calls: list[Call] = []
    real_run, real_lookup, real_metrics = queries.run, queries.lookup, ui.data.metrics
    # The calls a page makes through ui.data.metrics() run at once; they are recorded with the
    # number of that batch, and timed at once too (time_calls).
    batch: list[int | None] = [None]
    batches = itertools.count(1)

    def run(con: Any, name: str, **params: Any) -> Any:
        calls.append(("metric", name, params, batch[0]))
        return real_run(con, name, **params)

    def lookup(con: Any, name: str, **params: Any) -> Any:
        calls.append(("lookup", name, params, None))
        return real_lookup(con, name, **params)

    def metrics(*asked: Any) -> Any:
        batch[0] = next(batches)
        try:
            return real_metrics(*asked)
        finally:
            batch[0] = None

    queries.run, queries.lookup = run, lookup  # type: ignore[assignment]
    ui.data.metrics = metrics  # type: ignore[assignment]
    out: dict[str, dict[str, Any]] = {}
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=timeout)
    at.run()
    for url, path in page_files():
        if not (REPO / path).is_file():
            out[url] = {"file": path, "missing": True, "calls": [], "errors": []}
            continue
        st.cache_data.clear()
        calls.clear()
        started = time.perf_counter()
        errors: list[str] = []
        try:
            at.switch_page(path).run()
            errors = [str(e.message)[:300] for e in at.exception]
        except Exception as exc:  # a page that fails is reported, not fatal to the benchmark
            errors = [f"{type(exc).__name__}: {exc}"[:300]]
        out[url] = {
            "file": path,
            "script_s": round(time.perf_counter() - started, 3),
            "calls": list(calls),
            "errors": errors,
        }
    return out


def batched(calls: list[Call]) -> list[list[int]]:
    """The calls' indexes in the groups the page ran them in: a call alone, or the calls of one
    ui.data.metrics() batch together (recorded without a batch number: each alone)."""
    groups: list[list[int]] = []
    last: int | None = None
    for i, call in enumerate(calls):
        number = call[3] if len(call) > 3 else None
        if number is not None and number == last:
            groups[-1].append(i)
        else:
            groups.append([i])
        last = number
    return groups


def time_calls(db: Path, calls: list[Call], warm_runs: int) -> dict[str, Any]:
    """Cold (new connection, first run) and warm (median of `warm_runs` reruns) time of a page's
    calls. Call it in a fresh process for an honest cold figure.

    The calls of one batch run at once, each on its own cursor, as ui.data.metrics() runs them
    (the same number of threads); the page's time is the sum of its groups' wall times, and a
    call's own time in a batch overlaps the others'."""
    sys.path.insert(0, str(REPO))
    from concurrent.futures import ThreadPoolExecutor

    import queries
    from ledger.db import connect
    from queries.runner import CONCURRENT_QUERIES

    groups = batched(calls)

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    def call_once(con: Any, i: int) -> float:
        kind, name, params = calls[i][:3]
        started = time.perf_counter()
        (queries.run if kind == "metric" else queries.lookup)(con, name, **params)
        return time.perf_counter() - started

    def once(con: Any) -> tuple[list[float], float, float]:
        took, wall, cpu0 = [0.0] * len(calls), 0.0, cpu()
        for group in groups:
            started = time.perf_counter()
            if len(group) == 1:
                took[group[0]] = call_once(con, group[0])
            else:
                workers = min(len(group), CONCURRENT_QUERIES)
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    spent_each = list(pool.map(lambda i: call_once(con, i), group))
                for i, spent in zip(group, spent_each, strict=True):
                    took[i] = spent
            wall += time.perf_counter() - started
        return took, wall, cpu() - cpu0

    started, cpu_start = time.perf_counter(), cpu()
    con = connect(db, read_only=True)
    connect_s = time.perf_counter() - started
    try:
        cold, cold_wall, _ = once(con)
        cold_cpu = cpu() - cpu_start  # connect included, like cold_ms
        warm_runs_ = [once(con) for _ in range(max(warm_runs, 1))]
    finally:
        con.close()
    warm_each = [statistics.median(r[0][i] for r in warm_runs_) for i in range(len(calls))]
    slowest = max(range(len(calls)), key=lambda i: warm_each[i]) if calls else None
    return {
        "calls": len(calls),
        "batches": sum(len(g) > 1 for g in groups),
        "connect_ms": round(connect_s * 1000, 1),
        "cold_ms": round((connect_s + cold_wall) * 1000, 1),
        "warm_ms": round(statistics.median(r[1] for r in warm_runs_) * 1000, 1),
        "cold_cpu_ms": round(cold_cpu * 1000, 1),
        "warm_cpu_ms": round(statistics.median(r[2] for r in warm_runs_) * 1000, 1),
        "slowest": None
        if slowest is None
        else {
            "query": f"{calls[slowest][0]}:{calls[slowest][1]}",
            "warm_ms": round(warm_each[slowest] * 1000, 1),
            "cold_ms": round(cold[slowest] * 1000, 1),
        },
        "per_call": [
            {"query": f"{k}:{n}", "cold_ms": round(c * 1000, 1), "warm_ms": round(w * 1000, 1)}
            for (k, n, *_), c, w in zip(calls, cold, warm_each, strict=True)
        ],
    }


def pages(db: Path, work: Path, warm_runs: int, fresh_process: bool = True) -> dict[str, Any]:
    """Record every page's calls (one child process), then time each page in its own child
    (or, with fresh_process=False, all pages in one child, each on a new connection)."""
    work.mkdir(parents=True, exist_ok=True)
    recorded = work / "page_calls.pkl"
    _child("record", {"db": str(db), "out": str(recorded)})
    with recorded.open("rb") as f:
        per_page = pickle.load(f)
    result: dict[str, Any] = {}
    if not fresh_process:
        todo = {u: i["calls"] for u, i in per_page.items() if not i.get("missing")}
        calls_file = work / "calls_all.pkl"
        with calls_file.open("wb") as f:
            pickle.dump(todo, f)
        timed = _child(
            "time_all", {"db": str(db), "calls": str(calls_file), "warm_runs": warm_runs}
        )
    for url, info in per_page.items():
        entry: dict[str, Any] = {"file": info["file"]}
        if info.get("missing"):
            entry["missing"] = True
            result[url] = entry
            continue
        entry["script_s"] = info["script_s"]
        entry["errors"] = info["errors"]
        if fresh_process:
            calls_file = work / f"calls_{url}.pkl"
            with calls_file.open("wb") as f:
                pickle.dump(info["calls"], f)
            entry.update(
                _child("time", {"db": str(db), "calls": str(calls_file), "warm_runs": warm_runs})
            )
        else:
            entry.update(timed[url])
        result[url] = entry
    return result


def _child(mode: str, args: dict[str, Any]) -> Any:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), mode, json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    if proc.returncode != 0:
        raise RuntimeError(f"page_timing {mode} failed:\n{proc.stderr[-3000:]}")
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{") or ln == "null"]
    return json.loads(lines[-1]) if lines else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_chart(
    db: Path,
    runs: int = 3,
    screenshot: Path | None = None,
    timeout_s: float = 180,
    app: Path | None = None,
) -> dict[str, Any]:
    """Milliseconds from navigation start to the first drawn chart on the overview page (or on
    `app`, e.g. bench/floor_app.py for the floor set by Streamlit and plotly.js themselves)."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app or REPO / "dashboard.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env={**os.environ, "LEDGER_DB": str(db), "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("streamlit server did not start")
            time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

            def once(shot: Path | None = None) -> dict[str, float]:
                ctx = browser.new_context(viewport={"width": 1366, "height": 768})
                page = ctx.new_page()
                try:
                    page.goto(url, wait_until="commit")
                    handle = page.wait_for_function(PROBE, polling="raf", timeout=timeout_s * 1000)
                    seen = handle.json_value()
                    if shot is not None:
                        page.wait_for_selector(
                            '[data-testid="stApp"][data-test-script-state="notRunning"]',
                            timeout=timeout_s * 1000,
                        )
                        page.screenshot(path=str(shot))
                    return seen
                finally:
                    ctx.close()

            cold = once()
            warm = [once(screenshot if i == runs - 1 else None) for i in range(runs)]
            version = browser.version
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    charts = [v["chart"] for v in warm]
    kpis = [v["kpi"] for v in warm if v.get("kpi") is not None]
    return {
        "chromium": version,
        "first_load_ms": round(cold["chart"], 1),
        "runs_ms": [round(v, 1) for v in charts],
        "first_chart_ms": round(statistics.median(charts), 1),
        "first_kpi_ms": round(statistics.median(kpis), 1) if kpis else None,
    }


def _main(argv: list[str]) -> int:
    mode, args = argv[0], json.loads(argv[1])
    if mode == "record":
        result = record_calls(Path(args["db"]))
        with open(args["out"], "wb") as f:
            pickle.dump(result, f)
        print("null")
    elif mode == "time":
        with open(args["calls"], "rb") as f:
            calls = pickle.load(f)
        print(json.dumps(time_calls(Path(args["db"]), calls, int(args["warm_runs"]))))
    elif mode == "time_all":
        with open(args["calls"], "rb") as f:
            per_page = pickle.load(f)
        out = {
            u: time_calls(Path(args["db"]), c, int(args["warm_runs"])) for u, c in per_page.items()
        }
        print(json.dumps(out))
    else:
        raise SystemExit(f"unknown mode {mode}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
