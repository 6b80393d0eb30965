"""Deterministic generator of a realistic consumer-lending ledger (the four tables of LEDGER.md).

    python -m sample_data.generate --loans 20000 --seed 20261031 --out DIR [--format parquet]
    python -m sample_data.generate --small        # rebuild the committed sample_data/small/

Loans are generated in chunks of CHUNK and appended to the output files, so memory stays
bounded at any size; every chunk draws from its own stream seeded by (seed, chunk number), so
the same arguments always give byte-identical files. The story the data tells (growth, Spring
Festival dips, a loosened stretch, a shock over the last 12 months, a misbehaving agency) is
set in sample_data/story.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa

from sample_data import story
from sample_data.behaviour import Behaviour, simulate
from sample_data.book import Loans, make_loans, plan_originations
from sample_data.collections import (
    AGENCY_NAMES,
    AGENT_IDS,
    CHANNELS,
    OUTCOMES,
    TARGETS,
    Actions,
    generate_actions,
)
from sample_data.writer import (
    LOANS_ZH_HEADERS,
    SCHEMAS,
    TABLES,
    TableWriter,
    _primitive,
    coded,
    dates,
    fixed_ids,
    flags,
    ints,
    money,
)

# Part of the output's definition: changing it changes the files (each chunk has its own stream).
CHUNK = 100_000
SMALL_DIR = Path(__file__).with_name("small")
SMALL_LOANS = 20_000
SMALL_SEED = 20261031
FORMATS = ("csv", "parquet")


def _id_width(n: int) -> int:
    return max(6, len(str(n)))


def _loans_table(
    loans: Loans, beh: Behaviour, loan_ids: pa.Array, borrower_width: int, chinese: bool
) -> pa.Table:
    prod_names = [p[0] for p in story.PRODUCTS]
    channels = [c[0] for c in story.CHANNELS]
    regions = [p[0] for p in story.PROVINCES]
    btypes, fin = ["new", "repeat"], ["N", "Y"]
    reasons = ["paid_off", "prepaid"]
    if chinese:
        reasons = ["正常结清", "提前结清"]
        prod_names = [story.PRODUCT_ZH[p] for p in prod_names]
        channels = [story.CHANNEL_ZH[c] for c in channels]
        regions = [p[1] for p in story.PROVINCES]
        btypes = [story.BORROWER_TYPE_ZH[b] for b in btypes]
        fin = ["否", "是"]
    closed = beh.close_reason > 0
    return pa.table(
        {
            "loan_id": loan_ids,
            "borrower_id": fixed_ids("B", loans.borrower, borrower_width),
            "disbursed_date": dates(loans.disbursed),
            "principal": money(loans.principal),
            "term_months": ints(loans.term),
            "product": coded(loans.product, prod_names),
            "region": coded(loans.region, regions),
            "risk_grade": coded(loans.grade, story.GRADES),
            "credit_score": ints(loans.score),
            "acquisition_channel": coded(loans.channel, channels),
            "borrower_type": coded(loans.repeat.astype(np.int8), btypes),
            "fin_edu": coded(loans.fin_edu.astype(np.int8), fin),
            "closed_date": dates(beh.closed_day, closed),
            "close_reason": coded(beh.close_reason.astype(np.int32) - 1, reasons),
        }
    )


def _installments_table(loans: Loans, loan_ids: pa.Array) -> pa.Table:
    li, k = np.nonzero(np.arange(loans.due.shape[1])[None, :] < loans.term[:, None])
    return pa.table(
        {
            "loan_id": loan_ids.take(ints(li)),
            "installment_no": ints(k + 1),
            "due_date": dates(loans.due[li, k]),
            "principal_due": money(loans.principal_due[li, k]),
            "interest_due": money(loans.interest_due[li, k]),
            "fee_due": money(loans.fee_due[li, k]),
        }
    )


def payments(loans: Loans, beh: Behaviour) -> tuple[np.ndarray, ...]:
    """Every payment received by the as-of date: (loan, day, cents, installment_no or 0),
    sorted by loan and day.

    Installments settled on the same day are one payment (a catch-up pays several at once);
    a partial payment precedes its settlement; prepayments, repayment-plan instalments,
    agency and court recoveries come from the behaviour's extra arrays.
    """
    as_of = story.AS_OF
    sched = beh.owed & (beh.paid_off <= as_of)
    li, k = np.nonzero(sched)
    day = beh.paid_off[li, k]
    part = np.where(beh.partial_day[li, k] > 0, beh.partial_amt[li, k], 0)
    amt = loans.amount_due[li, k] - part
    start = np.ones(len(li), dtype=bool)
    start[1:] = (li[1:] != li[:-1]) | (day[1:] != day[:-1])
    first = np.nonzero(start)[0]
    parts = [
        (
            li[first],
            day[first],
            np.add.reduceat(amt, first) if len(first) else amt[:0],
            (k[first] + 1),
        )
    ]

    pi, pk = np.nonzero((beh.partial_day > 0) & (beh.partial_day <= as_of))
    parts.append((pi, beh.partial_day[pi, pk], beh.partial_amt[pi, pk], pk + 1))
    pre = np.nonzero(beh.close_reason == 2)[0]
    parts.append((pre, beh.closed_day[pre], beh.prepay_amt[pre], np.zeros(len(pre), np.int64)))
    for days, amts in ((beh.plan_day, beh.plan_amt), (beh.extra_day, beh.extra_amt)):
        ei, ec = np.nonzero((days > 0) & (days <= as_of) & (amts > 0))
        parts.append((ei, days[ei, ec], amts[ei, ec], np.zeros(len(ei), np.int64)))
    loan, pday, pamt, inst = (np.concatenate([p[i] for p in parts]) for i in range(4))
    order = np.lexsort((pday, loan))
    return loan[order], pday[order], pamt[order], inst[order]


def _repayments_table(
    loan_ids: pa.Array, pay: tuple[np.ndarray, ...], first_id: int, width: int
) -> pa.Table:
    loan, day, amt, inst = pay
    return pa.table(
        {
            "payment_id": fixed_ids("P", np.arange(first_id, first_id + len(loan)), width),
            "loan_id": loan_ids.take(ints(loan)),
            "paid_date": dates(day),
            "amount": money(amt),
            "installment_no": ints(inst, inst > 0),
        }
    )


def _actions_table(loan_ids: pa.Array, acts: Actions, first_id: int, width: int) -> pa.Table:
    has_ptp = acts.ptp_amt > 0
    return pa.table(
        {
            "action_id": fixed_ids("A", np.arange(first_id, first_id + len(acts)), width),
            "loan_id": loan_ids.take(ints(acts.loan)),
            "action_at": _primitive(pa.timestamp("s"), acts.at.astype(np.int64)),
            "channel": coded(acts.channel, CHANNELS),
            "agent_id": coded(acts.agent, AGENT_IDS),
            "agency": coded(acts.agency, AGENCY_NAMES),
            "outcome": coded(acts.outcome, OUTCOMES),
            "ptp_amount": money(acts.ptp_amt, has_ptp),
            "ptp_date": dates(acts.ptp_day, has_ptp),
            "cost": money(acts.cost),
            "complaint": flags(acts.complaint),
            "contact_target": coded(acts.target, TARGETS),
        }
    )


def generate(
    n_loans: int, seed: int, out_dir: Path, fmt: str = "csv", *, chinese_loans: bool = False
) -> dict[str, Path]:
    """Write a ledger of `n_loans` loans to `out_dir`; return {table: file}.

    Same arguments, same bytes. `chinese_loans` writes loans.csv as a Chinese core system
    would: GBK-encoded, Chinese headers and Chinese product/province/channel values (CSV only),
    so that the sample travels the import path real exports take.
    """
    if n_loans < 1:
        raise ValueError("n_loans must be at least 1")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    if chinese_loans and fmt != "csv":
        raise ValueError("the GBK/Chinese variant of loans exists as CSV only")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ext = "csv" if fmt == "csv" else "parquet"
    paths = {t: out_dir / f"{t}.{ext}" for t in TABLES}
    orig = plan_originations(n_loans, seed)
    loan_width = _id_width(n_loans)
    borrower_width = _id_width(int(orig.borrower.max()))
    pay_width, act_width = _id_width(n_loans * 60), _id_width(n_loans * 150)
    writers = {
        t: TableWriter(
            paths[t],
            SCHEMAS[t],
            fmt,
            LOANS_ZH_HEADERS if (chinese_loans and t == "loans") else None,
        )
        for t in TABLES
    }

    def write_chunk(tables: dict[str, pa.Table]) -> None:
        for name, table in tables.items():
            writers[name].write(table)

    # One writer thread overlaps the file writing of chunk c with the simulation of chunk c+1
    # (pyarrow writes without the GIL); waiting for it before handing over the next chunk keeps
    # the order of rows fixed and at most one finished chunk in memory.
    next_payment, next_action = 1, 1
    pending: Future[None] | None = None
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            for chunk, start in enumerate(range(0, n_loans, CHUNK)):
                rng = np.random.default_rng([seed, 1, chunk])
                loans = make_loans(orig, start, min(start + CHUNK, n_loans), rng)
                beh = simulate(loans, rng)
                loan_ids = fixed_ids("L", loans.number, loan_width)
                pay = payments(loans, beh)
                acts = generate_actions(loans, beh, rng)
                tables = {
                    "loans": _loans_table(loans, beh, loan_ids, borrower_width, chinese_loans),
                    "installments": _installments_table(loans, loan_ids),
                    "repayments": _repayments_table(loan_ids, pay, next_payment, pay_width),
                    "collection_actions": _actions_table(loan_ids, acts, next_action, act_width),
                }
                next_payment += len(pay[0])
                next_action += len(acts)
                del loans, beh, pay, acts
                if pending is not None:
                    pending.result()
                pending = pool.submit(write_chunk, tables)
            if pending is not None:
                pending.result()
    finally:
        for w in writers.values():
            w.close()
    return paths


def build_small_sample(out_dir: Path = SMALL_DIR) -> dict[str, Path]:
    """The committed sample the app imports on a fresh checkout (loans as a GBK export)."""
    return generate(SMALL_LOANS, SMALL_SEED, out_dir, "csv", chinese_loans=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_data.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--loans", type=int, default=SMALL_LOANS, help="number of loans")
    parser.add_argument("--seed", type=int, default=SMALL_SEED, help="random seed")
    parser.add_argument("--out", type=Path, help="output folder")
    parser.add_argument("--format", choices=FORMATS, default="csv")
    parser.add_argument(
        "--chinese-loans",
        action="store_true",
        help="write loans.csv as GBK with Chinese headers and values",
    )
    parser.add_argument(
        "--small", action="store_true", help=f"rebuild the committed sample in {SMALL_DIR}"
    )
    args = parser.parse_args(argv)
    if args.loans < 1:
        parser.error("--loans must be at least 1")
    started = time.perf_counter()
    if args.small:
        paths = build_small_sample()
    elif args.out is None:
        parser.error("--out is required (or --small)")
    else:
        paths = generate(
            args.loans, args.seed, args.out, args.format, chinese_loans=args.chinese_loans
        )
    took = time.perf_counter() - started
    for table, path in paths.items():
        print(f"{table:20s} {path}  {path.stat().st_size / 1e6:8.1f} MB")
    print(f"done in {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
