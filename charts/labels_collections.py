"""Labels of the collections pages (channels, recovery, agencies, conduct, repayment plans).

Kept apart from charts/i18n.py's table so that pages built in parallel do not edit the same
lines; i18n merges this dict into LABELS, so t() finds these keys like any other.
"""

from __future__ import annotations

COLLECTIONS_LABELS: dict[str, tuple[str, str]] = {
    # channels (collection_actions.channel) and the uncredited recoveries
    "ch_sms": ("短信", "SMS"),
    "ch_app_push": ("App 推送", "App push"),
    "ch_ivr": ("智能语音", "Robot call (IVR)"),
    "ch_phone": ("人工电话", "Phone collector"),
    "ch_field_visit": ("外访", "Field visit"),
    "ch_third_party": ("委外机构", "Third-party agency"),
    "ch_legal": ("法律诉讼", "Legal action"),
    "ch_repayment_plan": ("协商还款", "Repayment plan"),
    "ch_(no action)": ("无催收触达", "(no action)"),
    "agency_(in-house)": ("自营", "(in-house)"),
    "agency_(none)": ("无机构", "(no agency)"),
    # action outcomes and contact targets (collection_actions)
    "outcome_no_answer": ("未接听", "no answer"),
    "outcome_unreachable": ("无法联系", "unreachable"),
    "outcome_wrong_party": ("非本人", "wrong party"),
    "outcome_delivered": ("已送达", "delivered"),
    "outcome_contacted": ("已接通", "contacted"),
    "outcome_ptp": ("承诺还款", "promise to pay"),
    "outcome_refused": ("拒绝还款", "refused"),
    "outcome_paid": ("已还款", "paid"),
    "outcome_visited": ("已外访", "visited"),
    "outcome_plan_agreed": ("达成协商", "plan agreed"),
    "target_borrower": ("借款人", "borrower"),
    "target_emergency_contact": ("紧急联系人", "emergency contact"),
    "target_third_party": ("其他第三人", "other third party"),
    # funnel stages
    "stage_attempts": ("催收次数", "Attempts"),
    "stage_rpc": ("本人接通", "Right-party contacts"),
    "stage_ptp": ("承诺还款", "Promises to pay"),
    "stage_ptp_kept": ("承诺兑现", "Promises kept"),
    # conduct rules (compliance.rule and conduct_actions.rule)
    "rule_actions": ("催收次数", "Attempts"),
    "rule_outside_hours": ("非允许时段联系", "Contact outside permitted hours"),
    "rule_over_connected_cap_borrower_days": ("每日接通超限（人·天）", "Over connected-call cap"),
    "rule_over_dial_cap_borrower_days": ("每日拨打超限（人·天）", "Over dial cap"),
    "rule_over_connected_cap": ("每日接通超限", "Over connected-call cap"),
    "rule_over_dial_cap": ("每日拨打超限", "Over dial cap"),
    "rule_non_borrower_contacts": ("联系非借款人", "Contacts with non-borrowers"),
    "rule_complaints": ("投诉", "Complaints"),
    # the industry rule each setting encodes, and the setting
    "rule_text_outside_hours": (
        "22:00–次日 08:00 禁止催收联系（2024–2026 年行业催收规范）。",
        "No collection contact from 22:00 to 08:00 (Chinese industry rules of 2024–2026).",
    ),
    "rule_text_over_connected_cap": (
        "同一债务人每日有效通话不超过 3 次（行业催收规范）。",
        "At most 3 effective (connected) calls per debtor per day (industry rules).",
    ),
    "rule_text_over_dial_cap": (
        "同一号码每日拨打不超过 6 次（2026 年行业指引）。",
        "At most 6 dials per number per day (2026 industry guideline).",
    ),
    "rule_text_non_borrower_contacts": (
        "不得向借款人以外的第三人（紧急联系人等）催收或透露债务信息。",
        "No collection from, or disclosure to, anyone but the borrower (emergency contacts etc.).",
    ),
    "rule_text_complaints": (
        "借款人投诉，按每万次催收计。",
        "Borrower complaints, per 10,000 attempts.",
    ),
    "rule_setting_outside_hours": (
        "设置：允许时段 [{start}, {end})",
        "Setting: allowed [{start}, {end})",
    ),
    "rule_setting_over_connected_cap": (
        "设置：connected_call_cap = {cap}（电话与智能语音的本人接通，按人·天）",
        "Setting: connected_call_cap = {cap} (right-party phone/ivr contacts per borrower-day)",
    ),
    "rule_setting_over_dial_cap": (
        "设置：dial_cap = {cap}（电话与智能语音拨打，按人·天）",
        "Setting: dial_cap = {cap} (phone/ivr dials per borrower-day)",
    ),
    "rule_setting_non_borrower_contacts": (
        "设置：contact_target ≠ borrower",
        "Setting: contact_target ≠ borrower",
    ),
    "rule_setting_complaints": ("设置：complaint = true", "Setting: complaint = true"),
    "per_10k": ("每万次催收", "per 10,000 attempts"),
    # plan statuses
    "plan_agreed": ("已达成协商", "Plan agreed"),
    "plan_not_agreed": ("提供未达成", "Offered, not agreed"),
    "plan_no_plan": ("无协商", "No plan"),
    # column labels of the tables
    "col_channel": ("渠道", "Channel"),
    "col_bucket": ("阶段", "Bucket"),
    "col_month": ("月份", "Month"),
    "col_agency": ("机构", "Agency"),
    "col_agent_id": ("催收员", "Agent"),
    "col_main_channel": ("主要渠道", "Main channel"),
    "col_attempts": ("催收次数", "Attempts"),
    "col_accounts": ("户数", "Accounts"),
    "col_rpc": ("本人接通", "Right-party contacts"),
    "col_contact_rate": ("接通率", "Contact rate"),
    "col_ptp": ("承诺还款", "PTPs"),
    "col_ptp_rate": ("承诺率", "PTP rate"),
    "col_ptp_due": ("已到期承诺", "PTPs due"),
    "col_ptp_kept": ("承诺兑现", "PTPs kept"),
    "col_ptp_kept_rate": ("承诺兑现率", "PTP kept rate"),
    "col_recovered": ("回收金额", "Recovered"),
    "col_cost": ("成本", "Cost"),
    "col_cost_per_recovered": ("每元回收成本", "Cost per ¥ recovered"),
    "col_complaints": ("投诉", "Complaints"),
    "col_complaints_per_10k": ("每万次投诉", "Complaints per 10k"),
    "col_recovered_per_attempt": ("每次催收回收", "Recovered per attempt"),
    "col_recovered_per_account": ("每户回收", "Recovered per account"),
    "col_recovered_accounts": ("回款户数", "Accounts paying"),
    "col_cure_7": ("7 天出催率", "Cure within 7 days"),
    "col_cure_30": ("30 天出催率", "Cure within 30 days"),
    "col_placed_accounts": ("委案户数", "Accounts placed"),
    "col_placed_past_due": ("委案逾期金额", "Past-due amount placed"),
    "col_commission": ("佣金", "Commission"),
    "col_net_recovered": ("扣佣后净回收", "Net recovery"),
    "col_commission_rate": ("佣金率", "Commission rate"),
    "col_outside_hours": ("非允许时段", "Outside hours"),
    "col_non_borrower_contacts": ("联系非本人", "Non-borrower contacts"),
    "col_over_connected_cap_borrower_days": ("接通超限人·天", "Over connected cap (days)"),
    "col_over_dial_cap_borrower_days": ("拨打超限人·天", "Over dial cap (days)"),
    "col_breaches": ("违规合计", "Breaches"),
    "col_breaches_per_10k": ("每万次违规", "Breaches per 10k"),
    "col_too_small": ("样本过小", "Too small"),
    "col_action_id": ("催收编号", "Action id"),
    "col_loan_id": ("贷款编号", "Loan id"),
    "col_action_at": ("催收时间", "Time"),
    "col_outcome": ("结果", "Outcome"),
    "col_contact_target": ("联系对象", "Contacted"),
    "col_complaint": ("投诉", "Complaint"),
    "col_rule": ("规则", "Rule"),
    "col_borrower_day_dials": ("当日拨打", "Dials that day"),
    "col_borrower_day_connected": ("当日接通", "Connected that day"),
    "col_plan_status": ("协商状态", "Plan status"),
    "col_loans": ("笔数", "Loans"),
    "col_share_of_offers": ("占提供方案", "Share of offers"),
    "col_kept_due": ("可观察（履约）", "Observed (kept)"),
    "col_kept": ("按约履行", "Kept"),
    "col_kept_rate": ("履约率", "Kept rate"),
    "col_cure_due": ("可观察（出催）", "Observed (cure)"),
    "col_cured": ("出催", "Cured"),
    "col_cure_rate": ("出催率", "Cure rate"),
    "col_redefault_due": ("可观察（再违约）", "Observed (re-default)"),
    "col_redefaulted": ("再违约", "Re-defaulted"),
    "col_redefault_rate": ("90 天再违约率", "Re-default within 90 days"),
    "col_attempts_per_account": ("户均催收次数", "Attempts per account"),
    "col_complaints_per_1k_accounts": ("每千户投诉", "Complaints per 1k accounts"),
    "col_write_off_month": ("核销月", "Write-off month"),
    "col_written_off_principal": ("核销本金", "Principal written off"),
    "col_recovering_loans": ("有回收笔数", "Loans recovering"),
    "col_rate": ("比率", "Rate"),
    "col_months_observed": ("已观察月数", "Months observed"),
    "col_payments": ("还款笔数", "Payments"),
    "col_count": ("次数", "Count"),
    "col_per_10k_attempts": ("每万次催收", "Per 10k attempts"),
    # channels page
    "ch_bucket": ("催收时逾期阶段", "Bucket at action time"),
    "ch_window": ("归因窗口（天）", "Attribution window (days)"),
    "ch_same_bucket_note": (
        "各渠道接手的账户不同：外访、委外拿到的是最难催的账户。跨阶段比较原始合计会误导，"
        "因此本页在同一逾期阶段（催收前一日的状态）内比较渠道。",
        "Channels are sent different accounts — field visits and agencies get the worst ones — so "
        "comparing raw totals across buckets misleads. This page compares channels within one "
        "bucket at action time (the loan's state the day before).",
    ),
    "ch_window_note": (
        "回收按最后一次触达归属：还款日前 {w} 天内（含还款日）最近的一次催收。",
        "Recoveries are credited to the last action within {w} days before the payment "
        "(the payment day included).",
    ),
    "ch_value_title": ("每户回收与每元回收成本", "Recovered per account and cost per ¥ recovered"),
    "ch_value_hint": (
        "左：每户回收金额（越高越好）；右：每回收 1 元的成本（越低越好）。",
        "Left: recovered per account worked (higher is better); right: cost per ¥ recovered "
        "(lower is better).",
    ),
    "ch_funnel_title": ("催收漏斗（每百次催收）", "Funnel per 100 attempts"),
    "ch_funnel_hint": (
        "柱高为每百次催收中的数量；悬停可见次数与相对上一环节的转化率。",
        "Bars per 100 attempts; hover for counts and the conversion from the stage before.",
    ),
    "ch_cure_title": ("催收后出催率", "Cure after a channel's action"),
    "ch_scorecard_title": ("渠道记分卡", "Channel scorecard"),
    "ch_cure_pick_bucket": (
        "出催率按逾期阶段计算：请选择一个阶段。",
        "Cure is measured within a bucket: pick one above.",
    ),
    "ch_trend_title": ("月度趋势", "Trend by month"),
    "ch_trend_measure": ("指标", "Measure"),
    "ch_no_payments_note": (
        "“无催收触达”为归因窗口内没有任何催收的回收，仅作参考。",
        "“(no action)” holds recoveries with no action within the window, for reference.",
    ),
    "per_account": ("每户", "per account"),
    "per_yuan": ("每元回收成本", "cost per ¥"),
    "all_buckets": ("全部阶段（不可比）", "All buckets (not comparable)"),
    # recovery page
    "rc_curve_title": ("回收率曲线（按入催月）", "Recovery curves by entry month"),
    "rc_curve_hint": (
        "只画出已观察到的天数：尚未到来的天数被截去，而不是记为零。",
        "Only observed days are drawn: days not yet reached are cut off, never shown as zero.",
    ),
    "rc_months_shown": ("显示入催月数", "Entry months shown"),
    "rc_share_title": ("D7 / D30 / D90 回收率趋势", "Recovered share at D7 / D30 / D90"),
    "rc_share_hint": (
        "某入催月全部期次观察满 j 天后才显示；未成熟月份留空。",
        "A month appears once all its entries have been observed for j days; immature months "
        "are left empty.",
    ),
    "rc_wo_title": ("核销后回收", "Recoveries after write-off"),
    "rc_wo_rate_title": ("核销回收率（按核销月）", "Recovery rate by write-off month"),
    "rc_wo_rate_hint": (
        "核销后至今收回金额 / 核销本金；较新的核销月观察期短，数值仍会上升。",
        "Recovered since write-off / principal written off; recent months have had less time "
        "and will still rise.",
    ),
    "entry_month": ("入催月", "Entry month"),
    "recovered_share": ("回收率", "Recovered share"),
    "day_after_due": ("到期后天数", "Days after due date"),
    "day_after_placement": ("委案后天数", "Days after placement"),
    # agencies page
    "ag_league_title": ("委外机构排名", "Agency league table"),
    "ag_league_hint": (
        "回收按归因窗口内最后一次触达归属；佣金为该机构催收的成本；违规 = 非允许时段 + 联系非本人 "
        "+ 超限人·天。",
        "Recoveries by last touch within the window; commission = the cost of its actions; "
        "breaches = outside hours + non-borrower contacts + borrower-days over a cap.",
    ),
    "ag_bars_title": ("净回收与行为", "Net recovery and conduct"),
    "ag_curve_title": ("委案回收曲线", "Recovery curve after placement"),
    "ag_curve_bucket": ("委案时阶段", "Bucket at placement"),
    "ag_curve_split": ("曲线", "Curves"),
    "ag_curve_pooled": ("按机构", "Per agency"),
    "ag_curve_monthly": ("按委案月", "By placement month"),
    "ag_curve_agency": ("机构", "Agency"),
    "ag_curve_hint": (
        "委案后收回金额 / 委案时逾期金额，只比较同一委案阶段的账户；未到来的天数不画。",
        "Recovered since placement / past-due amount at placement, on accounts placed in the "
        "same bucket; days not yet reached are not drawn.",
    ),
    "ag_agents_title": ("催收员", "Agents and collectors"),
    "ag_agents_hint": (
        "每点一名催收员：横轴每次催收回收，纵轴每万次投诉，点大小为户数；样本过小者不参与排名。",
        "One dot per agent: recovered per attempt across, complaints per 10k up, size = "
        "accounts; agents with too few accounts are not ranked.",
    ),
    "ag_agents_filter": ("所属机构", "Agency"),
    "placement_month": ("委案月", "Placement month"),
    # conduct page
    "cd_rules_title": ("规则与设置", "Rules and their settings"),
    "cd_by_title": ("按维度", "By dimension"),
    "cd_by": ("维度", "Split by"),
    "cd_by_channel": ("渠道", "Channel"),
    "cd_by_agency": ("机构", "Agency"),
    "cd_by_agent": ("催收员", "Agent"),
    "cd_heatmap_hint": (
        "格内为每万次催收的违规数（括号内为次数）。",
        "Cells: breaches per 10,000 attempts (count in brackets).",
    ),
    "cd_top_agents": ("按投诉率排序的前 {n} 名催收员", "Top {n} agents by complaint rate"),
    "cd_trend_title": ("月度趋势", "Trend by month"),
    "cd_complaints_title": ("投诉（每万次催收）", "Complaints per 10,000 attempts"),
    "cd_complaints_hint": (
        "按渠道；某渠道当月催收少于 {n} 次时不画该点（几次催收上的比率只是噪声）。",
        "By channel; a month with fewer than {n} attempts of a channel is not drawn (a rate "
        "on a handful of attempts is noise).",
    ),
    "cd_drill_title": ("违规明细", "Offending actions"),
    "cd_drill_rule": ("规则", "Rule"),
    "cd_drill_any": ("全部", "Any"),
    "cd_drill_shown": (
        "共 {total} 条，显示最新 {shown} 条；导出为所显示的明细。不含个人信息。",
        "{total} actions, newest {shown} shown; exports hold the rows shown. No personal data.",
    ),
    "cd_no_breach": ("所选条件下没有违规记录。", "No offending actions for this selection."),
    "count_label": ("次数", "count"),
    # repayment plans page
    "rp_offered": ("提供方案", "Plans offered"),
    "rp_agreed": ("达成", "Agreed"),
    "rp_kept": ("履约率", "Kept"),
    "rp_cured": ("出催率", "Cured"),
    "rp_redefault": ("90 天再违约率", "Re-default in 90 days"),
    "rp_outcomes_title": ("方案结果", "What became of the plans"),
    "rp_trend_title": ("按提供季度", "By quarter offered"),
    "rp_complaints_title": ("协商与非协商账户的投诉", "Complaints on plan and non-plan accounts"),
    "rp_complaints_hint": (
        "比较对象：期间内在 M3–M6 阶段被催收的账户（方案在此阶段提供）。",
        "Compared on accounts actioned in M3–M6 in the period (when plans are offered).",
    ),
    "rp_definitions": (
        "履约：达成后前 {k} 个 30 天每段均有还款（或已出催）；出催：{d} 天内恢复为逾期 0 天或结清"
        "（非核销）；再违约：出催后 90 天内再次逾期 30 天以上。观察期未满的不计入分母。",
        "Kept: a payment in each of the first {k} 30-day windows after agreement (or cured by "
        "then); cured: back at DPD 0 or closed (not written off) within {d} days; re-default: "
        "DPD 30+ again within 90 days of the cure. Plans not yet observed that long are left "
        "out of the denominators.",
    ),
    "rp_of_agreed": ("达成的方案", "of agreed plans"),
    "rp_of_offers": ("占提供方案", "of offers"),
}
