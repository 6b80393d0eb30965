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
        "Headline figures at each month-end (book, overdue rates, entry rate, net flow to loss, "
        "write-offs, recoveries), each with its change against the previous month-end and twelve "
        "month-ends earlier: for rates in points, for amounts and counts relative.",
        "各月末的关键指标（规模、逾期率、入催率、净损失迁徙率、核销、催回），"
        "附与上月末及 12 个月前月末的变动：比率为百分点差，金额与笔数为相对变动。",
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
        "Per disbursement month, loans whose first installment is unpaid N days after its due "
        "date / loans whose first due date + N has passed; mature once all are observed.",
        "按放款月，首期到期 N 天后仍未还清的贷款 / 首期到期日后 N 天已过的贷款；全部观察到即成熟。",
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
        "Of the amount entering collection in a due month, the share paid off by due date + j "
        "(installments whose due date + j has passed); mature once all are observed.",
        "当月到期入催金额中，到期日后 j 天内还清的比例（仅计已过 j 天的期次）；全部观察到即成熟。",
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
        "Ever DPD N+ by months on book per segment value, pooled over the period's cohorts that "
        "have reached the MOB horizon (the same cohorts at every MOB).",
        "按细分值汇总期间内已达到账龄上限的放款批次的曾逾期 N+ 账龄曲线（各账龄为同一组批次）。",
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
            Param("max_mob", "int", 12, "MOB horizon: cohorts that have reached it, MOB 0..it"),
        ),
        grouping="segment_value",
    ),
)
