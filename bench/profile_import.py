"""Where the import's time goes, without the derivation: the real importer on an export, with
`ledger.derive.derive` replaced by a no-op, timing its phases (from its own progress messages),
each cross-table check and the merge.

    python bench/profile_import.py EXPORT_DIR [--stage memory|file] [--work-dir DIR] [--json]

`--stage` sets LEDGER_STAGE (where the rows are staged: ledger.db.stage_in_file); without it the
importer decides. Wall time, process CPU (DuckDB's threads included) and peak RSS are printed.
Used for the sixth session's comparison of staging in memory and in a file at 10M loans
(bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _timed(into: list[tuple[str, float]], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            table = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
            into.append((f"{name} {table}".strip(), time.perf_counter() - started))

    return wrapper


def profile(export: Path, work_dir: Path) -> dict[str, Any]:
    """Import `export` into a new database in `work_dir` with the derivation left out."""
    sys.path.insert(0, str(REPO))
    import ledger.derive
    import ledger.importer as importer
    import ledger.validate as validate
    from ledger.db import stage_in_file

    ledger.derive.derive = lambda con, settings=None, as_of=None, **_: as_of  # type: ignore[assignment]
    parts: list[tuple[str, float]] = []
    for name in ("_duplicates", "_out_of_order"):
        setattr(validate, name, _timed(parts, name.strip("_"), getattr(validate, name)))
    for name in ("drop_pii_extras", "count_outcomes", "build_line_maps", "build_rejects"):
        setattr(importer, name, _timed(parts, name, getattr(importer, name)))
    original_execute_file = importer.execute_file

    def execute_file(con: Any, path: Path, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original_execute_file(con, path, *args, **kwargs)
        finally:
            parts.append((Path(path).stem, time.perf_counter() - started))

    importer.execute_file = execute_file  # type: ignore[assignment]
    staged_in_file: list[bool] = []
    original_attach = importer.attach_stage

    def attach_stage(con: Any, tmpdir: Path, rows: int) -> None:
        staged_in_file.append(stage_in_file(con, rows))
        original_attach(con, tmpdir, rows)

    importer.attach_stage = attach_stage  # type: ignore[assignment]
    marks: list[tuple[float, str]] = []
    started = time.perf_counter()
    cpu = _cpu()
    report = importer.import_paths(
        [export],
        work_dir / "ledger.duckdb",
        progress=lambda _f, msg: marks.append((time.perf_counter() - started, msg)),
    )
    wall = time.perf_counter() - started
    sys.path.insert(0, str(REPO / "bench"))
    from run import _phases  # the benchmark's own split of the importer's progress messages

    return {
        "export": str(export),
        "staged_in": "file" if staged_in_file and staged_in_file[0] else "memory",
        "wall_s": round(wall, 1),
        "cpu_s": round(_cpu() - cpu, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rows": {t: v["loaded"] for t, v in report.tables.items()},
        "phases": {k: round(v, 2) for k, v in _phases(marks).items()},
        "parts": [(name, round(s, 2)) for name, s in parts],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", type=Path)
    parser.add_argument("--stage", choices=("memory", "file"))
    parser.add_argument("--work-dir", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.stage:
        os.environ["LEDGER_STAGE"] = args.stage
    with tempfile.TemporaryDirectory(dir=args.work_dir) as tmp:
        result = profile(args.export.resolve(), Path(tmp))
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{result['export']}: staged in {result['staged_in']}; wall {result['wall_s']} s, "
        f"CPU {result['cpu_s']} s, peak RSS {result['peak_rss_mb']} MB"
    )
    print("phases (s): " + ", ".join(f"{k} {v}" for k, v in result["phases"].items()))
    print("checks and merge (s): " + ", ".join(f"{k} {v}" for k, v in result["parts"]))


if __name__ == "__main__":
    main()
