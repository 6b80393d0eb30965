"""Labels in Chinese and English, and number formats for each language.

One table of labels used by every page, chart and export; metric names come from the registry.
"""

from __future__ import annotations

import math

from charts.labels_collections import COLLECTIONS_LABELS
from charts.labels_data_db import DATA_DB_LABELS
from charts.labels_drivers import DRIVERS_LABELS
from charts.labels_portfolio import PORTFOLIO_LABELS
from queries.registry import METRICS

LANGS = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    # shell
    "app_title": ("逾期率分析看板", "Overdue-rate dashboard"),
    "language": ("语言", "Language"),
    "as_of": ("观察月末", "As-of month-end"),
    "period": ("期间", "Period"),
    "basis": ("口径", "Basis"),
    "basis_count": ("笔数", "Count"),
    "basis_balance": ("余额", "Balance"),
    "filters": ("筛选", "Filters"),
    "segment": ("维度", "Segment"),
    "all": ("全部", "All"),
    "no_data": (
        "所选条件下没有数据。请放宽筛选条件。",
        "No data for this selection. Widen the filters.",
    ),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 Excel", "Download Excel"),
    "table": ("数据表", "Table"),
    "definition": ("定义", "Definition"),
    "glossary": ("术语表", "Glossary"),
    "first_start": ("首次启动：正在导入示例数据…", "First start: importing the sample ledger…"),
    "too_small": ("样本过小", "too small"),
    "immature": ("未成熟（未观察到）", "immature (not yet observed)"),
    "clear_filters": ("清除筛选", "Clear filters"),
    # pages
    "page_overview": ("总览", "Overview"),
    "page_trends": ("逾期趋势", "Overdue trends"),
    "page_early_warning": ("早期预警", "Early warning"),
    "page_vintage": ("账龄分析", "Vintage"),
    "page_roll": ("滚动率", "Roll rates"),
    "page_drivers": ("风险归因", "Risk drivers"),
    "page_channels": ("催收渠道", "Channels"),
    "page_recovery": ("回收", "Recovery"),
    "page_agencies": ("委外机构", "Agencies"),
    "page_conduct": ("合规与投诉", "Conduct & complaints"),
    "page_plans": ("协商还款", "Repayment plans"),
    "page_data": ("数据", "Data"),
    "page_glossary": ("术语表", "Glossary"),
    # segments
    "seg_product": ("产品", "Product"),
    "seg_region": ("地区", "Region"),
    "seg_risk_grade": ("风险等级", "Risk grade"),
    "seg_acquisition_channel": ("获客渠道", "Acquisition channel"),
    "seg_credit_band": ("信用分段", "Credit-score band"),
    # axes and common columns
    "month_end": ("月末", "Month-end"),
    "rate": ("比率", "Rate"),
    "mob": ("账龄（月）", "Months on book"),
    "cohort": ("放款月", "Cohort"),
    "state": ("状态", "State"),
    "loans": ("笔数", "Loans"),
    "outstanding_principal": ("未偿本金", "Outstanding principal"),
    "day": ("天", "Day"),
    "channel": ("渠道", "Channel"),
    "bucket": ("逾期阶段", "Bucket"),
}

# the portfolio pages' labels live in their own module (parallel edits stay apart)
LABELS.update(PORTFOLIO_LABELS)
# the collections pages' labels likewise
LABELS.update(COLLECTIONS_LABELS)
# the roll-rate, risk-driver and data pages' labels likewise
LABELS.update(DRIVERS_LABELS)
# the data page's import from a database likewise
LABELS.update(DATA_DB_LABELS)


def t(key: str, lang: str) -> str:
    """The label for `key` in `lang` ('zh' or 'en'); unknown keys show as themselves."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def segment_label(segment: str, lang: str) -> str:
    key = f"seg_{segment}"
    return t(key, lang) if key in LABELS else segment


def metric_name(metric: str, lang: str) -> str:
    m = METRICS[metric]
    return m.zh if lang == "zh" else m.en


def metric_definition(metric: str, lang: str) -> str:
    m = METRICS[metric]
    return m.definition_zh if lang == "zh" else m.definition_en


def fmt_money(value: float | None, lang: str) -> str:
    """Amounts: 万 / 亿 in Chinese, thousands separators and k/M/B in English."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = float(value)
    if lang == "zh":
        if abs(v) >= 1e8:
            return f"¥{v / 1e8:,.2f}亿"
        if abs(v) >= 1e4:
            return f"¥{v / 1e4:,.1f}万"
        return f"¥{v:,.2f}"
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= limit:
            return f"¥{v / limit:,.2f}{suffix}"
    return f"¥{v:,.2f}"


def fmt_count(value: float | None, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = float(value)
    if lang == "zh" and abs(v) >= 1e4:
        return f"{v / 1e4:,.1f}万"
    return f"{v:,.0f}"


def fmt_pct(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value) * 100:.{digits}f}%"
