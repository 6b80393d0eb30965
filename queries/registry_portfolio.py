"""Metrics of the portfolio pages (overview, overdue trends, early warning, vintage).

Merged into queries.registry.METRICS; each has its SQL file beside this module.
"""

from __future__ import annotations

from queries.metric import AS_OF, BY, FILTERS, PERIOD_START, SEGMENTED, Metric, Param

KPI_COLUMNS = (
    "month_end",
    "kpi",
    "unit",
    "value",
    "prev_month_value",
    "change_1m",
    "year_ago_value",
    "change_12m",
)

EXTRA_METRICS: tuple[Metric, ...] = (
    Metric(
        "portfolio_kpis",
        "组合关键指标",
        "Portfolio KPIs",
        "mixed",
        "At each month-end: balance and loans on book; DPD1+/30+/90+ overdue rates by balance and "
        "count; entry rate (amount) of installments due in the month; net flow to loss; principal "
        "written off in the month; recoveries (payments on loans past due or written off the day "
        "before). Each with its change against the previous month-end and twelve month-ends "
        "earlier: for rates the difference in points, for amounts and counts the relative change.",
        "各月末：在贷余额与笔数；余额及笔数口径的 DPD1+/30+/90+ 逾期率；"
        "当月到期期次的入催率（金额）；净损失迁徙率；当月核销本金；催回金额（前一日处于逾期或已核销的贷款的还款）。"
        "每项附与上月末及 12 个月前月末的变动：比率为百分点差，金额与笔数为相对变动。",
        KPI_COLUMNS,
        (AS_OF, FILTERS, PERIOD_START),
    ),
    Metric(
        "segment_movers",
        "变动最大的细分",
        "Segments that moved most",
        "%",
        "Every segment value's overdue rate DPD N+ at the as-of month-end and one or twelve "
        "month-ends earlier, ranked by the size of the change; values with fewer than "
        "min_segment_size loans on book at either date are marked too small, not ranked.",
        "各细分值在观察月末与 1 个月或 12 个月前月末的 DPD N+ 逾期率，按变动幅度排序；"
        "任一时点在贷笔数少于最小样本量的细分标记为样本过小，不参与排名。",
        (
            "segment",
            "value",
            "month_end",
            "compare_month_end",
            "threshold",
            "basis",
            "rate",
            "rate_then",
            "change",
            "rank",
            "too_small",
            "loans",
            "balance",
            "loans_then",
            "balance_then",
        ),
        (
            AS_OF,
            FILTERS,
            Param("threshold", "int", 30, "DPD threshold N"),
            Param("basis", "choice", "balance", "rate basis", ("balance", "count")),
            Param("compare", "choice", "12m", "compare with", ("1m", "12m")),
        ),
    ),
    Metric(
        "fpd_by_cohort",
        "首期逾期率（含成熟度）",
        "First payment default with maturity",
        "%",
        "FPD N per disbursement month over the loans whose first due date + N has passed, with the "
        "cohort's size and the share observed; a cohort is mature when all its loans are observed. "
        "No observed loan: no rate (not 0).",
        "按放款月计算首期逾期率（仅计首期到期日后 N 天已过的贷款），附批次笔数与已观察占比；"
        "全部贷款均已观察时为成熟批次。无已观察贷款时不计比率（不记为 0）。",
        (
            "cohort",
            "threshold",
            "loans",
            "bad_loans",
            "rate",
            "cohort_loans",
            "observed_share",
            "mature",
        ),
        (*SEGMENTED, Param("thresholds", "int_list", (1, 7, 30), "days N")),
        grouping="segment_value",
    ),
    Metric(
        "cure_by_due_month",
        "入催后回款率（含成熟度）",
        "Cure rate with maturity",
        "%",
        "Of the amount entering collection in a due month, the share paid off by due date + j, "
        "over the installments whose due date + j has passed; mature when all of the month's "
        "entered amount is observed. Nothing observed: no rate (not 0).",
        "当月到期入催金额中，在到期日后 j 天内还清的比例（仅计到期日后 j 天已过的期次）；"
        "当月入催金额全部已观察时为成熟。无已观察金额时不计比率（不记为 0）。",
        (
            "due_month",
            "cure_days",
            "entered_amount",
            "observed_amount",
            "cured_amount",
            "rate",
            "mature",
        ),
        (*SEGMENTED, Param("cure_days", "int_list", (7, 30), "days j after the due date")),
        grouping="segment_value",
    ),
    Metric(
        "vintage_pooled",
        "分组账龄曲线",
        "Pooled vintage by segment",
        "%",
        "Ever DPD N+ by months on book, pooled over the cohorts of the period per segment value: "
        "at MOB m only the cohorts that have reached m count (their number is given).",
        "按细分值汇总期间内各放款批次的曾逾期 N+ 账龄曲线："
        "账龄 m 仅计已到达 m 的批次（附批次数）。",
        (
            "segment_value",
            "mob",
            "threshold",
            "basis",
            "cohorts",
            "numerator",
            "denominator",
            "rate",
        ),
        (
            AS_OF,
            FILTERS,
            BY,
            Param("threshold", "int", 30, "DPD threshold N (one of vintage_thresholds)"),
            PERIOD_START,
        ),
        grouping="segment_value",
    ),
)
