"""Benchmark: speed of import, derivation and pages on a generated ledger of any size.

    python bench/run.py --loans 1000000 [--json] [--write-results]
    python bench/run.py --loans 2000 --quick --json      # the CI smoke run

It generates a sample ledger (sample_data.generate; cached in --data-dir), imports it with the
real importer into a fresh DuckDB file and measures, each phase in a child process of its own:
- import time (read + validate + load) and derivation time (ledger.derive, per step: wall and
  CPU), peak RSS of the importing process, database size;
- for every page of the app: the server-side time of all the queries it runs with default
  filters, cold (new process, new connection) and warm (median of reruns), see page_timing.py;
- the browser's time to the first chart on the overview (headless Chromium, median of 3);
- the same core derivation (paid-off dates, month-end states) in pandas and on PostgreSQL, on
  the same data, with the ratios to DuckDB's time for those steps;
- the cost of importing one further month of exports into an existing database vs a rebuild.
Then it prints a table (or one JSON object with --json) with every target met or missed.

Timings are wall-clock; the load average at the start and end is recorded, because other work
on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"
SEED = 20261031
# DuckDB's steps that the pandas and PostgreSQL versions also do (ledger/sql/derive/).
CORE_STEPS = (
    "00_derive_settings",
    "01_segments",
    "10_pay_day",
    "20_installment_paid",
    "30_loan_status",
    "45_loan_state_macro",
    "46_dpd_order_macro",
    "50_loan_points",
    "70_loan_month",
)
RAW_TABLES = ("loans", "installments", "repayments", "collection_actions")
COUNTED = (
    *RAW_TABLES,
    "installment_status",
    "pay_day",
    "loan_month",
    "action_status",
    "payment_status",
)

# name: (limit, unit, lower is better)
TARGETS_1M = {
    "import_plus_derive_s": (45.0, "s"),
    "peak_rss_mb": (4096.0, "MB"),
    "page_warm_ms_max": (150.0, "ms"),
    "page_cold_ms_max": (1000.0, "ms"),
    "first_chart_ms": (2000.0, "ms"),
    "incremental_over_full": (0.10, "ratio"),
}
RATIO_TARGETS = {"pandas_over_duckdb": 20.0, "postgres_over_duckdb": 5.0}
TARGET_10M_S = 600.0


# ---------------------------------------------------------------------------------------------
# Helpers


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _log(msg: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def _child(
    args: list[str], env: dict[str, str] | None = None, *, show_progress: bool = False
) -> dict[str, Any]:
    """Run a Python child process and return the JSON object on its last stdout line.
    With `show_progress` its stderr (the import's steps) goes to ours as it runs."""
    proc = subprocess.run(
        [sys.executable, *args],
        stdout=subprocess.PIPE,
        stderr=None if show_progress else subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )
    if proc.returncode != 0:
        detail = "its log is above" if show_progress else proc.stderr[-4000:]
        raise RuntimeError(f"{' '.join(args[:2])} failed:\n{detail}")
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise RuntimeError(f"{' '.join(args[:2])} printed no JSON:\n{proc.stdout[-2000:]}")
    return json.loads(lines[-1])


def _db_size_mb(db: Path) -> float:
    files = [db, db.with_name(db.name + ".wal")]
    return round(sum(f.stat().st_size for f in files if f.exists()) / 1e6, 1)


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "memory_gb": mem_gb,
        "os": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def versions() -> dict[str, str]:
    import duckdb
    import pandas
    import pyarrow

    out = {
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "pyarrow": pyarrow.__version__,
    }
    for mod in ("streamlit", "plotly", "playwright", "psycopg"):
        try:
            from importlib.metadata import version

            out[mod] = version(mod)
        except Exception:
            out[mod] = "not installed"
    return out


# ---------------------------------------------------------------------------------------------
# Generation


def generate(loans: int, seed: int, fmt: str, data_dir: Path) -> tuple[Path, float | None]:
    """The sample ledger's folder (generated once per size/seed/format; then reused)."""
    out = data_dir / f"ledger_{loans}_{seed}_{fmt}"
    done = out / ".complete"
    if done.exists():
        return out, None
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sample_data.generate",
            "--loans",
            str(loans),
            "--seed",
            str(seed),
            "--out",
            str(out),
            "--format",
            fmt,
        ],
        check=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
    )
    took = time.perf_counter() - started
    done.write_text(f"{took:.1f}\n")
    return out, took


def split_last_month(src: Path, out: Path, fmt: str) -> tuple[Path, Path, str]:
    """Split a generated ledger into the exports up to the last month and that month's export.

    The generator has no "next month" option, so the month's export is simulated: `base` holds
    loans disbursed before the cutoff (first day of the data's last month) as they stood then
    (a later closing not yet known), their schedules, and payments and actions before the
    cutoff; `month` holds the loans disbursed or closed from the cutoff on (full rows: a changed
    loan is sent again and replaces the old row by key), the new loans' schedules, and the
    month's payments and actions.
    """
    import duckdb

    ext = "csv" if fmt == "csv" else "parquet"
    read = "read_csv" if fmt == "csv" else "read_parquet"
    opts = "(HEADER true)" if fmt == "csv" else "(FORMAT parquet)"
    con = duckdb.connect()
    try:
        for t in RAW_TABLES:
            con.execute(f"CREATE VIEW {t} AS SELECT * FROM {read}('{src / f'{t}.{ext}'}')")
        cutoff = con.execute(
            "SELECT CAST(date_trunc('month', greatest((SELECT max(paid_date) FROM repayments),"
            " (SELECT max(disbursed_date) FROM loans))) AS DATE)"
        ).fetchone()[0]
        c = f"DATE '{cutoff}'"
        parts = {
            "base": {
                "loans": f"SELECT * REPLACE (CASE WHEN closed_date < {c} THEN closed_date END"
                f" AS closed_date, CASE WHEN closed_date < {c} THEN close_reason END"
                f" AS close_reason) FROM loans WHERE disbursed_date < {c}",
                "installments": "SELECT i.* FROM installments i JOIN loans l USING (loan_id)"
                f" WHERE l.disbursed_date < {c}",
                "repayments": f"SELECT * FROM repayments WHERE paid_date < {c}",
                "collection_actions": "SELECT * FROM collection_actions"
                f" WHERE CAST(action_at AS DATE) < {c}",
            },
            "month": {
                "loans": f"SELECT * FROM loans WHERE disbursed_date >= {c} OR closed_date >= {c}",
                "installments": "SELECT i.* FROM installments i JOIN loans l USING (loan_id)"
                f" WHERE l.disbursed_date >= {c}",
                "repayments": f"SELECT * FROM repayments WHERE paid_date >= {c}",
                "collection_actions": "SELECT * FROM collection_actions"
                f" WHERE CAST(action_at AS DATE) >= {c}",
            },
        }
        for part, tables in parts.items():
            (out / part).mkdir(parents=True, exist_ok=True)
            for t, sql in tables.items():
                con.execute(f"COPY ({sql}) TO '{out / part / f'{t}.{ext}'}' {opts}")
    finally:
        con.close()
    return out / "base", out / "month", str(cutoff)


# ---------------------------------------------------------------------------------------------
# Import + derivation (runs in a child: `run.py --worker import SRC DB`)


def worker_import(src: Path, db: Path) -> dict[str, Any]:
    """Import `src` into `db` with the real importer, timing ledger.derive.derive's steps apart
    from the rest (read, validate, load, swap). Prints nothing; returns the figures."""
    sys.path.insert(0, str(REPO))
    import ledger.derive as derive_mod

    steps: list[dict[str, Any]] = []
    spans: dict[str, float] = {"derive_s": 0.0, "derive_cpu_s": 0.0}
    real_derive = derive_mod.derive

    def timed_derive(
        con: Any, settings: Any = None, as_of: date | None = None, progress: Any = None
    ) -> Any:
        mark = {"step": None, "wall": time.perf_counter(), "cpu": _cpu()}

        def on_step(step: str, done: int, total: int) -> None:
            now, cpu = time.perf_counter(), _cpu()
            if mark["step"] is not None:
                steps.append(
                    {
                        "step": mark["step"],
                        "wall_s": round(now - mark["wall"], 3),
                        "cpu_s": round(cpu - mark["cpu"], 3),
                    }
                )
            mark.update(step=step, wall=now, cpu=cpu)
            _log(f"  derive: {step}")
            if progress:
                progress(step, done, total)

        started, cpu0 = time.perf_counter(), _cpu()
        try:
            return real_derive(con, settings, as_of, progress=on_step)
        finally:
            spans["derive_s"] += time.perf_counter() - started
            spans["derive_cpu_s"] += _cpu() - cpu0

    derive_mod.derive = timed_derive
    importer_name = "ledger.importer.import_paths"
    marks: list[tuple[float, str]] = []

    def on_progress(fraction: float, message: str) -> None:
        if (not marks or marks[-1][1] != message) and not message.startswith("deriving"):
            _log(f"  import: {message}")
        marks.append((time.perf_counter(), message))

    started, cpu0 = time.perf_counter(), _cpu()
    try:
        import ledger.importer as importer

        if getattr(importer, "derive", None) is real_derive:
            importer.derive = timed_derive
        report = importer.import_paths([src], db, progress=on_progress)
    except ImportError:
        importer_name = "raw load (ledger.importer not available: no validation)"
        report = _raw_load(src, db, timed_derive)
    total = time.perf_counter() - started
    cpu_total = _cpu() - cpu0
    return {
        "importer": importer_name,
        "total_s": round(total, 3),
        "import_s": round(total - spans["derive_s"], 3),
        "derive_s": round(spans["derive_s"], 3),
        "cpu_s": round(cpu_total, 3),
        "derive_cpu_s": round(spans["derive_cpu_s"], 3),
        "steps": steps,
        "phases": _phases(marks),
        "peak_rss_mb": _peak_rss_mb(),
        "report": _jsonable(report),
    }


def by_step(steps: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Step times summed per derivation file, in order: a big ledger's per-loan steps report
    each loan range ("80_action_status (loans 1-1000001)") and a step run again after running
    out of memory reports both runs; the step's cost is their sum."""
    out: dict[str, dict[str, Any]] = {}
    for s in steps:
        one = out.setdefault(s["step"].split(" (")[0], {"wall_s": 0.0, "cpu_s": 0.0, "runs": 0})
        one["wall_s"] += s["wall_s"]
        one["cpu_s"] += s["cpu_s"]
        one["runs"] += 1
    return out


def _phases(marks: list[tuple[float, str]]) -> dict[str, float]:
    """Wall time between the importer's progress messages, by phase. A file is read and staged
    before its "read FILE" message; derivation steps are summed into one phase."""
    out: dict[str, float] = {}
    for (t0, start), (t1, end) in zip(marks, marks[1:], strict=False):
        label = end if end.startswith("read ") else start
        if label.startswith("read "):
            label = f"read {Path(label[5:]).name}"
        if label.startswith("deriving: done"):
            label = "after derivation (close, swap)"
        elif label.startswith("deriving"):
            label = "derivation"
        out[label] = round(out.get(label, 0.0) + t1 - t0, 3)
    return out


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except TypeError:
        if hasattr(value, "__dict__"):
            return _jsonable(vars(value))
        return str(value)[:500]


def _raw_load(src: Path, db: Path, derive: Any) -> str:
    """Fallback while no importer exists: the generated files straight into the raw tables."""
    from ledger.db import connect, create_raw_tables

    ext = "csv" if (src / "loans.csv").exists() else "parquet"
    read = "read_csv" if ext == "csv" else "read_parquet"

    def f(t: str) -> str:
        return f"{read}('{src / f'{t}.{ext}'}')"

    con = connect(db)
    try:
        create_raw_tables(con)
        con.execute(
            "INSERT INTO loans SELECT loan_id, borrower_id, disbursed_date, principal,"
            " term_months, product, region, risk_grade, credit_score, acquisition_channel,"
            f" closed_date, close_reason FROM {f('loans')}"
        )
        con.execute(
            f"INSERT INTO loan_extras SELECT loan_id, 'borrower_type', borrower_type"
            f" FROM {f('loans')} UNION ALL SELECT loan_id, 'fin_edu', fin_edu FROM {f('loans')}"
        )
        con.execute(
            "INSERT INTO installments SELECT loan_id, installment_no, due_date, principal_due,"
            f" interest_due, fee_due FROM {f('installments')}"
        )
        con.execute(
            "INSERT INTO repayments SELECT payment_id, loan_id, paid_date, NULL, amount,"
            f" installment_no FROM {f('repayments')}"
        )
        con.execute(
            "INSERT INTO collection_actions SELECT action_id, loan_id, action_at, channel,"
            " agent_id, agency, outcome, ptp_amount, ptp_date, cost, complaint, contact_target"
            f" FROM {f('collection_actions')}"
        )
        derive(con)
    finally:
        con.close()
    return "raw load"


def import_once(src: Path, db: Path) -> dict[str, Any]:
    for f in (db, db.with_name(db.name + ".wal")):
        f.unlink(missing_ok=True)
    worker = [str(Path(__file__).resolve()), "--worker", "import", str(src), str(db)]
    return _child(worker, show_progress=True)


def counts(db: Path) -> dict[str, int]:
    sys.path.insert(0, str(REPO))
    from ledger.db import connect

    con = connect(db, read_only=True)
    try:
        present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in COUNTED
            if t in present
        }
    finally:
        con.close()


def checksum(db: Path) -> list[float]:
    sys.path.insert(0, str(BENCH))
    from postgres_derivation import duckdb_checksum

    return duckdb_checksum(db)


# ---------------------------------------------------------------------------------------------
# The benchmark


def _phase(work: Path, name: str, resume: bool, fn: Any) -> Any:
    """Run one part of the benchmark, or with --resume take its figures from an earlier run in
    the same work dir (each part records when it ran and the load average around it)."""
    saved = work / "phases" / f"{name}.json"
    if resume and saved.exists():
        _log(f"{name}: figures of the earlier run in {work}")
        return json.loads(saved.read_text())
    load0, at = os.getloadavg()[0], datetime.now().isoformat(timespec="seconds")
    value = fn()
    if isinstance(value, dict):
        value = {
            **value,
            "ran_at": at,
            "load_average_1m": [round(load0, 2), round(os.getloadavg()[0], 2)],
        }
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(value, default=str))
    return value


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    quick = args.quick
    big = args.loans >= 2_000_000
    skip = set(args.skip or [])
    if quick:
        skip |= {"postgres", "browser"}
    if big and not args.force_all:
        # Beyond a few million loans only the import is the target (10M: "completes within 10
        # minutes without running out of memory"); pandas alone would need tens of GB.
        skip |= {"pandas", "postgres", "browser", "incremental", "pages"}
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="bench_"))
    work.mkdir(parents=True, exist_ok=True)
    if args.report_only:
        # Assemble the report from the parts an earlier run in this work dir finished.
        args.resume = True
        for name in ("pages", "browser", "pandas", "postgres", "incremental"):
            if not (work / "phases" / f"{name}.json").exists():
                skip.add(name)
    result: dict[str, Any] = {
        "loans": args.loans,
        "seed": args.seed,
        "format": args.format,
        "quick": quick,
        "started": datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        "skipped": sorted(skip),
    }

    _log(f"generating {args.loans:,} loans ({args.format})")
    src, gen_s = generate(args.loans, args.seed, args.format, Path(args.data_dir))
    result["generate_s"] = None if gen_s is None else round(gen_s, 1)
    result["source_mb"] = round(sum(f.stat().st_size for f in src.iterdir()) / 1e6, 1)

    db = work / "ledger.duckdb"
    runs = args.import_runs or (3 if args.loans <= 100_000 and not quick else 1)

    def do_imports() -> dict[str, Any]:
        done = []
        for i in range(runs):
            _log(f"import + derive, run {i + 1}/{runs}")
            done.append(import_once(src, db))
        return {"runs": done}

    import_phase = _phase(work, "import", args.resume, do_imports)
    imports = import_phase["runs"]
    best = sorted(imports, key=lambda r: r["total_s"])[len(imports) // 2]
    per_run = [by_step(r["steps"]) for r in imports]
    steps = [
        {
            "step": name,
            "wall_s": round(statistics.median(run[name]["wall_s"] for run in per_run), 3),
            "cpu_s": round(statistics.median(run[name]["cpu_s"] for run in per_run), 3),
            **({"runs": per_run[0][name]["runs"]} if per_run[0][name]["runs"] > 1 else {}),
        }
        for name in per_run[0]
    ]
    core_s = round(sum(s["wall_s"] for s in steps if s["step"] in CORE_STEPS), 3)
    core_cpu_s = round(sum(s["cpu_s"] for s in steps if s["step"] in CORE_STEPS), 3)
    result["import"] = {
        "importer": best["importer"],
        "runs": len(imports),
        "import_s": round(statistics.median(r["import_s"] for r in imports), 3),
        "derive_s": round(statistics.median(r["derive_s"] for r in imports), 3),
        "total_s": round(statistics.median(r["total_s"] for r in imports), 3),
        "cpu_s": round(statistics.median(r["cpu_s"] for r in imports), 3),
        "runs_total_s": [r["total_s"] for r in imports],
        "peak_rss_mb": max(r["peak_rss_mb"] for r in imports),
        "db_size_mb": _db_size_mb(db),
        "core_derive_s": core_s,
        "core_derive_cpu_s": core_cpu_s,
        "steps": steps,
        "phases": best["phases"],
        "ran_at": import_phase.get("ran_at"),
        "load_average_1m": import_phase.get("load_average_1m"),
    }
    result["rows"] = counts(db)

    if "pages" not in skip:
        _log("pages: recording calls through AppTest, then timing them")
        sys.path.insert(0, str(BENCH))
        import page_timing

        pages = _phase(
            work,
            "pages",
            args.resume,
            lambda: page_timing.pages(
                db,
                work / "pages",
                warm_runs=2 if quick else args.warm_runs,
                fresh_process=not quick,
            ),
        )
        pages_meta = {k: v for k, v in pages.items() if not isinstance(v, dict)}
        pages = {k: v for k, v in pages.items() if isinstance(v, dict)}
        timed = [p for p in pages.values() if "warm_ms" in p]
        result["pages"] = pages
        result["pages_summary"] = {
            "pages": len(pages),
            "timed": len(timed),
            "with_errors": sorted(u for u, p in pages.items() if p.get("errors")),
            "missing": sorted(u for u, p in pages.items() if p.get("missing")),
            "warm_ms_max": max((p["warm_ms"] for p in timed), default=None),
            "cold_ms_max": max((p["cold_ms"] for p in timed), default=None),
            **pages_meta,
        }

    if "browser" not in skip:
        _log("browser: time to first chart on the overview")
        sys.path.insert(0, str(BENCH))
        import page_timing

        def do_browser() -> dict[str, Any]:
            try:
                out = page_timing.first_chart(db, runs=3, screenshot=work / "overview.png")
                floor = page_timing.first_chart(db, runs=3, app=BENCH / "floor_app.py")
                return {
                    **out,
                    "screenshot": str(work / "overview.png"),
                    "floor_first_chart_ms": floor["first_chart_ms"],
                    "floor_first_kpi_ms": floor["first_kpi_ms"],
                }
            except Exception as exc:
                return {"error": f"{type(exc).__name__}: {exc}"[:500]}

        result["browser"] = _phase(work, "browser", args.resume, do_browser)

    if "pandas" not in skip:
        _log("pandas derivation")
        cmd = [str(BENCH / "pandas_derivation.py"), "--db", str(db), "--json"]
        if args.loans <= 50_000:
            cmd.append("--check")

        def do_pandas() -> dict[str, Any]:
            try:
                out = _child(cmd)
                out["agrees_checksum"] = _close(out["checksum"], checksum(db))
                return out
            except Exception as exc:
                return {"error": f"{type(exc).__name__}: {exc}"[-1500:]}

        pd_result = _phase(work, "pandas", args.resume, do_pandas)
        if "derive_s" in pd_result:
            pd_result["ratio"] = round(pd_result["derive_s"] / core_s, 2) if core_s else None
            pd_result["ratio_cpu"] = (
                round(pd_result["cpu_s"] / core_cpu_s, 2) if core_cpu_s else None
            )
        result["pandas"] = pd_result

    if "postgres" not in skip:
        _log("PostgreSQL derivation")

        def do_postgres() -> dict[str, Any]:
            try:
                return _child([str(BENCH / "postgres_derivation.py"), "--db", str(db), "--json"])
            except Exception as exc:
                return {"error": f"{type(exc).__name__}: {exc}"[-1500:]}

        pg = _phase(work, "postgres", args.resume, do_postgres)
        if "derive_s" in pg:
            pg["ratio"] = round(pg["derive_s"] / core_s, 2) if core_s else None
            if "cpu_s" in pg and core_cpu_s:
                pg["ratio_cpu"] = round(pg["cpu_s"] / core_cpu_s, 2)
        result["postgres"] = pg

    if "incremental" not in skip:
        _log("incremental: one further month of exports")

        def do_incremental() -> dict[str, Any]:
            base, month, cutoff = split_last_month(src, work / "split", args.format)
            inc_db = work / "incremental.duckdb"
            first = import_once(base, inc_db)
            second = _child(
                [str(Path(__file__).resolve()), "--worker", "import", str(month), str(inc_db)]
            )
            return {
                "cutoff": cutoff,
                "base_total_s": first["total_s"],
                "month_total_s": second["total_s"],
                "month_import_s": second["import_s"],
                "month_derive_s": second["derive_s"],
                "month_cpu_s": second["cpu_s"],
                "month_phases": second["phases"],
                "same_result_as_full": _close(checksum(inc_db), checksum(db)),
            }

        inc = _phase(work, "incremental", args.resume, do_incremental)
        full = result["import"]["total_s"]
        inc["full_total_s"] = full
        inc["ratio"] = round(inc["month_total_s"] / full, 3) if full else None
        result["incremental"] = inc

    result["finished"] = datetime.now().isoformat(timespec="seconds")
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    result["targets"] = targets(result)
    if not args.keep and not args.work_dir:
        shutil.rmtree(work, ignore_errors=True)
    else:
        result["work_dir"] = str(work)
    return result


def _close(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) < 0.005 for x, y in zip(a, b, strict=True))


def targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 7 with the figure measured here (targets are set for 1M loans)."""
    out: list[dict[str, Any]] = []

    def add(name: str, value: float | None, limit: float, unit: str, higher_better: bool = False):
        if value is None:
            out.append({"target": name, "limit": limit, "unit": unit, "value": None, "met": None})
            return
        met = value >= limit if higher_better else value <= limit
        off = (limit / value if higher_better else value / limit) if value and limit else None
        out.append(
            {
                "target": name,
                "limit": limit,
                "unit": unit,
                "value": value,
                "met": met,
                "times_limit": None if off is None else round(off, 2),
            }
        )

    imp = r["import"]
    if r["loans"] >= 5_000_000:
        add("import_plus_derive_s (10M: within 10 min)", imp["total_s"], TARGET_10M_S, "s")
    else:
        add("import_plus_derive_s", imp["total_s"], *TARGETS_1M["import_plus_derive_s"])
    add("peak_rss_mb", imp["peak_rss_mb"], *TARGETS_1M["peak_rss_mb"])
    ps = r.get("pages_summary") or {}
    add("page_warm_ms_max", ps.get("warm_ms_max"), *TARGETS_1M["page_warm_ms_max"])
    add("page_cold_ms_max", ps.get("cold_ms_max"), *TARGETS_1M["page_cold_ms_max"])
    add(
        "first_chart_ms",
        (r.get("browser") or {}).get("first_chart_ms"),
        *TARGETS_1M["first_chart_ms"],
    )
    add(
        "pandas_over_duckdb",
        (r.get("pandas") or {}).get("ratio"),
        RATIO_TARGETS["pandas_over_duckdb"],
        "x",
        higher_better=True,
    )
    add(
        "postgres_over_duckdb",
        (r.get("postgres") or {}).get("ratio"),
        RATIO_TARGETS["postgres_over_duckdb"],
        "x",
        higher_better=True,
    )
    add(
        "incremental_over_full",
        (r.get("incremental") or {}).get("ratio"),
        *TARGETS_1M["incremental_over_full"],
    )
    return out


# ---------------------------------------------------------------------------------------------
# Output


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.1f}" if abs(v) >= 10 else f"{v:,.3g}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _when(part: dict[str, Any] | None) -> str:
    if not part or "ran_at" not in part:
        return ""
    load = part.get("load_average_1m") or []
    return f" [ran {part['ran_at']}, 1-min load average {' -> '.join(map(str, load))}]"


def report_lines(r: dict[str, Any]) -> list[str]:
    """The human-readable summary, as Markdown (it prints fine in a terminal too)."""
    m, v, imp = r["machine"], r["versions"], r["import"]
    lines = [
        f"## {r['loans']:,} loans (seed {r['seed']}, {r['format']}) — {r['started']}",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gb']} GB, {m['os']}; "
        f"load average at start {m['load_average']}, at end {r.get('load_average_end')}.",
        "Versions: "
        + ", ".join(f"{k} {val}" for k, val in v.items())
        + (f", {r['postgres']['version']}" if "version" in r.get("postgres", {}) else "")
        + (f", Chromium {r['browser']['chromium']}" if "chromium" in r.get("browser", {}) else "")
        + ".",
        "",
        "Rows: "
        + ", ".join(f"{k} {_fmt(n)}" for k, n in r["rows"].items())
        + f". Source files {_fmt(r['source_mb'])} MB; database {_fmt(imp['db_size_mb'])} MB.",
        "",
        "| target | limit | measured | met |",
        "|---|---|---|---|",
    ]
    for t in r["targets"]:
        met = {True: "yes", False: f"**no** ({t.get('times_limit')}x)", None: "not run"}[t["met"]]
        lines.append(
            f"| {t['target']} | {_fmt(t['limit'])} {t['unit']} | "
            f"{_fmt(t['value'])} {t['unit'] if t['value'] is not None else ''} | {met} |"
        )
    lines += [
        "",
        f"Import + derivation ({imp['importer']}; median of {imp['runs']} run(s): "
        f"{imp['runs_total_s']} s): import (read, validate, load) {_fmt(imp['import_s'])} s, "
        f"derivation {_fmt(imp['derive_s'])} s (core steps {_fmt(imp['core_derive_s'])} s, "
        f"CPU {_fmt(imp.get('core_derive_cpu_s'))} s), "
        f"CPU {_fmt(imp['cpu_s'])} s, peak RSS {_fmt(imp['peak_rss_mb'])} MB. Import phases "
        "(s): " + ", ".join(f"{k} {v:.2f}" for k, v in imp["phases"].items()) + "." + _when(imp),
        "",
        "| derivation step | wall s | CPU s |",
        "|---|---|---|",
    ]
    for s in sorted(imp["steps"], key=lambda s: -s["wall_s"]):
        ranges = f" ({s['runs']} loan ranges)" if s.get("runs") else ""
        lines.append(f"| {s['step']}{ranges} | {s['wall_s']:.2f} | {s['cpu_s']:.2f} |")
    if "pages" in r:
        lines += [
            "",
            "Pages" + _when(r.get("pages_summary")) + ":",
            "",
            "| page | queries | cold ms | warm ms | cold CPU ms | warm CPU ms | slowest query "
            "(warm ms) | AppTest script s |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for url, p in r["pages"].items():
            if p.get("missing"):
                lines.append(f"| {url} | (no page file) | | | | | | |")
                continue
            slow = p.get("slowest") or {}
            err = " (errors)" if p.get("errors") else ""
            lines.append(
                f"| {url}{err} | {p['calls']} | {_fmt(p['cold_ms'])} | {_fmt(p['warm_ms'])} | "
                f"{_fmt(p.get('cold_cpu_ms'))} | {_fmt(p.get('warm_cpu_ms'))} | "
                f"{slow.get('query', '')} ({_fmt(slow.get('warm_ms'))}) | "
                f"{_fmt(p.get('script_s'))} |"
            )
    b = r.get("browser")
    if b:
        lines += [
            "",
            f"Browser: {b}"
            if "error" in b
            else f"Browser (overview, first chart): median {_fmt(b['first_chart_ms'])} ms of "
            f"{b['runs_ms']} ms (first KPI card {_fmt(b.get('first_kpi_ms'))} ms); first load "
            f"on a fresh server {_fmt(b['first_load_ms'])} ms. Floor (bench/floor_app.py: one "
            f"KPI and one plotly chart, timed the same way): first chart "
            f"{_fmt(b.get('floor_first_chart_ms'))} ms, KPI {_fmt(b.get('floor_first_kpi_ms'))} "
            "ms." + _when(b),
        ]
    pdr = r.get("pandas")
    if pdr:
        lines += [
            "",
            f"pandas: {pdr['error']}"
            if "error" in pdr
            else f"pandas core derivation: {_fmt(pdr['derive_s'])} s (CPU {_fmt(pdr['cpu_s'])} s;"
            f" steps {pdr['steps']}), peak RSS {_fmt(pdr['peak_rss_mb'])} MB, "
            f"{_fmt(pdr['ratio'])}x DuckDB's core steps by wall time, "
            f"{_fmt(pdr.get('ratio_cpu'))}x by CPU time; agrees with loan_month: "
            f"{(pdr.get('check') or {}).get('agrees', pdr['agrees_checksum'])}." + _when(pdr),
        ]
    pg = r.get("postgres")
    if pg:
        lines += [
            "",
            f"PostgreSQL: {pg['error']}"
            if "error" in pg
            else f"PostgreSQL core derivation: {_fmt(pg['derive_s'])} s (steps {pg['steps']}; "
            f"load {_fmt(pg['load_s'])} s not counted), server CPU {_fmt(pg.get('cpu_s'))} s; "
            f"{_fmt(pg['ratio'])}x DuckDB's core steps by wall time, "
            f"{_fmt(pg.get('ratio_cpu'))}x by CPU time; agrees with loan_month (checksums): "
            f"{pg['agrees']}." + _when(pg),
        ]
    inc = r.get("incremental")
    if inc:
        lines += [
            "",
            f"Incremental: importing the month from {inc['cutoff']} into the database "
            f"of the months before took {_fmt(inc['month_total_s'])} s (import "
            f"{_fmt(inc['month_import_s'])} s + derivation {_fmt(inc['month_derive_s'])}"
            f" s) vs {_fmt(inc['full_total_s'])} s for the full rebuild: "
            f"{_fmt(inc['ratio'])}; same result as the rebuild: "
            f"{inc['same_result_as_full']}." + _when(inc),
        ]
    return lines


FIG_START, FIG_END = "<!-- figures {n}: start -->", "<!-- figures {n}: end -->"


def write_results(r: dict[str, Any], path: Path = RESULTS) -> None:
    """Replace this size's generated block in RESULTS.md (the prose around it is kept)."""
    start, end = FIG_START.format(n=r["loans"]), FIG_END.format(n=r["loans"])
    block = "\n".join(
        [
            start,
            *report_lines(r),
            "",
            "<details><summary>JSON</summary>",
            "",
            "```json",
            json.dumps(r, default=str),
            "```",
            "</details>",
            end,
        ]
    )
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        if argv[1] == "import":
            print(json.dumps(worker_import(Path(argv[2]), Path(argv[3]))))
            return 0
        raise SystemExit(f"unknown worker {argv[1]}")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loans", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default="csv",
        help="format of the generated exports (default csv, as core systems export)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: no PostgreSQL, no browser, one import, few repeats",
    )
    parser.add_argument(
        "--skip",
        action="append",
        choices=("pages", "browser", "pandas", "postgres", "incremental"),
        help="leave a part out (repeatable)",
    )
    parser.add_argument(
        "--force-all",
        action="store_true",
        help="above 2M loans, run pandas, PostgreSQL, pages and browser too",
    )
    parser.add_argument(
        "--import-runs",
        type=int,
        default=None,
        help="imports to take the median of (default 3 up to 100k loans, else 1)",
    )
    parser.add_argument("--warm-runs", type=int, default=5, help="warm reruns of page queries")
    parser.add_argument(
        "--data-dir",
        default=str(Path(tempfile.gettempdir()) / "bench_ledgers"),
        help="where generated ledgers are kept for reuse",
    )
    parser.add_argument("--work-dir", default=None, help="databases and scratch (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the work dir")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="with --work-dir: report the parts an earlier run there finished; run nothing",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="with --work-dir: reuse the figures of parts an earlier run there "
        "finished (each part records when it ran and the load then)",
    )
    parser.add_argument(
        "--write-results",
        action="store_true",
        help=f"write this run's figures into {RESULTS.relative_to(REPO)}",
    )
    args = parser.parse_args(argv)
    result = benchmark(args)
    if args.write_results:
        write_results(result)
    if args.json:
        print(json.dumps(result, default=str))
    else:
        print("\n".join(report_lines(result)))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
