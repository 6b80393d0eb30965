"""Figures and KPI cards of the overview and overdue-trend pages (DataFrame in, plotly out).

No Streamlit here; no metric arithmetic either: the rates come from SQL, these functions only
pick rows, reshape for plotting and format numbers for the language.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from charts.i18n import fmt_count, fmt_money, fmt_pct, segment_label, t
from charts.theme import PALETTE, STATE_COLORS, style

BUCKETS = ("M0", "M1", "M2", "M3", "M4", "M5", "M6")
THRESHOLDS = (1, 7, 30, 60, 90)
MAX_LINES = 8  # segment values drawn at first; the rest start hidden (legend click shows them)

# KPI rows of the overview, in the order shown; the overdue-rate row follows the sidebar basis.
BOOK_KPIS = ("balance", "loans", "write_offs", "recoveries")
RATE_KPIS = {
    "balance": ("dpd1_balance", "dpd30_balance", "dpd90_balance", "entry_rate"),
    "count": ("dpd1_count", "dpd30_count", "dpd90_count", "net_flow_to_loss"),
}
# A rising overdue rate, entry rate, loss or write-off is bad (red); rising recoveries are good.
_INVERSE = {
    "dpd1_balance",
    "dpd30_balance",
    "dpd90_balance",
    "dpd1_count",
    "dpd30_count",
    "dpd90_count",
    "entry_rate",
    "net_flow_to_loss",
    "write_offs",
}
_NEUTRAL = {"balance", "loans"}


def kpi_rows(basis: str) -> tuple[tuple[str, ...], ...]:
    """The KPI cards in rows of four: the chosen basis's rates first, then the other's, then the
    book and its losses."""
    other = "count" if basis == "balance" else "balance"
    return (RATE_KPIS[basis], RATE_KPIS[other], BOOK_KPIS)


# ---------------------------------------------------------------- figure finish


def finish(
    fig: go.Figure, *, height: int = 360, percent_y: bool = False, date_x: bool = False
) -> go.Figure:
    """The shared theme, plus room for the title above the legend; months as YYYY-MM."""
    style(fig, height=height, percent_y=percent_y)
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 86, "b": 10},
        title={"x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top", "font": {"size": 15}},
    )
    if date_x:
        # explicit: a legend-only trace without x values would otherwise make it a number axis
        fig.update_xaxes(type="date", tickformat="%Y-%m")
        months = {
            pd.Timestamp(x).strftime("%Y-%m")
            for trace in fig.data
            if trace.x is not None
            for x in trace.x
            if x is not None and not pd.isna(x)
        }
        # one label per month, quarter, half-year or year: never several labels alike, and
        # few enough to stay level in a half-width chart
        n = len(months)
        fig.update_xaxes(dtick="M1" if n <= 8 else "M3" if n <= 15 else "M6" if n <= 40 else "M12")
    return fig


def month_axis(month_ends: pd.Series) -> pd.Series:
    """Month-ends as their month's first day: a YYYY-MM tick then sits on its own month (a
    month-end date would sit next to the following month's label)."""
    return pd.to_datetime(month_ends).dt.to_period("M").dt.to_timestamp()


def money_axis(values: pd.Series, lang: str) -> tuple[list[float], str]:
    """Amounts for a y axis: in 万元 for Chinese readers, in ¥ (with k/M ticks) otherwise."""
    numbers = [None if _missing(v) else float(v) for v in values]
    if lang == "zh":
        return [None if v is None else v / 1e4 for v in numbers], "金额（万元）"
    return numbers, "Amount (¥)"


# ---------------------------------------------------------------- selection helpers


def select(frame: pd.DataFrame, **equal: object) -> pd.DataFrame:
    """Rows whose columns equal the given values (a list value means any of them)."""
    mask = pd.Series(True, index=frame.index)
    for column, value in equal.items():
        if isinstance(value, list | tuple | set):
            mask &= frame[column].isin(list(value))
        else:
            mask &= frame[column] == value
    return frame.loc[mask].reset_index(drop=True)


def since(frame: pd.DataFrame, column: str, start: date | None) -> pd.DataFrame:
    """Rows from the period's first month on; `column` holds dates or 'YYYY-MM' months."""
    if start is None or frame.empty:
        return frame.reset_index(drop=True)
    values = frame[column]
    if pd.api.types.is_datetime64_any_dtype(values) or not isinstance(values.iloc[0], str):
        keep = pd.to_datetime(values) >= pd.Timestamp(start)
    else:
        keep = values >= start.strftime("%Y-%m")
    return frame.loc[keep].reset_index(drop=True)


def ordered_segments(names: Iterable[str], fixed: Sequence[str]) -> list[str]:
    """Segment names: the fixed ones in their order, then the extra loan columns by name."""
    present = set(names)
    return [s for s in fixed if s in present] + sorted(present - set(fixed))


def month_count(frame: pd.DataFrame, column: str = "month_end") -> int:
    return 0 if frame.empty else int(frame[column].nunique())


# ---------------------------------------------------------------- number formats


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def fmt_value(value: object, unit: str, lang: str) -> str:
    if unit == "%":
        return fmt_pct(None if _missing(value) else float(value))
    if unit == "¥":
        return fmt_money(None if _missing(value) else float(value), lang)
    return fmt_count(None if _missing(value) else float(value), lang)


def fmt_change(change: object, unit: str, lang: str) -> str:
    """A rate's change in percentage points, an amount's or count's as a relative change."""
    if _missing(change):
        return "—"
    c = float(change)
    if unit == "%":
        return f"{c * 100:+.2f}{t('points', lang) if lang == 'zh' else ' ' + t('points', lang)}"
    return f"{c * 100:+.1f}%"


# ---------------------------------------------------------------- overview: KPI cards


@dataclass(frozen=True)
class KpiCard:
    """What st.metric needs for one KPI, already formatted for the language."""

    kpi: str
    label: str
    value: str
    delta: str | int | None  # the month-on-month change; 0 = unchanged (grey), None = none
    delta_description: str  # "MoM"
    delta_color: str
    help: str
    spark: list[float]
    year_on_year: str  # markdown line under the card: the change against 12 months earlier


def _coloured(change: object, unit: str, lang: str, rising_is_bad: bool | None) -> str:
    """A change as markdown, red when it is bad news and green when good (grey if neutral)."""
    text = fmt_change(change, unit, lang)
    if _missing(change) or float(change) == 0 or rising_is_bad is None:
        return text
    up = float(change) > 0
    arrow = "↑" if up else "↓"
    colour = "red" if up == rising_is_bad else "green"
    return f":{colour}[{arrow} {text}]"


def _help(kpi: str, lang: str) -> str:
    if kpi.startswith("dpd"):
        n = kpi.split("_")[0].removeprefix("dpd")
        basis = kpi.split("_")[1]
        return t(f"kpi_help_dpd_{basis}", lang).replace("N", n)
    return t(f"kpi_help_{kpi}", lang)


def kpi_cards(frame: pd.DataFrame, as_of: date, lang: str, kpis: tuple[str, ...]) -> list[KpiCard]:
    """Cards for `kpis` at the as-of month-end from a portfolio_kpis table (one per KPI found)."""
    if frame.empty:
        return []
    months = pd.to_datetime(frame.month_end)
    latest = months[months <= pd.Timestamp(as_of)].max()
    now = frame.loc[months == latest]
    cards = []
    for kpi in kpis:
        row = now.loc[now.kpi == kpi]
        if row.empty:
            continue
        r = row.iloc[0]
        history = frame.loc[(frame.kpi == kpi) & (months <= latest)].sort_values("month_end")
        spark = [float(v) for v in history.value if not _missing(v)]
        change = r.change_1m
        delta: str | int | None
        if _missing(change):
            delta = None
        elif float(change) == 0.0:
            delta = 0
        else:
            delta = fmt_change(change, r.unit, lang)
        rising_is_bad = True if kpi in _INVERSE else None if kpi in _NEUTRAL else False
        if _missing(r.year_ago_value):
            yoy = f"{t('yoy', lang)}: {t('no_comparison', lang)}"
        else:
            yoy = (
                f"{t('yoy', lang)} {_coloured(r.change_12m, r.unit, lang, rising_is_bad)} · "
                f"{t('year_ago', lang)} {fmt_value(r.year_ago_value, r.unit, lang)}"
            )
        color = "inverse" if kpi in _INVERSE else "off" if kpi in _NEUTRAL else "normal"
        cards.append(
            KpiCard(
                kpi=kpi,
                label=t(f"kpi_{kpi}", lang),
                value=fmt_value(r.value, r.unit, lang),
                delta=delta,
                delta_description=t("mom", lang) if delta is not None else "",
                delta_color=color,
                help=_help(kpi, lang),
                spark=spark if len(spark) > 1 else [],
                year_on_year=yoy,
            )
        )
    return cards


@dataclass(frozen=True)
class MoverCard:
    label: str
    value: str
    delta: str | int | None
    delta_description: str
    help: str
    detail: str  # the earlier rate, n and amount: a line under the card


def mover_cards(frame: pd.DataFrame, lang: str, top: int = 3) -> list[MoverCard]:
    """The `top` ranked rows of a segment_movers table as cards (rate now, change, n, amount)."""
    if frame.empty or "rank" not in frame:
        return []
    ranked = frame.loc[frame["rank"].notna()].sort_values("rank").head(top)
    cards = []
    for r in ranked.itertuples(index=False):
        change = float(r.change)
        then = pd.Timestamp(r.compare_month_end).date().isoformat()
        cards.append(
            MoverCard(
                label=f"{segment_label(r.segment, lang)} · {r.value}",
                value=fmt_pct(r.rate),
                delta=0 if change == 0 else fmt_change(change, "%", lang),
                delta_description=f"{t('compared_with', lang)} {then[:7]}",
                detail=(
                    f"{then}: {fmt_pct(r.rate_then)} · n={fmt_count(r.loans, lang)} · "
                    f"{fmt_money(float(r.balance), lang)}"
                ),
                help=(
                    f"DPD{r.threshold}+ · {t('basis_' + r.basis, lang)} · "
                    f"n={r.loans:,} / {r.loans_then:,}"
                ),
            )
        )
    return cards


def movers_table(frame: pd.DataFrame, lang: str, top: int = 3) -> pd.DataFrame:
    """The `top` ranked movers as a formatted table (the HTML report's)."""
    if frame.empty:
        return pd.DataFrame()
    ranked = frame.loc[frame["rank"].notna()].sort_values("rank").head(top)
    return pd.DataFrame(
        {
            t("segment", lang): [segment_label(s, lang) for s in ranked.segment],
            t("value", lang): ranked.value.astype(str).tolist(),
            t("rate", lang): [fmt_pct(v) for v in ranked.rate],
            t("compared_with", lang): [fmt_pct(v) for v in ranked.rate_then],
            t("change", lang): [fmt_change(v, "%", lang) for v in ranked.change],
            "n": [fmt_count(v, lang) for v in ranked.loans],
            t("outstanding_principal", lang): [fmt_money(float(v), lang) for v in ranked.balance],
        }
    )


def kpi_table(frame: pd.DataFrame, as_of: date, lang: str) -> pd.DataFrame:
    """The as-of month's KPIs as a formatted table (the HTML report's)."""
    rows = []
    for kpis in kpi_rows("balance"):
        for card in kpi_cards(frame, as_of, lang, kpis):
            r = select(frame, kpi=card.kpi).iloc[-1]
            rows.append(
                {
                    t("report_kpi", lang): card.label,
                    t("report_value", lang): card.value,
                    t("vs_prev_month", lang): fmt_change(r.change_1m, r.unit, lang),
                    t("yoy", lang): fmt_change(r.change_12m, r.unit, lang),
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- overview: charts


def _kpi_lines(
    frame: pd.DataFrame, kpis: tuple[str, ...], lang: str, title: str, percent: bool
) -> go.Figure:
    fig = go.Figure()
    for i, kpi in enumerate(kpis):
        rows = select(frame, kpi=kpi)
        fig.add_trace(
            go.Scatter(
                x=month_axis(rows.month_end),
                y=rows.value,
                mode="lines+markers",
                name=t(f"kpi_{kpi}", lang),
                line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                marker={"size": 5},
                connectgaps=False,
                hovertemplate="%{x|%Y-%m}: %{y:.2%}<extra>%{fullData.name}</extra>"
                if percent
                else None,
            )
        )
    fig.update_layout(title={"text": title})
    fig.update_xaxes(title_text=t("month_end", lang))
    return finish(fig, height=340, percent_y=percent, date_x=True)


def overview_rates_figure(frame: pd.DataFrame, lang: str, basis: str) -> go.Figure:
    """DPD1+/30+/90+ of the chosen basis over the months of a portfolio_kpis table."""
    kpis = RATE_KPIS[basis][:3]
    fig = _kpi_lines(frame, kpis, lang, t("overview_rates_chart", lang), percent=True)
    fig.update_yaxes(title_text=t("rate", lang), rangemode="tozero")
    return fig


def overview_flows_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Write-offs and recoveries per month as bars."""
    fig = go.Figure()
    axis_title = ""
    for kpi, color in (("write_offs", PALETTE[3]), ("recoveries", PALETTE[2])):
        rows = select(frame, kpi=kpi)
        y, axis_title = money_axis(rows.value, lang)
        fig.add_trace(
            go.Bar(
                x=month_axis(rows.month_end),
                y=y,
                name=t(f"kpi_{kpi}", lang),
                marker_color=color,
                customdata=[fmt_money(v, lang) for v in rows.value],
                hovertemplate="%{x|%Y-%m}: %{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(title={"text": t("overview_flows_chart", lang)}, barmode="group")
    fig.update_xaxes(title_text=t("month_end", lang))
    fig.update_yaxes(title_text=axis_title, tickformat="~s" if lang != "zh" else ",~g")
    return finish(fig, height=340, date_x=True)


# ---------------------------------------------------------------- overdue trends


def threshold_label(n: int) -> str:
    return f"DPD{int(n)}+"


def overdue_trend_figure(frame: pd.DataFrame, lang: str, basis: str) -> go.Figure:
    """One line per threshold from an overdue_rate table (rows of `basis`)."""
    rows = select(frame, basis=basis)
    fig = go.Figure()
    for i, n in enumerate(sorted(rows.threshold.unique())):
        part = select(rows, threshold=n)
        fig.add_trace(
            go.Scatter(
                x=month_axis(part.month_end),
                y=part.rate,
                mode="lines+markers",
                name=threshold_label(n),
                line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                marker={"size": 5},
                customdata=list(
                    zip(
                        _amounts(part.numerator, basis, lang),
                        _amounts(part.denominator, basis, lang),
                        strict=True,
                    )
                ),
                hovertemplate="%{x|%Y-%m}: <b>%{y:.2%}</b><br>%{customdata[0]} / "
                "%{customdata[1]}<extra>%{fullData.name}</extra>",
            )
        )
    title = f"{t('trend_chart', lang)} · {t('basis_' + basis, lang)}"
    fig.update_layout(title={"text": title})
    fig.update_xaxes(title_text=t("month_end", lang))
    fig.update_yaxes(title_text=t("rate", lang), rangemode="tozero")
    return finish(fig, height=360, percent_y=True, date_x=True)


def _amounts(values: pd.Series, basis: str, lang: str) -> list[str]:
    fmt = fmt_money if basis == "balance" else fmt_count
    return [fmt(None if _missing(v) else float(v), lang) for v in values]


def overdue_split_figure(
    frame: pd.DataFrame, segment: str, threshold: int, lang: str, basis: str
) -> go.Figure:
    """One line per value of `segment` (an overdue_rate table run with by=segment).

    With many values the MAX_LINES largest (by denominator at the latest month) are drawn and
    the rest start hidden, so the chart stays readable; a legend click shows any of them.
    """
    rows = select(frame, basis=basis, threshold=threshold)
    fig = go.Figure()
    if rows.empty:
        return finish(fig, height=380)
    latest = rows.loc[pd.to_datetime(rows.month_end) == pd.to_datetime(rows.month_end).max()]
    by_size = latest.sort_values("denominator", ascending=False)[segment].tolist()
    by_size += sorted(set(rows[segment]) - set(by_size))
    shown = set(by_size[:MAX_LINES])
    # the largest values are drawn at first; the legend lists every value in its natural order
    order = sorted(by_size, key=lambda v: (v not in shown, str(v)))
    for i, value in enumerate(order):
        part = rows.loc[rows[segment] == value]
        fig.add_trace(
            go.Scatter(
                x=month_axis(part.month_end),
                y=part.rate,
                mode="lines",
                name=str(value),
                line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                visible=True if value in shown else "legendonly",
                customdata=list(
                    zip(
                        _amounts(part.numerator, basis, lang),
                        _amounts(part.denominator, basis, lang),
                        strict=True,
                    )
                ),
                hovertemplate="%{x|%Y-%m}: <b>%{y:.2%}</b><br>%{customdata[0]} / "
                "%{customdata[1]}<extra>%{fullData.name}</extra>",
            )
        )
    title = (
        f"{t('split_chart', lang)} · {segment_label(segment, lang)} · {threshold_label(threshold)}"
    )
    fig.update_layout(title={"text": title}, legend={"title": {"text": ""}})
    fig.update_xaxes(title_text=t("month_end", lang))
    fig.update_yaxes(title_text=t("rate", lang), rangemode="tozero")
    fig = finish(fig, height=400, percent_y=True, date_x=True)
    # many values: the legend goes to the right, where it can scroll, not over the plot
    if len(order) > 6:
        fig.update_layout(legend={"orientation": "v", "x": 1.02, "y": 1, "yanchor": "top"})
    return fig


def split_values(frame: pd.DataFrame, segment: str) -> int:
    return 0 if frame.empty or segment not in frame else int(frame[segment].nunique())


def bucket_figure(frame: pd.DataFrame, lang: str, basis: str, show_m0: bool) -> go.Figure:
    """Stacked share of the book by state M0..M6 (a bucket_distribution table)."""
    share = "balance_share" if basis == "balance" else "loan_share"
    amount = "outstanding_principal" if basis == "balance" else "loans"
    fig = go.Figure()
    for state in BUCKETS:
        if state == "M0" and not show_m0:
            continue
        part = select(frame, state=state)
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=month_axis(part.month_end),
                y=part[share],
                name=state,
                marker_color=STATE_COLORS[state],
                customdata=_amounts(part[amount], basis, lang),
                hovertemplate="%{x|%Y-%m}: <b>%{y:.2%}</b> · %{customdata}"
                "<extra>%{fullData.name}</extra>",
            )
        )
    title = f"{t('bucket_chart', lang)} · {t('basis_' + basis, lang)}"
    fig.update_layout(title={"text": title}, barmode="stack", bargap=0.15)
    fig.update_xaxes(title_text=t("month_end", lang))
    fig.update_yaxes(title_text=t("share", lang))
    return finish(fig, height=360, percent_y=True, date_x=True)
