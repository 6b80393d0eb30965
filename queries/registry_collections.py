"""Metrics of the collections pages (channels, recovery, agencies, conduct, repayment plans).

Merged into queries.registry.METRICS; each has its SQL file beside this module. The core
channel_performance, compliance and recovery_curve metrics (registry.py) are used as they are;
these add what the pages need beyond them.
"""

from __future__ import annotations

from queries.metric import (
    AS_OF,
    BUCKET,
    BUCKETS,
    FILTERS,
    PERIOD_END,
    PERIOD_START,
    SEGMENTED,
    Metric,
    Param,
)

WINDOW = Param("window_days", "int", None, "attribution window in days (default: settings)")
PERIOD = (AS_OF, FILTERS, PERIOD_START, PERIOD_END)
RULES = (
    "outside_hours",
    "over_connected_cap",
    "over_dial_cap",
    "non_borrower_contacts",
    "complaints",
)

_PERFORMANCE_COLUMNS = (
    "attempts",
    "accounts",
    "rpc",
    "contact_rate",
    "ptp",
    "ptp_rate",
    "ptp_due",
    "ptp_kept",
    "ptp_kept_rate",
    "recovered",
    "cost",
    "cost_per_recovered",
    "complaints",
    "complaints_per_10k",
    "recovered_per_attempt",
    "recovered_per_account",
    "recovered_accounts",
)

EXTRA_METRICS: tuple[Metric, ...] = (
    Metric(
        "channel_funnel",
        "催收漏斗",
        "Collection funnel",
        "count",
        "Per channel, for actions in the period (optionally in one bucket at action time): "
        "attempts → right-party contacts → PTPs → PTPs kept, as counts, per 100 attempts and as "
        "the conversion from the stage before (PTPs kept convert from the PTPs already due).",
        "各渠道期间内（可限定催收时的逾期阶段）的催收漏斗："
        "催收次数 → 本人接通 → 承诺还款 → 承诺兑现，"
        "给出次数、每百次催收的数量及相对上一环节的转化率（兑现率以已到期承诺为分母）。",
        ("channel", "stage", "stage_order", "count", "per_100_attempts", "conversion"),
        (*PERIOD, BUCKET),
    ),
    Metric(
        "channel_trend",
        "渠道月度趋势",
        "Channel trend by month",
        "mixed",
        "Channel performance month by month within one bucket at action time: actions in the "
        "month of the action, recoveries (last touch within the attribution window) in the month "
        "of the payment, credited to the bucket of the action they are credited to.",
        "同一逾期阶段内各渠道的月度表现：催收按催收月统计，回收按还款月统计，按归因窗口内最后一次"
        "触达归属，并计入该次催收时的逾期阶段。",
        ("month", "channel", *_PERFORMANCE_COLUMNS),
        (*PERIOD, WINDOW, BUCKET),
    ),
    Metric(
        "complaints_trend",
        "投诉趋势",
        "Complaints trend",
        "per 10k",
        "Complaints per 10,000 attempts, by month of the action and channel, for actions in the "
        "period (every bucket).",
        "期间内催收按催收月份和渠道统计的每万次催收投诉数（全部逾期阶段）。",
        ("month", "channel", "attempts", "complaints", "complaints_per_10k"),
        PERIOD,
    ),
    Metric(
        "channel_cure",
        "渠道出催率",
        "Cure after a channel's action",
        "%",
        "Of the past-due accounts (loan, channel, bucket at action time) a channel worked in the "
        "period, the share back at DPD 0 — or closed other than by write-off — within j days of "
        "the channel's first action on them (the action day included); only accounts whose j "
        "days have passed by the as-of date count.",
        "期间内某渠道催收的逾期账户（贷款×渠道×催收时阶段）中，"
        "自该渠道首次催收起 j 天内（含催收当天）"
        "恢复为逾期 0 天或正常结清（非核销）的比例；仅统计观察期已满 j 天的账户。",
        (
            "channel",
            "bucket",
            "cure_days",
            "accounts",
            "matured_accounts",
            "cured_accounts",
            "rate",
        ),
        (
            *PERIOD,
            Param(
                "bucket",
                "choice",
                "",
                "bucket at action time; '' = M1..M6",
                ("", *BUCKETS),
            ),
            Param("cure_days", "int_list", (7, 30), "days j after the first action"),
            Param("by", "choice", "", "add a column", ("", "month")),
        ),
        grouping="group_value",
    ),
)

EXTRA_METRICS += (
    Metric(
        "recovery_share_trend",
        "回收率趋势",
        "Recovered share by entry month",
        "%",
        "For installments entering collection in a month, the share of the amount unpaid at the "
        "due date recovered by day j (D7, D30, D90); a month is shown only once all its entries "
        "have been observed for j days (immature months are empty, never zero).",
        "当月入催期次在到期后第 j 天（D7、D30、D90）累计收回金额占入催时未还金额的比例；"
        "当月全部入催期次均已观察满 j 天才显示，未成熟月份留空而非记为零。",
        ("entry_month", "day", "entered_unpaid", "recovered", "rate", "mature"),
        (*SEGMENTED, Param("days", "int_list", (7, 30, 90), "days j after the due date")),
        grouping="segment_value",
    ),
)

EXTRA_METRICS += (
    Metric(
        "recoveries_after_write_off",
        "核销后回收",
        "Recoveries after write-off",
        "¥",
        "Payments on loans already written off at the end of the day before, by month of payment "
        "and by the channel credited (last touch within the attribution window, else no action).",
        "前一日日终已核销贷款的还款，按还款月及归属渠道（归因窗口内最后一次触达，否则为无催收）。",
        ("month", "channel", "recovered", "payments", "loans"),
        (*PERIOD, WINDOW),
    ),
    Metric(
        "write_off_recovery",
        "核销回收率",
        "Recovery rate of written-off loans",
        "%",
        "Per write-off month: loans and principal written off, and the payments received on them "
        "since the write-off up to the as-of date, as a share of the written-off principal.",
        "按核销月：核销笔数与核销本金，以及核销后至观察日收回的金额占核销本金的比例。",
        (
            "write_off_month",
            "loans",
            "written_off_principal",
            "recovered",
            "recovering_loans",
            "rate",
            "months_observed",
        ),
        PERIOD,
    ),
)

LEAGUE_COLUMNS = (
    "agency",
    "agent_id",
    "main_channel",
    "placed_accounts",
    "placed_past_due",
    "attempts",
    "accounts",
    "rpc",
    "contact_rate",
    "ptp",
    "ptp_due",
    "ptp_kept",
    "ptp_kept_rate",
    "recovered",
    "commission",
    "net_recovered",
    "commission_rate",
    "recovered_per_attempt",
    "complaints",
    "complaints_per_10k",
    "outside_hours",
    "non_borrower_contacts",
    "over_connected_cap_borrower_days",
    "over_dial_cap_borrower_days",
    "breaches",
    "breaches_per_10k",
    "too_small",
)

EXTRA_METRICS += (
    Metric(
        "agency_league",
        "委外机构排名",
        "Agency league table",
        "mixed",
        "Per third-party agency (or per agent): accounts placed with the agency in the period "
        "(its first action on the loan) and their past-due amount then; attempts, contacts, "
        "PTPs kept; recoveries "
        "credited by last touch within the attribution window; commission (the cost of its "
        "actions) and net recovery; complaints per 10,000 attempts and conduct breaches.",
        "各委外机构（或催收员）：期间内新委案账户数（首次催收）及委案时逾期金额；催收次数、接通、"
        "承诺兑现；按归因窗口内最后一次触达归属的回收金额；佣金（其催收成本）与扣佣后净回收；"
        "每万次催收投诉数及违规次数。",
        LEAGUE_COLUMNS,
        (
            *PERIOD,
            WINDOW,
            Param("level", "choice", "agency", "agency or agent", ("agency", "agent")),
        ),
    ),
)

EXTRA_METRICS += (
    Metric(
        "agency_recovery_curve",
        "委外回收曲线",
        "Agency recovery curve",
        "%",
        "For loans placed with an agency (its first action on the loan), the share of the "
        "past-due amount at placement recovered from the placement day to day j, per loan capped "
        "at the amount placed; placements compared by bucket at placement; unobserved days are "
        "left out.",
        "委案（机构首次催收）账户自委案日起至第 j 天收回金额占委案时逾期金额的比例"
        "（单户以委案金额为上限）；"
        "按委案时逾期阶段比较；未观察到的天数不计。",
        ("agency", "day", "placed_accounts", "placed_past_due", "recovered", "rate"),
        (
            *PERIOD,
            BUCKET,
            Param("by", "choice", "", "add a column", ("", "month")),
            Param("max_day", "int", 90, "last day j"),
        ),
        grouping="group_value",
    ),
)

EXTRA_METRICS += (
    Metric(
        "conduct_actions",
        "违规催收明细",
        "Actions breaking a conduct rule",
        "action",
        "The actions behind one conduct rule's count (outside contact hours, the calls of "
        "borrower-days over the connected-call or dial cap, non-borrower contacts, complaints), "
        "newest first, with loan and action ids only — no personal data.",
        "某项合规规则计数背后的催收记录（非允许时段、超接通/拨打上限当日的电话、联系非本人、投诉），"
        "按时间倒序，仅含贷款与催收编号，不含个人信息。",
        (
            "action_id",
            "loan_id",
            "action_at",
            "channel",
            "agency",
            "agent_id",
            "outcome",
            "contact_target",
            "bucket",
            "complaint",
            "rule",
            "borrower_day_dials",
            "borrower_day_connected",
            "rows_total",
        ),
        (
            *PERIOD,
            Param("rule", "choice", "outside_hours", "conduct rule", RULES),
            Param("channel", "str", "", "channel ('' = any)"),
            Param("agency", "str", "", "agency ('' = any, '(none)' = without one)"),
            Param("agent", "str", "", "agent id ('' = any)"),
            Param("limit", "int", 5000, "at most this many rows"),
        ),
    ),
)

EXTRA_METRICS += (
    Metric(
        "repayment_plans",
        "协商还款效果",
        "Repayment plans",
        "%",
        "Plans offered in the period, agreed or not; of agreed plans, the share kept (a payment "
        "in each of the first months after agreement, or cured by then); the share cured (DPD 0 "
        "or closed, not written off) within the cure window; of those cured, the share back at "
        "DPD 30+ within 90 days. Unobserved windows are left out.",
        "期间内提供的协商还款方案（是否达成）；"
        "达成方案中按约履行的比例（达成后前几个月每月均有还款，或已出催）；"
        "在观察窗口内出催（逾期 0 天或正常结清，非核销）的比例；"
        "出催后 90 天内再次逾期 30 天以上的比例。"
        "未观察满的窗口不计。",
        (
            "plan_status",
            "loans",
            "offers",
            "share_of_offers",
            "kept_due",
            "kept",
            "kept_rate",
            "cure_due",
            "cured",
            "cure_rate",
            "redefault_due",
            "redefaulted",
            "redefault_rate",
        ),
        (
            *PERIOD,
            Param("by", "choice", "", "add a column", ("", "month", "quarter")),
            Param("kept_months", "int", 3, "30-day windows with a payment for a plan kept"),
            Param("cure_days", "int", 180, "days after agreement within which a plan cures"),
        ),
        grouping="group_value",
    ),
    Metric(
        "plan_complaints",
        "协商还款与投诉",
        "Complaints on plan and non-plan accounts",
        "count",
        "On accounts actioned in M3..M6 in the period, complaints per 10,000 attempts and per "
        "1,000 accounts, for accounts with a plan agreed, offered but not agreed, and none.",
        "期间内在 M3..M6 阶段被催收的账户，按已达成协商、提供未达成、无协商分组的每万次催收投诉数"
        "与每千户投诉数。",
        (
            "plan_status",
            "accounts",
            "attempts",
            "attempts_per_account",
            "complaints",
            "complaints_per_10k",
            "complaints_per_1k_accounts",
            "non_borrower_contacts",
            "outside_hours",
        ),
        PERIOD,
    ),
)
