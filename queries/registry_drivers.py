"""Metrics of the roll-rate and risk-driver pages (merged into queries.registry.METRICS).

The roll matrix pooled over a window and the side-by-side comparison of two groups (METRICS.md
§7), and the segment ranking and cross-tab with Wilson intervals and the minimum segment size
(METRICS.md §11). Choices that cannot be bound as values (the basis, the measure) are fixed lists.
"""

from __future__ import annotations

from queries.metric import AS_OF, FILTERS, Metric, Param

BASIS = Param(
    "basis", "choice", "balance", "count or balance (principal at t-1)", ("count", "balance")
)
FIRST_MONTH_END = Param(
    "first_month_end", "date", None, "first later month-end t of the window (default: open)"
)
LAST_MONTH_END = Param(
    "last_month_end", "date", None, "last later month-end t of the window (default: as-of)"
)

# The measures a segment can be ranked on; *_balance weigh by amount, the rest count loans.
MEASURES: tuple[str, ...] = (
    "dpd30_balance",
    "dpd30_count",
    "fpd30",
    "ever30_mob6_balance",
    "ever30_mob6_count",
)
# What the risk-driver page offers; the sidebar's basis picks the variant where there is one.
MEASURE_KINDS: tuple[str, ...] = ("dpd30", "fpd30", "ever30_mob6")


def measure_for(kind: str, basis: str) -> str:
    """The $measure of a kind on a basis ('count' | 'balance'); FPD counts loans only."""
    if kind not in MEASURE_KINDS:
        raise ValueError(f"unknown measure kind {kind!r}")
    return "fpd30" if kind == "fpd30" else f"{kind}_{basis}"


MEASURE = Param("measure", "choice", "dpd30_balance", "what to rank segments on", MEASURES)
MEASURE_PERIOD = Param(
    "period_start", "date", None, "first disbursement month for fpd30 / ever30 (default: all)"
)

_RANKING_COLUMNS = (
    "segment_value",
    "loans",
    "amount",
    "bad_loans",
    "numerator",
    "rate",
    "ci_low",
    "ci_high",
    "portfolio_rate",
    "lift",
    "too_small",
    "rank",
)
_MATRIX_DEFINITION_EN = (
    "Loans on book at month-end t−1 by their state then (rows M0..M6) and at t (columns M0..M6, "
    "WO, closed), over the month pairs of a window; each cell is its share of the row, by count "
    "or by outstanding principal at t−1."
)
_MATRIX_DEFINITION_ZH = (
    "上月末在贷贷款按上月末状态（行 M0..M6）与本月末状态（列 M0..M6、核销、结清）的迁移，"
    "汇总窗口内各月；每格为其所在行的占比，按笔数或上月末未偿本金。"
)

EXTRA_METRICS: tuple[Metric, ...] = (
    Metric(
        "roll_matrix_average",
        "平均滚动率矩阵",
        "Roll matrix over a window",
        "%",
        _MATRIX_DEFINITION_EN,
        _MATRIX_DEFINITION_ZH,
        ("basis", "from_state", "to_state", "value", "row_total", "share", "month_pairs"),
        (
            AS_OF,
            FILTERS,
            Param("cohorts", "date_list", (), "disbursement months (first day); empty = all"),
            BASIS,
            FIRST_MONTH_END,
            LAST_MONTH_END,
        ),
    ),
    Metric(
        "roll_matrix_compare",
        "滚动率对比",
        "Roll matrix: A vs B",
        "%",
        "The roll matrix over a window for two groups of loans (cohorts or segment values), A "
        "and B, side by side, and the difference B − A in share points.",
        "两组贷款（放款月批次或维度取值）A 与 B 在同一窗口内的滚动率矩阵及其差值 B − A（百分点）。",
        (
            "basis",
            "from_state",
            "to_state",
            "value_a",
            "row_total_a",
            "share_a",
            "value_b",
            "row_total_b",
            "share_b",
            "diff",
        ),
        (
            AS_OF,
            FILTERS,
            BASIS,
            FIRST_MONTH_END,
            LAST_MONTH_END,
            Param("cohorts_a", "date_list", (), "group A's disbursement months; empty = all"),
            Param("cohorts_b", "date_list", (), "group B's disbursement months; empty = all"),
            Param("filters_a", "str_list", (), "group A's 'segment=value' filters"),
            Param("filters_b", "str_list", (), "group B's 'segment=value' filters"),
        ),
    ),
    Metric(
        "segment_ranking",
        "风险归因排名",
        "Segment ranking",
        "%",
        "Every value of a segment on one measure (DPD 30+ at the as-of month-end, FPD 30, ever "
        "30+ by MOB 6): loans, amount, rate, 95% Wilson interval (count basis), lift against the "
        "whole book; values below the minimum segment size are marked, not ranked.",
        "按所选指标（观察月末 DPD30+、首逾 FPD30 或 MOB6 曾逾期 30+），列出某维度每个取值的笔数、"
        "金额、比率、95% Wilson 区间（笔数口径）及相对整体的提升度；笔数低于最小样本量的取值标记为"
        "样本过小，不参与排名。",
        _RANKING_COLUMNS,
        (
            AS_OF,
            FILTERS,
            MEASURE,
            Param("segment", "str", "product", "segment to rank"),
            MEASURE_PERIOD,
        ),
    ),
    Metric(
        "segment_crosstab",
        "风险交叉分析",
        "Segment cross-tab",
        "%",
        "One measure of the segment ranking for every pair of values of two segments, with the "
        "loans per cell; cells with fewer loans than min_segment_size are marked too small.",
        "两个维度取值两两组合下的同一风险指标及每格笔数；笔数低于最小样本量的格子标记为样本过小。",
        (
            "row_value",
            "col_value",
            "loans",
            "amount",
            "bad_loans",
            "numerator",
            "rate",
            "too_small",
        ),
        (
            AS_OF,
            FILTERS,
            MEASURE,
            Param("segment_a", "str", "product", "segment of the rows"),
            Param("segment_b", "str", "risk_grade", "segment of the columns"),
            MEASURE_PERIOD,
        ),
    ),
)
