"""Hypothesis strategies for small random ledgers, rich in edge cases.

A ledger is a plain dict of lists of row dicts, keyed by the raw table names of
ledger/sql/schema.sql ("loans", "loan_extras", "installments", "repayments",
"collection_actions"); money is Decimal, dates are `date`, timestamps `datetime`.

What the ledgers contain, on purpose:
- disbursement in 2023-12..2024-03, often on a month end, on 2024-02-28/29 or a month start;
- 1-6 installments, monthly (clipped to month ends) or irregular (shared due dates, a due date
  on the disbursement day); zero interest, fees, zero-amount installments, principal_due that
  does not add up to the principal;
- payments: on time, early (before the first due date), late, partial, several on one day,
  overpayment, one or two cents short (the paid tolerance), lump prepayment with closed_date
  (and payments after closing), loans that stop paying (and get written off), manual write-off,
  other close reasons (and a closed_date without one);
- collection actions around payment days (0, 1, 6, 7, 8 days before: the attribution window),
  at the edges of the contact hours, bursts of calls on one borrower-day (caps), promises to
  pay kept or not, borrowers with several loans;
- as-of dates on month ends, mid-month, before some of the activity, long after (write-offs).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from tests.reference import add_months, month_end

FIRST_DISBURSEMENT = date(2023, 12, 1)
LAST_DISBURSEMENT = date(2024, 3, 31)
LAST_ACTIVITY = date(2025, 6, 30)
SPECIAL_DISBURSEMENT_DAYS = [
    date(2024, 1, 31),
    date(2024, 2, 29),
    date(2023, 12, 31),
    date(2024, 2, 28),
    date(2024, 3, 31),
    date(2024, 1, 30),
    date(2024, 3, 1),
    date(2024, 1, 1),
    date(2023, 12, 1),
    date(2024, 2, 3),  # due 2024-03-03 and -05-03: + 181 days is a month end (write-off day)
    date(2024, 2, 2),
    date(2024, 2, 4),
]
MONTH_ENDS = [
    month_end(date(y, m, 1)) for y, m in [(2023, 12)] + [(2024, m) for m in range(1, 13)]
] + [month_end(date(2025, m, 1)) for m in range(1, 4)]
SPECIAL_AS_OF = [date(2024, 12, 31), date(2025, 2, 28), date(2024, 2, 29), date(2024, 9, 30)]
CHANNELS = [
    "phone",
    "sms",
    "ivr",
    "field_visit",
    "third_party",
    "app_push",
    "email",
    "legal",
    "repayment_plan",
]
OUTCOMES = [
    "contacted",
    "no_answer",
    "ptp",
    "refused",
    "paid",
    "delivered",
    "unreachable",
    "wrong_party",
    "visited",
    "plan_agreed",
    None,
]
CLOSE_REASONS = ["prepaid", "paid_off", "restructured", "sold", None]
EDGE_TIMES = [time(10, 0), time(8, 0), time(7, 59), time(21, 59), time(22, 0), time(0, 0)]
CENT = Decimal("0.01")


def cents(n: int) -> Decimal:
    return (Decimal(n) * CENT).quantize(CENT)


def to_cents(x: Decimal) -> int:
    return int((x / CENT).to_integral_value())


# --------------------------------------------------------------------------------------------
# Schedule
# --------------------------------------------------------------------------------------------
@st.composite
def schedules(draw: Any, loan_id: str, disbursed: date, principal: Decimal) -> list[dict]:
    n = draw(st.integers(1, 6))
    if draw(st.integers(0, 4)) < 4:  # mostly monthly, clipped to month ends
        dues = [add_months(disbursed, k) for k in range(1, n + 1)]
    else:  # irregular: shared due dates, possibly due on the disbursement day
        offsets = sorted(draw(st.lists(st.integers(0, 75), min_size=n, max_size=n)))
        dues = [disbursed + timedelta(days=o) for o in offsets]

    zero_rows = (
        set(draw(st.sets(st.integers(0, n - 1), max_size=n))) if draw(st.booleans()) else set()
    )
    paying = [k for k in range(n) if k not in zero_rows]
    p_cents = to_cents(principal)
    shares = [0] * n
    if paying:
        base, rest = divmod(p_cents, len(paying))
        for k in paying:
            shares[k] = base
        shares[paying[-1]] += rest
        if draw(st.integers(0, 5)) == 0:  # the schedule does not add up to the principal
            shares[paying[-1]] = max(0, shares[paying[-1]] + draw(st.integers(-500, 500)))
    interest = draw(st.one_of(st.just(0), st.integers(0, max(1, p_cents // 20))))
    fee = draw(st.one_of(st.just(0), st.just(0), st.integers(1, 2000)))
    return [
        {
            "loan_id": loan_id,
            "installment_no": k + 1,
            "due_date": dues[k],
            "principal_due": cents(shares[k]),
            "interest_due": cents(0 if k in zero_rows else interest),
            "fee_due": cents(0 if k in zero_rows else fee),
        }
        for k in range(n)
    ]


def amount_due(inst: dict) -> Decimal:
    return inst["principal_due"] + inst["interest_due"] + inst["fee_due"]


# --------------------------------------------------------------------------------------------
# Payments
# --------------------------------------------------------------------------------------------
PLANS = ["on_time", "late", "partial", "skip", "split", "over", "short", "early"]


@st.composite
def payment_plan(draw: Any, inst: dict, disbursed: date) -> list[tuple[date, Decimal]]:
    """Payments (day, amount) aimed at one installment."""
    due = inst["due_date"]
    amount = to_cents(amount_due(inst))
    plan = draw(st.sampled_from(PLANS))
    out: list[tuple[date, int]] = []
    if plan == "on_time":
        out = [(due, amount)]
    elif plan == "early":
        out = [(due - timedelta(days=draw(st.integers(1, 40))), amount)]
    elif plan == "late":
        out = [
            (
                due
                + timedelta(
                    days=draw(st.sampled_from([1, 30, 31, 181, 182]) | st.integers(1, 240))
                ),
                amount,
            )
        ]
    elif plan == "partial":
        part = draw(st.integers(1, max(1, amount - 1)))
        day = due + timedelta(days=draw(st.integers(-5, 60)))
        out = [(day, part)]
        if draw(st.booleans()):
            out.append((day + timedelta(days=draw(st.integers(0, 120))), amount - part))
    elif plan == "split":
        day = due + timedelta(days=draw(st.integers(-3, 40)))
        parts = draw(st.integers(2, 3))
        each = amount // parts
        out = [(day, each)] * (parts - 1) + [(day, amount - each * (parts - 1))]
    elif plan == "over":
        out = [
            (
                due + timedelta(days=draw(st.integers(-3, 30))),
                amount + draw(st.integers(1, max(1, amount))),
            )
        ]
    elif plan == "short":  # one or two cents short: the paid tolerance
        out = [
            (due + timedelta(days=draw(st.integers(0, 10))), amount - draw(st.sampled_from([1, 2])))
        ]
    return [(max(day, disbursed), cents(c)) for day, c in out if c > 0]


@st.composite
def loans(draw: Any, index: int, borrowers: list[str]) -> dict[str, list[dict]]:
    """One loan with its schedule, payments and collection actions (ids filled in later)."""
    loan_id = f"L{index}"
    disbursed = draw(
        st.sampled_from(SPECIAL_DISBURSEMENT_DAYS) | st.dates(FIRST_DISBURSEMENT, LAST_DISBURSEMENT)
    )
    principal = cents(draw(st.sampled_from([120000, 100000, 99999, 3]) | st.integers(1, 1_000_000)))
    installments = draw(schedules(loan_id, disbursed, principal))
    n = len(installments)

    payments: list[tuple[date, Decimal]] = []
    stop_at = draw(st.integers(0, n)) if draw(st.integers(0, 3)) == 0 else n  # stops paying
    for inst in installments[:stop_at]:
        payments += draw(payment_plan(inst, disbursed))

    closed_date = close_reason = None
    ending = draw(st.sampled_from(["none", "none", "prepay", "manual_wo", "closed_other"]))
    if ending == "prepay":  # lump prepayment, usually with closed_date
        day = disbursed + timedelta(days=draw(st.integers(0, 150)))
        payments = [(d, a) for d, a in payments if d < day]
        owed = sum((amount_due(i) for i in installments), Decimal(0)) - sum(
            (a for _, a in payments), Decimal(0)
        )
        lump = owed + cents(draw(st.sampled_from([0, 0, -1, -5000, 300])))
        if lump > 0:
            payments.append((day, lump))
        if draw(st.integers(0, 3)) > 0:
            closed_date = day + timedelta(days=draw(st.sampled_from([0, 0, 1, -1, 10])))
            closed_date = max(closed_date, disbursed)
            close_reason = draw(st.sampled_from(["prepaid", "prepaid", "paid_off", None]))
        if draw(st.booleans()):  # payments after closing
            payments.append(
                (day + timedelta(days=draw(st.integers(1, 60))), cents(draw(st.integers(1, 50000))))
            )
    elif ending == "manual_wo":
        closed_date = disbursed + timedelta(days=draw(st.integers(0, 300)))
        close_reason = "written_off"
    elif ending == "closed_other":
        closed_date = disbursed + timedelta(days=draw(st.integers(0, 200)))
        close_reason = draw(st.sampled_from(CLOSE_REASONS))
    for _ in range(draw(st.integers(0, 2))):  # stray payments: recoveries, overpayment, early
        day = disbursed + timedelta(days=draw(st.integers(0, 400)))
        payments.append((day, cents(draw(st.integers(1, 60000)))))
    payments = [(d, a) for d, a in payments if d <= LAST_ACTIVITY and a > 0]

    repayments = []
    for day, amount in payments:
        paid_at = None
        if draw(st.booleans()):
            paid_at = datetime.combine(day, draw(st.sampled_from(EDGE_TIMES) | st.times()))
            paid_at = paid_at.replace(microsecond=0)
        repayments.append(
            {
                "loan_id": loan_id,
                "paid_date": day,
                "paid_at": paid_at,
                "amount": amount,
                "installment_no": None,
            }
        )

    actions = draw(collection_actions(loan_id, disbursed, installments, payments))

    loan = {
        "loan_id": loan_id,
        "borrower_id": draw(st.sampled_from(borrowers)),
        "disbursed_date": disbursed,
        "principal": principal,
        "term_months": draw(st.sampled_from([n, None])),
        "product": draw(st.sampled_from(["cash_loan", "installment", None])),
        "region": draw(st.sampled_from(["Guangdong", "四川", None])),
        "risk_grade": draw(st.sampled_from(["A", "B", "C", None])),
        "credit_score": draw(st.sampled_from([None, 650.0, 712.5])),
        "acquisition_channel": draw(st.sampled_from(["app_store", "partner", None])),
        "closed_date": closed_date,
        "close_reason": close_reason,
    }
    extras = [
        {"loan_id": loan_id, "name": "campaign", "value": draw(st.sampled_from(["spring", "none"]))}
    ]
    return {
        "loans": [loan],
        "loan_extras": extras,
        "installments": installments,
        "repayments": repayments,
        "collection_actions": actions,
    }


# --------------------------------------------------------------------------------------------
# Collection actions
# --------------------------------------------------------------------------------------------
@st.composite
def collection_actions(
    draw: Any,
    loan_id: str,
    disbursed: date,
    installments: list[dict],
    payments: list[tuple[date, Decimal]],
) -> list[dict]:
    days: list[date] = []
    for _ in range(draw(st.integers(0, 5))):
        if payments and draw(st.integers(0, 2)) > 0:  # near a payment: the attribution window
            late = [d for d, _ in payments if d > installments[0]["due_date"]]
            pay_day = draw(st.sampled_from(late or [d for d, _ in payments]))
            days.append(pay_day - timedelta(days=draw(st.sampled_from([0, 1, 6, 7, 8]))))
        else:
            due = draw(st.sampled_from([i["due_date"] for i in installments]))
            days.append(due + timedelta(days=draw(st.integers(-2, 200))))
    burst = []
    if draw(st.integers(0, 3)) == 0:  # many calls on one day: the caps
        day = installments[0]["due_date"] + timedelta(days=draw(st.integers(1, 40)))
        burst = [day] * draw(st.integers(3, 8))

    out = []
    used: set[datetime] = set()
    for k, day in enumerate(days + burst):
        day = max(day, disbursed + timedelta(days=1))
        in_burst = k >= len(days)
        at = datetime.combine(
            day, draw(st.sampled_from(EDGE_TIMES) | st.times()).replace(microsecond=0)
        )
        while at in used:  # one action per instant per loan: "the latest action" is unique
            at += timedelta(seconds=1)
        used.add(at)
        channel = (
            draw(st.sampled_from(["phone", "ivr"])) if in_burst else draw(st.sampled_from(CHANNELS))
        )
        outcome = draw(st.sampled_from(["contacted", "no_answer", "ptp"] if in_burst else OUTCOMES))
        ptp_amount = ptp_date = None
        if outcome == "ptp":
            ptp_amount = draw(
                st.sampled_from([amount_due(i) for i in installments] + [a for _, a in payments])
                | st.integers(1, 100000).map(cents)
            )
            if ptp_amount <= 0:
                ptp_amount = cents(100)
            ptp_date = day + timedelta(days=draw(st.integers(0, 10)))
        out.append(
            {
                "loan_id": loan_id,
                "action_at": at,
                "channel": channel,
                "agent_id": draw(st.sampled_from(["ag1", "ag2", None])),
                "agency": draw(st.sampled_from([None, "AgencyX", "催收公司"])),
                "outcome": outcome,
                "ptp_amount": ptp_amount,
                "ptp_date": ptp_date,
                "cost": draw(
                    st.sampled_from([None, Decimal("2.0000"), Decimal("0.0500")])
                    | st.integers(0, 500000).map(lambda c: Decimal(c) / 10000)
                ),
                "complaint": draw(st.sampled_from([False, True, None])),
                "contact_target": draw(
                    st.sampled_from(
                        ["borrower", "borrower", "emergency_contact", "third_party", None]
                    )
                ),
            }
        )
    return out


# --------------------------------------------------------------------------------------------
# Whole ledgers
# --------------------------------------------------------------------------------------------
@st.composite
def ledgers(draw: Any, min_loans: int = 1, max_loans: int = 6) -> dict[str, list[dict]]:
    n = draw(st.integers(min_loans, max_loans))
    borrowers = [f"B{i}" for i in range(1, draw(st.integers(1, n)) + 1)]
    ledger: dict[str, list[dict]] = {
        "loans": [],
        "loan_extras": [],
        "installments": [],
        "repayments": [],
        "collection_actions": [],
    }
    for i in range(1, n + 1):
        one = draw(loans(i, borrowers))
        for table, rows in one.items():
            ledger[table].extend(rows)
    for k, row in enumerate(ledger["repayments"], start=1):
        row["payment_id"] = f"P{k}"
    for k, row in enumerate(ledger["collection_actions"], start=1):
        row["action_id"] = f"A{k}"
    return ledger


def as_of_dates() -> st.SearchStrategy[date]:
    return st.one_of(
        st.sampled_from(MONTH_ENDS),
        st.dates(date(2024, 1, 1), date(2025, 3, 31)),
        st.sampled_from(SPECIAL_AS_OF),
    )


@st.composite
def ledgers_with_as_of(draw: Any, **kwargs: Any) -> tuple[dict[str, list[dict]], date]:
    ledger = draw(ledgers(**kwargs))
    as_of = draw(as_of_dates())
    pick = draw(st.integers(0, 9))
    if pick == 0:  # sometimes right at one of the loans' payments or due dates
        days = [r["paid_date"] for r in ledger["repayments"]] + [
            r["due_date"] for r in ledger["installments"]
        ]
        as_of = draw(st.sampled_from(days)) + timedelta(days=draw(st.sampled_from([-1, 0, 1])))
    elif pick == 1:  # around a possible write-off day (due date + 181)
        due = draw(st.sampled_from([r["due_date"] for r in ledger["installments"]]))
        as_of = due + timedelta(days=draw(st.sampled_from([180, 181, 182])))
    return ledger, as_of


def is_month_end(d: date) -> bool:
    return d.day == calendar.monthrange(d.year, d.month)[1]
