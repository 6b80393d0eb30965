"""A slow, plain-Python reference implementation of shared/spec/METRICS.md.

Written from the metric definitions only (no SQL, no pandas): every loan is walked day by day
from its disbursement to the as-of date, money is exact ``Decimal`` and rates are exact
``Fraction`` (``None`` when the denominator is empty). The tests compare the project's SQL with
it on random ledgers; it is meant to be obviously right, not fast.

Gaps in METRICS.md are filled by the team's decisions (numbered as in the brief):
 1. payments count per calendar day; payments/actions after the as-of date are ignored; loans
    disbursed after the as-of date are left out entirely;
 2. installment k is paid off on the first day cum_paid >= cum_due(k) - paid_tolerance (the
    disbursement day when nothing needs paying);
 3. DPD at d = d - due date of the oldest installment due before d and not paid off at the end
    of d;
 4. the terminal event is the first day the loan closes (closed_date with a reason other than
    written_off, or its last installment paid off) or is written off (DPD > write_off_after_dpd,
    or closed_date with close_reason written_off); closing wins a tie; it is never undone;
 5. wo_principal = outstanding principal at the end of the day before the write-off;
 6. outstanding principal / past-due amount as in METRICS.md §1 (no tolerance there);
 7. state WO / closed / M0..M6;
 8. one month-end row per loan from its disbursement month to the last month-end <= as-of.

Where a metric says "closed by <day>" (entry rate, recovery curve, FPD) this module reads it as
"has a closed_date on or before <day> (any close_reason), or was written off by then": the golden
ledger's entry rates need the closed_date part exactly (its loan L004, closed early by paying
everything, keeps its installments in the denominator, while L006, closed by closed_date, drops
out); a loan written off is out of collection for installments falling due later (a choice).

A payment is a collection recovery (§9) when the loan was on book with DPD >= 1, or written off,
at the end of the day before (§1: payments after a write-off are recoveries; a closed loan is not
in collection). `recovery_dpd` selects the other readings for experiments.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

ONE_DAY = timedelta(days=1)
ZERO = Decimal("0.00")
BUCKETS = ("M0", "M1", "M2", "M3", "M4", "M5", "M6")
TO_STATES = BUCKETS + ("WO", "closed")
RPC_OUTCOMES = frozenset({"contacted", "ptp", "refused", "paid"})
CALL_CHANNELS = frozenset({"phone", "ivr"})
NO_ACTION = "(no action)"
WRITTEN_OFF = "written_off"


# --------------------------------------------------------------------------------------------
# Small calendar and number helpers
# --------------------------------------------------------------------------------------------
def month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, months: int) -> date:
    """The same day `months` later, clipped to the end of a shorter month."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def month_key(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def days_between(first: date, last: date) -> Iterator[date]:
    """Every day from `first` to `last`, both included."""
    d = first
    while d <= last:
        yield d
        d += ONE_DAY


def month_ends_between(first: date, last: date) -> list[date]:
    """Month-ends from the end of `first`'s month to the last month-end <= `last`."""
    out = []
    me = month_end(first)
    while me <= last:
        out.append(me)
        me = month_end(me + ONE_DAY)
    return out


def clamp(x: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(x, high))


def money(x: Any) -> Decimal:
    """A money value as an exact Decimal (floats go through their shortest repr)."""
    if x is None:
        return ZERO
    if isinstance(x, Decimal):
        return x
    return Decimal(str(x))


def ratio(numerator: Any, denominator: Any) -> Fraction | None:
    """numerator / denominator exactly; None (NULL) for an empty denominator."""
    numerator, denominator = Fraction(numerator), Fraction(denominator)
    if denominator == 0:
        return None
    return numerator / denominator


def as_date(x: Any) -> date | None:
    if x is None:
        return None
    if isinstance(x, datetime):
        return x.date()
    if isinstance(x, date):
        return x
    return date.fromisoformat(str(x)[:10])


def as_datetime(x: Any) -> datetime:
    if isinstance(x, datetime):
        return x
    return datetime.fromisoformat(str(x))


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RefSettings:
    write_off_after_dpd: int = 180
    paid_tolerance: Decimal = Decimal("0.01")
    bucket_edges: tuple[int, ...] = (30, 60, 90, 120, 150, 180)
    attribution_window_days: int = 7
    contact_start: time = time(8, 0)
    contact_end: time = time(22, 0)
    connected_call_cap: int = 3
    dial_cap: int = 6

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any] | Any) -> RefSettings:
        """From a dict (expected.json's "settings") or any object with the same attributes."""

        def get(name: str, default: Any) -> Any:
            if isinstance(m, Mapping):
                return m.get(name, default)
            return getattr(m, name, default)

        hours = get("contact_hours", ("08:00", "22:00"))
        return cls(
            write_off_after_dpd=int(get("write_off_after_dpd", 180)),
            paid_tolerance=money(get("paid_tolerance", "0.01")),
            bucket_edges=tuple(int(e) for e in get("bucket_edges", cls.bucket_edges)),
            attribution_window_days=int(get("attribution_window_days", 7)),
            contact_start=time.fromisoformat(hours[0]),
            contact_end=time.fromisoformat(hours[1]),
            connected_call_cap=int(get("connected_call_cap", 3)),
            dial_cap=int(get("dial_cap", 6)),
        )

    def bucket(self, dpd: int) -> str:
        if dpd <= 0:
            return "M0"
        for i, edge in enumerate(self.bucket_edges, start=1):
            if dpd <= edge:
                return f"M{i}"
        return "M6"  # only reachable when write_off_after_dpd > the last edge


# --------------------------------------------------------------------------------------------
# One loan, day by day
# --------------------------------------------------------------------------------------------
@dataclass
class Installment:
    no: int
    due_date: date
    principal_due: Decimal
    interest_due: Decimal
    fee_due: Decimal
    amount_due: Decimal
    cum_due_before: Decimal  # cum_due(k-1)
    cum_due: Decimal  # cum_due(k)
    paid_off_date: date | None = None


class LoanRef:
    """Everything about one loan up to the as-of date, computed day by day."""

    def __init__(
        self,
        loan: Mapping[str, Any],
        installments: Iterable[Mapping[str, Any]],
        payments: Iterable[Mapping[str, Any]],
        as_of: date,
        settings: RefSettings,
    ) -> None:
        self.s = settings
        self.as_of = as_of
        self.loan_id = str(loan["loan_id"])
        self.borrower_id = loan.get("borrower_id")
        self.disbursed_date = as_date(loan["disbursed_date"])
        self.principal = money(loan["principal"])
        self.closed_date = as_date(loan.get("closed_date"))
        self.close_reason = loan.get("close_reason")
        self.row = dict(loan)

        # The schedule in installment_no order, with cumulative amounts due.
        self.installments: list[Installment] = []
        cum = ZERO
        for row in sorted(installments, key=lambda r: int(r["installment_no"])):
            fee = money(row.get("fee_due"))
            interest = money(row["interest_due"])
            principal = money(row["principal_due"])
            amount = principal + interest + fee
            self.installments.append(
                Installment(
                    no=int(row["installment_no"]),
                    due_date=as_date(row["due_date"]),
                    principal_due=principal,
                    interest_due=interest,
                    fee_due=fee,
                    amount_due=amount,
                    cum_due_before=cum,
                    cum_due=cum + amount,
                )
            )
            cum += amount

        # Payments per calendar day, up to the as-of date (decision 1).
        per_day: dict[date, Decimal] = defaultdict(lambda: ZERO)
        for p in payments:
            paid = as_date(p["paid_date"])
            if paid <= as_of:
                per_day[paid] += money(p["amount"])
        self.payments_per_day: dict[date, Decimal] = dict(sorted(per_day.items()))
        self._cum_paid_cache: dict[date, Decimal] = {}
        self._first_dpd_cache: dict[int, date | None] = {}

        self._compute_paid_off_dates()
        self._compute_terminal_event()

    # ---- payments and the waterfall ------------------------------------------------------
    def cum_paid(self, d: date) -> Decimal:
        """All payments received up to the end of day d."""
        if d not in self._cum_paid_cache:
            self._cum_paid_cache[d] = sum(
                (amount for day, amount in self.payments_per_day.items() if day <= d), ZERO
            )
        return self._cum_paid_cache[d]

    def paid_to(self, inst: Installment, d: date) -> Decimal:
        """The part of installment `inst` covered by payments up to d (METRICS.md §1)."""
        return clamp(self.cum_paid(d) - inst.cum_due_before, ZERO, inst.amount_due)

    def _compute_paid_off_dates(self) -> None:
        tol = self.s.paid_tolerance
        for d in days_between(self.disbursed_date, self.as_of):
            for inst in self.installments:
                if inst.paid_off_date is None and self.cum_paid(d) >= inst.cum_due - tol:
                    inst.paid_off_date = d

    @staticmethod
    def paid_off_by(inst: Installment, d: date) -> bool:
        """Is the installment paid off at the end of day d?"""
        return inst.paid_off_date is not None and inst.paid_off_date <= d

    # ---- DPD, ignoring closure and write-off -------------------------------------------------
    def raw_dpd(self, d: date) -> int:
        """d - due date of the oldest installment due before d that is not paid off at d."""
        overdue = [
            (d - inst.due_date).days
            for inst in self.installments
            if inst.due_date < d and not self.paid_off_by(inst, d)
        ]
        return max(overdue, default=0)

    def raw_outstanding(self, d: date) -> Decimal:
        repaid = ZERO
        for inst in self.installments:
            covered = self.paid_to(inst, d) - inst.fee_due - inst.interest_due
            repaid += clamp(covered, ZERO, inst.principal_due)
        return self.principal - repaid

    def raw_past_due(self, d: date) -> Decimal:
        return sum(
            (
                inst.amount_due - self.paid_to(inst, d)
                for inst in self.installments
                if inst.due_date < d
            ),
            ZERO,
        )

    # ---- closure and write-off (decision 4) ------------------------------------------------
    def _closes_at_end_of(self, d: date) -> bool:
        by_date = (
            self.closed_date is not None
            and self.close_reason != WRITTEN_OFF
            and self.closed_date <= d
        )
        last = self.installments[-1] if self.installments else None
        by_payoff = last is not None and self.paid_off_by(last, d)
        return by_date or by_payoff

    def _written_off_at_end_of(self, d: date) -> bool:
        manual = (
            self.closed_date is not None
            and self.close_reason == WRITTEN_OFF
            and self.closed_date <= d
        )
        return manual or self.raw_dpd(d) > self.s.write_off_after_dpd

    def _compute_terminal_event(self) -> None:
        self.close_day: date | None = None  # the day the loan closed, if that came first
        self.wo_date: date | None = None  # the day it was written off, if that came first
        for d in days_between(self.disbursed_date, self.as_of):
            if self._closes_at_end_of(d):  # closing wins a tie
                self.close_day = d
                break
            if self._written_off_at_end_of(d):
                self.wo_date = d
                break
        self.wo_principal: Decimal | None = (
            self.raw_outstanding(self.wo_date - ONE_DAY) if self.wo_date is not None else None
        )

    # ---- the state at the end of a day -----------------------------------------------------
    def exists_at(self, d: date) -> bool:
        return self.disbursed_date <= d

    def state(self, d: date) -> str | None:
        """WO / closed / M0..M6 at the end of d (None before disbursement)."""
        if not self.exists_at(d):
            return None
        if self.wo_date is not None and self.wo_date <= d:
            return "WO"
        if self.close_day is not None and self.close_day <= d:
            return "closed"
        return self.s.bucket(self.raw_dpd(d))

    def on_book(self, d: date) -> bool:
        return self.state(d) in BUCKETS

    def dpd(self, d: date) -> int:
        return self.raw_dpd(d) if self.on_book(d) else 0

    def outstanding(self, d: date) -> Decimal:
        return self.raw_outstanding(d) if self.on_book(d) else ZERO

    def past_due(self, d: date) -> Decimal:
        return self.raw_past_due(d) if self.on_book(d) else ZERO

    def snapshot(self, d: date) -> dict[str, Any]:
        return {
            "state": self.state(d),
            "dpd": self.dpd(d),
            "outstanding_principal": self.outstanding(d),
            "past_due_amount": self.past_due(d),
        }

    # ---- helpers for the metrics -------------------------------------------------------------
    def closed_by(self, d: date) -> bool:
        """A closed_date on or before d (any close_reason), or written off by d (module doc)."""
        by_date = self.closed_date is not None and self.closed_date <= d
        return by_date or (self.wo_date is not None and self.wo_date <= d)

    def first_day_dpd_at_least(self, n: int) -> date | None:
        """The first day (up to the as-of date) the loan was on book with DPD >= n."""
        if n not in self._first_dpd_cache:
            self._first_dpd_cache[n] = next(
                (
                    d
                    for d in days_between(self.disbursed_date, self.as_of)
                    if self.on_book(d) and self.raw_dpd(d) >= n
                ),
                None,
            )
        return self._first_dpd_cache[n]

    def ever_dpd_at_least(self, n: int, until: date) -> bool:
        """Was the loan on book with DPD >= n on some day up to `until`?"""
        first = self.first_day_dpd_at_least(n)
        return first is not None and first <= until


# --------------------------------------------------------------------------------------------
# The whole ledger
# --------------------------------------------------------------------------------------------
class Reference:
    """The reference figures of a ledger as of a date.

    `ledger` is a mapping with lists of row dicts under "loans", "installments", "repayments"
    and (optionally) "collection_actions", with the column names of ledger/sql/schema.sql.
    """

    def __init__(
        self,
        ledger: Mapping[str, Iterable[Mapping[str, Any]]],
        as_of: date,
        settings: RefSettings | None = None,
        *,
        recovery_dpd: str = "on_book_or_wo",
    ) -> None:
        self.as_of = as_of
        self.s = settings or RefSettings()
        # Which DPD decides whether a payment is a collection recovery (METRICS.md §9 leaves
        # open whether a written-off or closed loan's DPD is its raw DPD or the table's 0):
        # "on_book_or_wo" (module doc), "raw" (§1's DPD whatever the state), "on_book".
        self.recovery_dpd = recovery_dpd
        installments = defaultdict(list)
        for row in ledger.get("installments", ()):
            installments[str(row["loan_id"])].append(row)
        payments = defaultdict(list)
        for row in ledger.get("repayments", ()):
            payments[str(row["loan_id"])].append(row)
        self.loans: dict[str, LoanRef] = {}
        for loan in sorted(ledger.get("loans", ()), key=lambda r: str(r["loan_id"])):
            if as_date(loan["disbursed_date"]) > as_of:
                continue  # decision 1: not yet disbursed at the as-of date
            lid = str(loan["loan_id"])
            self.loans[lid] = LoanRef(loan, installments[lid], payments[lid], as_of, self.s)
        self.actions = sorted(
            (
                dict(a)
                for a in ledger.get("collection_actions", ())
                if str(a["loan_id"]) in self.loans and as_datetime(a["action_at"]).date() <= as_of
            ),
            key=lambda a: (as_datetime(a["action_at"]), str(a.get("action_id"))),
        )
        # Whose calls decide whether a borrower-day is over a conduct cap: the whole ledger's
        # (README, "Conduct caps and segment filters"). A reference of part of a ledger (a
        # segment) sets this to the whole ledger's reference.
        self.cap_source: Reference = self

    # ---- derivation tables -----------------------------------------------------------------
    def installment_status(self) -> dict[tuple[str, int], dict[str, Any]]:
        return {
            (lid, inst.no): {
                "due_date": inst.due_date,
                "principal_due": inst.principal_due,
                "interest_due": inst.interest_due,
                "fee_due": inst.fee_due,
                "amount_due": inst.amount_due,
                "paid_off_date": inst.paid_off_date,
            }
            for lid, loan in self.loans.items()
            for inst in loan.installments
        }

    def loan_status(self) -> dict[str, dict[str, Any]]:
        return {
            lid: {
                "disbursed_date": loan.disbursed_date,
                "principal": loan.principal,
                "close_day": loan.close_day,
                "wo_date": loan.wo_date,
                "wo_principal": loan.wo_principal,
            }
            for lid, loan in self.loans.items()
        }

    def month_ends(self) -> list[date]:
        """Month-ends from the first disbursement to the as-of date."""
        if not self.loans:
            return []
        first = min(loan.disbursed_date for loan in self.loans.values())
        return month_ends_between(first, self.as_of)

    def loan_month(self) -> dict[tuple[str, date], dict[str, Any]]:
        return {
            (lid, me): loan.snapshot(me)
            for lid, loan in self.loans.items()
            for me in month_ends_between(loan.disbursed_date, self.as_of)
        }

    # ---- §3 overdue rate -----------------------------------------------------------------------
    def overdue_rate(self, threshold: int, basis: str) -> dict[date, dict[str, Any]]:
        """Per month-end: numerator, denominator, rate (count or balance basis)."""
        out = {}
        for me in self.month_ends():
            num = den = Decimal(0)
            for loan in self.loans.values():
                if not loan.on_book(me):
                    continue
                weight = Decimal(1) if basis == "count" else loan.outstanding(me)
                den += weight
                if loan.dpd(me) >= threshold:
                    num += weight
            out[me] = {"numerator": num, "denominator": den, "rate": ratio(num, den)}
        return out

    # ---- §7 roll matrix and flow rates -------------------------------------------------------
    def month_pairs(self) -> list[tuple[date, date]]:
        mes = self.month_ends()
        return list(zip(mes, mes[1:], strict=False))

    def roll_matrix(self, basis: str) -> dict[tuple[date, date, str, str], dict[str, Any]]:
        """Cells (from_me, to_me, from_state, to_state) -> value, share; only non-empty rows'
        cells with at least one loan are listed."""
        out = {}
        for prev, cur in self.month_pairs():
            cells: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
            loans_in: dict[tuple[str, str], int] = defaultdict(int)
            rows: dict[str, Decimal] = defaultdict(Decimal)
            for loan in self.loans.values():
                if not loan.on_book(prev):
                    continue
                frm, to = loan.state(prev), loan.state(cur)
                weight = Decimal(1) if basis == "count" else loan.outstanding(prev)
                cells[(frm, to)] += weight
                loans_in[(frm, to)] += 1
                rows[frm] += weight
            for (frm, to), value in cells.items():
                out[(prev, cur, frm, to)] = {
                    "value": value,
                    "loans": loans_in[(frm, to)],
                    "share": ratio(value, rows[frm]),
                }
        return out

    def flow_rate(self) -> dict[tuple[date, date, str, str], Fraction | None]:
        out = {}
        for prev, cur in self.month_pairs():
            balance_prev: dict[str, Decimal] = defaultdict(Decimal)
            balance_cur: dict[str, Decimal] = defaultdict(Decimal)
            for loan in self.loans.values():
                if loan.on_book(prev):
                    balance_prev[loan.state(prev)] += loan.outstanding(prev)
                if loan.exists_at(cur) and loan.on_book(cur):
                    balance_cur[loan.state(cur)] += loan.outstanding(cur)
            written_off = sum(
                (
                    loan.wo_principal
                    for loan in self.loans.values()
                    if loan.wo_date is not None and prev < loan.wo_date <= cur
                ),
                Decimal(0),
            )
            for i in range(6):
                frm, to = BUCKETS[i], BUCKETS[i + 1]
                out[(prev, cur, frm, to)] = ratio(balance_cur[to], balance_prev[frm])
            out[(prev, cur, "M6", "WO")] = ratio(written_off, balance_prev["M6"])
        return out

    # ---- §6 vintage ------------------------------------------------------------------------------
    def cohorts(self) -> dict[str, list[LoanRef]]:
        out: dict[str, list[LoanRef]] = defaultdict(list)
        for loan in self.loans.values():
            out[month_key(loan.disbursed_date)].append(loan)
        return dict(sorted(out.items()))

    def mob_month_ends(self, cohort: str) -> list[tuple[int, date]]:
        first = date(int(cohort[:4]), int(cohort[5:7]), 1)
        out = []
        mob = 0
        while (me := month_end(add_months(first, mob))) <= self.as_of:
            out.append((mob, me))
            mob += 1
        return out

    def vintage(self, threshold: int, basis: str) -> dict[tuple[str, int], dict[str, Any]]:
        """Ever DPD threshold+ at each MOB, share of the cohort by count or original principal."""
        out = {}
        for cohort, loans in self.cohorts().items():
            for mob, me in self.mob_month_ends(cohort):
                num = den = Decimal(0)
                for loan in loans:
                    weight = Decimal(1) if basis == "count" else loan.principal
                    den += weight
                    if loan.ever_dpd_at_least(threshold, me):
                        num += weight
                out[(cohort, mob)] = {"numerator": num, "denominator": den, "rate": ratio(num, den)}
        return out

    def vintage_write_off(self) -> dict[tuple[str, int], dict[str, Any]]:
        """Cumulative written-off outstanding principal / cohort principal at each MOB."""
        out = {}
        for cohort, loans in self.cohorts().items():
            principal = sum((loan.principal for loan in loans), Decimal(0))
            for mob, me in self.mob_month_ends(cohort):
                wo = sum(
                    (
                        loan.wo_principal
                        for loan in loans
                        if loan.wo_date is not None and loan.wo_date <= me
                    ),
                    Decimal(0),
                )
                out[(cohort, mob)] = {
                    "numerator": wo,
                    "denominator": principal,
                    "rate": ratio(wo, principal),
                }
        return out

    # ---- §5 first payment default ------------------------------------------------------------
    def fpd(self, n: int) -> dict[str, dict[str, Any]]:
        """Per cohort with at least one observable loan: loans, bad, rate."""
        out = {}
        for cohort, loans in self.cohorts().items():
            observed = bad = 0
            for loan in loans:
                if not loan.installments:
                    continue
                first = loan.installments[0]
                if first.due_date + timedelta(days=n) > self.as_of:
                    continue
                observed += 1
                if loan.closed_by(first.due_date):
                    continue  # closed by the first due date: good
                if not loan.paid_off_by(first, first.due_date + timedelta(days=n)):
                    bad += 1
            if observed:
                out[cohort] = {"loans": observed, "bad": bad, "rate": ratio(bad, observed)}
        return out

    # ---- §4 entry rate and cure --------------------------------------------------------------
    def _due_installments(self) -> Iterator[tuple[LoanRef, Installment]]:
        """Installments due on or before the as-of date, on loans not closed by the due date."""
        for loan in self.loans.values():
            for inst in loan.installments:
                if inst.due_date <= self.as_of and not loan.closed_by(inst.due_date):
                    yield loan, inst

    def entry_rate(self, basis: str) -> dict[str, dict[str, Any]]:
        groups: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for loan, inst in self._due_installments():
            weight = Decimal(1) if basis == "count" else inst.amount_due
            g = groups[month_key(inst.due_date)]
            g[1] += weight
            if not loan.paid_off_by(inst, inst.due_date):
                g[0] += weight
        return {
            m: {"numerator": num, "denominator": den, "rate": ratio(num, den)}
            for m, (num, den) in sorted(groups.items())
        }

    def cure_rate(self, j: int) -> dict[str, Fraction | None]:
        """Share of entered amount (by due month) paid off by due_date + j (observed ones)."""
        groups: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for loan, inst in self._due_installments():
            if loan.paid_off_by(inst, inst.due_date):
                continue
            if inst.due_date + timedelta(days=j) > self.as_of:
                continue
            g = groups[month_key(inst.due_date)]
            g[1] += inst.amount_due
            if loan.paid_off_by(inst, inst.due_date + timedelta(days=j)):
                g[0] += inst.amount_due
        return {m: ratio(num, den) for m, (num, den) in sorted(groups.items())}

    # ---- §8 recovery curve --------------------------------------------------------------------
    def recovery_curve(self, max_day: int = 90) -> dict[tuple[str, int], dict[str, Any]]:
        entries = [
            (loan, inst)
            for loan, inst in self._due_installments()
            if not loan.paid_off_by(inst, inst.due_date)
        ]
        out = {}
        for j in range(1, max_day + 1):
            groups: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
            for loan, inst in entries:
                if inst.due_date + timedelta(days=j) > self.as_of:
                    continue  # not yet observed: left out, not counted as zero
                at_entry = loan.paid_to(inst, inst.due_date)
                g = groups[month_key(inst.due_date + ONE_DAY)]
                g[0] += loan.paid_to(inst, inst.due_date + timedelta(days=j)) - at_entry
                g[1] += inst.amount_due - at_entry
            for m, (num, den) in groups.items():
                out[(m, j)] = {"numerator": num, "denominator": den, "rate": ratio(num, den)}
        return dict(sorted(out.items()))

    # ---- §9 collection channels ----------------------------------------------------------------
    def _past_due_for_recovery(self, loan: LoanRef, d: date) -> bool:
        if not loan.exists_at(d):
            return False
        if self.recovery_dpd == "raw":
            return loan.raw_dpd(d) >= 1
        if self.recovery_dpd == "on_book":
            return loan.dpd(d) >= 1
        if self.recovery_dpd == "on_book_or_wo":
            return loan.dpd(d) >= 1 or loan.state(d) == "WO"
        raise ValueError(self.recovery_dpd)

    def attributions(
        self, start: date | None = None, end: date | None = None
    ) -> list[dict[str, Any]]:
        """Collection recoveries: one row per payment (day) with the action it is credited to."""
        window = timedelta(days=self.s.attribution_window_days)
        out = []
        for lid, loan in self.loans.items():
            for day, amount in loan.payments_per_day.items():
                if (start and day < start) or (end and day > end):
                    continue
                if not self._past_due_for_recovery(loan, day - ONE_DAY):
                    continue
                touching = [
                    a
                    for a in self.actions
                    if str(a["loan_id"]) == lid
                    and day - window <= as_datetime(a["action_at"]).date() <= day
                ]
                action = touching[-1] if touching else None  # the latest: last touch
                out.append(
                    {
                        "loan_id": lid,
                        "paid_date": day,
                        "amount": amount,
                        "action_id": action["action_id"] if action else None,
                        "channel": action["channel"] if action else NO_ACTION,
                        "bucket": self.bucket_at_action(action)
                        if action
                        else loan.state(day - ONE_DAY),
                        "state_before": loan.state(day - ONE_DAY),
                    }
                )
        return out

    def bucket_at_action(self, action: Mapping[str, Any]) -> str | None:
        """The loan's state at the end of the day before the action."""
        loan = self.loans[str(action["loan_id"])]
        return loan.state(as_datetime(action["action_at"]).date() - ONE_DAY)

    def ptp_kept(self, action: Mapping[str, Any]) -> bool:
        loan = self.loans[str(action["loan_id"])]
        first = as_datetime(action["action_at"]).date()
        last = as_date(action["ptp_date"])
        received = sum(
            (amount for day, amount in loan.payments_per_day.items() if first <= day <= last),
            Decimal(0),
        )
        return received >= money(action["ptp_amount"]) - self.s.paid_tolerance

    def channel_performance(
        self,
        by: str = "",
        start: date | None = None,
        end: date | None = None,
        bucket: str | None = None,
    ) -> dict[Any, dict[str, Any]]:
        """Per channel, or per (channel, bucket) or (channel, month 'YYYY-MM') as `by` says:
        the columns of CLI.md's channel_performance. `bucket` keeps the actions in that bucket
        and the recoveries credited in it. Accounts are the distinct loans of each group."""

        def key(channel: str, bucket: str | None, day: date) -> Any:
            if by == "bucket":
                return (channel, bucket)
            if by == "month":
                return (channel, month_key(day))
            return channel

        rows: dict[Any, dict[str, Any]] = {}

        def row(k: Any) -> dict[str, Any]:
            if k not in rows:
                rows[k] = {
                    "attempts": 0,
                    "loans": set(),
                    "rpc": 0,
                    "ptp": 0,
                    "ptp_due": 0,
                    "ptp_kept": 0,
                    "recovered": Decimal(0),
                    "cost": Decimal(0),
                    "complaints": 0,
                }
            return rows[k]

        for a in self.actions:
            day = as_datetime(a["action_at"]).date()
            if (start and day < start) or (end and day > end):
                continue
            if bucket is not None and self.bucket_at_action(a) != bucket:
                continue
            r = row(key(a["channel"], self.bucket_at_action(a), day))
            r["attempts"] += 1
            r["loans"].add(str(a["loan_id"]))
            r["cost"] += money(a.get("cost"))
            r["complaints"] += 1 if a.get("complaint") else 0
            if a.get("outcome") in RPC_OUTCOMES:
                r["rpc"] += 1
            if a.get("outcome") == "ptp":
                r["ptp"] += 1
                if as_date(a["ptp_date"]) <= self.as_of:
                    r["ptp_due"] += 1
                    r["ptp_kept"] += 1 if self.ptp_kept(a) else 0

        for att in self.attributions(start, end):
            if bucket is not None and att["bucket"] != bucket:
                continue
            row(key(att["channel"], att["bucket"], att["paid_date"]))["recovered"] += att["amount"]

        out = {}
        for k, r in sorted(rows.items(), key=lambda kv: str(kv[0])):
            out[k] = {
                "attempts": r["attempts"],
                "accounts": len(r["loans"]),
                "rpc": r["rpc"],
                "contact_rate": ratio(r["rpc"], r["attempts"]),
                "ptp": r["ptp"],
                "ptp_rate": ratio(r["ptp"], r["rpc"]),
                "ptp_due": r["ptp_due"],
                "ptp_kept": r["ptp_kept"],
                "ptp_kept_rate": ratio(r["ptp_kept"], r["ptp_due"]),
                "recovered": r["recovered"],
                "cost": r["cost"],
                "cost_per_recovered": ratio(r["cost"], r["recovered"]),
                "complaints": r["complaints"],
            }
        return out

    def channel_cure(
        self,
        cure_days: Iterable[int],
        start: date | None = None,
        end: date | None = None,
        bucket: str | None = None,
        by: str = "",
    ) -> dict[tuple[str, str, str, int], tuple[int, int, int]]:
        """Per (channel, bucket, month or '', j): (accounts, matured, cured). A unit is a loan, a
        channel and a bucket M1..M6 at action time (per month when by == 'month') with its first
        action in the period as start day s; it is cured within j when the loan is at M0 or
        closed at the end of a day from s to s + j, observed when s + j <= the as-of date."""
        starts: dict[tuple[str, str, str, str], date] = {}
        for a in self.actions:
            day = as_datetime(a["action_at"]).date()
            b = self.bucket_at_action(a)
            if (start and day < start) or (end and day > end) or b not in BUCKETS[1:]:
                continue
            if bucket is not None and b != bucket:
                continue
            unit = (str(a["loan_id"]), a["channel"], b, month_key(day) if by == "month" else "")
            starts[unit] = min(starts.get(unit, day), day)
        out: dict[tuple[str, str, str, int], list[int]] = {}
        for (lid, channel, b, group), s in starts.items():
            loan = self.loans[lid]
            for j in cure_days:
                counts = out.setdefault((channel, b, group, j), [0, 0, 0])
                counts[0] += 1
                if s + timedelta(days=j) > self.as_of:
                    continue
                counts[1] += 1
                days = days_between(s, s + timedelta(days=j))
                counts[2] += any(loan.state(d) in ("M0", "closed") for d in days)
        return {k: (a, m, c) for k, (a, m, c) in sorted(out.items())}

    # ---- write-offs and what comes back after them (§1) -----------------------------------------
    def recoveries_after_write_off(
        self, start: date | None = None, end: date | None = None
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """Payments on loans written off by the end of the day before, per (payment month,
        credited channel): recovered amount and loans."""
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for att in self.attributions(start, end):
            if att["state_before"] != "WO":
                continue
            row = out.setdefault(
                (month_key(att["paid_date"]), att["channel"]),
                {"recovered": Decimal(0), "loans": set()},
            )
            row["recovered"] += att["amount"]
            row["loans"].add(att["loan_id"])
        return {k: {"recovered": v["recovered"], "loans": len(v["loans"])} for k, v in out.items()}

    def write_off_recovery(
        self, start: date | None = None, end: date | None = None
    ) -> dict[str, dict[str, Any]]:
        """Per write-off month (write-offs in the period): loans, written-off principal, what
        was paid on them while written off, and its share of the principal."""
        out: dict[str, dict[str, Any]] = {}
        for loan in self.loans.values():
            wo = loan.wo_date
            if wo is None or (start and wo < start) or (end and wo > end):
                continue
            row = out.setdefault(
                month_key(wo), {"loans": 0, "written_off": Decimal(0), "recovered": Decimal(0)}
            )
            row["loans"] += 1
            row["written_off"] += loan.wo_principal
            row["recovered"] += sum(
                (
                    amount
                    for day, amount in loan.payments_per_day.items()
                    if loan.state(day - ONE_DAY) == "WO"
                ),
                Decimal(0),
            )
        for row in out.values():
            row["rate"] = ratio(row["recovered"], row["written_off"])
        return dict(sorted(out.items()))

    def net_flow_to_loss(self) -> dict[date, Fraction | None]:
        """Principal written off in month t / principal in M0 at the month-end 7 months before
        (the product of the seven flow rates along the diagonal)."""
        out = {}
        for me in self.month_ends():
            base = month_end(add_months(date(me.year, me.month, 1), -7))
            written_off = sum(
                (
                    loan.wo_principal
                    for loan in self.loans.values()
                    if loan.wo_date is not None and month_end(loan.wo_date) == me
                ),
                Decimal(0),
            )
            current = sum(
                (
                    loan.outstanding(base)
                    for loan in self.loans.values()
                    if loan.state(base) == "M0"
                ),
                Decimal(0),
            )
            out[me] = ratio(written_off, current)
        return out

    # ---- §10 conduct ---------------------------------------------------------------------------
    def borrower_day_calls(
        self,
    ) -> tuple[dict[tuple[Any, date], int], dict[tuple[Any, date], int]]:
        """Phone/ivr dials and right-party contacts per (borrower, day), over all actions."""
        dials: dict[tuple[Any, date], int] = defaultdict(int)
        connected: dict[tuple[Any, date], int] = defaultdict(int)
        for a in self.actions:
            if a["channel"] in CALL_CHANNELS:
                at = as_datetime(a["action_at"])
                borrower_day = (self.loans[str(a["loan_id"])].borrower_id, at.date())
                dials[borrower_day] += 1
                if a.get("outcome") in RPC_OUTCOMES:
                    connected[borrower_day] += 1
        return dials, connected

    def compliance(self, start: date | None = None, end: date | None = None) -> dict[str, int]:
        actions = [
            a
            for a in self.actions
            if not (start and as_datetime(a["action_at"]).date() < start)
            and not (end and as_datetime(a["action_at"]).date() > end)
        ]
        dials, connected = self.cap_source.borrower_day_calls()
        call_days = {
            (self.loans[str(a["loan_id"])].borrower_id, as_datetime(a["action_at"]).date())
            for a in actions
            if a["channel"] in CALL_CHANNELS
        }
        return {
            "actions": len(actions),
            "outside_hours": sum(
                1
                for a in actions
                if not (
                    self.s.contact_start <= as_datetime(a["action_at"]).time() < self.s.contact_end
                )
            ),
            "over_connected_cap_borrower_days": sum(
                1 for day in call_days if connected[day] > self.s.connected_call_cap
            ),
            "over_dial_cap_borrower_days": sum(
                1 for day in call_days if dials[day] > self.s.dial_cap
            ),
            "non_borrower_contacts": sum(
                1
                for a in actions
                if a.get("contact_target") is not None and a["contact_target"] != "borrower"
            ),
            "complaints": sum(1 for a in actions if a.get("complaint")),
        }

    # ---- repayment plans (queries/repayment_plans.sql's header is the definition) -------------
    def repayment_plans(
        self,
        start: date | None = None,
        end: date | None = None,
        by: str = "",
        kept_months: int = 3,
        cure_days: int = 180,
    ) -> dict[tuple[str, str], tuple[int, ...]]:
        """Per (group, plan status): (loans, kept_due, kept, cure_due, cured, redefault_due,
        redefaulted). A loan is offered a plan on its first repayment_plan action (offer day, in
        the period); it is agreed from its first plan_agreed one, and followed from its start day
        s (the agreement day, else the offer day). Cured: at M0 or closed at the end of a day
        from s to s + cure_days (a write-off first: not cured); due once s + cure_days is
        observed. Kept (agreed): a payment in each 30-day window (s + 30(w-1), s + 30w] for w up
        to kept_months, or cured by s + 30·kept_months; due once that day is observed.
        Re-defaulted (of the cured): DPD 30 or more on a day within 90 days after the cure day,
        before the loan closes; due once the cure day + 90 is observed."""
        offers: dict[str, list[date | None]] = {}
        for a in self.actions:
            if a["channel"] != "repayment_plan":
                continue
            day = as_datetime(a["action_at"]).date()
            first = offers.setdefault(str(a["loan_id"]), [day, None])
            first[0] = min(first[0], day)
            if a.get("outcome") == "plan_agreed":
                first[1] = day if first[1] is None else min(first[1], day)
        out: dict[tuple[str, str], list[int]] = {}
        for lid, (offered, agreed) in sorted(offers.items()):
            if (start and offered < start) or (end and offered > end):
                continue
            loan = self.loans[lid]
            status = "not_agreed" if agreed is None else "agreed"
            s = agreed or offered
            if by == "month":
                group = month_key(offered)
            elif by == "quarter":
                group = f"{offered.year}-Q{(offered.month - 1) // 3 + 1}"
            else:
                group = ""
            cure_day = next(
                (
                    d
                    for d in days_between(s, min(s + timedelta(days=cure_days), self.as_of))
                    if loan.state(d) in ("M0", "closed")
                ),
                None,
            )
            cure_due = s + timedelta(days=cure_days) <= self.as_of
            kept_end = s + timedelta(days=30 * kept_months)
            kept_due = status == "agreed" and kept_end <= self.as_of
            windows = {
                -(-(day - s).days // 30) for day in loan.payments_per_day if s < day <= kept_end
            }
            kept = kept_due and (
                len(windows) >= kept_months or (cure_day is not None and cure_day <= kept_end)
            )
            cured = cure_due and cure_day is not None
            redefault_due = cured and cure_day + timedelta(days=90) <= self.as_of
            redefaulted = redefault_due and any(
                loan.raw_dpd(d) >= 30 and (loan.close_day is None or d < loan.close_day)
                for d in days_between(cure_day + ONE_DAY, cure_day + timedelta(days=90))
            )
            counts = out.setdefault((group, status), [0] * 7)
            for i, flag in enumerate(
                (True, kept_due, kept, cure_due, cured, redefault_due, redefaulted)
            ):
                counts[i] += int(flag)
        return {k: tuple(v) for k, v in sorted(out.items())}
