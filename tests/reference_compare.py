"""Comparing the project's SQL with tests/reference.py on one ledger.

`build(ledger, as_of)` loads a ledger (the plain-dict shape of tests/ledger_strategies.py) into a
fresh in-memory DuckDB and derives it; each `compare_*` function returns a list of human-readable
differences (empty when the SQL agrees with the reference). Usable on any ledger, not only the
random ones: `assert not compare_all(con, Reference(ledger, as_of))`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd

from tests.reference import BUCKETS, NO_ACTION, Reference, RefSettings

RATE_TOL = 1e-9
RAW_TABLES = ("loans", "loan_extras", "installments", "repayments", "collection_actions")


# --------------------------------------------------------------------------------------------
# Loading and deriving
# --------------------------------------------------------------------------------------------
def load_ledger(con: Any, ledger: Mapping[str, Iterable[Mapping[str, Any]]]) -> None:
    """Insert the ledger's rows into the raw tables (created here)."""
    from ledger.db import create_raw_tables

    create_raw_tables(con)
    for table in RAW_TABLES:
        rows = list(ledger.get(table, ()))
        if not rows:
            continue
        columns = sorted({c for r in rows for c in r})
        one_row = "(" + ", ".join("?" for _ in columns) + ")"
        # One statement per table: executemany costs a round trip per row.
        con.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
            + ", ".join(one_row for _ in rows),
            [r.get(c) for r in rows for c in columns],
        )


def build(ledger: Mapping[str, Any], as_of: date, settings: Any = None) -> Any:
    """A fresh in-memory database holding the ledger, derived as of `as_of`."""
    from ledger.db import connect
    from ledger.derive import derive
    from ledger.settings import Settings

    con = connect()
    load_ledger(con, ledger)
    derive(con, settings=settings or Settings(), as_of=as_of)
    return con


def reference_for(ledger: Mapping[str, Any], as_of: date, settings: Any = None) -> Reference:
    from ledger.settings import Settings

    return Reference(ledger, as_of, RefSettings.from_mapping(settings or Settings()))


# --------------------------------------------------------------------------------------------
# Value helpers
# --------------------------------------------------------------------------------------------
def py(v: Any) -> Any:
    """A DataFrame cell as a plain Python value (NULL/NaN/NaT -> None, Timestamp -> date)."""
    if v is None:
        return None
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else v.date()
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date | str | Decimal):
        return v
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(v, "item"):
        return v.item()
    return v


def rows_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: py(v) for k, v in row.items()} for row in frame.to_dict("records")]


def same_rate(sql: Any, ref: Fraction | None) -> bool:
    sql = py(sql)
    if ref is None or sql is None:
        return ref is None and sql is None
    return math.isclose(float(sql), float(ref), rel_tol=RATE_TOL, abs_tol=RATE_TOL)


def same_money(sql: Any, ref: Decimal | int | None) -> bool:
    sql = py(sql)
    if ref is None or sql is None:
        return ref is None and sql is None
    return round(Decimal(str(sql)), 4) == round(Decimal(ref), 4)


def fmt(x: Any) -> str:
    if isinstance(x, Fraction):
        return f"{float(x):.9g}"
    return str(x)


class Diffs(list):
    """A list of differences, each naming what, where, the SQL value and the reference's."""

    def add(self, what: str, key: Any, sql: Any, ref: Any) -> None:
        self.append(f"{what} {key}: sql={fmt(sql)} reference={fmt(ref)}")

    def keys(self, what: str, sql_keys: Iterable[Any], ref_keys: Iterable[Any]) -> None:
        sql_keys, ref_keys = set(sql_keys), set(ref_keys)
        for k in sorted(sql_keys - ref_keys, key=str):
            self.append(f"{what} {k}: a row in the SQL, none in the reference")
        for k in sorted(ref_keys - sql_keys, key=str):
            self.append(f"{what} {k}: a row in the reference, none in the SQL")


def report(diffs: list[str], limit: int = 30) -> str:
    more = f"\n... and {len(diffs) - limit} more" if len(diffs) > limit else ""
    return "\n".join(diffs[:limit]) + more


# --------------------------------------------------------------------------------------------
# Derivation
# --------------------------------------------------------------------------------------------
def compare_installment_status(con: Any, ref: Reference) -> Diffs:
    diffs = Diffs()
    sql = {
        (lid, no): (due, amount, paid_off)
        for lid, no, due, amount, paid_off in con.execute(
            "SELECT loan_id, installment_no, due_date, amount_due, paid_off_date "
            "FROM installment_status"
        ).fetchall()
    }
    want = ref.installment_status()
    diffs.keys("installment_status", sql, want)
    for key in sorted(set(sql) & set(want)):
        due, amount, paid_off = sql[key]
        w = want[key]
        if due != w["due_date"]:
            diffs.add("installment_status.due_date", key, due, w["due_date"])
        if amount != w["amount_due"]:
            diffs.add("installment_status.amount_due", key, amount, w["amount_due"])
        if paid_off != w["paid_off_date"]:
            diffs.add("installment_status.paid_off_date", key, paid_off, w["paid_off_date"])
    return diffs


def compare_loan_month(con: Any, ref: Reference) -> Diffs:
    diffs = Diffs()
    fields = ("state", "dpd", "outstanding_principal", "past_due_amount")
    sql = {
        (r[0], r[1]): dict(zip(fields, r[2:], strict=True))
        for r in con.execute(
            "SELECT loan_id, month_end, state, dpd, outstanding_principal, past_due_amount "
            "FROM loan_month"
        ).fetchall()
    }
    want = ref.loan_month()
    diffs.keys("loan_month", sql, want)
    for key in sorted(set(sql) & set(want)):
        for f in fields:
            if sql[key][f] != want[key][f]:
                diffs.add(f"loan_month.{f}", key, sql[key][f], want[key][f])
    return diffs


def compare_loan_status(con: Any, ref: Reference) -> Diffs:
    diffs = Diffs()
    fields = ("disbursed_date", "principal", "close_day", "wo_date", "wo_principal")
    sql = {
        r[0]: dict(zip(fields, r[1:], strict=True))
        for r in con.execute(f"SELECT loan_id, {', '.join(fields)} FROM loan_status").fetchall()
    }
    want = ref.loan_status()
    diffs.keys("loan_status", sql, want)
    for key in sorted(set(sql) & set(want)):
        for f in fields:
            if sql[key][f] != want[key][f]:
                diffs.add(f"loan_status.{f}", key, sql[key][f], want[key][f])
    return diffs


def compare_book_invariants(con: Any, ref: Reference) -> Diffs:
    """Bucket counts add up to the book; every loan has one row per month-end it exists at."""
    diffs = Diffs()
    per_month = dict(
        con.execute("SELECT month_end, count(*) FROM loan_month GROUP BY ALL").fetchall()
    )
    for me in ref.month_ends():
        disbursed = sum(1 for loan in ref.loans.values() if loan.disbursed_date <= me)
        if per_month.get(me, 0) != disbursed:
            diffs.add("loan_month rows (all states)", me, per_month.get(me, 0), disbursed)
    dupes = con.execute(
        "SELECT loan_id, month_end FROM loan_month GROUP BY ALL HAVING count(*) > 1"
    ).fetchall()
    for d in dupes:
        diffs.append(f"loan_month {d}: duplicate row")
    return diffs


# --------------------------------------------------------------------------------------------
# Metrics (through queries.run, as pages and the command line call them)
# --------------------------------------------------------------------------------------------
_EXTRA_PARAMS: dict[str, Any] = {}


@contextmanager
def query_params(**params: Any) -> Iterator[None]:
    """Pass these parameters too (e.g. filters=[...]) to every metric query that takes them."""
    _EXTRA_PARAMS.update(params)
    try:
        yield
    finally:
        for k in params:
            _EXTRA_PARAMS.pop(k, None)


def run(con: Any, name: str, **params: Any) -> list[dict[str, Any]]:
    import queries
    from queries.registry import METRICS

    takes = {p.name for p in METRICS[name].params}
    extra = {k: v for k, v in _EXTRA_PARAMS.items() if k in takes}
    return rows_of(queries.run(con, name, **params, **extra))


def sub_ledger(ledger: Mapping[str, Iterable[Mapping[str, Any]]], loan_ids: set[str]) -> dict:
    """The part of a ledger about some loans."""
    return {
        table: [r for r in rows if str(r["loan_id"]) in loan_ids] for table, rows in ledger.items()
    }


def check_null_rates(diffs: Diffs, what: str, rows: list[dict[str, Any]], key: Callable) -> None:
    """A rate with no denominator is NULL (never 0, never an error)."""
    for r in rows:
        den = r.get("denominator")
        if den is not None and float(den) == 0 and r.get("rate") is not None:
            diffs.add(f"{what}: rate without a denominator", key(r), r["rate"], None)


def compare_overdue_rate(con: Any, ref: Reference, thresholds=(1, 30, 90)) -> Diffs:
    diffs = Diffs()
    rows = run(con, "overdue_rate", as_of=ref.as_of, thresholds=list(thresholds))
    sql = {(r["month_end"], r["threshold"], r["basis"]): r for r in rows}
    check_null_rates(diffs, "overdue_rate", rows, lambda r: (r["month_end"], r["threshold"]))
    want = {}
    for n in thresholds:
        for basis in ("count", "balance"):
            for me, w in ref.overdue_rate(n, basis).items():
                want[(me, n, basis)] = w
    # A month-end with nobody on book may be absent from the SQL: then it has no rate at all.
    for key, w in want.items():
        if key not in sql:
            if w["denominator"] != 0 or any(loan.on_book(key[0]) for loan in ref.loans.values()):
                diffs.append(f"overdue_rate {key}: a row in the reference, none in the SQL")
            continue
        r = sql[key]
        if not same_money(r["numerator"], w["numerator"]):
            diffs.add("overdue_rate.numerator", key, r["numerator"], w["numerator"])
        if not same_money(r["denominator"], w["denominator"]):
            diffs.add("overdue_rate.denominator", key, r["denominator"], w["denominator"])
        if not same_rate(r["rate"], w["rate"]):
            diffs.add("overdue_rate.rate", key, r["rate"], w["rate"])
    for key in set(sql) - set(want):
        diffs.append(f"overdue_rate {key}: a row in the SQL, none in the reference")
    # Invariant: the count basis denominator is the number of loans on book.
    for (me, _n, basis), r in sql.items():
        if basis == "count":
            on_book = sum(1 for loan in ref.loans.values() if loan.on_book(me))
            if not same_money(r["denominator"], on_book):
                diffs.add("overdue_rate book size", me, r["denominator"], on_book)
    return diffs


def compare_bucket_distribution(con: Any, ref: Reference) -> Diffs:
    diffs = Diffs()
    rows = run(con, "bucket_distribution", as_of=ref.as_of)
    sql = {(r["month_end"], r["state"]): r for r in rows}
    want: dict[tuple[date, str], list] = defaultdict(lambda: [0, Decimal(0)])
    for (_lid, me), snap in ref.loan_month().items():
        if snap["state"] in BUCKETS:
            w = want[(me, snap["state"])]
            w[0] += 1
            w[1] += snap["outstanding_principal"]
    diffs.keys("bucket_distribution", sql, want)
    for key in set(sql) & set(want):
        if sql[key]["loans"] != want[key][0]:
            diffs.add("bucket_distribution.loans", key, sql[key]["loans"], want[key][0])
        if not same_money(sql[key]["outstanding_principal"], want[key][1]):
            diffs.add(
                "bucket_distribution.outstanding_principal",
                key,
                sql[key]["outstanding_principal"],
                want[key][1],
            )
    # Invariant: the states' loan shares of one month-end add up to 1.
    shares: dict[date, float] = defaultdict(float)
    for r in rows:
        shares[r["month_end"]] += r["loan_share"] or 0.0
    for me, total in shares.items():
        if not math.isclose(total, 1.0, abs_tol=1e-9):
            diffs.add("bucket_distribution: loan shares sum", me, total, 1)
    return diffs


def compare_roll_matrix(con: Any, ref: Reference) -> Diffs:
    diffs = Diffs()
    rows = run(con, "roll_matrix", as_of=ref.as_of)
    sql = {
        (r["from_month_end"], r["to_month_end"], r["basis"], r["from_state"], r["to_state"]): r
        for r in rows
    }
    want = {}
    for basis in ("count", "balance"):
        for (frm_me, to_me, frm, to), cell in ref.roll_matrix(basis).items():
            want[(frm_me, to_me, basis, frm, to)] = cell
    diffs.keys("roll_matrix", sql, want)
    for key in set(sql) & set(want):
        if not same_money(sql[key]["value"], want[key]["value"]):
            diffs.add("roll_matrix.value", key, sql[key]["value"], want[key]["value"])
        if not same_rate(sql[key]["share"], want[key]["share"]):
            diffs.add("roll_matrix.share", key, sql[key]["share"], want[key]["share"])
    # Invariant: every row of the matrix with a non-empty total sums to 1.
    totals: dict[tuple, float] = defaultdict(float)
    for r in rows:
        if r["share"] is not None:
            totals[(r["from_month_end"], r["to_month_end"], r["basis"], r["from_state"])] += r[
                "share"
            ]
    for key, total in totals.items():
        if not math.isclose(total, 1.0, abs_tol=1e-9):
            diffs.add("roll_matrix: row does not sum to 1", key, total, 1)
    return diffs


def compare_flow_rate(con: Any, ref: Reference) -> Diffs:
    diffs = Diffs()
    rows = run(con, "flow_rate", as_of=ref.as_of)
    sql = {
        (r["from_month_end"], r["to_month_end"], r["from_state"], r["to_state"]): r for r in rows
    }
    check_null_rates(diffs, "flow_rate", rows, lambda r: (r["to_month_end"], r["from_state"]))
    want = ref.flow_rate()
    diffs.keys("flow_rate", sql, want)
    for key in set(sql) & set(want):
        if not same_rate(sql[key]["rate"], want[key]):
            diffs.add("flow_rate.rate", key, sql[key]["rate"], want[key])
    return diffs


def compare_vintage(con: Any, ref: Reference, thresholds=(1, 30, 90)) -> Diffs:
    diffs = Diffs()
    for n in thresholds:
        rows = run(con, "vintage", as_of=ref.as_of, threshold=n)
        check_null_rates(diffs, "vintage", rows, lambda r: (r["cohort"], r["mob"]))
        sql = {(r["cohort"], r["mob"], r["basis"]): r for r in rows}
        want = {}
        for basis in ("count", "principal"):
            for (cohort, mob), w in ref.vintage(n, basis).items():
                want[(cohort, mob, basis)] = w
        diffs.keys(f"vintage[N={n}]", sql, want)
        for key in set(sql) & set(want):
            for f in ("numerator", "denominator"):
                if not same_money(sql[key][f], want[key][f]):
                    diffs.add(f"vintage[N={n}].{f}", key, sql[key][f], want[key][f])
            if not same_rate(sql[key]["rate"], want[key]["rate"]):
                diffs.add(f"vintage[N={n}].rate", key, sql[key]["rate"], want[key]["rate"])
    rows = run(con, "vintage_write_off", as_of=ref.as_of)
    sql = {(r["cohort"], r["mob"]): r for r in rows}
    want = ref.vintage_write_off()
    diffs.keys("vintage_write_off", sql, want)
    for key in set(sql) & set(want):
        if not same_money(sql[key]["written_off_principal"], want[key]["numerator"]):
            diffs.add(
                "vintage_write_off.written_off_principal",
                key,
                sql[key]["written_off_principal"],
                want[key]["numerator"],
            )
        if not same_rate(sql[key]["rate"], want[key]["rate"]):
            diffs.add("vintage_write_off.rate", key, sql[key]["rate"], want[key]["rate"])
    return diffs


def compare_fpd(con: Any, ref: Reference, thresholds=(1, 7, 30)) -> Diffs:
    """fpd, and fpd_by_cohort (the early-warning page's), which counts each loan once per
    clamped day pair rather than per threshold: its observed cohorts must say the same."""
    diffs = Diffs()
    want = {(c, n): w for n in thresholds for c, w in ref.fpd(n).items()}
    for name in ("fpd", "fpd_by_cohort"):
        rows = run(con, name, as_of=ref.as_of, thresholds=list(thresholds))
        sql = {(r["cohort"], r["threshold"]): r for r in rows if r["loans"] > 0 or name == "fpd"}
        diffs.keys(name, sql, want)
        for key in set(sql) & set(want):
            if sql[key]["loans"] != want[key]["loans"]:
                diffs.add(f"{name}.loans", key, sql[key]["loans"], want[key]["loans"])
            if not same_rate(sql[key]["rate"], want[key]["rate"]):
                diffs.add(f"{name}.rate", key, sql[key]["rate"], want[key]["rate"])
    return diffs


def compare_entry_rate(con: Any, ref: Reference) -> Diffs:
    diffs = Diffs()
    rows = run(con, "entry_rate", as_of=ref.as_of)
    check_null_rates(diffs, "entry_rate", rows, lambda r: (r["due_month"], r["basis"]))
    sql = {(r["due_month"], r["basis"]): r for r in rows}
    want = {
        (m, basis): w for basis in ("amount", "count") for m, w in ref.entry_rate(basis).items()
    }
    diffs.keys("entry_rate", sql, want)
    for key in set(sql) & set(want):
        for f in ("numerator", "denominator"):
            if not same_money(sql[key][f], want[key][f]):
                diffs.add(f"entry_rate.{f}", key, sql[key][f], want[key][f])
        if not same_rate(sql[key]["rate"], want[key]["rate"]):
            diffs.add("entry_rate.rate", key, sql[key]["rate"], want[key]["rate"])
    return diffs


def compare_cure_rate(con: Any, ref: Reference, days=(7, 30)) -> Diffs:
    diffs = Diffs()
    rows = run(con, "cure_rate", as_of=ref.as_of, cure_days=list(days))
    sql = {(r["due_month"], r["cure_days"]): r for r in rows}
    want = {(m, j): rate for j in days for m, rate in ref.cure_rate(j).items()}
    diffs.keys("cure_rate", sql, want)
    for key in set(sql) & set(want):
        if not same_rate(sql[key]["rate"], want[key]):
            diffs.add("cure_rate.rate", key, sql[key]["rate"], want[key])
    return diffs


def compare_recovery_curve(con: Any, ref: Reference, max_day: int = 90) -> Diffs:
    diffs = Diffs()
    rows = run(con, "recovery_curve", as_of=ref.as_of, max_day=max_day)
    sql = {(r["entry_month"], r["day"]): r for r in rows}
    want = ref.recovery_curve(max_day)
    diffs.keys("recovery_curve", sql, want)
    for key in set(sql) & set(want):
        if not same_money(sql[key]["recovered"], want[key]["numerator"]):
            diffs.add(
                "recovery_curve.recovered", key, sql[key]["recovered"], want[key]["numerator"]
            )
        if not same_money(sql[key]["entered_unpaid"], want[key]["denominator"]):
            diffs.add(
                "recovery_curve.entered_unpaid",
                key,
                sql[key]["entered_unpaid"],
                want[key]["denominator"],
            )
        if not same_rate(sql[key]["rate"], want[key]["rate"]):
            diffs.add("recovery_curve.rate", key, sql[key]["rate"], want[key]["rate"])
    return diffs


CHANNEL_COUNTS = ("attempts", "accounts", "rpc", "ptp", "ptp_due", "ptp_kept", "complaints")
CHANNEL_RATES = ("contact_rate", "ptp_rate", "ptp_kept_rate", "cost_per_recovered")


def compare_channel_performance(
    con: Any,
    ref: Reference,
    by: str = "",
    period: tuple[date | None, date | None] = (None, None),
    ignore: Iterable[str] = (),
    bucket: str | None = None,
) -> Diffs:
    """channel_performance against the reference, `by` '' / 'bucket' / 'month', in one bucket
    or all."""
    start, end = period
    params: dict[str, Any] = {"as_of": ref.as_of, "period_start": start, "period_end": end}
    if by:
        params["by"] = by
    if bucket is not None:
        params["bucket"] = bucket
    rows = run(con, "channel_performance", **params)
    sql = {((r["channel"], r[by]) if by else r["channel"]): r for r in rows}
    want = ref.channel_performance(by=by, start=start, end=end, bucket=bucket)
    what = "channel_performance" + (f"[by {by}]" if by else "") + (f"[{bucket}]" if bucket else "")
    return _channel_diffs(what, sql, want, ignore)


def compare_channel_trend(
    con: Any,
    ref: Reference,
    period: tuple[date | None, date | None] = (None, None),
    bucket: str | None = None,
) -> Diffs:
    """channel_trend is channel_performance month by month, in one bucket or all."""
    start, end = period
    rows = run(
        con,
        "channel_trend",
        as_of=ref.as_of,
        period_start=start,
        period_end=end,
        bucket=bucket or "",
        window_days=ref.s.attribution_window_days,
    )
    sql = {(r["channel"], r["month"]): r for r in rows}
    want = ref.channel_performance(by="month", start=start, end=end, bucket=bucket)
    return _channel_diffs("channel_trend" + (f"[{bucket}]" if bucket else ""), sql, want, ())


def _channel_diffs(
    what: str,
    sql: dict[Any, dict[str, Any]],
    want: dict[Any, dict[str, Any]],
    ignore: Iterable[str],
) -> Diffs:
    diffs = Diffs()
    diffs.keys(what, sql, want)
    for key in set(sql) & set(want):
        s, w = sql[key], want[key]
        channel = key[0] if isinstance(key, tuple) else key
        if not same_money(s["recovered"], w["recovered"]):
            diffs.add(f"{what}.recovered", key, s["recovered"], w["recovered"])
        if channel == NO_ACTION:
            continue  # only the recovered amount
        for f in CHANNEL_COUNTS:
            if f not in ignore and s[f] != w[f]:
                diffs.add(f"{what}.{f}", key, s[f], w[f])
        if not same_money(s["cost"], w["cost"]):
            diffs.add(f"{what}.cost", key, s["cost"], w["cost"])
        for f in CHANNEL_RATES:
            if f not in ignore and not same_rate(s[f], w[f]):
                diffs.add(f"{what}.{f}", key, s[f], w[f])
    return diffs


def compare_channel_cure(
    con: Any,
    ref: Reference,
    period: tuple[date | None, date | None] = (None, None),
    bucket: str | None = None,
    by: str = "",
    days: tuple[int, ...] = (1, 7, 30),
) -> Diffs:
    """channel_cure's accounts, matured and cured accounts against the reference's units."""
    diffs = Diffs()
    start, end = period
    rows = run(
        con,
        "channel_cure",
        as_of=ref.as_of,
        period_start=start,
        period_end=end,
        bucket=bucket or "",
        by=by,
        cure_days=list(days),
    )
    group = "month" if by == "month" else None
    sql = {
        (r["channel"], r["bucket"], r[group] if group else "", r["cure_days"]): (
            r["accounts"],
            r["matured_accounts"],
            r["cured_accounts"],
        )
        for r in rows
    }
    want = ref.channel_cure(days, start=start, end=end, bucket=bucket, by=by)
    what = "channel_cure" + (f"[by {by}]" if by else "") + (f"[{bucket}]" if bucket else "")
    diffs.keys(what, sql, want)
    for key in set(sql) & set(want):
        if sql[key] != want[key]:
            diffs.add(what, key, sql[key], want[key])
    return diffs


def compare_compliance(
    con: Any, ref: Reference, period: tuple[date | None, date | None] = (None, None)
) -> Diffs:
    diffs = Diffs()
    start, end = period
    rows = run(con, "compliance", as_of=ref.as_of, period_start=start, period_end=end)
    sql = {r["rule"]: r["count"] for r in rows}
    want = ref.compliance(start, end)
    diffs.keys("compliance", sql, want)
    for rule in set(sql) & set(want):
        if sql[rule] != want[rule]:
            diffs.add("compliance", rule, sql[rule], want[rule])
    return diffs


def compare_repayment_plans(
    con: Any,
    ref: Reference,
    period: tuple[date | None, date | None] = (None, None),
    by: str = "",
    kept_months: int = 3,
    cure_days: int = 180,
) -> Diffs:
    """repayment_plans' counts per group and plan status, and its offers, against the
    reference's plans."""
    diffs = Diffs()
    start, end = period
    rows = run(
        con,
        "repayment_plans",
        as_of=ref.as_of,
        period_start=start,
        period_end=end,
        by=by,
        kept_months=kept_months,
        cure_days=cure_days,
    )
    counted = (
        "loans",
        "kept_due",
        "kept",
        "cure_due",
        "cured",
        "redefault_due",
        "redefaulted",
    )
    sql = {(r[by] if by else "", r["plan_status"]): tuple(r[c] for c in counted) for r in rows}
    want = ref.repayment_plans(start, end, by, kept_months, cure_days)
    what = f"repayment_plans[by {by or '-'}, kept {kept_months}, cure {cure_days}]"
    diffs.keys(what, sql, want)
    for key in set(sql) & set(want):
        if sql[key] != want[key]:
            diffs.add(what, key, sql[key], want[key])
    offers: dict[str, int] = {}
    for (group, _), counts in want.items():
        offers[group] = offers.get(group, 0) + counts[0]
    for r in rows:
        group = r[by] if by else ""
        if r["offers"] != offers.get(group):
            diffs.add(what + " offers", group, r["offers"], offers.get(group))
    return diffs


def compare_write_offs(con: Any, ref: Reference) -> Diffs:
    diffs = Diffs()
    rows = run(con, "write_offs", as_of=ref.as_of)
    sql = {r["loan_id"]: r for r in rows}
    want = {lid: loan for lid, loan in ref.loans.items() if loan.wo_date is not None}
    diffs.keys("write_offs", sql, want)
    for lid in set(sql) & set(want):
        if sql[lid]["written_off_date"] != want[lid].wo_date:
            diffs.add("write_offs.date", lid, sql[lid]["written_off_date"], want[lid].wo_date)
        if not same_money(sql[lid]["written_off_principal"], want[lid].wo_principal):
            diffs.add(
                "write_offs.principal",
                lid,
                sql[lid]["written_off_principal"],
                want[lid].wo_principal,
            )
    return diffs


def compare_net_flow_to_loss(con: Any, ref: Reference) -> Diffs:
    diffs = Diffs()
    rows = run(con, "net_flow_to_loss", as_of=ref.as_of)
    sql = {r["month_end"]: r for r in rows}
    want = ref.net_flow_to_loss()
    diffs.keys("net_flow_to_loss", sql, want)
    for me in set(sql) & set(want):
        if not same_rate(sql[me]["rate"], want[me]):
            diffs.add("net_flow_to_loss.rate", me, sql[me]["rate"], want[me])
    return diffs


def compare_write_off_recoveries(
    con: Any, ref: Reference, period: tuple[date | None, date | None] = (None, None)
) -> Diffs:
    diffs = Diffs()
    start, end = period
    rows = run(
        con, "recoveries_after_write_off", as_of=ref.as_of, period_start=start, period_end=end
    )
    sql = {(r["month"], r["channel"]): r for r in rows}
    want = ref.recoveries_after_write_off(start, end)
    diffs.keys("recoveries_after_write_off", sql, want)
    for key in set(sql) & set(want):
        for f in ("recovered", "loans"):
            if not same_money(sql[key][f], want[key][f]):
                diffs.add(f"recoveries_after_write_off.{f}", key, sql[key][f], want[key][f])
    rows = run(con, "write_off_recovery", as_of=ref.as_of, period_start=start, period_end=end)
    sql = {r["write_off_month"]: r for r in rows}
    want = ref.write_off_recovery(start, end)
    diffs.keys("write_off_recovery", sql, want)
    for key in set(sql) & set(want):
        for f, g in (
            ("loans", "loans"),
            ("written_off_principal", "written_off"),
            ("recovered", "recovered"),
        ):
            if not same_money(sql[key][f], want[key][g]):
                diffs.add(f"write_off_recovery.{f}", key, sql[key][f], want[key][g])
        if not same_rate(sql[key]["rate"], want[key]["rate"]):
            diffs.add("write_off_recovery.rate", key, sql[key]["rate"], want[key]["rate"])
    return diffs


DERIVATION_CHECKS = {
    "installment_status": compare_installment_status,
    "loan_month": compare_loan_month,
    "loan_status": compare_loan_status,
    "book": compare_book_invariants,
}
METRIC_CHECKS = {
    "overdue_rate": compare_overdue_rate,
    "bucket_distribution": compare_bucket_distribution,
    "roll_matrix": compare_roll_matrix,
    "flow_rate": compare_flow_rate,
    "vintage": compare_vintage,
    "fpd": compare_fpd,
    "entry_rate": compare_entry_rate,
    "cure_rate": compare_cure_rate,
    "recovery_curve": compare_recovery_curve,
    "channel_performance": compare_channel_performance,
    "channel_performance_by_bucket": lambda con, ref: compare_channel_performance(
        con, ref, by="bucket"
    ),
    "compliance": compare_compliance,
    "write_offs": compare_write_offs,
    "net_flow_to_loss": compare_net_flow_to_loss,
    "write_off_recoveries": compare_write_off_recoveries,
}


def compare_all(con: Any, ref: Reference, checks: Iterable[str] | None = None) -> Diffs:
    every = {**DERIVATION_CHECKS, **METRIC_CHECKS}
    diffs = Diffs()
    for name in checks or every:
        diffs.extend(every[name](con, ref))
    return diffs
