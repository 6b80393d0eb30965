"""Warm time of the portfolio and recovery queries for three views of one database: the whole
book (the pages' default), one filter, and a split by a segment.

The page timing (bench/page_timing.py) times what the pages ask for with their defaults, which is
the whole book. The queries take other paths for a filter or a split (the whole-book marts are
read only when there is neither), and this times those:

    python bench/views.py --db W/ledger.duckdb [--filter region=Guangdong] [--by risk_grade]

Prints, per query, the median of four runs after a first one, in ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

# query -> its parameters besides the view's; None in SPLITLESS: the query takes no $by
CALLS: dict[str, dict[str, Any]] = {
    "portfolio_kpis": {"period_start": date(2025, 11, 1)},
    "segment_movers": {"threshold": 30, "basis": "balance", "compare": "12m"},
    "overdue_rate": {"thresholds": [1, 30, 90]},
    "bucket_distribution": {},
    "flow_rate": {},
    "net_flow_to_loss": {},
    "roll_matrix_average": {"basis": "balance"},
    "vintage": {"threshold": 30},
    "entry_rate": {},
    "cure_by_due_month": {"cure_days": [7, 30]},
    "fpd_by_cohort": {"thresholds": [1, 7, 30]},
    "recovery_curve": {},
    "recovery_share_trend": {},
}
SPLITLESS = {"portfolio_kpis", "segment_movers", "bucket_distribution", "roll_matrix_average"}


def time_views(db: Path, filter_: str, by: str, runs: int = 5) -> dict[str, dict[str, float]]:
    """{query: {view: warm ms}} for the views 'whole', 'filter' and 'split'."""
    sys.path.insert(0, str(REPO))
    import queries
    from ledger.db import connect

    views = {"whole": {}, "filter": {"filters": [filter_]}, "split": {"by": by}}
    con = connect(db, read_only=True)
    out: dict[str, dict[str, float]] = {}
    try:
        for name, params in CALLS.items():
            out[name] = {}
            for view, extra in views.items():
                if view == "split" and name in SPLITLESS:
                    continue
                took = []
                for _ in range(runs):
                    started = time.perf_counter()
                    queries.run(con, name, **params, **extra)
                    took.append(time.perf_counter() - started)
                out[name][view] = statistics.median(took[1:]) * 1000
    finally:
        con.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--filter", default="region=Guangdong", help="segment=value")
    parser.add_argument("--by", default="risk_grade", help="segment to split by")
    args = parser.parse_args(argv)
    result = time_views(args.db, args.filter, args.by)
    print(f"{'query':24} {'whole':>7} {'filter':>7} {'split':>7}   (warm ms)")
    totals: dict[str, float] = {}
    for name, views in result.items():
        cells = []
        for view in ("whole", "filter", "split"):
            ms = views.get(view)
            cells.append(f"{ms:7.0f}" if ms is not None else f"{'-':>7}")
            totals[view] = totals.get(view, 0.0) + (ms or 0.0)
        print(f"{name:24} {' '.join(cells)}")
    print(f"{'total':24} {' '.join(f'{totals[v]:7.0f}' for v in ('whole', 'filter', 'split'))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
