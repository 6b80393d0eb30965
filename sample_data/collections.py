"""Collection actions (催收记录) that follow the delinquent episodes the behaviour produced.

The strategy escalates by days past due: SMS and app push from day 1, robot calls (ivr), phone
collectors in M1, field visits in M2-M3, three agencies from M3, legal action from M4 and
repayment plans for some. Every cure is preceded by the contact that produced it (a promise
kept, a visit that collected, an agency call), collectors hold off while a promise is pending,
and defaulters get long runs of unanswered calls and broken promises; so "paying after an
effective contact" is visible in the data, as is each channel's and agency's yield.

An episode ("segment") is the stretch during which one installment is the oldest unpaid one:
from the day after its due date (or after the previous installment was settled) to the day it is
paid. An action on day due + j sees DPD j - 1 at the end of the day before, which is the bucket
METRICS.md §9 assigns it, so the strategy below is written in terms of j.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sample_data import story
from sample_data.behaviour import (
    AGENCY_PART,
    AGENCY_RECOVERY,
    BORROWER_PART,
    J_MAX,
    LEGAL_RECOVERY,
    Behaviour,
)
from sample_data.book import MAX_TERM, Loans

CHANNELS = (
    "sms",
    "app_push",
    "ivr",
    "phone",
    "field_visit",
    "third_party",
    "legal",
    "repayment_plan",
)
SMS, PUSH, IVR, PHONE, VISIT, AGENCY, LEGAL, PLAN = range(len(CHANNELS))
OUTCOMES = (
    "no_answer",
    "unreachable",
    "wrong_party",
    "delivered",
    "contacted",
    "ptp",
    "refused",
    "paid",
    "visited",
    "plan_agreed",
)
(
    NO_ANSWER,
    UNREACHABLE,
    WRONG_PARTY,
    DELIVERED,
    CONTACTED,
    PTP,
    REFUSED,
    PAID,
    VISITED,
    PLAN_AGREED,
) = range(len(OUTCOMES))
TARGETS = ("borrower", "emergency_contact", "third_party")
AGENCY_NAMES = tuple(a[0] for a in story.AGENCIES)
BAD = AGENCY_NAMES.index(story.BAD_AGENCY)

N_COLLECTORS, N_VISITORS, N_AGENCY_AGENTS = 120, 30, 40
AGENT_IDS = (
    tuple(f"C{i:03d}" for i in range(1, N_COLLECTORS + 1))
    + tuple(f"F{i:02d}" for i in range(1, N_VISITORS + 1))
    + tuple(f"{p}{i:03d}" for p in ("HX", "AH", "SD") for i in range(1, N_AGENCY_AGENTS + 1))
)
VISITOR_BASE = N_COLLECTORS
AGENCY_AGENT_BASE = N_COLLECTORS + N_VISITORS

# The fixed part of the strategy: on which days after the due date each channel is used.
SMS_J = np.array([1, 3, 6, 10, 15, 21, 29, 38, 48, 58, 75, 95, 120, 150, 180, 240, 300, 360])
PUSH_J = np.array([1, 4, 9, 16, 25, 40])
IVR_J = np.array([2, 5, 9, 14, 19, 25, 33, 42, 52])
# In-house collectors call in M1; some days twice (a second dial when the first is not answered).
PHONE_J = np.array([3, 3, 6, 8, 11, 14, 14, 18, 22, 26, 30])
AGENCY_STEP = np.array([4, 5, 3])  # days between agency calls in M3-M6, per agency
KEEP = {SMS: 0.95, PUSH: 0.9, IVR: 0.85, PHONE: 0.85}

# Outcome mixes: (outcomes, probabilities while the borrower still pays, ... once stopped).
MIX = {
    SMS: ((DELIVERED, UNREACHABLE), (0.95, 0.05), (0.85, 0.15)),
    PUSH: ((DELIVERED, UNREACHABLE), (0.88, 0.12), (0.75, 0.25)),
    IVR: (
        (NO_ANSWER, UNREACHABLE, CONTACTED, PTP, REFUSED),
        (0.50, 0.10, 0.29, 0.06, 0.05),
        (0.58, 0.27, 0.08, 0.02, 0.05),
    ),
    PHONE: (
        (NO_ANSWER, UNREACHABLE, WRONG_PARTY, CONTACTED, PTP, REFUSED),
        (0.40, 0.08, 0.03, 0.32, 0.10, 0.07),
        (0.50, 0.28, 0.06, 0.08, 0.03, 0.05),
    ),
    VISIT: ((VISITED, CONTACTED, PTP, REFUSED), (0.35, 0.25, 0.25, 0.15), (0.35, 0.25, 0.25, 0.15)),
}
AGENCY_MIX = (
    (NO_ANSWER, UNREACHABLE, WRONG_PARTY, CONTACTED, PTP, REFUSED),
    (
        (0.40, 0.22, 0.05, 0.20, 0.05, 0.08),
        (0.44, 0.24, 0.06, 0.15, 0.04, 0.07),
        (0.42, 0.22, 0.09, 0.17, 0.03, 0.07),
    ),
)
# Borrowers about to pay pick up the phone: the mix of voice attempts in the days before a cure.
COOPERATIVE = ((NO_ANSWER, UNREACHABLE, CONTACTED, PTP, REFUSED), (0.30, 0.03, 0.45, 0.17, 0.05))
BURST_MIX = ((NO_ANSWER, UNREACHABLE, CONTACTED, PTP, REFUSED), (0.35, 0.05, 0.45, 0.03, 0.12))
# Complaint chance per action by channel (agency actions use story.AGENCIES).
COMPLAINT = {
    SMS: 0.00003,
    PUSH: 0.00001,
    IVR: 0.0001,
    PHONE: 0.0006,
    VISIT: 0.004,
    LEGAL: 0.001,
    PLAN: 0.0,
}
HOUR = 3600


@dataclass
class Actions:
    """Collection actions of a chunk, sorted by loan and time (cents for money)."""

    loan: np.ndarray  # local loan index
    at: np.ndarray  # seconds since 1970-01-01 (local time)
    channel: np.ndarray
    agent: np.ndarray  # index into AGENT_IDS, -1 = none
    agency: np.ndarray  # index into AGENCY_NAMES, -1 = none
    outcome: np.ndarray
    ptp_amt: np.ndarray  # cents, 0 = none
    ptp_day: np.ndarray  # day, 0 = none
    cost: np.ndarray  # cents
    complaint: np.ndarray
    target: np.ndarray

    def __len__(self) -> int:
        return len(self.loan)


class _Pile:
    """Candidate actions gathered block by block (lists of arrays, concatenated once)."""

    FIELDS = ("seg", "j", "channel", "outcome", "agency", "ptp_amt", "ptp_j", "cost")

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {f: [] for f in self.FIELDS}

    def add(
        self,
        seg: np.ndarray,
        j: np.ndarray,
        channel: int | np.ndarray,
        outcome: int | np.ndarray = -1,
        agency: int | np.ndarray = -1,
        ptp_amt: int | np.ndarray = 0,
        ptp_j: int | np.ndarray = 0,
        cost: int | np.ndarray = -1,
    ) -> None:
        size = len(seg)
        values = dict(
            seg=seg,
            j=j,
            channel=channel,
            outcome=outcome,
            agency=agency,
            ptp_amt=ptp_amt,
            ptp_j=ptp_j,
            cost=cost,
        )
        for name, value in values.items():
            self.parts[name].append(np.broadcast_to(np.asarray(value, dtype=np.int64), size))

    def done(self) -> dict[str, np.ndarray]:
        return {f: np.concatenate(v) if v else np.zeros(0, np.int64) for f, v in self.parts.items()}


def _expand_list(lo: np.ndarray, hi: np.ndarray, js: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (segment, j) for every j of the sorted list `js` inside [lo, hi]."""
    a = np.searchsorted(js, lo, side="left")
    b = np.searchsorted(js, hi, side="right")
    cnt = np.maximum(b - a, 0)
    seg = np.repeat(np.arange(len(lo)), cnt)
    pos = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt) + np.repeat(a, cnt)
    return seg, js[pos]


def _expand_every(
    lo: np.ndarray, hi: np.ndarray, start: np.ndarray, step: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (segment, j) for j = start, start + step, ... inside [lo, hi]."""
    begin = np.maximum(lo, start)
    first = start + -((start - begin) // step) * step  # first start + t*step >= begin
    cnt = np.where(hi >= first, (hi - first) // step + 1, 0)
    seg = np.repeat(np.arange(len(lo)), cnt)
    t = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    return seg, first[seg] + t * step[seg]


def _pick(
    rng: np.random.Generator,
    size: int,
    choices: tuple[int, ...],
    probs: tuple[float, ...] | np.ndarray,
) -> np.ndarray:
    """Draw from a small categorical distribution."""
    cdf = np.cumsum(probs)
    return np.asarray(choices)[
        np.minimum(np.searchsorted(cdf / cdf[-1], rng.random(size), side="right"), len(choices) - 1)
    ]


def generate_actions(loans: Loans, beh: Behaviour, rng: np.random.Generator) -> Actions:
    """Build the collection actions of a chunk of loans."""
    due = loans.due
    amount = loans.amount_due
    prev = np.concatenate([loans.disbursed[:, None], beh.paid_off[:, :-1]], axis=1)
    is_stop = np.arange(MAX_TERM)[None, :] == beh.stop_k[:, None]
    end = np.minimum(np.minimum(beh.paid_off, story.AS_OF), due + J_MAX)
    plan_stop = is_stop & beh.plan_agreed[:, None]
    end = np.where(plan_stop, np.minimum(end, due + beh.plan_j[:, None]), end)
    j_lo = np.maximum(prev + 1, due + 1) - due
    j_hi = end - due
    seg_mask = beh.owed & (beh.paid_off > due) & (due < story.AS_OF) & (j_lo <= j_hi)
    si, sk = np.nonzero(seg_mask)
    lo, hi = j_lo[si, sk], j_hi[si, sk]
    s_due = due[si, sk]
    s_paid = beh.paid_off[si, sk]
    cure_j = np.where(s_paid <= np.minimum(story.AS_OF, s_due + J_MAX), s_paid - s_due, 0)
    stop = is_stop[si, sk]
    s_agency = beh.agency[si].astype(np.int64)
    visit = beh.visit_j[si, sk]
    amt_rem = amount[si, sk] - beh.partial_amt[si, sk]
    # What the cure day's payment brings in: every installment settled that day (a catch-up).
    same_day = beh.owed[si] & (beh.paid_off[si] == s_paid[:, None])
    cure_pay = np.where(same_day, amount[si] - beh.partial_amt[si], 0).sum(axis=1)

    # The contact that produced each cure (its trigger).
    cured = cure_j > 0
    m3 = cured & (cure_j > 61)
    trig_ch, trig_out, trig_j = _triggers(cure_j, visit, lo, rng)

    pile = _Pile()
    # Fixed strategy: SMS, push and robot calls from day 1, in-house collectors in M1.
    for ch, js in ((SMS, SMS_J), (PUSH, PUSH_J), (IVR, IVR_J), (PHONE, PHONE_J)):
        seg, j = _expand_list(lo, hi, js)
        keep = rng.random(len(seg)) < KEEP[ch]
        pile.add(seg[keep], j[keep], ch)
    # Field visits in M2 (a second one for defaulters who are not found or do not pay).
    seg = np.nonzero((visit > 0) & (visit >= lo) & (visit <= hi))[0]
    pile.add(seg, visit[seg], VISIT)
    again = seg[stop[seg] & (rng.random(len(seg)) < 0.5)]
    again = again[visit[again] + 24 <= np.minimum(hi[again], 88)]
    pile.add(again, visit[again] + 24, VISIT)
    # Agencies from M3: frequent calls until write-off, then a slower recovery rhythm.
    reach = np.nonzero(hi >= 62)[0]
    step = AGENCY_STEP[s_agency[reach]]
    offset = (rng.random(len(reach)) * step).astype(np.int64)
    seg, j = _expand_every(lo[reach], np.minimum(hi[reach], 181), 62 + offset, step)
    pile.add(reach[seg], j, AGENCY, agency=s_agency[reach[seg]])
    seg, j = _expand_every(lo[reach], hi[reach], np.full(len(reach), 195), np.full(len(reach), 15))
    pile.add(reach[seg], j, AGENCY, agency=s_agency[reach[seg]])
    # The bad agency's robot dialer: bursts of 7-9 calls in a day, around the clock.
    bad = reach[s_agency[reach] == BAD]
    seg, j = _expand_every(
        lo[bad], np.minimum(hi[bad], 180), np.full(len(bad), 66), np.full(len(bad), 7)
    )
    keep = rng.random(len(seg)) < 0.35
    seg, j = bad[seg[keep]], j[keep]
    calls = 7 + (rng.random(len(seg)) * 3).astype(np.int64)
    seg, j = np.repeat(seg, calls), np.repeat(j, calls)
    pile.add(seg, j, IVR, outcome=_pick(rng, len(seg), *BURST_MIX), agency=BAD)
    # Legal action (M4+) on defaulted loans: a filing and a hearing.
    legal_j = np.where(stop, beh.legal_j[si], 0)
    for extra, out, cost_lo in ((0, DELIVERED, 30000), (45, CONTACTED, 20000)):
        jj = legal_j + extra
        seg = np.nonzero((legal_j > 0) & (jj >= lo) & (jj <= hi))[0]
        cost = cost_lo + (rng.random(len(seg)) * 50000).astype(np.int64)
        pile.add(seg, jj[seg], LEGAL, outcome=out, cost=cost)
    # Repayment-plan offers: agreed (the episode ends there) or refused.
    plan_j = np.where(stop, beh.plan_j[si], 0)
    seg = np.nonzero((plan_j > 0) & (plan_j >= lo) & (plan_j <= hi))[0]
    pile.add(
        seg,
        plan_j[seg],
        PLAN,
        outcome=np.where(beh.plan_agreed[si[seg]], PLAN_AGREED, REFUSED),
        cost=500,
    )

    cand = pile.done()
    # A pending promise or the contact that cures: nothing else from that day on.
    s = cand["seg"]
    keep = ~(cured[s] & (cand["j"] >= trig_j[s]))
    cand = {f: v[keep] for f, v in cand.items()}

    # The triggers themselves.
    tseg = np.nonzero(cured)[0]
    tpile = _Pile()
    ptp_gap = (rng.random(len(tseg)) * 3).astype(np.int64)
    is_ptp = trig_out[tseg] == PTP
    tpile.add(
        tseg,
        trig_j[tseg],
        trig_ch[tseg],
        outcome=trig_out[tseg],
        agency=np.where(trig_ch[tseg] == AGENCY, s_agency[tseg], -1),
        ptp_amt=np.where(is_ptp, amt_rem[tseg], 0),
        ptp_j=np.where(is_ptp, cure_j[tseg] + ptp_gap, 0),
        cost=np.where(
            (trig_ch[tseg] == AGENCY) & (trig_out[tseg] == PAID),
            _commission(cure_pay[tseg], s_agency[tseg]),
            -1,
        ),
    )
    # An agency's cure after a promise is still booked as its collection, with the commission.
    settle = tseg[m3[tseg] & (trig_out[tseg] == PTP)]
    tpile.add(
        settle,
        cure_j[settle],
        AGENCY,
        outcome=PAID,
        agency=s_agency[settle],
        cost=_commission(cure_pay[settle], s_agency[settle]),
    )
    trig = tpile.done()
    cand = {f: np.concatenate([cand[f], trig[f]]) for f in cand}

    # From (segment, j) to (loan, day), then outcomes and details by channel.
    seg = cand["seg"]
    loan = si[seg]
    day = s_due[seg] + cand["j"]
    near = cured[seg] & (cand["j"] >= cure_j[seg] - 10)
    out = _outcomes(cand, stop[seg], near, rng)
    acts = _finish(
        loan,
        day,
        cand["channel"],
        out,
        cand["agency"],
        stop[seg],
        np.where(out == PTP, np.where(cand["ptp_amt"] > 0, cand["ptp_amt"], amt_rem[seg]), 0),
        np.where(
            out == PTP,
            np.where(
                cand["ptp_j"] > 0,
                s_due[seg] + cand["ptp_j"],
                day + 1 + (rng.random(len(seg)) * 5).astype(np.int64),
            ),
            0,
        ),
        cand["cost"],
        rng,
    )
    events = _payment_events(loans, beh, rng)
    return _sort(_concat(acts, events))


def _triggers(
    cure_j: np.ndarray, visit: np.ndarray, lo: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each episode that cures (cure_j > 0): the channel, outcome and day (j) of the contact
    that produced the payment, chosen by the bucket the cure falls in. A day or two late is a
    forgotten due date (the reminder does it); M1 cures follow a promise on the phone or robot
    call; M2 cures follow the field visit when there was one; M3 cures are the agency's."""
    size = len(cure_j)
    r = rng.random(size)
    lag4 = (rng.random(size) * 4).astype(np.int64)
    cured = cure_j > 0
    m1 = cured & (cure_j <= 31)
    m2 = cured & (cure_j > 31) & (cure_j <= 61)
    m3 = cured & (cure_j > 61)
    by_visit = m2 & (visit > 0) & (visit <= cure_j)
    trig_ch = np.full(size, -1)
    trig_out = np.full(size, PTP)
    trig_lag = np.zeros(size, dtype=np.int64)
    trig_ch = np.where(
        m1,
        np.select([r < 0.28, r < 0.38, r < 0.53, r < 0.90], [SMS, PUSH, IVR, PHONE], PHONE),
        trig_ch,
    )
    trig_out = np.where(m1 & (r < 0.38), DELIVERED, trig_out)
    trig_out = np.where(m1 & (r >= 0.90), CONTACTED, trig_out)
    trig_lag = np.where(m1 & (r >= 0.38) & (r < 0.53), lag4 % 3, trig_lag)
    trig_lag = np.where(m1 & (r >= 0.53) & (r < 0.90), lag4, trig_lag)
    trig_lag = np.where(m1 & (r >= 0.90), lag4 % 2, trig_lag)
    # Paying a day or two late is mostly forgetfulness: the reminder itself does it.
    forgot = cured & (cure_j <= 2)
    trig_ch = np.where(forgot, np.where(r < 0.7, SMS, PUSH), trig_ch)
    trig_out = np.where(forgot, DELIVERED, trig_out)
    trig_lag = np.where(forgot, 0, trig_lag)
    other2 = m2 & ~by_visit
    trig_ch = np.where(other2, np.select([r < 0.40, r < 0.55], [SMS, PUSH], IVR), trig_ch)
    trig_out = np.where(other2 & (r < 0.55), DELIVERED, trig_out)
    trig_lag = np.where(other2 & (r >= 0.55), lag4 % 3, trig_lag)
    trig_ch = np.where(by_visit, VISIT, trig_ch)
    trig_lag = np.where(by_visit, cure_j - visit, trig_lag)
    trig_ch = np.where(m3, AGENCY, trig_ch)
    trig_out = np.where(m3 & (r < 0.5), PAID, trig_out)
    trig_lag = np.where(m3 & (r >= 0.5), 1 + lag4, trig_lag)
    trig_j = np.maximum(cure_j - trig_lag, lo)
    # Calls start on day 2 (day 1 is the reminder) and agencies take cases from M3 (day 62).
    trig_j = np.maximum(
        trig_j, np.select([trig_ch == AGENCY, np.isin(trig_ch, (IVR, PHONE))], [62, 2], 1)
    )
    trig_j = np.where(cured, np.minimum(trig_j, cure_j), 0)
    trig_out = np.where(by_visit & (trig_j == cure_j), PAID, trig_out)
    return trig_ch, trig_out, trig_j


def _commission(amount: np.ndarray, agency: np.ndarray) -> np.ndarray:
    rate = np.array([a[4] for a in story.AGENCIES])[agency]
    return np.floor(amount * rate + 0.5).astype(np.int64)


def _outcomes(
    cand: dict[str, np.ndarray], stop: np.ndarray, near: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Outcome per action where a block did not fix it, by channel and borrower state."""
    out = cand["outcome"].copy()
    ch = cand["channel"]
    sel = np.nonzero((out < 0) & near & np.isin(ch, (PHONE, IVR, AGENCY)))[0]
    out[sel] = _pick(rng, len(sel), *COOPERATIVE)
    for c, (choices, p_pay, p_stop) in MIX.items():
        for flag, probs in ((False, p_pay), (True, p_stop)):
            sel = np.nonzero((out < 0) & (ch == c) & (stop == flag))[0]
            out[sel] = _pick(rng, len(sel), choices, probs)
    for a in range(len(AGENCY_NAMES)):
        sel = np.nonzero((out < 0) & (ch == AGENCY) & (cand["agency"] == a))[0]
        out[sel] = _pick(rng, len(sel), AGENCY_MIX[0], AGENCY_MIX[1][a])
    return out


def _finish(
    loan: np.ndarray,
    day: np.ndarray,
    channel: np.ndarray,
    outcome: np.ndarray,
    agency: np.ndarray,
    stop: np.ndarray,
    ptp_amt: np.ndarray,
    ptp_day: np.ndarray,
    cost: np.ndarray,
    rng: np.random.Generator,
) -> Actions:
    """Times of day, agents, costs, complaints and contact targets for a batch of actions."""
    size = len(loan)
    u = rng.random((size, 6))
    # Working hours per channel; the bad agency also calls late at night and early morning.
    start = (
        np.select(
            [channel == SMS, channel == PUSH, channel == VISIT, channel == LEGAL, channel == PLAN],
            [9, 10, 10, 10, 10],
            9,
        )
        * HOUR
    )
    length = (
        np.select(
            [channel == SMS, channel == PUSH, channel == VISIT, channel == LEGAL, channel == PLAN],
            [2, 10, 8, 6, 8],
            12,
        )
        * HOUR
    )
    sec = start + (u[:, 0] * length).astype(np.int64)
    bad = agency == BAD
    night = bad & (channel == AGENCY) & (u[:, 1] < story.AGENCIES[BAD][6])
    sec = np.where(
        night,
        np.where(
            u[:, 2] < 0.6,
            22 * HOUR + (u[:, 0] * 1.5 * HOUR),
            6 * HOUR + 1800 + (u[:, 0] * 1.5 * HOUR),
        ).astype(np.int64),
        sec,
    )
    burst = bad & (channel == IVR)
    sec = np.where(burst, 7 * HOUR + (u[:, 0] * 16.5 * HOUR).astype(np.int64), sec)
    early = (channel == PHONE) & (u[:, 1] < 0.001)  # a rare slip by an in-house collector
    sec = np.where(early, 7 * HOUR + 1800 + (u[:, 0] * 1800).astype(np.int64), sec)
    after_hours = (sec < 8 * HOUR) | (sec >= 22 * HOUR)

    # Agents: the loan's collector (stable per loan), visitors, agency staff.
    collector = (loan * 7919 + day // 30) % N_COLLECTORS
    agent = np.full(size, -1, dtype=np.int64)
    agent = np.where(channel == PHONE, collector, agent)
    agent = np.where(
        channel == VISIT, VISITOR_BASE + (u[:, 3] * N_VISITORS).astype(np.int64), agent
    )
    agent = np.where(
        channel == AGENCY,
        AGENCY_AGENT_BASE
        + np.maximum(agency, 0) * N_AGENCY_AGENTS
        + (loan * 31 + day // 60) % N_AGENCY_AGENTS,
        agent,
    )

    connected = np.isin(outcome, (CONTACTED, PTP, REFUSED, PAID))
    base_cost = np.select(
        [
            channel == SMS,
            channel == PUSH,
            channel == IVR,
            channel == PHONE,
            channel == VISIT,
            channel == AGENCY,
        ],
        [
            5,
            1,
            30,
            np.where(connected, 200 + (u[:, 4] * 200).astype(np.int64), 50),
            5000 + (u[:, 4] * 3000).astype(np.int64),
            0,
        ],
        0,
    )
    cost = np.where(cost >= 0, cost, base_cost)

    # Who was reached: mostly the borrower; emergency contacts when the borrower hides.
    ag_emerg = np.array([a[7] for a in story.AGENCIES])
    p_emerg = np.select(
        [channel == PHONE, channel == AGENCY, burst],
        [np.where(stop, 0.03, 0.005), ag_emerg[np.maximum(agency, 0)], 0.10],
        0.0,
    )
    voice = np.isin(channel, (PHONE, AGENCY, IVR, VISIT))
    target = np.where(voice & (u[:, 5] < p_emerg), 1, 0)
    target = np.where(bad & voice & (u[:, 5] >= 0.99), 2, target)

    ag_complaint = np.array([a[5] for a in story.AGENCIES])
    p_c = np.select([channel == c for c in COMPLAINT], list(COMPLAINT.values()), 0.0)
    p_c = np.where(agency >= 0, ag_complaint[np.maximum(agency, 0)], p_c)
    p_c = p_c * np.where(after_hours, 4.0, 1.0) * np.where(target > 0, 3.0, 1.0)
    complaint = rng.random(size) < p_c

    return Actions(
        loan=loan,
        at=day * 86400 + sec,
        channel=channel,
        agent=agent,
        agency=agency,
        outcome=outcome,
        ptp_amt=ptp_amt,
        ptp_day=ptp_day,
        cost=cost,
        complaint=complaint,
        target=target,
    )


def _payment_events(loans: Loans, beh: Behaviour, rng: np.random.Generator) -> Actions:
    """Actions tied to money received on defaulted loans: the (broken) promise before a partial
    payment, the agency's settlement promise and collection (with its commission) and the
    court's enforcement."""
    kinds = beh.extra_kind
    li, col = np.nonzero((kinds > 0) & (beh.extra_day <= story.AS_OF))
    kind = kinds[li, col]
    pay_day = beh.extra_day[li, col]
    amt = beh.extra_amt[li, col]
    agency = beh.agency[li].astype(np.int64)
    ds = loans.due[li, np.maximum(beh.stop_k[li], 0)]
    lag = 1 + (rng.random(len(li)) * 4).astype(np.int64)
    is_bp = kind == BORROWER_PART
    by_agency_pay = np.isin(kind, (AGENCY_PART, AGENCY_RECOVERY))
    # The payment-day action: the agency's or the court's collection.
    paid = ~is_bp
    channel = np.where(kind == LEGAL_RECOVERY, LEGAL, AGENCY)
    first = _finish(
        li[paid],
        pay_day[paid],
        channel[paid],
        np.full(paid.sum(), PAID),
        np.where(by_agency_pay, agency, -1)[paid],
        np.ones(paid.sum(), dtype=bool),
        np.zeros(paid.sum(), np.int64),
        np.zeros(paid.sum(), np.int64),
        np.where(by_agency_pay, _commission(amt, agency), 0)[paid],
        rng,
    )
    # Promises before the money: the borrower promises the whole installment and pays part of
    # it (broken); half the agency settlements are agreed a few days ahead (kept).
    promise = is_bp | (by_agency_pay & (rng.random(len(li)) < 0.5))
    sk = np.maximum(beh.stop_k[li], 0)
    settled = np.where(sk > 0, beh.paid_off[li, np.maximum(sk - 1, 0)], loans.disbursed[li])
    # On or after the day the previous installment was settled, so that the defaulted one is
    # the oldest unpaid and the promise sits in the bucket its channel is meant for.
    p_day = np.minimum(np.maximum(np.maximum(pay_day - lag, ds + 2), settled + 1), pay_day)[promise]
    pj = p_day - ds[promise]  # the channel follows the bucket on the day of the promise
    p_channel = np.select(
        [is_bp[promise] & (pj <= 31), is_bp[promise] & (pj <= 61)], [PHONE, IVR], AGENCY
    )
    amount_s = loans.amount_due[li, np.maximum(beh.stop_k[li], 0)]
    p_amt = np.where(is_bp, amount_s, amt)[promise]
    second = _finish(
        li[promise],
        p_day,
        p_channel,
        np.full(promise.sum(), PTP),
        np.where(p_channel == AGENCY, agency[promise], -1),
        np.ones(promise.sum(), dtype=bool),
        p_amt,
        pay_day[promise],
        np.full(promise.sum(), -1),
        rng,
    )
    return _concat(first, second)


def _concat(a: Actions, b: Actions) -> Actions:
    return Actions(
        **{f: np.concatenate([getattr(a, f), getattr(b, f)]) for f in Actions.__dataclass_fields__}
    )


def _sort(a: Actions) -> Actions:
    base = int(story.FIRST_DISBURSEMENT) * 86400
    order = np.argsort((a.loan << 34) + (a.at - base), kind="stable")
    return Actions(**{f: getattr(a, f)[order] for f in Actions.__dataclass_fields__})
