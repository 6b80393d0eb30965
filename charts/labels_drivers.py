"""Labels of the roll-rate, risk-driver and data pages: 中文, English.

Kept apart from charts/i18n.py's table so that pages built in parallel do not edit the same
lines; i18n merges this dict into LABELS, so t() finds these keys like any other.
"""

from __future__ import annotations

DRIVERS_LABELS: dict[str, tuple[str, str]] = {
    # states
    "state_M0": ("M0 正常", "M0 current"),
    "state_WO": ("核销", "Written off"),
    "state_WO_short": ("核销", "WO"),
    "state_closed": ("结清", "Closed"),
    # roll rates
    "roll_mode": ("矩阵范围", "Matrix over"),
    "roll_mode_month": ("单月迁移", "One month pair"),
    "roll_mode_window": ("期间平均", "The period (pooled)"),
    "roll_month_pair": ("迁移月份（上月末 → 本月末）", "Month pair (t−1 → t)"),
    "roll_window_one": ("迁移月份 {pair}", "Month pair {pair}"),
    "roll_window_period": (
        "期间 {start} 至 {end} 各月迁移合并（按侧栏期间）",
        "Month pairs ending {start} to {end} pooled (sidebar period)",
    ),
    "roll_first_month": ("最早月份", "the first month"),
    "roll_matrix_title": ("滚动率矩阵", "Roll matrix"),
    "roll_matrix_hint": (
        "每格为所在行的占比，每行合计 100%；空白 = 无迁移，— = 该行无贷款",
        "each cell is a share of its row; rows sum to 100%; blank = none, — = no loans in the row",
    ),
    "roll_from_state": ("上月末状态", "State at t−1"),
    "roll_to_state": ("本月末状态", "State at t"),
    "roll_share": ("行占比", "Share of row"),
    "roll_flow_rate": ("迁徙率", "Flow rate"),
    "roll_flow_hint": (
        "余额口径；可超过 100%（贷款在同一阶段停留）；断点 = 上月末该阶段无余额",
        "balance basis; can exceed 100% when loans stay in a bucket; gaps = no balance in the "
        "earlier bucket",
    ),
    "roll_net_flow": ("净损失迁徙率", "Net flow to loss"),
    "roll_net_flow_empty": (
        "净损失迁徙率需要七个月前的 M0 余额：所选期间内尚无可计算的月份。"
        "请选择更长的期间或更晚的观察月末。",
        "Net flow to loss needs the M0 balance seven month-ends earlier: no month in this period "
        "has one yet. Choose a longer period or a later as-of month.",
    ),
    "roll_compare_by": ("对比对象", "Compare"),
    "roll_compare_cohort": ("两个放款批次", "Two cohorts"),
    "roll_compare_segment": ("同一维度的两个取值", "Two values of a segment"),
    "roll_group_a": ("A 组", "Group A"),
    "roll_group_b": ("B 组", "Group B"),
    "roll_cohorts_help": (
        "可多选：例如选三个月即为一个季度批次；不选 = 全部批次",
        "Pick several months for a quarter; none = every cohort",
    ),
    "roll_compare_empty": (
        "所选窗口内 A 组或 B 组没有在贷贷款。请换批次/取值，或选择“期间平均”。",
        "Group A or B has no loans on book in this window. Pick other cohorts or values, or "
        "pool over the period.",
    ),
    "roll_diff_title": ("差值 B − A（百分点）", "Difference B − A (percentage points)"),
    "roll_diff_short": ("差值", "Difference"),
    "roll_points": ("个百分点", "pp"),
    # risk drivers
    "drivers_measure": ("指标", "Measure"),
    "drivers_dpd30": ("DPD30+ 逾期率", "DPD 30+ rate"),
    "drivers_fpd30": ("首逾 FPD30", "FPD 30"),
    "drivers_ever30_mob6": ("MOB6 曾逾期 30+", "Ever 30+ by MOB 6"),
    "drivers_dpd30_scope": (
        "观察月末 {as_of} 在贷贷款中 DPD≥30 的占比",
        "Loans on book at {as_of} with DPD ≥ 30",
    ),
    "drivers_fpd30_scope": (
        "{start} 起放款、首期到期满 30 天的贷款中首期仍未还清的占比",
        "Loans disbursed from {start} whose first due date + 30 days has passed, first "
        "installment still unpaid",
    ),
    "drivers_ever30_mob6_scope": (
        "{start} 起放款、已满 MOB6 的批次中在 MOB6 前曾逾期 30 天以上的占比",
        "Cohorts from {start} that have reached MOB 6: share ever 30+ days past due by then",
    ),
    "drivers_segment": ("排名维度", "Rank the values of"),
    "drivers_ranking_title": ("按{segment}排名", "Ranked by {segment}"),
    "drivers_ranked": ("参与排名", "Ranked"),
    "drivers_portfolio": ("整体", "Whole book"),
    "drivers_lift": ("提升度", "Lift"),
    "drivers_ci_note": (
        "误差线为 95% Wilson 区间（笔数口径）",
        "error bars: 95% Wilson interval (count basis)",
    ),
    "drivers_no_ci_note": (
        "余额口径不显示 Wilson 区间（切换为笔数口径可见）",
        "no Wilson interval on the balance basis (switch to count to see it)",
    ),
    "drivers_small_note": (
        "笔数少于 {n} 的取值为灰色，仅列示、不排名",
        "values with fewer than {n} loans are grey, listed but not ranked",
    ),
    "drivers_empty_dpd30": (
        "观察月末没有符合筛选条件的在贷贷款。请放宽筛选条件。",
        "No loans on book at the as-of month-end for this selection. Widen the filters.",
    ),
    "drivers_empty_fpd30": (
        "所选期间内没有首期到期满 30 天的贷款。请选择更长的期间或放宽筛选条件。",
        "No loan in this period is 30 days past its first due date yet. Choose a longer period "
        "or widen the filters.",
    ),
    "drivers_empty_ever30_mob6": (
        "所选期间内没有已满 MOB6 的批次。请选择更长的期间（例如 12 个月或以上）。",
        "No cohort in this period has reached MOB 6 yet. Choose a longer period (12 months or "
        "more).",
    ),
    "drivers_crosstab_title": ("交叉分析", "Cross-tab of two segments"),
    "drivers_rows": ("行维度", "Rows"),
    "drivers_cols": ("列维度", "Columns"),
    "drivers_same_segment": (
        "请为行和列选择两个不同的维度。",
        "Choose two different segments for rows and columns.",
    ),
    "drivers_crosstab_note": (
        "每格显示比率与笔数；笔数少于 {n} 的格子为灰色（样本过小）",
        "each cell: rate and loans; grey cells have fewer than {n} loans (too small)",
    ),
    # data page
    "data_intro": (
        "当前数据库的导入情况：观察日、导入时间、各表行数与被拒记录；可上传新的导出文件并导入。",
        "The current import: as-of date, import time, rows per table and rejected rows; upload "
        "new exports to import them.",
    ),
    "data_as_of": ("数据观察日", "Data as of"),
    "data_as_of_help": (
        "导出数据中的最新日期（或导入时指定的日期）；所有指标截至该日。",
        "The latest date in the exports (or the one chosen at import); every figure is as of it.",
    ),
    "data_imported_at": ("最近导入", "Last import"),
    "data_imported_help": ("最近一次成功导入完成的时间。", "When the latest import finished."),
    "data_no_import": ("无导入记录（手工构建的数据库）", "no import recorded (built by hand)"),
    "data_age_minutes": ("不到 1 小时前", "less than an hour ago"),
    "data_age_hours": ("{n} 小时前", "{n} hours ago"),
    "data_age_days": ("{n} 天前", "{n} days ago"),
    "data_loans": ("贷款笔数", "Loans"),
    "data_loans_help": (
        "当前数据库中的贷款行数（含已结清、已核销）。",
        "Loan rows in the current database (closed and written-off loans included).",
    ),
    "data_rejects_help": (
        "最近一次导入因校验未通过而未载入的记录；原因与原始内容见下方。",
        "Records the last import refused at validation; reasons and original text below.",
    ),
    "data_tables_note": ("见下方各表行数", "rows per table below"),
    "data_rejects": ("被拒记录", "Rejected records"),
    "data_rejects_note": ("最近一次导入", "in the last import"),
    "data_rows_title": ("各表行数", "Rows per table"),
    "data_table": ("表", "Table"),
    "data_rows": ("行数", "Rows"),
    "table_loans": ("贷款", "Loans"),
    "table_installments": ("还款计划", "Installments"),
    "table_repayments": ("还款流水", "Repayments"),
    "table_collection_actions": ("催收记录", "Collection actions"),
    "table_loan_extras": ("贷款附加字段", "Extra loan columns"),
    "table_rejects": ("被拒记录", "Rejected rows"),
    "data_report_title": ("导入报告", "Import report"),
    "data_report_help": (
        "最近一次导入每张表读入、载入与拒绝的行数；读入 = 载入 + 拒绝。",
        "Rows read, loaded and rejected per table in the last import; read = loaded + rejected.",
    ),
    "data_read": ("读入", "Read"),
    "data_loaded": ("载入", "Loaded"),
    "data_rejected": ("拒绝", "Rejected"),
    "data_description": ("说明", "What it means"),
    "data_example": ("示例（导入程序原文）", "Example (as the importer wrote it)"),
    "data_file": ("文件", "File"),
    "data_line": ("行号", "Line"),
    "data_original": ("原始内容", "Original text"),
    "data_no_report": (
        "该数据库没有导入报告（未经导入程序构建）。",
        "This database has no import report (it was not built by the importer).",
    ),
    "data_sources": ("来源文件明细", "Source files"),
    "data_rejects_title": ("被拒记录", "Rejected rows"),
    "data_no_rejects": ("最近一次导入没有被拒记录。", "The last import rejected no rows."),
    "data_reason": ("原因", "Reason"),
    "data_records": ("记录数", "Records"),
    "data_lines": ("源文件行数", "Source lines"),
    "data_page": ("页码", "Page"),
    "data_page_empty": (
        "此页没有记录，请返回第 1 页。",
        "No rows on this page; go back to page 1.",
    ),
    "data_page_note": ("第 {first}–{last} 条，共 {total} 条", "Rows {first}–{last} of {total}"),
    "data_upload_title": ("导入新的导出文件", "Import new exports"),
    "data_upload_help": (
        "上传贷款、还款计划、还款流水、催收记录的导出文件（CSV/Excel/Parquet，可打包为 zip）。"
        "导入在旁边构建新数据库，完成后整体替换；被拒绝时现有数据保持不变。",
        "Upload the loans, installments, repayments and collection-action exports (CSV, Excel, "
        "Parquet, or a zip of them). The import builds a new database beside the current one and "
        "swaps it in when done; when it is refused nothing changes.",
    ),
    "data_upload": ("选择文件", "Choose files"),
    "data_import": ("导入", "Import"),
    "data_importing": ("正在导入…", "Importing…"),
    "data_saving": ("正在保存上传文件…", "Saving the uploads…"),
    "data_imported": (
        "导入完成（数据观察日 {as_of}），看板已切换到新数据。",
        "Imported (data as of {as_of}): the dashboard now shows the new data.",
    ),
    "data_done": ("导入完成", "Import done"),
    "data_failed": ("导入失败，现有数据未改变", "The import failed; the current data is unchanged"),
    "data_refused": ("导入被拒绝，现有数据未改变", "Import refused; the current data is unchanged"),
    # reject reasons (ledger/validate.py REASONS; English as worded there)
    "reason_missing_required_value": ("必填列为空", "A required column is empty"),
    "reason_unparseable_date": ("日期或时间无法识别", "A date or timestamp that cannot be read"),
    "reason_missing_time": (
        "时间戳列只有日期、没有时刻",
        "A timestamp column holding a date without a time of day",
    ),
    "reason_unparseable_amount": ("金额无法识别", "An amount that cannot be read"),
    "reason_unparseable_number": ("数字无法识别", "A number that cannot be read"),
    "reason_bad_installment_no": (
        "期次不是不小于 1 的整数",
        "Installment_no is not a whole number of at least 1",
    ),
    "reason_bad_term_months": (
        "期数不是不小于 1 的整数",
        "Term_months is not a whole number of at least 1",
    ),
    "reason_unparseable_bool": ("是/否列无法识别", "A yes/no column that cannot be read"),
    "reason_unknown_channel": (
        "催收渠道不在取值表中",
        "A collection channel outside the vocabulary",
    ),
    "reason_unknown_outcome": (
        "催收结果不在取值表中",
        "A collection outcome outside the vocabulary",
    ),
    "reason_unknown_contact_target": (
        "联系对象不在取值表中",
        "A contact target outside the vocabulary",
    ),
    "reason_unknown_close_reason": (
        "结清原因不在取值表中",
        "A close reason outside the vocabulary",
    ),
    "reason_non_positive_principal": ("本金为零或负数", "Principal is zero or negative"),
    "reason_negative_amount": (
        "只应 ≥ 0 的金额为负",
        "A negative amount where only ≥ 0 makes sense",
    ),
    "reason_reversal": ("负金额还款（冲正）", "A repayment with a negative amount (a reversal)"),
    "reason_zero_amount": ("还款金额为零", "A repayment of zero"),
    "reason_closed_before_disbursement": (
        "结清日期早于放款日期",
        "Closed_date before disbursed_date",
    ),
    "reason_amount_due_mismatch": (
        "应还金额与本金+利息（+费用）不符",
        "Amount_due disagrees with principal_due + interest_due (+ fee_due)",
    ),
    "reason_ptp_missing_amount_or_date": (
        "承诺还款缺少金额或日期",
        "A promise to pay without its amount or date",
    ),
    "reason_unknown_loan_id": (
        "贷款编号不在本次导入或现有数据中",
        "The loan_id is not a loan of this import or of the database",
    ),
    "reason_due_before_disbursement": (
        "还款计划到期日早于放款日",
        "An installment due before its loan was disbursed",
    ),
    "reason_paid_before_disbursement": (
        "还款日期早于放款日",
        "A repayment dated before its loan was disbursed",
    ),
    "reason_duplicate_key": (
        "该行的主键在本次导入中已出现",
        "The row's key appeared earlier in this import",
    ),
    "reason_wrong_field_count": (
        "CSV 行的字段数与表头不符",
        "A CSV line with more or fewer fields than the header",
    ),
    "reason_bad_quoting": (
        "CSV 行的引号未正确闭合",
        "A CSV line whose quotes do not close properly",
    ),
}
