"""How borrowers repay: installment by installment, vectorised across a chunk of loans.

Each loan gets a borrower type (on-time payer, sometimes late then cures, partial payer, serial
defaulter who stops after a few installments, prepayer). Then, for installment k = 1..n in turn,
every loan draws at once whether it stops paying, misses the due date, and — when it misses —
in which DPD bucket it cures. The cure chance in each bucket depends on the collection
treatment the episode gets there (a field visit in M2, the agency the case is sent to in M3),
so the treatments really cause recoveries rather than being painted on afterwards.

Paid-off days are kept non-decreasing (a payment never settles a later installment before an
earlier one), which is exactly the waterfall of METRICS.md §1: the payments we emit therefore
make each installment paid off on the day the simulation says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sample_data import story
from sample_data.book import MAX_TERM, Loans

NEVER = np.int64(1 << 40)  # paid-off day of an installment that is never paid
J_MAX = 420  # collection activity on a defaulted loan stops this many days after its due date

ON_TIME, LATE_CURE, PARTIAL, DEFAULTER, PREPAYER = range(5)
# Per borrower type: chance of missing a due date, chance of curing within M1 once missed.
MISS = np.array([0.012, 0.28, 0.38, 0.10, 0.008])
CURE_M1 = np.array([0.97, 0.90, 0.84, 0.70, 0.97])

# Kinds of extra payments on a defaulted loan (column kind in Behaviour.extra_*).
BORROWER_PART, AGENCY_PART, LEGAL_RECOVERY, AGENCY_RECOVERY = 1, 2, 3, 4
MAX_PLAN = 6


@dataclass
class Behaviour:
    """What happened on each loan of a chunk (day numbers; cents)."""

    btype: np.ndarray  # borrower type per loan
    owed: np.ndarray  # [n, MAX_TERM] bool: installment exists and was not prepaid away
    paid_off: np.ndarray  # [n, MAX_TERM] day the installment is paid off, or NEVER
    partial_day: np.ndarray  # [n, MAX_TERM] day of a partial payment on it (0 = none)
    partial_amt: np.ndarray  # [n, MAX_TERM] cents
    visit_j: np.ndarray  # [n, MAX_TERM] days after due of a field visit in its episode (0 = none)
    agency: np.ndarray  # per loan: the agency an M3+ case goes to (index into story.AGENCIES)
    stop_k: np.ndarray  # installment index at which the borrower stopped paying (-1 = never)
    closed_day: np.ndarray  # day of closure (0 = open)
    close_reason: np.ndarray  # 0 none, 1 paid_off, 2 prepaid
    prepay_amt: np.ndarray  # cents paid on closed_day by a prepayer
    plan_j: np.ndarray  # days after the stop installment's due when a plan was offered (0 none)
    plan_agreed: np.ndarray  # bool
    plan_day: np.ndarray  # [n, MAX_PLAN] plan payment days (0 = none)
    plan_amt: np.ndarray  # [n, MAX_PLAN]
    legal_j: np.ndarray  # days after the stop installment's due of a legal filing (0 = none)
    extra_day: np.ndarray  # [n, 4] other payments on defaulted loans (0 = none)
    extra_amt: np.ndarray
    extra_kind: np.ndarray


def _shock_factor(m: np.ndarray) -> np.ndarray:
    """How much harder curing gets when the economy is bad (1 before the shock)."""
    return np.clip(1.0 - 0.22 * (m - 1.0), 0.45, 1.0)


def simulate(loans: Loans, rng: np.random.Generator) -> Behaviour:
    """Draw repayment behaviour for a chunk of loans."""
    n = len(loans)
    R = loans.risk
    sqrt_r = np.sqrt(R)
    amount = loans.amount_due
    principal_yuan = loans.principal / 100

    # Borrower types: riskier loans hold more defaulters and late payers, fewer prepayers.
    p_def = np.clip(0.022 * R, 0, 0.5)
    p_part = np.clip(0.05 * sqrt_r, 0, 0.2)
    p_late = np.clip(0.13 * sqrt_r, 0, 0.3)
    p_pre = np.clip(0.16 / sqrt_r, 0, 0.3)
    cum = np.cumsum(
        np.stack([1 - p_def - p_part - p_late - p_pre, p_late, p_part, p_def, p_pre], axis=1),
        axis=1,
    )
    btype = (rng.random(n)[:, None] >= cum[:, :4]).sum(axis=1).astype(np.int8)
    stop_at = rng.geometric(0.42, n) - 1  # serial defaulters stop early: mostly installment 1-3
    btype = np.where((btype == DEFAULTER) & (stop_at >= loans.term), LATE_CURE, btype)
    prepay_after = (rng.random(n) * (loans.term - 1)).astype(np.int64)

    ag_share = np.array([a[1] for a in story.AGENCIES])
    agency = np.searchsorted(
        np.cumsum(ag_share) / ag_share.sum(), rng.random(n), side="right"
    ).astype(np.int8)
    ag_cure = np.array([a[2] for a in story.AGENCIES])[agency]
    ag_recovery = np.array([a[3] for a in story.AGENCIES])[agency]
    p_visit = np.where(principal_yuan >= 5000, 0.55, 0.30)  # bigger balances get visited

    owed = np.zeros((n, MAX_TERM), dtype=bool)
    paid_off = np.full((n, MAX_TERM), NEVER, dtype=np.int64)
    partial_day = np.zeros((n, MAX_TERM), dtype=np.int64)
    partial_amt = np.zeros((n, MAX_TERM), dtype=np.int64)
    visit_j = np.zeros((n, MAX_TERM), dtype=np.int64)
    stop_k = np.full(n, -1, dtype=np.int64)
    closed_day = np.zeros(n, dtype=np.int64)
    close_reason = np.zeros(n, dtype=np.int8)
    prepay_amt = np.zeros(n, dtype=np.int64)

    prev = loans.disbursed.copy()  # paid-off day of the previous installment
    stopped = np.zeros(n, dtype=bool)
    closed = np.zeros(n, dtype=bool)
    for k in range(MAX_TERM):
        live = (loans.term > k) & ~closed
        if not live.any():
            break
        owed[:, k] = live
        # Only loans still paying need a draw (stopped ones stay unpaid); working on that subset
        # rather than on the whole chunk halves the cost, as most terms are short.
        idx = np.nonzero(live & ~stopped)[0]
        bt, r_i, pv = btype[idx], R[idx], prev[idx]
        dk = loans.due[idx, k]
        m, new_year = story.day_factors(dk)
        sf = _shock_factor(m)
        u = rng.random((len(idx), 14))

        # Stopping: the serial defaulter's planned stop, plus life events that the shock makes
        # commoner for every open loan.
        hazard = 0.0006 * r_i + 0.0045 * r_i * (m - 1.0)
        stop_now = ((bt == DEFAULTER) & (stop_at[idx] == k)) | (u[:, 0] < hazard)
        miss_p = np.clip(MISS[bt] * sqrt_r[idx] * m * new_year, 0, 0.9)
        miss = ~stop_now & (u[:, 1] < miss_p)

        # Curing, bucket by bucket; each bucket's treatment shifts the odds.
        cure1 = miss & (u[:, 2] < CURE_M1[bt] * sf)
        late = np.minimum((-5.0 * np.log1p(-u[:, 9])).astype(np.int64), 29) + 1  # mostly a week
        rest = miss & ~cure1
        visited = rest & (u[:, 3] < p_visit[idx])
        vj = 33 + (u[:, 4] * 18).astype(np.int64)
        cure2 = rest & (u[:, 5] < np.where(visited, 0.62, 0.25) * sf)
        lag = np.where(u[:, 6] < 0.65, 0, np.where(u[:, 6] < 0.85, 1, 2))
        late = np.where(
            cure2, np.where(visited, vj + lag, 32 + (u[:, 7] * 29).astype(np.int64)), late
        )
        rest = rest & ~cure2
        cure3 = rest & (u[:, 8] < 0.38 * ag_cure[idx] * sf)
        late = np.where(cure3, 62 + (u[:, 7] * 29).astype(np.int64), late)
        stop_now |= rest & ~cure3

        early = np.where(u[:, 7] < 0.75, 0, 1 + (u[:, 6] * 5).astype(np.int64))
        day = np.where(miss, dk + late, dk - early)
        day = np.maximum(day, pv)  # a catch-up payment settles this one with the older ones
        day = np.where(stop_now, NEVER, day)
        paid_off[idx, k] = day

        # Serial defaulters get the same M2 field-visit chance as failing late payers.
        visit_stop = stop_now & ~miss & (u[:, 3] < p_visit[idx])
        visit_j[idx, k] = np.where(visited | visit_stop, vj, 0)
        stop_k[idx[stop_now]] = k
        stopped[idx[stop_now]] = True

        # Partial payers pay part of a late installment before settling it.
        lo = np.maximum(pv + 1, dk + 1)
        amt_k = amount[idx, k]
        pamt = np.floor(amt_k * (0.2 + 0.4 * u[:, 12]) / 100).astype(np.int64) * 100
        has_part = (
            miss
            & ~stop_now
            & (late >= 5)
            & (day > lo)
            & (pamt >= 100)
            & (pamt < amt_k)
            & (u[:, 10] < np.where(bt == PARTIAL, 0.7, 0.07))
        )
        pday = lo + (u[:, 11] * (day - lo)).astype(np.int64)
        partial_day[idx, k] = np.where(has_part, pday, 0)
        partial_amt[idx, k] = np.where(has_part, pamt, 0)

        # Prepayment: after paying installment k on time, settle the rest before the next due.
        cday = dk + 3 + (u[:, 13] * 23).astype(np.int64)
        pre = (
            (bt == PREPAYER)
            & (prepay_after[idx] == k)
            & ~stop_now
            & (day <= dk)
            & (k + 1 < loans.term[idx])
            & (cday <= story.AS_OF)
        )
        sel = idx[pre]
        closed_day[sel] = cday[pre]
        close_reason[sel] = 2
        prepay_amt[sel] = loans.principal_due[sel, k + 1 :].sum(axis=1)
        closed[sel] = True

        prev[idx] = day

    # Loans whose last installment is paid off by the as-of date are closed as paid_off.
    last = np.where(owed, paid_off, 0).max(axis=1)
    done = (close_reason == 0) & (stop_k < 0) & (last <= story.AS_OF)
    closed_day = np.where(done, last, closed_day)
    close_reason = np.where(done, 1, close_reason).astype(np.int8)

    beh = Behaviour(
        btype=btype,
        owed=owed,
        paid_off=paid_off,
        partial_day=partial_day,
        partial_amt=partial_amt,
        visit_j=visit_j,
        agency=agency,
        stop_k=stop_k,
        closed_day=closed_day,
        close_reason=close_reason,
        prepay_amt=prepay_amt,
        plan_j=np.zeros(n, dtype=np.int64),
        plan_agreed=np.zeros(n, dtype=bool),
        plan_day=np.zeros((n, MAX_PLAN), dtype=np.int64),
        plan_amt=np.zeros((n, MAX_PLAN), dtype=np.int64),
        legal_j=np.zeros(n, dtype=np.int64),
        extra_day=np.zeros((n, 4), dtype=np.int64),
        extra_amt=np.zeros((n, 4), dtype=np.int64),
        extra_kind=np.zeros((n, 4), dtype=np.int8),
    )
    _after_default(loans, beh, ag_cure, ag_recovery, rng)
    return beh


def _after_default(
    loans: Loans,
    beh: Behaviour,
    ag_cure: np.ndarray,
    ag_recovery: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Money that still comes in after a borrower stops: partial payments after promises,
    repayment plans (kept or broken), agency collections and court recoveries after write-off."""
    n = len(loans)
    rows = np.arange(n)
    d = beh.stop_k >= 0
    sk = np.maximum(beh.stop_k, 0)
    ds = loans.due[rows, sk]
    prev = np.where(sk > 0, beh.paid_off[rows, np.maximum(sk - 1, 0)], loans.disbursed)
    amount = loans.amount_due
    amt_s = amount[rows, sk]
    k = np.arange(MAX_TERM)
    remaining = np.where(beh.owed & (k[None, :] >= sk[:, None]), amount, 0).sum(axis=1)
    u = rng.random((n, 16))

    # A partial payment after a promise, while still in M1-M3.
    bp = d & (u[:, 0] < np.where(beh.btype == PARTIAL, 0.7, 0.25))
    bp_day = np.maximum(ds + 5 + (u[:, 1] * 70).astype(np.int64), prev + 1)
    bp_amt = np.floor(amt_s * (0.15 + 0.3 * u[:, 2]) / 100).astype(np.int64) * 100
    bp &= bp_amt >= 100

    # Repayment plans (协商还款): offered to some in M3-M4; most accept; about half keep them.
    plan_j = 70 + (u[:, 3] * 46).astype(np.int64)
    offered = d & (u[:, 4] < 0.25) & (ds + plan_j > prev)
    agreed = offered & (u[:, 5] < 0.7)
    bp &= ~agreed | (bp_day < ds + plan_j)
    rem = remaining - np.where(bp, bp_amt, 0)
    months = np.where(u[:, 6] < 0.5, 3, 6)
    kept = u[:, 7] < 0.55
    # Broken plans break early: one or two instalments, then nothing.
    n_paid = np.where(kept, months, 1 + (u[:, 8] * 2).astype(np.int64))
    first = ds + plan_j + 3 + (u[:, 9] * 8).astype(np.int64)
    base = rem // months
    for t in range(MAX_PLAN):
        pay = agreed & (t < n_paid)
        amt_t = np.where(t == months - 1, rem - base * (months - 1), base)
        beh.plan_day[:, t] = np.where(pay, first + 30 * t, 0)
        beh.plan_amt[:, t] = np.where(pay, amt_t, 0)
    last_plan = first + 30 * (months - 1)
    plan_closed = agreed & kept & (last_plan <= story.AS_OF)
    beh.closed_day[:] = np.where(plan_closed, last_plan, beh.closed_day)
    beh.close_reason[:] = np.where(plan_closed, 1, beh.close_reason)
    beh.plan_j[:] = np.where(offered, plan_j, 0)
    beh.plan_agreed[:] = agreed

    # Without a plan the case goes to an agency in M3: some partial payments before write-off.
    free = d & ~agreed
    ap = free & (u[:, 10] < 0.22 * ag_cure)
    ap_day = ds + 66 + (u[:, 11] * 110).astype(np.int64)
    cap = (amt_s * 9) // 10 - np.where(bp, bp_amt, 0)
    ap_amt = np.minimum(
        np.floor(amt_s * (0.1 + 0.25 * u[:, 12]) / 100).astype(np.int64) * 100, cap // 100 * 100
    )
    ap &= (ap_amt >= 100) & (ap_day > prev)
    rem = rem - np.where(ap, ap_amt, 0)

    # Legal action for larger balances (M4+); courts recover months later, after write-off.
    legal = free & (loans.principal >= 300000) & (u[:, 13] < 0.35)
    beh.legal_j[:] = np.where(legal, 95 + (u[:, 14] * 36).astype(np.int64), 0)
    lr = legal & (u[:, 15] < 0.35)
    lr_j = np.maximum(beh.legal_j + 60 + (rng.random(n) * 180).astype(np.int64), 185)
    lr_amt = np.floor(rem * (0.5 + 0.5 * rng.random(n)) / 100).astype(np.int64) * 100
    lr &= lr_amt >= 100
    rem = rem - np.where(lr, lr_amt, 0)

    # Late recoveries by the agency after write-off.
    ar = free & (rng.random(n) < ag_recovery)
    ar_j = 185 + (rng.random(n) * 235).astype(np.int64)
    ar_amt = np.floor(rem * (0.3 + 0.7 * rng.random(n)) / 100).astype(np.int64) * 100
    ar &= ar_amt >= 100

    for col, (flag, dday, amt, kind) in enumerate(
        (
            (bp, bp_day, bp_amt, BORROWER_PART),
            (ap, ap_day, ap_amt, AGENCY_PART),
            (lr, ds + lr_j, lr_amt, LEGAL_RECOVERY),
            (ar, ds + ar_j, ar_amt, AGENCY_RECOVERY),
        )
    ):
        beh.extra_day[:, col] = np.where(flag, dday, 0)
        beh.extra_amt[:, col] = np.where(flag, amt, 0)
        beh.extra_kind[:, col] = np.where(flag, kind, 0)
