"""Where the derivation's time goes: each step of ledger/sql/derive/ rerun on a copy of a derived
database with DuckDB's profiler on, and its costliest operators listed.

    python bench/profile_derive.py --db FILE [--steps 50_loan_points,80_action_status] [--top 6]

Operator timings are DuckDB's (summed over its threads, so they can exceed the wall time); the
wall and CPU time of each whole step are measured around it. Reruns a step on the tables the
previous steps left in the copy, so a step can be profiled alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _step_values(con: Any) -> dict[str, Any]:
    """The parameters the derivation gives its steps, for a derived database. A per-loan step
    gets the first loan range (ledger.derive.loan_ranges): the whole ledger up to
    LEDGER_DERIVE_CHUNK_LOANS loans, so a step rerun on a bigger ledger's copy is one range's
    work (and leaves only that range in its table)."""
    from ledger.derive import derivation_version, derive_chunk_loans, loan_ranges
    from ledger.settings import load_settings

    settings = load_settings()
    return {
        **settings.as_params(),
        "as_of": con.execute("SELECT as_of FROM derive_settings").fetchone()[0],
        "min_segment_size": settings.min_segment_size,
        "max_segment_values": settings.max_segment_values,
        "vintage_thresholds": list(settings.vintage_thresholds),
        "derive_version": derivation_version(),
        **loan_ranges(con, derive_chunk_loans())[0]._asdict(),
    }


def _label(op: dict[str, Any]) -> str:
    info = op.get("extra_info") or {}
    bits = [op.get("name", "?")]
    for key in ("Table", "CTE Name", "Join Type", "Conditions", "Groups", "Function"):
        if key in info:
            value = info[key]
            value = " AND ".join(value) if isinstance(value, list) else str(value)
            bits.append(f"{key.lower()}: {value[:90]}")
    return " | ".join(bits)


def _flatten(op: dict[str, Any], out: list[dict[str, Any]]) -> None:
    out.append(
        {
            "operator": _label(op),
            "seconds": round(float(op.get("timing") or 0), 3),
            "rows": int(op.get("operator_cardinality") or op.get("intermediate_rows") or 0),
        }
    )
    for child in op.get("children", []):
        _flatten(child, out)


def profile(db: Path, steps: list[str] | None = None, top: int = 6) -> list[dict[str, Any]]:
    """Per step: wall and CPU seconds, and the `top` costliest operators."""
    sys.path.insert(0, str(REPO))
    from ledger.db import connect
    from ledger.derive import derive_files
    from ledger.sqlfile import read_sql, sql_parameters

    work = Path(tempfile.mkdtemp(prefix="bench_profile_"))
    copy = work / "copy.duckdb"
    shutil.copy(db, copy)
    out_file = work / "profile.json"
    con = connect(copy)
    try:
        values = _step_values(con)
        con.execute("SET enable_profiling = 'json'")
        con.execute(f"SET profiling_output = '{out_file}'")
        result = []
        for path in derive_files():
            if steps and path.stem not in steps:
                continue
            sql = read_sql(path)
            out_file.unlink(missing_ok=True)
            started, cpu0 = time.perf_counter(), _cpu()
            con.execute(sql, {n: values[n] for n in sql_parameters(sql)})
            wall, cpu = time.perf_counter() - started, _cpu() - cpu0
            ops: list[dict[str, Any]] = []
            try:
                tree = json.loads(out_file.read_text())
                for op in tree.get("operator", tree.get("children", [])):
                    _flatten(op, ops)
            except (OSError, ValueError):
                pass  # a statement the profiler does not report (CREATE MACRO)
            ops = sorted(ops, key=lambda o: -o["seconds"])[:top]
            result.append(
                {
                    "step": path.stem,
                    "wall_s": round(wall, 3),
                    "cpu_s": round(cpu, 3),
                    "operators": ops,
                }
            )
        return result
    finally:
        con.close()
        shutil.rmtree(work, ignore_errors=True)


def try_variant(db: Path, variant: Path) -> dict[str, Any]:
    """Time a rewrite of one step against the step itself on a copy of `db`, and check that it
    builds the same table (EXCEPT ALL both ways). `variant` is named STEP__LABEL.sql."""
    import re

    sys.path.insert(0, str(REPO))
    from ledger.db import connect
    from ledger.derive import DERIVE_DIR
    from ledger.sqlfile import sql_parameters

    step = variant.stem.split("__")[0]
    original = (DERIVE_DIR / f"{step}.sql").read_text(encoding="utf-8")
    rewrite = variant.read_text(encoding="utf-8")
    table = re.search(r"CREATE OR REPLACE TABLE (\w+)", original).group(1)
    work = Path(tempfile.mkdtemp(prefix="bench_variant_"))
    copy = work / "copy.duckdb"
    shutil.copy(db, copy)
    con = connect(copy)
    try:
        values = _step_values(con)
        timings = {}
        for label, sql in (
            ("original", original),
            ("variant", rewrite),
            ("original_again", original),
        ):
            if label == "variant":
                con.execute(f"ALTER TABLE {table} RENAME TO {table}__orig")
            elif label == "original_again":
                con.execute(f"ALTER TABLE {table} RENAME TO {table}__variant")
            started, cpu0 = time.perf_counter(), _cpu()
            con.execute(sql, {n: values[n] for n in sql_parameters(sql)})
            timings[label] = {
                "wall_s": round(time.perf_counter() - started, 3),
                "cpu_s": round(_cpu() - cpu0, 3),
            }
        cols = [
            [r[0] for r in con.execute(f"DESCRIBE {table}__{t}").fetchall()]
            for t in ("orig", "variant")
        ]
        if cols[0] != cols[1]:
            # A rewrite that changes the table (e.g. drops columns) is timed, not compared.
            return {
                "step": step,
                "file": variant.name,
                **timings,
                "same": False,
                "columns_only_in_original": sorted(set(cols[0]) - set(cols[1])),
                "columns_only_in_variant": sorted(set(cols[1]) - set(cols[0])),
            }
        only_orig = con.execute(
            f"SELECT count(*) FROM (SELECT * FROM {table}__orig"
            f" EXCEPT ALL SELECT * FROM {table}__variant)"
        ).fetchone()[0]
        only_variant = con.execute(
            f"SELECT count(*) FROM (SELECT * FROM {table}__variant"
            f" EXCEPT ALL SELECT * FROM {table}__orig)"
        ).fetchone()[0]
        return {
            "step": step,
            "file": variant.name,
            **timings,
            "rows_only_in_original": only_orig,
            "rows_only_in_variant": only_variant,
            "same": only_orig == 0 and only_variant == 0,
        }
    finally:
        con.close()
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a derived ledger database")
    parser.add_argument("--steps", default="", help="comma-separated step names (default all)")
    parser.add_argument("--top", type=int, default=6)
    parser.add_argument(
        "--variant",
        type=Path,
        action="append",
        help="time a rewrite STEP__LABEL.sql against STEP (repeatable)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.variant:
        for v in args.variant:
            print(json.dumps(try_variant(args.db, v)))
        return 0
    steps = [s for s in args.steps.split(",") if s] or None
    result = profile(args.db, steps, args.top)
    if args.json:
        print(json.dumps(result))
        return 0
    for step in sorted(result, key=lambda s: -s["wall_s"]):
        print(f"{step['step']}: wall {step['wall_s']:.2f} s, CPU {step['cpu_s']:.2f} s")
        for op in step["operators"]:
            print(f"    {op['seconds']:8.3f} s  {op['rows']:>12,} rows  {op['operator']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
