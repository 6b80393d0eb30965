"""The collections pages' queries: golden figures through the pages' own calls, totals that
reconcile between the new metrics and the core ones, hand-checked cures on the golden ledger,
maturity, empty selections and the absence of personal data.

The core channel_performance and compliance are the golden figures' home; the new metrics
(channel_trend, channel_funnel, agency_league, conduct_actions, ...) repeat parts of their logic
for other groupings, so every shared count is checked to add up to the core figure here, on the
golden ledger and on the bundled sample.
"""

from __future__ import annotations

import io
import math
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import queries
from queries.export import to_csv_bytes, to_xlsx_bytes
from queries.registry import METRICS
from tests.golden import expected

EXPECTED = expected()
GOLDEN_AS_OF = date.fromisoformat(EXPECTED["as_of"])
TOL = 1e-6
NOTHING = ["product=__no_such_product__"]
NEW_METRICS = (
    "complaints_trend",
    "channel_funnel",
    "channel_trend",
    "channel_cure",
    "recovery_share_trend",
    "recoveries_after_write_off",
    "write_off_recovery",
    "agency_league",
    "agency_recovery_curve",
    "conduct_actions",
    "repayment_plans",
    "plan_complaints",
)
ADDITIVE = ("attempts", "rpc", "ptp", "ptp_due", "ptp_kept", "cost", "complaints", "recovered")


@pytest.fixture(scope="module")
def golden(golden_db: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(golden_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def sample(sample_db: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(sample_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(params=["golden", "sample"])
def con(request: pytest.FixtureRequest) -> duckdb.DuckDBPyConnection:
    return request.getfixturevalue(request.param)


def page_period(con: duckdb.DuckDBPyConnection, months: int = 24) -> dict[str, object]:
    """The parameters the collections pages pass: as-of month-end, the sidebar's period."""
    as_of = queries.as_of_of(con)
    index = as_of.year * 12 + as_of.month - 1 - (months - 1)
    start = date(index // 12, index % 12 + 1, 1)
    return {"as_of": as_of, "filters": [], "period_start": start, "period_end": as_of}


def close(actual: object, wanted: object) -> bool:
    if wanted is None:
        return actual is None or (isinstance(actual, float) and math.isnan(actual))
    if actual is None or (isinstance(actual, float) and math.isnan(actual)) or actual is pd.NA:
        return False
    return abs(float(actual) - float(wanted)) <= TOL


# ---------------------------------------------------------------- golden figures, page path


def test_channel_by_bucket_golden_through_the_channels_page_call(
    golden: duckdb.DuckDBPyConnection,
) -> None:
    """The Channels page's call (period = the sidebar's 24 months, window = settings, by
    bucket) reproduces expected.json's channel_by_bucket."""
    frame = queries.run(
        golden, "channel_performance", **page_period(golden), window_days=7, by="bucket"
    )
    rows = {f"{r['channel']}|{r['bucket']}": r for r in frame.to_dict("records")}
    assert set(rows) == set(EXPECTED["channel_by_bucket"])
    for key, figures in EXPECTED["channel_by_bucket"].items():
        for name, wanted in figures.items():
            assert close(rows[key][name], wanted), (key, name, rows[key][name], wanted)


def test_channel_golden_through_the_all_buckets_call(golden: duckdb.DuckDBPyConnection) -> None:
    frame = queries.run(golden, "channel_performance", **page_period(golden), window_days=7)
    rows = {r["channel"]: r for r in frame.to_dict("records")}
    for channel, figures in EXPECTED["channel"].items():
        for name, wanted in figures.items():
            assert close(rows[channel][name], wanted), (channel, name)


def test_compliance_golden_through_the_conduct_page_call(
    golden: duckdb.DuckDBPyConnection,
) -> None:
    frame = queries.run(golden, "compliance", **page_period(golden))
    got = dict(zip(frame["rule"], frame["count"], strict=True))
    assert got == EXPECTED["compliance"]


# ---------------------------------------------------------------- reconciliation


@pytest.mark.parametrize("bucket", ["", "M1", "M2", "M3"])
def test_channel_trend_months_add_up_to_channel_performance(
    con: duckdb.DuckDBPyConnection, bucket: str
) -> None:
    period = page_period(con)
    trend = queries.run(con, "channel_trend", **period, window_days=7, bucket=bucket)
    if bucket:
        core = queries.run(con, "channel_performance", **period, window_days=7, by="bucket")
        core = core[core["bucket"] == bucket]
    else:
        core = queries.run(con, "channel_performance", **period, window_days=7)
    summed = trend.groupby("channel")[list(ADDITIVE)].sum(min_count=1)
    core = core.set_index("channel")
    assert set(summed.index) == set(core.index)
    for channel in core.index:
        for column in ADDITIVE:
            a, b = summed.loc[channel, column], core.loc[channel, column]
            both_missing = pd.isna(a) and pd.isna(b)
            assert both_missing or abs(float(a) - float(b)) < 0.005, (channel, column, a, b)


def test_months_add_up_to_the_period(con: duckdb.DuckDBPyConnection) -> None:
    """Split by month, every compliance rule and every additive channel figure adds up to the
    period's (an action, a payment and a borrower-day each fall in one month); month labels are
    YYYY-MM."""
    period = page_period(con)
    overall = queries.run(con, "compliance", **period).set_index("rule")["count"]
    monthly = queries.run(con, "compliance", **period, by="month")
    assert monthly["month"].str.fullmatch(r"\d{4}-\d{2}").all()
    summed = monthly.groupby("rule")["count"].sum()
    for rule, count in overall.items():
        assert int(summed.get(rule, 0)) == int(count), rule
    core = queries.run(con, "channel_performance", **period, window_days=7).set_index("channel")
    split = queries.run(con, "channel_performance", **period, window_days=7, by="month")
    assert split["month"].str.fullmatch(r"\d{4}-\d{2}").all()
    per_channel = split.groupby("channel")[list(ADDITIVE)].sum(min_count=1)
    for channel in core.index:
        for column in ADDITIVE:
            a, b = per_channel.loc[channel, column], core.loc[channel, column]
            assert (pd.isna(a) and pd.isna(b)) or abs(float(a) - float(b)) < 0.005, (
                channel,
                column,
            )


def test_complaints_trend_is_channel_trends_attempts_and_complaints(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """The conduct page's light complaints trend counts what channel_trend counts."""
    period = page_period(con)
    light = queries.run(con, "complaints_trend", **period)
    full = queries.run(con, "channel_trend", **period, window_days=7, bucket="")
    full = full[full["attempts"].notna() & (full["attempts"] > 0)]
    key = ["month", "channel"]
    got = light.set_index(key)[["attempts", "complaints"]].astype(int).sort_index()
    want = full.set_index(key)[["attempts", "complaints"]].astype(int).sort_index()
    assert len(got) > 0
    pd.testing.assert_frame_equal(got, want)
    rate = light["complaints"] * 10000.0 / light["attempts"]
    assert ((light["complaints_per_10k"] - rate).abs() < 1e-9).all()


@pytest.mark.parametrize("bucket", ["", "M2"])
def test_funnel_counts_are_channel_performance_counts(
    con: duckdb.DuckDBPyConnection, bucket: str
) -> None:
    period = page_period(con)
    funnel = queries.run(con, "channel_funnel", **period, bucket=bucket)
    core = queries.run(con, "channel_performance", **period, by="bucket")
    if bucket:
        core = core[core["bucket"] == bucket]
    core = (
        core[core["channel"] != "(no action)"]
        .groupby("channel")[["attempts", "rpc", "ptp", "ptp_kept"]]
        .sum()
    )
    wide = funnel.pivot(index="channel", columns="stage", values="count")
    for stage in ("attempts", "rpc", "ptp", "ptp_kept"):
        assert (wide[stage].astype(int) == core[stage].astype(int)).all(), stage
    attempts = funnel[funnel["stage"] == "attempts"]
    assert (attempts["per_100_attempts"] == 100).all()


def test_ptps_fall_due_at_the_chosen_as_of_in_every_breakdown(
    sample: duckdb.DuckDBPyConnection,
) -> None:
    """Asked for an earlier as-of than the database's, a PTP dated after it is not yet due (nor
    kept) in the trend, the funnel and the league either, as in channel_performance."""
    derived = queries.as_of_of(sample)
    earlier = date(derived.year, derived.month, 1) - timedelta(days=1)
    earlier = date(earlier.year, earlier.month, 1) - timedelta(days=1)  # two month-ends back
    period = {"as_of": earlier, "filters": [], "period_start": None, "period_end": earlier}
    core = queries.run(sample, "channel_performance", **period, window_days=7, by="agency")
    core = core[core["channel"] != "(no action)"]
    trend = queries.run(sample, "channel_trend", **period, window_days=7, bucket="")
    funnel = queries.run(sample, "channel_funnel", **period, bucket="")
    kept_stage = funnel[funnel["stage"] == "ptp_kept"]
    league = queries.run(sample, "agency_league", **period, window_days=7, level="agency")
    by_agency = core[core["agency"] != "(none)"].groupby("agency")[["ptp_due", "ptp_kept"]].sum()
    for column in ("ptp_due", "ptp_kept"):
        assert int(trend[column].sum()) == int(core[column].sum()), column
        assert int(league.set_index("agency")[column].sum()) == int(by_agency[column].sum())
    assert int(kept_stage["count"].sum()) == int(core["ptp_kept"].sum())
    # and the early as-of does leave PTPs out that the derived one counts
    later = queries.run(
        sample, "channel_performance", **{**period, "as_of": derived}, window_days=7
    )
    assert int(later["ptp_due"].sum()) > int(core["ptp_due"].sum())


@pytest.mark.parametrize("level", ["agency", "agent"])
def test_league_conduct_counts_are_compliance_counts(
    con: duckdb.DuckDBPyConnection, level: str
) -> None:
    """Complaints, outside-hours, non-borrower contacts and over-cap borrower-days of the
    league table are the compliance figures split by agency (agent)."""
    period = page_period(con)
    league = queries.run(con, "agency_league", **period, window_days=7, level=level)
    compliance = queries.run(con, "compliance", **period, by=level)
    wide = compliance.pivot(index=level, columns="rule", values="count")
    key = "agency" if level == "agency" else "agent_id"
    league = league.set_index(key)
    active = league[league["attempts"] > 0]
    for rule in (
        "complaints",
        "outside_hours",
        "non_borrower_contacts",
        "over_connected_cap_borrower_days",
        "over_dial_cap_borrower_days",
    ):
        for unit, value in active[rule].items():
            assert int(value) == int(wide.loc[unit, rule]), (unit, rule)
    assert (active["attempts"] == wide.loc[active.index, "actions"]).all()


def test_league_recoveries_are_channel_performance_by_agency(
    con: duckdb.DuckDBPyConnection,
) -> None:
    period = page_period(con)
    league = queries.run(con, "agency_league", **period, window_days=7, level="agency")
    core = queries.run(con, "channel_performance", **period, window_days=7, by="agency")
    per_agency = core[core["agency"] != "(none)"].groupby("agency")["recovered"].sum()
    got = league.set_index("agency")["recovered"]
    for agency, value in per_agency.items():
        assert abs(float(got[agency]) - float(value)) < 0.005, agency
    assert (
        (league["net_recovered"] - (league["recovered"] - league["commission"])).abs() < 0.005
    ).all()


@pytest.mark.parametrize("rule", ["outside_hours", "non_borrower_contacts", "complaints"])
def test_drill_down_rows_are_the_compliance_count(
    con: duckdb.DuckDBPyConnection, rule: str
) -> None:
    period = page_period(con)
    compliance = queries.run(con, "compliance", **period)
    count = int(compliance.loc[compliance["rule"] == rule, "count"].iloc[0])
    rows = queries.run(
        con, "conduct_actions", **period, rule=rule, channel="", agency="", agent="", limit=10**7
    )
    assert len(rows) == count
    if count:
        assert int(rows["rows_total"].iloc[0]) == count


def test_drill_down_of_the_cap_rules_on_golden(golden: duckdb.DuckDBPyConnection) -> None:
    """The golden ledger's one borrower-day over both caps: L002 on 2024-04-15, seven calls
    (phone and ivr) of which four reached the borrower."""
    for rule in ("over_connected_cap", "over_dial_cap"):
        rows = queries.run(golden, "conduct_actions", rule=rule, limit=100)
        assert len(rows) == 7
        assert set(rows["loan_id"]) == {"L002"}
        assert set(pd.to_datetime(rows["action_at"]).dt.date) == {date(2024, 4, 15)}
        assert set(rows["borrower_day_dials"]) == {7}
        assert set(rows["borrower_day_connected"]) == {4}


def test_drill_down_holds_no_personal_data(con: duckdb.DuckDBPyConnection) -> None:
    for rule in METRICS["conduct_actions"].param("rule").choices:
        rows = queries.run(con, "conduct_actions", rule=rule, limit=50)
        assert "borrower_id" not in rows.columns
        assert not any("borrower" in c and c.endswith("_id") for c in rows.columns)


def test_drill_down_narrows_to_agency_and_channel(sample: duckdb.DuckDBPyConnection) -> None:
    period = page_period(sample)
    league = queries.run(sample, "agency_league", **period, window_days=7, level="agency")
    for agency, wanted in zip(league["agency"], league["outside_hours"], strict=True):
        rows = queries.run(
            sample, "conduct_actions", **period, rule="outside_hours", agency=agency, limit=10**6
        )
        assert len(rows) == int(wanted)
        assert set(rows["agency"]) <= {agency}


def test_recoveries_after_write_off_add_up(con: duckdb.DuckDBPyConnection) -> None:
    by_month = queries.run(con, "recoveries_after_write_off", window_days=7)
    by_wo_month = queries.run(con, "write_off_recovery")
    assert abs(float(by_month["recovered"].sum()) - float(by_wo_month["recovered"].sum())) < 0.01


def test_recovery_share_trend_is_the_curve_where_mature(con: duckdb.DuckDBPyConnection) -> None:
    trend = queries.run(con, "recovery_share_trend")
    curve = queries.run(con, "recovery_curve").set_index(["entry_month", "day"])
    mature = trend[trend["mature"]]
    assert not mature.empty
    for row in mature.itertuples():
        assert close(row.rate, curve.loc[(row.entry_month, row.day), "rate"])
    immature = trend[~trend["mature"]]
    assert immature["rate"].isna().all() and immature["recovered"].isna().all()


def test_recovery_share_trend_golden(golden: duckdb.DuckDBPyConnection) -> None:
    trend = queries.run(golden, "recovery_share_trend").set_index(["entry_month", "day"])
    for key, wanted in EXPECTED["recovery_curve"].items():
        month, day = key.split("@D")
        if int(day) in (7, 30, 90):
            assert close(trend.loc[(month, int(day)), "rate"], wanted), key


def test_entry_month_maturity_cuts_partial_days(golden: duckdb.DuckDBPyConnection) -> None:
    """2024-07 entries are due up to 2024-07-30: observed for 62 days at 2024-09-30."""
    maturity = queries.lookup(golden, "entry_month_maturity", as_of=GOLDEN_AS_OF, max_day=90)
    full = dict(zip(maturity["entry_month"], maturity["full_day"], strict=True))
    assert full["2024-06"] == 90 and full["2024-07"] == 62 and full["2024-09"] == 1


# ---------------------------------------------------------------- cure, hand-checked


def test_channel_cure_golden_by_hand(golden: duckdb.DuckDBPyConnection) -> None:
    """Phone in M1 worked L002 (03-15), L003 (03-20), L005 (04-20), L007 (05-08). Only L005
    cures: installment 1 paid 04-25 with installment 2 not due until 05-10 (5 days). L007 is
    back at DPD 0 on 06-20 (43 days); L002 and L003 never. Phone in M2: L002 (04-12) never,
    L007 (06-01) on 06-20, 19 days later."""
    cure = queries.run(golden, "channel_cure").set_index(["channel", "bucket", "cure_days"])
    assert cure.loc[("phone", "M1", 7), "accounts"] == 4
    assert cure.loc[("phone", "M1", 7), "cured_accounts"] == 1
    assert cure.loc[("phone", "M1", 30), "cured_accounts"] == 1
    assert cure.loc[("phone", "M2", 7), "cured_accounts"] == 0
    assert cure.loc[("phone", "M2", 30), "cured_accounts"] == 1
    assert close(cure.loc[("phone", "M2", 30), "rate"], 0.5)


def test_channel_cure_is_monotone_and_bounded(con: duckdb.DuckDBPyConnection) -> None:
    cure = queries.run(con, "channel_cure", **page_period(con), cure_days=[7, 30])
    assert (cure["cured_accounts"] <= cure["matured_accounts"]).all()
    assert (cure["matured_accounts"] <= cure["accounts"]).all()
    wide = cure.pivot(index=["channel", "bucket"], columns="cure_days", values="cured_accounts")
    assert (wide[30] >= wide[7]).all()


def test_channel_cure_unobserved_units_are_left_out(sample: duckdb.DuckDBPyConnection) -> None:
    """Actions in the last 30 days cannot have 30 days observed: no matured unit, rate NULL."""
    as_of = queries.as_of_of(sample)
    cure = queries.run(
        sample,
        "channel_cure",
        as_of=as_of,
        period_start=as_of - timedelta(days=29),
        period_end=as_of,
        cure_days=[30],
    )
    assert not cure.empty
    assert (cure["matured_accounts"] == 0).all() and cure["rate"].isna().all()


# ---------------------------------------------------------------- the sample's story


def test_sample_field_visits_beat_sms_per_account_but_cost_more_per_yuan(
    sample: duckdb.DuckDBPyConnection,
) -> None:
    frame = queries.run(sample, "channel_performance", **page_period(sample), by="bucket")
    m2 = frame[frame["bucket"] == "M2"].set_index("channel")
    field, sms = m2.loc["field_visit"], m2.loc["sms"]
    assert field["recovered_per_account"] > 3 * sms["recovered_per_account"]
    assert field["cost_per_recovered"] > 3 * sms["cost_per_recovered"]


def test_sample_bad_agency_stands_out(sample: duckdb.DuckDBPyConnection) -> None:
    league = queries.run(sample, "agency_league", **page_period(sample), level="agency")
    league = league.set_index("agency")
    worst = league["complaints_per_10k"].idxmax()
    others = league.drop(index=worst)
    assert league.loc[worst, "complaints_per_10k"] > 5 * others["complaints_per_10k"].max()
    assert league["breaches_per_10k"].idxmax() == worst
    assert league.loc[worst, "outside_hours"] > 0 and (others["outside_hours"] == 0).all()


def test_sample_repayment_plans(sample: duckdb.DuckDBPyConnection) -> None:
    plans = queries.run(sample, "repayment_plans", **page_period(sample, 36))
    agreed = plans.set_index("plan_status").loc["agreed"]
    assert 0 < agreed["kept"] <= agreed["kept_due"] <= agreed["loans"]
    assert 0 < agreed["cured"] <= agreed["cure_due"] <= agreed["loans"]
    assert agreed["redefaulted"] <= agreed["redefault_due"] <= agreed["cured"]
    assert int(plans["offers"].iloc[0]) == int(plans["loans"].sum())
    complaints = queries.run(sample, "plan_complaints", **page_period(sample, 36))
    assert list(complaints["plan_status"]) == ["agreed", "not_agreed", "no_plan"]
    assert (complaints["accounts"] > 0).all()


@pytest.mark.parametrize(
    ("metric", "params"),
    [
        ("compliance", {"by": "agent"}),
        ("complaints_trend", {}),
        ("conduct_actions", {"rule": "over_dial_cap"}),
        ("channel_performance", {"by": "bucket", "bucket": "M2", "window_days": 7}),
        ("channel_trend", {"bucket": "M2", "window_days": 7}),
        ("channel_cure", {"bucket": "M3", "by": "month"}),
        ("channel_funnel", {"bucket": "M2"}),
        ("agency_league", {"level": "agent", "window_days": 7}),
        ("plan_complaints", {}),
        ("repayment_plans", {"by": "quarter"}),
    ],
)
def test_sample_page_calls_equal_the_per_action_path(
    sample: duckdb.DuckDBPyConnection, metric: str, params: dict
) -> None:
    """The pages' calls (no filter, whole months) read the whole-book monthly tables of
    ledger/sql/derive/84_action_marts.sql; a filter listing every product keeps every loan but
    reads the actions. On the bundled sample both must give the same rows."""
    products = sample.execute(
        "SELECT DISTINCT value FROM segment_values WHERE segment = 'product'"
    ).fetchall()
    every = [f"product={value}" for (value,) in products]
    period = page_period(sample)
    whole = queries.run(sample, metric, **period, **params)
    filtered = queries.run(sample, metric, **{**period, "filters": every}, **params)
    assert not whole.empty
    pd.testing.assert_frame_equal(whole, filtered)


@pytest.mark.parametrize("by", ["", "month"])
def test_agency_curve_loses_no_payment_to_placement_pay_days(
    con: duckdb.DuckDBPyConnection, by: str
) -> None:
    """agency_recovery_curve reads placement_pay_days, pay_day from each loan's first placement
    on with the previous row's day and cum_paid: the curve must be what it is over all of pay_day,
    each day with the loan's previous payment day (before the placement, for its first)."""
    from queries.runner import resolve_params

    metric = METRICS["agency_recovery_curve"]
    sql = metric.sql_path.read_text(encoding="utf-8")
    assert "JOIN placement_pay_days p" in sql
    values = resolve_params(con, metric, {**page_period(con), "by": by})
    fast = con.execute(sql, values).df()
    every_day = (
        "JOIN (SELECT *, lag(paid_date) OVER w AS prev_paid_date,"
        " lag(cum_paid) OVER w AS prev_cum_paid"
        " FROM pay_day WINDOW w AS (PARTITION BY lkey ORDER BY paid_date)) p"
    )
    full = con.execute(sql.replace("JOIN placement_pay_days p", every_day), values).df()
    assert not fast.empty
    pd.testing.assert_frame_equal(fast, full)


@pytest.mark.parametrize("bucket", ["", "M3"])
def test_agency_curve_by_day_from_the_payments(
    sample: duckdb.DuckDBPyConnection, bucket: str
) -> None:
    """Each placement's recovered amount by day j, counted here day by day in plain Python:
    cum_paid at the last payment day from the placement day to day + j, less paid_before, capped
    at the placed past-due amount (0 without such a day); summed per agency over the placements
    whose day j is observed."""
    period = page_period(sample)
    as_of, start, end = period["as_of"], period["period_start"], period["period_end"]
    placements = sample.execute(
        "SELECT agency, lkey, placed_date, paid_before, placed_past_due, placed_bucket"
        " FROM agency_placement"
    ).fetchall()
    days: dict[int, list[tuple[date, float]]] = {}
    for lkey, paid_date, cum_paid in sample.execute(
        "SELECT lkey, paid_date, cum_paid FROM pay_day ORDER BY lkey, paid_date"
    ).fetchall():
        days.setdefault(lkey, []).append((paid_date, float(cum_paid)))
    wanted: dict[tuple[str, int], list[float]] = {}
    for agency, lkey, placed, paid_before, base, placed_bucket in placements:
        if not (start <= placed <= min(as_of, end)) or (bucket and placed_bucket != bucket):
            continue
        for j in range(1, min(90, (as_of - placed).days) + 1):
            last = [c for d, c in days.get(lkey, []) if placed <= d <= placed + timedelta(j)]
            got = min(last[-1] - float(paid_before), float(base)) if last else 0.0
            cell = wanted.setdefault((agency, j), [0, 0.0, 0.0])
            cell[0] += 1
            cell[1] += float(base)
            cell[2] += got if base > 0 else 0.0
    curve = queries.run(sample, "agency_recovery_curve", **period, bucket=bucket)
    assert len(curve) == len(wanted) > 0
    for row in curve.itertuples():
        accounts, past_due, recovered = wanted[(row.agency, row.day)]
        assert row.placed_accounts == accounts
        assert abs(float(row.placed_past_due) - past_due) < 0.005 * accounts
        assert abs(float(row.recovered) - recovered) < 0.005 * accounts, (row.agency, row.day)


def test_sample_agency_curves_are_shares(sample: duckdb.DuckDBPyConnection) -> None:
    curve = queries.run(sample, "agency_recovery_curve", **page_period(sample), bucket="M3")
    assert not curve.empty
    assert curve["rate"].between(0, 1).all()
    assert set(curve["day"]) == set(range(1, 91))


# ---------------------------------------------------------------- empty and exports


@pytest.mark.parametrize("metric", NEW_METRICS)
def test_a_filter_that_selects_nothing(con: duckdb.DuckDBPyConnection, metric: str) -> None:
    """No error and no invented zero rate: rows are absent, or their rates are NULL."""
    frame = queries.run(con, metric, filters=NOTHING)
    rates = [c for c in frame.columns if c.endswith("rate") or c.endswith("_per_10k")]
    for column in rates:
        assert frame[column].isna().all(), column


def test_exports_keep_chinese_intact(sample: duckdb.DuckDBPyConnection) -> None:
    league = queries.run(sample, "agency_league", level="agency")
    csv = to_csv_bytes(league)
    assert csv.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert set(back["agency"]) == set(league["agency"])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in "".join(back["agency"]))
    rows = queries.run(sample, "conduct_actions", rule="outside_hours", limit=200)
    xlsx = pd.read_excel(io.BytesIO(to_xlsx_bytes(rows, "conduct_actions")), engine="calamine")
    assert list(xlsx.columns) == list(rows.columns)
    assert set(xlsx["agency"].dropna()) == set(rows["agency"].dropna())


def test_every_new_metric_is_documented() -> None:
    for name in NEW_METRICS:
        metric = METRICS[name]
        assert metric.sql_path.is_file()
        header = metric.sql_path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert header.startswith(f"-- {name} "), header
        assert "Grain:" in metric.sql_path.read_text(encoding="utf-8")
        assert metric.definition_zh and metric.definition_en


@pytest.mark.parametrize(
    "rule", ["outside_hours", "over_dial_cap"]
)  # rules with ties in the sample
def test_drill_down_limit_is_a_prefix_of_the_whole_list(
    sample: duckdb.DuckDBPyConnection, rule: str
) -> None:
    """The query picks the newest rows by a time cut-off before reading action_id: a limit must
    still give the first rows of the whole list in its order (newest first, then action_id),
    also when it cuts between actions at the same time."""
    period = page_period(sample)
    whole = queries.run(sample, "conduct_actions", **period, rule=rule, limit=10**7)
    order = whole.assign(at=pd.to_datetime(whole["action_at"])).sort_values(
        ["at", "action_id"], ascending=[False, True], kind="stable"
    )
    assert list(order["action_id"]) == list(whole["action_id"])
    at = list(pd.to_datetime(whole["action_at"]))
    ties = [i for i in range(1, len(at)) if at[i] == at[i - 1]]
    assert ties, "the sample should have actions at the same time"
    for limit in {1, 2, ties[0], ties[-1], len(whole) - 1}:
        rows = queries.run(sample, "conduct_actions", **period, rule=rule, limit=limit)
        assert list(rows["action_id"]) == list(whole["action_id"][:limit]), limit
        assert set(rows["rows_total"]) == {len(whole)}
