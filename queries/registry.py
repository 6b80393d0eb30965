"""Every metric the product computes: its names (中文 / English), unit, definition and parameters.

One registry, used by the query runner, the command line, the pages, exports and the glossary.
The core metrics of METRICS.md are here; page-specific metrics live in registry_*.py modules
beside this one (one per group of pages) and are merged in below.
"""

from __future__ import annotations

from datetime import date

from queries.metric import (
    AS_OF,
    BUCKET,
    FILTERS,
    PERIOD_END,
    PERIOD_START,
    QUERY_DIR,
    SEGMENTED,
    Metric,
    Param,
)

__all__ = ["METRICS", "QUERY_DIR", "Metric", "Param", "describe_metrics"]

METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric(
            "installment_status",
            "还款计划状态",
            "Installment status",
            "date",
            "Each installment's amount due and the day the waterfall paid it off.",
            "每期应还金额及按瀑布规则还清的日期。",
            ("loan_id", "installment_no", "due_date", "amount_due", "paid_off_date"),
            (FILTERS,),
        ),
        Metric(
            "loan_month",
            "月末贷款状态",
            "Loan state at month-end",
            "state",
            "Each loan's state (M0..M6, WO, closed), DPD, outstanding principal and past-due "
            "amount at each month-end.",
            "每笔贷款在每个月末的状态（M0..M6、核销、结清）、逾期天数、未偿本金和逾期金额。",
            ("loan_id", "month_end", "state", "dpd", "outstanding_principal", "past_due_amount"),
            (AS_OF, FILTERS),
        ),
        Metric(
            "write_offs",
            "核销明细",
            "Write-offs",
            "¥",
            "Loans written off (DPD beyond write_off_after_dpd, or closed as written_off) with the "
            "day and the outstanding principal on the day before.",
            "已核销贷款（逾期超过核销天数或以核销结清）及核销日与核销前一日的未偿本金。",
            ("loan_id", "cohort", "written_off_date", "written_off_principal"),
            (AS_OF, FILTERS),
        ),
        Metric(
            "overdue_rate",
            "逾期率",
            "Overdue rate",
            "%",
            "Loans on book with DPD ≥ N / loans on book (count), or their outstanding principal / "
            "outstanding principal on book (balance), at each month-end.",
            "月末在贷中逾期天数≥N的笔数占比（笔数口径），或其未偿本金占在贷未偿本金之比（余额口径）。",
            ("month_end", "threshold", "basis", "numerator", "denominator", "rate"),
            (*SEGMENTED, Param("thresholds", "int_list", (1, 30, 90), "DPD thresholds N")),
            grouping="segment_value",
        ),
        Metric(
            "bucket_distribution",
            "逾期阶段分布",
            "Bucket distribution",
            "%",
            "Loans and outstanding principal on book by state M0..M6 at each month-end.",
            "各月末在贷笔数与未偿本金按 M0..M6 阶段的分布。",
            (
                "month_end",
                "state",
                "loans",
                "outstanding_principal",
                "past_due_amount",
                "loan_share",
                "balance_share",
            ),
            (AS_OF, FILTERS),
        ),
        Metric(
            "entry_rate",
            "入催率",
            "Entry rate",
            "%",
            "Of installments due in a month on loans not closed by the due date, the share not "
            "paid off at the end of the due date (by amount or count).",
            "当月到期（到期日前未结清贷款）的应还期次中，到期日日终未还清的比例（金额或笔数）。",
            ("due_month", "basis", "rate", "numerator", "denominator"),
            SEGMENTED,
            grouping="segment_value",
        ),
        Metric(
            "cure_rate",
            "入催后回款率",
            "Cure rate",
            "%",
            "Of the amount that entered collection, the share paid off by due date + j days.",
            "入催金额中，在到期日后 j 天内还清的比例。",
            ("due_month", "cure_days", "entered_amount", "cured_amount", "rate"),
            (*SEGMENTED, Param("cure_days", "int_list", (7, 30), "days j after the due date")),
            grouping="segment_value",
        ),
        Metric(
            "fpd",
            "首期逾期率",
            "First payment default",
            "%",
            "Per disbursement month, loans whose first installment is unpaid at first due date + "
            "N days / loans whose first due date + N has passed.",
            "按放款月，首期在到期日后 N 天仍未还清的贷款占比。",
            ("cohort", "threshold", "loans", "rate", "bad_loans"),
            (*SEGMENTED, Param("thresholds", "int_list", (1, 7, 30), "days N")),
            grouping="segment_value",
        ),
        Metric(
            "vintage",
            "账龄逾期率",
            "Vintage: ever DPD N+",
            "%",
            "Share of a disbursement cohort (count or original principal) that had DPD ≥ N on some "
            "day up to the month-end MOB m months after disbursement.",
            "放款月批次在账龄 m 个月末前曾逾期 N 天以上的比例（笔数或放款本金）。",
            ("cohort", "mob", "threshold", "basis", "rate", "numerator", "denominator"),
            (*SEGMENTED, Param("threshold", "int", 30, "DPD threshold N (1, 7, 15, 30, 60, 90)")),
            grouping="segment_value",
        ),
        Metric(
            "vintage_write_off",
            "累计核销率",
            "Cumulative write-off rate",
            "%",
            "Written-off outstanding principal up to the MOB month-end / cohort principal.",
            "截至账龄月末的累计核销本金 / 批次放款本金。",
            ("cohort", "mob", "rate", "written_off_principal", "cohort_principal"),
            SEGMENTED,
            grouping="segment_value",
        ),
        Metric(
            "roll_matrix",
            "滚动率矩阵",
            "Roll matrix",
            "%",
            "Loans on book at month-end t-1 by state then (rows) and at t (columns); each cell the "
            "share of its row by count or outstanding principal at t-1.",
            "上月末在贷贷款按上月末状态（行）与本月末状态（列）的迁移占比，按笔数或上月末未偿本金。",
            ("from_month_end", "to_month_end", "basis", "from_state", "to_state", "value", "share"),
            (
                *SEGMENTED,
                Param("cohorts", "date_list", (), "disbursement months (first day); empty = all"),
            ),
            grouping="segment_value",
        ),
        Metric(
            "flow_rate",
            "迁徙率",
            "Flow rate",
            "%",
            "Outstanding principal in M(i+1) at t / outstanding principal in M(i) at t-1; M6→WO "
            "uses principal written off during the month.",
            "本月末 M(i+1) 未偿本金 / 上月末 M(i) 未偿本金；M6→核销用当月核销本金。",
            (
                "from_month_end",
                "to_month_end",
                "from_state",
                "to_state",
                "rate",
                "numerator",
                "denominator",
            ),
            SEGMENTED,
            grouping="segment_value",
        ),
        Metric(
            "net_flow_to_loss",
            "净损失迁徙率",
            "Net flow to loss",
            "%",
            "Principal written off in month t / M0 principal seven month-ends earlier (the product "
            "of the seven flow rates along the diagonal).",
            "当月核销本金 / 七个月前月末 M0 未偿本金（即沿对角线七个迁徙率之积）。",
            (
                "month_end",
                "base_month_end",
                "rate",
                "written_off_principal",
                "base_current_principal",
            ),
            SEGMENTED,
            grouping="segment_value",
        ),
        Metric(
            "recovery_curve",
            "回收率曲线",
            "Recovery curve",
            "%",
            "For installments entering collection in a month, the share of the unpaid amount "
            "recovered by day j after the due date; unobserved days are left out.",
            "当月入催期次在到期后第 j 天累计收回的金额占入催时未还金额的比例；未观察到的天数不计。",
            ("entry_month", "day", "rate", "recovered", "entered_unpaid"),
            (*SEGMENTED, Param("max_day", "int", 90, "last day j")),
            grouping="segment_value",
        ),
        Metric(
            "channel_performance",
            "催收渠道效果",
            "Collection channel performance",
            "mixed",
            "Per channel: attempts, accounts, right-party contacts, PTPs (kept), cost, complaints, "
            "and recoveries credited by last touch within the attribution window.",
            "各渠道的催收次数、户数、本人接通、承诺还款（兑现）、成本、投诉，以及按归因窗口内最后一次"
            "触达归属的回收金额。",
            (
                "channel",
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
            ),
            (
                AS_OF,
                FILTERS,
                PERIOD_START,
                PERIOD_END,
                Param("window_days", "int", None, "attribution window in days (default: settings)"),
                Param(
                    "by", "choice", "", "add a column", ("", "bucket", "agency", "agent", "month")
                ),
                BUCKET,
            ),
            grouping="group_value",
        ),
        Metric(
            "compliance",
            "催收合规",
            "Collection conduct",
            "count",
            "Actions breaking each conduct rule: outside contact hours, over the connected-call "
            "and dial caps per borrower-day, non-borrower contacts, complaints.",
            "违反各项合规规则的催收：非允许时段、每日接通/拨打次数超限、联系非本人、投诉。",
            ("rule", "count", "attempts", "per_10k_attempts"),
            (
                AS_OF,
                FILTERS,
                PERIOD_START,
                PERIOD_END,
                Param(
                    "by", "choice", "", "add a column", ("", "channel", "agency", "agent", "month")
                ),
            ),
            grouping="group_value",
        ),
    )
}


def _merge_extensions() -> None:
    """Add the metrics of every queries/registry_*.py module (EXTRA_METRICS tuples)."""
    import importlib
    import pkgutil

    import queries

    for info in sorted(pkgutil.iter_modules(queries.__path__), key=lambda i: i.name):
        if info.name.startswith("registry_"):
            module = importlib.import_module(f"queries.{info.name}")
            for metric in module.EXTRA_METRICS:
                if metric.name in METRICS:
                    raise ValueError(f"metric {metric.name} is registered twice")
                METRICS[metric.name] = metric


_merge_extensions()


def describe_metrics() -> str:
    """Every metric with its parameters and output columns (for `python -m ledger metrics`)."""
    lines: list[str] = []
    for metric in METRICS.values():
        lines.append(f"{metric.name}  {metric.zh} / {metric.en}  [{metric.unit}]")
        lines.append(f"    {metric.definition_en}")
        lines.append(f"    columns: {', '.join(metric.columns)}")
        for p in metric.params:
            default = "" if p.default in (None, "", ()) else f" (default {_show(p.default)})"
            lines.append(f"    --param {p.name}=<{p.kind}>  {p.help}{default}")
        lines.append("")
    return "\n".join(lines)


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
