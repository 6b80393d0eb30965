"""Loans and their repayment schedules: who borrowed, when, how much, on what terms.

The dates and borrower links are drawn once for the whole book (they are cheap and must be
global: loan ids run in disbursement order and a repeat borrower's earlier loan may sit in any
chunk); everything else is drawn per chunk of loans so memory stays bounded at any size.
Money is integer cents throughout, so schedule parts add up to the principal exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sample_data import story

MAX_TERM = max(t for _, t, _ in story.PRODUCTS)
NO_DATE = np.int64(-1)  # an installment slot beyond the loan's term


@dataclass(frozen=True)
class Originations:
    """The whole book's disbursement days (sorted), repeat flags and borrower numbers."""

    disbursed: np.ndarray  # int64 day numbers, non-decreasing
    repeat: np.ndarray  # bool: borrower had an earlier loan on this platform
    borrower: np.ndarray  # int64 borrower number (1-based), shared by a borrower's loans


def plan_originations(n_loans: int, seed: int) -> Originations:
    """Draw disbursement days and borrower links for all loans at once.

    Loan ids follow disbursement order, which is how a core system numbers contracts. Repeat
    loans point at a random earlier loan and inherit its borrower (the root of the chain), so a
    returning borrower really has several loans under one opaque borrower id.
    """
    rng = np.random.default_rng([seed, 0])
    days = np.arange(story.FIRST_DISBURSEMENT, story.AS_OF + 1, dtype=np.int64)
    weights = story.origination_weights(days)
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    disbursed = np.sort(days[np.searchsorted(cdf, rng.random(n_loans), side="right")])

    position = np.arange(n_loans, dtype=np.int64)
    # Repeat borrowers become commoner as the book matures (few can be repeat in month one).
    maturity = np.minimum(1.0, (disbursed - story.FIRST_DISBURSEMENT) / 240.0)
    repeat = (rng.random(n_loans) < story.REPEAT_SHARE * maturity) & (position > 0)
    parent = np.where(repeat, (rng.random(n_loans) * position).astype(np.int64), position)
    root = parent
    while True:  # pointer jumping: every loan finds the first loan of its borrower
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    is_root = root == position
    borrower_of_root = np.cumsum(is_root)  # 1-based numbers in order of first loan
    return Originations(disbursed=disbursed, repeat=repeat, borrower=borrower_of_root[root])


@dataclass
class Loans:
    """One chunk of loans with their schedules (arrays of shape [n] or [n, MAX_TERM])."""

    number: np.ndarray  # global 1-based loan numbers
    disbursed: np.ndarray
    borrower: np.ndarray
    repeat: np.ndarray
    product: np.ndarray  # index into story.PRODUCTS (product and term together)
    term: np.ndarray
    region: np.ndarray  # index into story.PROVINCES
    channel: np.ndarray  # index into story.CHANNELS
    score: np.ndarray  # credit score (int)
    grade: np.ndarray  # 0..4 for A..E
    fin_edu: np.ndarray  # bool
    loosened: np.ndarray  # bool: disbursed in the loosened stretch
    risk: np.ndarray  # relative hazard (1 = an average loan), the hidden truth
    principal: np.ndarray  # cents
    due: np.ndarray  # [n, MAX_TERM] day numbers, NO_DATE beyond the term
    principal_due: np.ndarray  # [n, MAX_TERM] cents
    interest_due: np.ndarray
    fee_due: np.ndarray

    @property
    def amount_due(self) -> np.ndarray:
        return self.principal_due + self.interest_due + self.fee_due

    def __len__(self) -> int:
        return len(self.number)


def add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """The same day of the month `months` later, clipped to the month's last day (31 Jan + 1 →
    28/29 Feb), which is how Chinese lenders set monthly due dates."""
    days = np.asarray(days, dtype=np.int64)
    dom = days - story.month_start(story.month_index(days))  # 0-based day of month
    target = story.month_index(days) + months
    first = story.month_start(target)
    length = story.month_start(target + 1) - first
    return first + np.minimum(dom, length - 1)


def _round_half_up(x: np.ndarray) -> np.ndarray:
    return np.floor(x + 0.5).astype(np.int64)


def make_loans(orig: Originations, start: int, stop: int, rng: np.random.Generator) -> Loans:
    """Draw the attributes and schedules of loans start..stop-1 (0-based positions)."""
    n = stop - start
    disbursed = orig.disbursed[start:stop]
    repeat = orig.repeat[start:stop]
    loosened = np.isin(story.month_index(disbursed), story.LOOSENED_MONTHS)

    ch_normal = np.array([c[1] for c in story.CHANNELS])
    ch_loose = np.array([c[2] for c in story.CHANNELS])
    u = rng.random(n)
    channel = np.where(
        loosened,
        np.searchsorted(np.cumsum(ch_loose) / ch_loose.sum(), u, side="right"),
        np.searchsorted(np.cumsum(ch_normal) / ch_normal.sum(), u, side="right"),
    ).astype(np.int8)
    ch_risk = np.array([c[3] for c in story.CHANNELS])[channel]
    ch_shift = np.array([c[4] for c in story.CHANNELS])[channel]

    prod_share = np.array([p[2] for p in story.PRODUCTS])
    product = np.searchsorted(
        np.cumsum(prod_share) / prod_share.sum(), rng.random(n), side="right"
    ).astype(np.int8)
    term = np.array([p[1] for p in story.PRODUCTS])[product].astype(np.int64)
    is_cash = np.array([p[0] == "cash_loan" for p in story.PRODUCTS])[product]

    prov_share = np.array([p[2] for p in story.PROVINCES])
    region = np.searchsorted(
        np.cumsum(prov_share) / prov_share.sum(), rng.random(n), side="right"
    ).astype(np.int8)
    prov_risk = np.array([p[3] for p in story.PROVINCES])[region]

    fin_edu = rng.random(n) < np.where(repeat, story.FIN_EDU_SHARE + 0.1, story.FIN_EDU_SHARE)

    # Latent quality: what underwriting tries to measure. The score sees it with noise.
    quality = (
        rng.standard_normal(n)
        + ch_shift
        + np.where(repeat, 0.35, 0.0)
        + np.where(loosened, story.LOOSENED_SCORE_SHIFT, 0.0)
        + np.where(
            story.month_index(disbursed) >= story.TIGHTENED_FROM_MONTH,
            story.TIGHTENED_SCORE_SHIFT,
            0.0,
        )
    )
    score = np.clip(_round_half_up(640 + 45 * (quality + 0.45 * rng.standard_normal(n))), 350, 950)
    floors = np.array(story.GRADE_SCORE_FLOOR)
    grade = (score[:, None] < floors[None, :]).sum(axis=1).astype(np.int8)  # 0 = A .. 4 = E

    risk = (
        np.exp(-0.8 * quality)
        * ch_risk
        * prov_risk
        * np.where(fin_edu, story.FIN_EDU_PROTECTION, 1.0)
        * np.where(repeat, story.REPEAT_PROTECTION, 1.0)
        * np.where(loosened, story.LOOSENED_HIDDEN_RISK, 1.0)
        * np.where(is_cash & (term == 3), 1.15, 1.0)
    )

    # Amounts: cash loans are small, consumer installment loans larger; better grades get more.
    median = np.where(is_cash, 3000.0, 7000.0) * np.array([1.35, 1.15, 1.0, 0.85, 0.7])[grade]
    raw = median * np.exp(rng.standard_normal(n) * np.where(is_cash, 0.55, 0.65))
    lo, hi = np.where(is_cash, 500, 1000), np.where(is_cash, 20000, 50000)
    principal = np.clip(_round_half_up(raw / 100) * 100, lo, hi).astype(np.int64) * 100

    # Equal-installment schedule (等额本息) in integer cents; the last period takes the rest.
    r = np.array(story.GRADE_APR)[grade] / 12.0
    payment = _round_half_up(principal * r / (1 - (1 + r) ** (-term.astype(float))))
    k = np.arange(MAX_TERM)
    in_term = k[None, :] < term[:, None]
    principal_due = np.zeros((n, MAX_TERM), dtype=np.int64)
    interest_due = np.zeros((n, MAX_TERM), dtype=np.int64)
    balance = principal.copy()
    for j in range(MAX_TERM):
        live = term > j
        interest = _round_half_up(balance * r)
        part = np.where(term - 1 == j, balance, np.minimum(payment - interest, balance))
        part = np.maximum(part, 0)
        principal_due[:, j] = np.where(live, part, 0)
        interest_due[:, j] = np.where(live, interest, 0)
        balance = balance - principal_due[:, j]
    # A monthly service fee (服务费) on consumer installment loans only.
    fee = np.where(is_cash, 0, _round_half_up(principal * 0.0015))
    fee_due = np.where(in_term, fee[:, None], 0)
    due = np.where(in_term, add_months(disbursed[:, None], k[None, :] + 1), NO_DATE)

    return Loans(
        number=np.arange(start + 1, stop + 1, dtype=np.int64),
        disbursed=disbursed,
        borrower=orig.borrower[start:stop],
        repeat=repeat,
        product=product,
        term=term,
        region=region,
        channel=channel,
        score=score,
        grade=grade,
        fin_edu=fin_edu,
        loosened=loosened,
        risk=risk,
        principal=principal,
        due=due,
        principal_due=principal_due,
        interest_due=interest_due,
        fee_due=fee_due,
    )
