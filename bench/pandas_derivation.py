"""The core derivation written the way a competent analyst would in pandas (the benchmark's
"what a user might use instead" (a)).

Installment paid-off dates by the waterfall and month-end loan states (state, DPD, outstanding
principal, past-due amount) as METRICS.md §1-2 define them, vectorised with groupby/cumsum and
merge_asof (no Python loop over loans). Money is handled in integer cents so that the
paid-off tolerance is exact. It mirrors ledger/sql/derive/{10,20,30,50,70}_*.sql and must agree
with loan_month on any ledger (tests/test_bench_smoke.py checks it on a sample).

    python bench/pandas_derivation.py --db FILE [--json]   # times it on a derived database
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

FAR = pd.Timestamp("2262-01-01")
STATES = np.array(["M0", "M1", "M2", "M3", "M4", "M5", "M6"], dtype=object)


@dataclass(frozen=True)
class Rules:
    """The settings the core derivation uses (ledger/settings.toml defaults)."""

    paid_tolerance_cents: int = 1
    write_off_after_dpd: int = 180
    bucket_edges: tuple[int, ...] = (30, 60, 90, 120, 150, 180)


def cents(s: pd.Series) -> pd.Series:
    return (s.astype("float64") * 100).round().astype("int64")


def _days(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s).astype("datetime64[s]")


def load_raw(con, as_of: date | None = None) -> tuple[dict[str, pd.DataFrame], date]:
    """The three raw tables the core derivation reads, from a ledger DuckDB connection."""
    if as_of is None:
        as_of = con.execute("SELECT as_of FROM derive_settings").fetchone()[0]
    raw = {
        "loans": con.execute(
            "SELECT loan_id, disbursed_date, principal, closed_date, close_reason FROM loans"
        ).df(),
        "installments": con.execute(
            "SELECT loan_id, installment_no, due_date, principal_due, interest_due, fee_due"
            " FROM installments"
        ).df(),
        "repayments": con.execute("SELECT loan_id, paid_date, amount FROM repayments").df(),
    }
    return raw, as_of


def derive(
    loans: pd.DataFrame,
    installments: pd.DataFrame,
    repayments: pd.DataFrame,
    as_of: date,
    rules: Rules = Rules(),  # noqa: B008 - frozen dataclass
    timings: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(installments with paid_off_date, loan_month) from the raw tables.

    loan_month has loan_id, month_end, state, dpd, outstanding_principal, past_due_amount
    (money in cents), one row per loan and month-end from the disbursement month to the last
    month-end on or before `as_of`.
    """
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        if timings is not None:
            now = time.perf_counter()
            timings[name] = timings.get(name, 0.0) + now - clock
            clock = now

    as_of_ts = pd.Timestamp(as_of)
    loans = loans.assign(
        disbursed_date=_days(loans["disbursed_date"]), closed_date=_days(loans["closed_date"])
    )
    loans = loans[loans["disbursed_date"] <= as_of_ts].copy()
    # An integer loan key: merge_asof's `by` on strings is several times slower.
    loans["key"] = np.arange(len(loans), dtype="int64")
    loans["principal"] = cents(loans["principal"])
    keys = pd.Series(loans["key"].to_numpy(), index=loans["loan_id"].to_numpy())

    # Payments per loan and day, with the running total.
    pay = repayments.assign(
        paid_date=_days(repayments["paid_date"]), amount=cents(repayments["amount"])
    )
    pay = pay[pay["paid_date"] <= as_of_ts]
    pay = pay.assign(key=pay["loan_id"].map(keys)).dropna(subset=["key"])
    pay = pay.groupby(["key", "paid_date"], as_index=False)["amount"].sum()
    pay["key"] = pay["key"].astype("int64")
    pay = pay.sort_values(["key", "paid_date"])
    pay["cum_paid"] = pay.groupby("key")["amount"].cumsum()
    lap("pay_day")

    # The schedule with cumulative amounts, and each installment's paid-off date (waterfall).
    inst = installments.assign(key=installments["loan_id"].map(keys)).dropna(subset=["key"])
    inst = inst.assign(
        key=inst["key"].astype("int64"),
        due_date=_days(inst["due_date"]),
        principal_due=cents(inst["principal_due"]),
        interest_due=cents(inst["interest_due"]),
        fee_due=cents(inst["fee_due"]),
    ).sort_values(["key", "installment_no"])
    inst["amount_due"] = inst["principal_due"] + inst["interest_due"] + inst["fee_due"]
    by_loan = inst.groupby("key")
    inst["cum_due"] = by_loan["amount_due"].cumsum()
    inst["cum_due_prev"] = inst["cum_due"] - inst["amount_due"]
    inst["cum_principal_prev"] = by_loan["principal_due"].cumsum() - inst["principal_due"]
    inst["paid_target"] = inst["cum_due"] - rules.paid_tolerance_cents
    found = pd.merge_asof(
        inst[["key", "installment_no", "paid_target"]].sort_values("paid_target"),
        pay[["key", "cum_paid", "paid_date"]].sort_values("cum_paid"),
        left_on="paid_target",
        right_on="cum_paid",
        by="key",
        direction="forward",
    )
    inst = inst.merge(found[["key", "installment_no", "paid_date"]], on=["key", "installment_no"])
    inst = inst.merge(loans[["key", "disbursed_date"]], on="key")
    inst["paid_off_date"] = inst["paid_date"].where(inst["paid_target"] > 0, inst["disbursed_date"])
    inst = inst.drop(columns=["paid_date", "disbursed_date"]).sort_values(
        ["key", "installment_no"], ignore_index=True
    )
    lap("installment_paid")

    # How each loan ended by the as-of date: closed (closed_date or last installment paid off)
    # or written off (the first day DPD > write_off_after_dpd, or a written-off closing).
    wo_day = inst["due_date"] + pd.Timedelta(days=rules.write_off_after_dpd + 1)
    late = inst["paid_off_date"].isna() | (inst["paid_off_date"] > wo_day)
    per_loan = pd.DataFrame(
        {
            "auto_wo_day": wo_day[late].groupby(inst["key"][late]).min(),
            "last_paid_off": inst.groupby("key")["paid_off_date"].last(),
            "all_paid": inst["paid_off_date"].notna().groupby(inst["key"]).all(),
        }
    )
    st = loans.merge(per_loan, left_on="key", right_index=True, how="left")
    written = st["close_reason"].eq("written_off").fillna(False)
    close_cand = pd.concat(
        [
            st["closed_date"].where(~written),
            st["last_paid_off"].where(st["all_paid"].eq(True)),
        ],
        axis=1,
    ).min(axis=1)
    wo_cand = pd.concat([st["auto_wo_day"], st["closed_date"].where(written)], axis=1).min(axis=1)
    st["close_day"] = close_cand.where(
        (close_cand <= as_of_ts) & (wo_cand.isna() | (close_cand <= wo_cand))
    )
    st["wo_date"] = wo_cand.where(
        (wo_cand <= as_of_ts) & (close_cand.isna() | (wo_cand < close_cand))
    )
    st["end_day"] = st["close_day"].fillna(st["wo_date"])
    lap("loan_status")

    # Month-ends from the disbursement month to the last month-end on or before the as-of date.
    last_me = (
        (as_of_ts + pd.offsets.MonthEnd(0))
        if as_of_ts.is_month_end
        else (as_of_ts - pd.offsets.MonthEnd(1))
    )
    last_month = last_me.year * 12 + last_me.month - 1
    first_month = st["disbursed_date"].dt.year * 12 + st["disbursed_date"].dt.month - 1
    st = st[first_month <= last_month]
    first_month = first_month[st.index]
    n = (last_month - first_month + 1).to_numpy()
    rows = np.repeat(np.arange(len(st)), n)
    k = np.arange(len(rows)) - np.repeat(np.cumsum(n) - n, n)
    months = first_month.to_numpy()[rows] + k
    month_end = ((months - 1970 * 12).astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    grid = pd.DataFrame(
        {
            "key": st["key"].to_numpy()[rows],
            "month_end": month_end.astype("datetime64[s]"),
            "end_day": st["end_day"].to_numpy()[rows],
            "wo_date": st["wo_date"].to_numpy()[rows],
            "principal": st["principal"].to_numpy()[rows],
        }
    )
    ended = grid["end_day"].notna() & (grid["month_end"] >= grid["end_day"])
    off = grid[ended]
    on = grid[~ended].sort_values("month_end")
    lap("month_grid")

    # Cumulative paid at the month-end.
    on = pd.merge_asof(
        on,
        pay[["key", "paid_date", "cum_paid"]].sort_values("paid_date"),
        left_on="month_end",
        right_on="paid_date",
        by="key",
        direction="backward",
    )
    on["cum_paid"] = on["cum_paid"].fillna(0).astype("int64")
    # DPD: the oldest installment not paid off at the month-end (paid-off dates are ordered).
    unpaid = (
        inst[["key", "installment_no", "due_date", "paid_off_date"]]
        .assign(unpaid_from=inst["paid_off_date"].fillna(FAR))
        .sort_values(["unpaid_from", "installment_no"])
    )
    on = pd.merge_asof(
        on,
        unpaid[["key", "unpaid_from", "due_date"]],
        left_on="month_end",
        right_on="unpaid_from",
        by="key",
        direction="forward",
        allow_exact_matches=False,
    )
    overdue = on["due_date"] < on["month_end"]
    on["dpd"] = np.where(overdue, (on["month_end"] - on["due_date"]).dt.days, 0).astype("int64")
    # Amount due before the month-end: cum_due of the last installment due before it.
    dues = (
        inst[["key", "due_date", "installment_no", "cum_due"]]
        .rename(columns={"due_date": "due_before"})
        .sort_values(["due_before", "installment_no"])
    )
    on = pd.merge_asof(
        on.drop(columns=["due_date"]),
        dues[["key", "due_before", "cum_due"]],
        left_on="month_end",
        right_on="due_before",
        by="key",
        direction="backward",
        allow_exact_matches=False,
    )
    on["cum_due"] = on["cum_due"].fillna(0).astype("int64")
    # Principal repaid: the installment cumulative paid falls in (fee, interest, then principal).
    paying = inst.loc[
        inst["amount_due"] > 0,
        ["key", "cum_due_prev", "cum_principal_prev", "principal_due", "interest_due", "fee_due"],
    ]
    on = pd.merge_asof(
        on.sort_values("cum_paid"),
        paying.sort_values("cum_due_prev"),
        left_on="cum_paid",
        right_on="cum_due_prev",
        by="key",
        direction="backward",
    )
    into = (on["cum_paid"] - on["cum_due_prev"] - on["fee_due"] - on["interest_due"]).clip(lower=0)
    repaid = (on["cum_principal_prev"] + np.minimum(into, on["principal_due"])).fillna(0)
    edges = np.asarray(rules.bucket_edges)
    dpd = on["dpd"].to_numpy()
    bucket = np.where(dpd == 0, 0, np.searchsorted(edges, dpd, side="left") + 1)
    on_book = pd.DataFrame(
        {
            "key": on["key"].to_numpy(),
            "month_end": on["month_end"].to_numpy(),
            "state": STATES[np.minimum(bucket, 6)],
            "dpd": dpd,
            "outstanding_principal": (on["principal"] - repaid).astype("int64").to_numpy(),
            "past_due_amount": (on["cum_due"] - on["cum_paid"]).clip(lower=0).to_numpy(),
        }
    )
    lap("month_end_states")

    ended_rows = pd.DataFrame(
        {
            "key": off["key"].to_numpy(),
            "month_end": off["month_end"].to_numpy(),
            "state": np.where(off["wo_date"].notna(), "WO", "closed").astype(object),
            "dpd": np.zeros(len(off), dtype="int64"),
            "outstanding_principal": np.zeros(len(off), dtype="int64"),
            "past_due_amount": np.zeros(len(off), dtype="int64"),
        }
    )
    loan_month = pd.concat([on_book, ended_rows], ignore_index=True)
    ids = loans.set_index("key")["loan_id"]
    loan_month.insert(0, "loan_id", ids.reindex(loan_month["key"]).to_numpy())
    loan_month = loan_month.drop(columns=["key"]).sort_values(
        ["loan_id", "month_end"], ignore_index=True
    )
    lap("loan_month")
    return inst.drop(columns=["key"]), loan_month


def compare(con, loan_month: pd.DataFrame, inst: pd.DataFrame | None = None) -> dict[str, object]:
    """Does the pandas loan_month (and paid-off dates) agree with the database's? Counts of
    differing rows; `agrees` when there are none."""
    ref = con.execute(
        "SELECT loan_id, month_end, state, dpd, outstanding_principal, past_due_amount"
        " FROM loan_month ORDER BY loan_id, month_end"
    ).df()
    ref["month_end"] = _days(ref["month_end"])
    for col in ("outstanding_principal", "past_due_amount"):
        ref[col] = cents(ref[col])
    got = loan_month.assign(month_end=_days(loan_month["month_end"]))
    both = ref.merge(
        got, on=["loan_id", "month_end"], how="outer", suffixes=("_db", "_pd"), indicator=True
    )
    out: dict[str, object] = {
        "rows_db": len(ref),
        "rows_pandas": len(got),
        "missing": int((both["_merge"] != "both").sum()),
    }
    matched = both[both["_merge"] == "both"]
    for col in ("state", "dpd", "outstanding_principal", "past_due_amount"):
        out[f"diff_{col}"] = int((matched[f"{col}_db"] != matched[f"{col}_pd"]).sum())
    if inst is not None:
        ref_i = con.execute(
            "SELECT loan_id, installment_no, paid_off_date FROM installment_status"
        ).df()
        both_i = ref_i.merge(
            inst[["loan_id", "installment_no", "paid_off_date"]],
            on=["loan_id", "installment_no"],
            how="outer",
            indicator=True,
            suffixes=("_db", "_pd"),
        )
        a, b = _days(both_i["paid_off_date_db"]), _days(both_i["paid_off_date_pd"])
        out["missing_installments"] = int((both_i["_merge"] != "both").sum())
        out["diff_paid_off_date"] = int((~((a == b) | (a.isna() & b.isna()))).sum())
    out["agrees"] = all(v == 0 for k, v in out.items() if k.startswith(("diff_", "missing")))
    return out


def checksum(loan_month: pd.DataFrame) -> list[float]:
    """The figures of bench/postgres_derivation.CHECKSUM, computed from a pandas loan_month:
    rows, sum of DPD, of outstanding principal and past-due (yuan), rows in WO, closed, M0, M6,
    and rows with a previous month-end (every row but each loan's first)."""
    state = loan_month["state"]
    return [
        float(len(loan_month)),
        float(loan_month["dpd"].sum()),
        round(float(loan_month["outstanding_principal"].sum()) / 100, 2),
        round(float(loan_month["past_due_amount"].sum()) / 100, 2),
        float((state == "WO").sum()),
        float((state == "closed").sum()),
        float((state == "M0").sum()),
        float((state == "M6").sum()),
        float(len(loan_month) - loan_month["loan_id"].nunique()),
    ]


def run(db: Path, check: bool = False) -> dict[str, object]:
    """Load the raw tables of a derived ledger database, time the pandas derivation."""
    from ledger.db import connect

    con = connect(db, read_only=True)
    try:
        started = time.perf_counter()
        raw, as_of = load_raw(con)
        load_s = time.perf_counter() - started
        timings: dict[str, float] = {}
        cpu0 = _cpu()
        started = time.perf_counter()
        inst, loan_month = derive(
            raw["loans"], raw["installments"], raw["repayments"], as_of, timings=timings
        )
        derive_s = time.perf_counter() - started
        cpu_s = _cpu() - cpu0
        result: dict[str, object] = {
            "load_s": round(load_s, 3),
            "derive_s": round(derive_s, 3),
            "cpu_s": round(cpu_s, 3),
            "steps": {k: round(v, 3) for k, v in timings.items()},
            "loan_month_rows": len(loan_month),
            "checksum": checksum(loan_month),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        if check:
            result["check"] = compare(con, loan_month, inst)
        return result
    finally:
        con.close()


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a derived ledger database")
    parser.add_argument("--check", action="store_true", help="compare with loan_month")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.db, check=args.check)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
