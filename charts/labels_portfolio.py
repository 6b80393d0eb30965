"""Labels of the portfolio pages (overview, overdue trends, early warning, vintage): 中文, English.

Kept apart from charts/i18n.py's table so that pages built in parallel do not edit the same
lines; i18n merges this dict into LABELS, so t() finds these keys like any other.
"""

from __future__ import annotations

PORTFOLIO_LABELS: dict[str, tuple[str, str]] = {
    # KPI names (overview cards, report table)
    "kpi_balance": ("在贷余额", "Balance on book"),
    "kpi_loans": ("在贷笔数", "Loans on book"),
    "kpi_dpd1_balance": ("DPD1+ 逾期率（余额）", "DPD1+ rate (balance)"),
    "kpi_dpd30_balance": ("DPD30+ 逾期率（余额）", "DPD30+ rate (balance)"),
    "kpi_dpd90_balance": ("DPD90+ 逾期率（余额）", "DPD90+ rate (balance)"),
    "kpi_dpd1_count": ("DPD1+ 逾期率（笔数）", "DPD1+ rate (count)"),
    "kpi_dpd30_count": ("DPD30+ 逾期率（笔数）", "DPD30+ rate (count)"),
    "kpi_dpd90_count": ("DPD90+ 逾期率（笔数）", "DPD90+ rate (count)"),
    "kpi_entry_rate": ("入催率（金额）", "Entry rate (amount)"),
    "kpi_net_flow_to_loss": ("净损失迁徙率", "Net flow to loss"),
    "kpi_write_offs": ("当月核销本金", "Written off in month"),
    "kpi_recoveries": ("当月催回金额", "Recoveries in month"),
    # one-line definitions (card help)
    "kpi_help_balance": (
        "月末在贷（未结清、未核销）贷款的未偿本金合计。",
        "Outstanding principal of loans on book (not closed, not written off) at month-end.",
    ),
    "kpi_help_loans": (
        "月末在贷（未结清、未核销）贷款笔数。",
        "Loans on book (not closed, not written off) at month-end.",
    ),
    "kpi_help_dpd_balance": (
        "月末逾期天数≥N 的在贷贷款未偿本金 / 在贷未偿本金。",
        "Outstanding principal with DPD ≥ N / outstanding principal on book, at month-end.",
    ),
    "kpi_help_dpd_count": (
        "月末逾期天数≥N 的在贷笔数 / 在贷笔数。",
        "Loans on book with DPD ≥ N / loans on book, at month-end.",
    ),
    "kpi_help_entry_rate": (
        "当月到期期次中，到期日日终未还清的应还金额占比。",
        "Of the amount due in the month, the share not paid off at the end of its due date.",
    ),
    "kpi_help_net_flow_to_loss": (
        "当月核销本金 / 七个月前月末 M0 未偿本金。",
        "Principal written off in the month / M0 principal seven month-ends earlier.",
    ),
    "kpi_help_write_offs": (
        "当月核销贷款在核销前一日的未偿本金。",
        "Principal outstanding the day before write-off, for loans written off in the month.",
    ),
    "kpi_help_recoveries": (
        "当月还款中，还款前一日贷款处于逾期或已核销的金额。",
        "Payments in the month on loans past due or written off the day before.",
    ),
    # changes
    "vs_prev_month": ("较上月", "vs previous month"),
    "yoy": ("同比", "YoY"),
    "mom": ("环比", "MoM"),
    "year_ago": ("12 个月前", "a year ago"),
    "points": ("个百分点", "pp"),
    "no_comparison": ("无可比数据", "no comparison"),
    # overview
    "kpi_section_book": ("规模与损失", "Book and losses"),
    "kpi_section_rates": ("逾期率", "Overdue rates"),
    "movers_title": (
        "变动最大的细分（DPD30+，较 12 个月前）",
        "Segments that moved most (DPD30+, vs 12 months ago)",
    ),
    "movers_none": (
        "没有可比较的细分（样本过小或缺少 12 个月前的数据）。",
        "No segment to compare (too small, or no data 12 months earlier).",
    ),
    "overview_rates_chart": ("逾期率走势", "Overdue rates over time"),
    "overview_flows_chart": ("核销与催回", "Write-offs and recoveries"),
    "single_month": (
        "仅有一个月末的数据：暂无环比、同比与走势。",
        "Only one month-end of data: no month-on-month, year-on-year or trend yet.",
    ),
    "export_report": ("导出报告", "Export report"),
    "export_report_help": (
        "下载包含关键指标、走势图和筛选条件的独立 HTML 报告，可离线打开或邮件发送。",
        "Download a self-contained HTML report (KPIs, charts, filters) to open offline or email.",
    ),
    "report_title": ("逾期率组合报告", "Portfolio overdue report"),
    "report_filters": ("筛选条件", "Filters"),
    "report_generated": ("生成时间", "Generated"),
    "report_kpi": ("指标", "KPI"),
    "report_value": ("数值", "Value"),
    "report_png": ("图表图片（PNG，可贴入演示文稿）", "Charts as PNG images (for slides)"),
    "report_charts": ("走势", "Trends"),
    "value": ("取值", "Value"),
    "compared_with": ("对比", "vs"),
    "change": ("变动", "Change"),
    "movers_title_1m": (
        "变动最大的细分（DPD30+，较上月）",
        "Segments that moved most (DPD30+, vs previous month)",
    ),
    "all_kpis_table": ("全部关键指标（各月末）", "All KPIs by month-end"),
    "no_filters": ("无（全部贷款）", "none (whole book)"),
    "n_loans": ("笔", "loans"),
    # trends
    "thresholds": ("逾期阈值（天）", "DPD thresholds"),
    "split_by": ("拆分维度", "Split by"),
    "split_threshold": ("拆分所用阈值", "Threshold for the split"),
    "show_m0": ("显示 M0（未逾期）", "Show M0 (current)"),
    "trend_chart": ("逾期率（按月末）", "Overdue rate by month-end"),
    "split_chart": ("逾期率按维度拆分", "Overdue rate split by segment"),
    "bucket_chart": ("逾期阶段分布", "Bucket distribution"),
    "share": ("占比", "Share"),
    "pick_threshold": ("请至少选择一个阈值。", "Pick at least one threshold."),
    "hidden_values": (
        "仅默认显示规模最大的 {n} 个值，点击图例可显示其余。",
        "Only the {n} largest values are shown at first; click the legend for the rest.",
    ),
    # early warning
    "due_month": ("到期月", "Due month"),
    "entry_chart": ("入催率（按到期月）", "Entry rate by due month"),
    "cure_chart": ("入催后 j 天回款率", "Cured within j days of entry"),
    "fpd_chart": ("首期逾期率（按放款月）", "First payment default by cohort"),
    "fpd_grade_chart": ("首期逾期率按风险等级", "FPD by risk grade"),
    "fpd_threshold": ("FPD 天数", "FPD days"),
    "cure_days_pick": ("回款观察天数 j（到期日后）", "Days j after the due date"),
    "cure_days_label": ("{j} 天内", "within {j} days"),
    "mature": ("已成熟", "mature"),
    "immature_note": (
        "灰色区域为未成熟：观察期未满，数值仍会变化（虚线）；未观察到的点留空，不记为 0。",
        "Grey area = immature: the observation window has not passed, figures may still change "
        "(dashed); points not observed at all are left blank, never drawn as 0.",
    ),
    "observed": ("已观察", "observed"),
    # vintage
    "vintage_threshold": ("逾期阈值 N（天）", "Threshold N (days)"),
    "vintage_mode": ("视图", "View"),
    "mode_curves": ("账龄曲线", "Curves"),
    "mode_triangle": ("三角热力图", "Triangle"),
    "mode_grouped": ("按维度分组", "By segment"),
    "x_axis": ("横轴", "X axis"),
    "axis_mob": ("账龄（MOB）", "Months on book"),
    "axis_calendar": ("日历月", "Calendar month"),
    "group_by": ("分组维度", "Group by"),
    "vintage_curves_chart": ("各放款月曾逾期 {n}+ 比例", "Ever DPD {n}+ by cohort"),
    "vintage_triangle_chart": ("放款月 × 账龄 曾逾期 {n}+", "Cohort × MOB, ever DPD {n}+"),
    "vintage_pooled_chart": ("按{seg}分组的曾逾期 {n}+ 曲线", "Ever DPD {n}+ by {seg}"),
    "cohort_colour": (
        "颜色：浅＝较早放款月，深＝较近放款月",
        "Colour: light = older cohort, dark = newer",
    ),
    "mob_horizon": ("账龄上限（月）", "MOB horizon"),
    "no_cohort_at_horizon": (
        "所选期间内没有放款批次已达到账龄 {h} 个月：请缩短账龄上限或选择更长的期间。",
        "No cohort of the period has reached MOB {h} yet: pick a shorter horizon or a longer "
        "period.",
    ),
    "pooled_cohorts": (
        "每条曲线汇总同一组放款批次（最多 {n} 个，均已达到账龄 {h} 个月）。",
        "Each curve pools the same cohorts (up to {n}, all past MOB {h}).",
    ),
    "cohorts_n": ("批次数", "cohorts"),
    "no_segment": ("（整体）", "(whole book)"),
}
