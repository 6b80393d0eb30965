"""Roll-rate charts: the transition matrix as an annotated heatmap, A/B difference, flow trends.

Builders take the metric's DataFrame as the query returned it and only reshape it for plotting;
they return None when there is nothing to draw (the page then shows its empty state).
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from charts.i18n import fmt_count, fmt_money, fmt_pct, t
from charts.theme import FONT, STATE_COLORS, style

FROM_STATES = ("M0", "M1", "M2", "M3", "M4", "M5", "M6")
TO_STATES = ("M0", "M1", "M2", "M3", "M4", "M5", "M6", "WO", "closed")

# White through the overdue reds: a cell's darkness is its share of the row.
SHARE_SCALE = [
    [0.0, "#ffffff"],
    [0.05, "#fde6d2"],
    [0.3, "#f29e4c"],
    [0.7, "#c2452d"],
    [1, "#7a1414"],
]
# Better (B lower than A in a roll to a worse state) is not knowable per cell, so the difference
# is shown neutrally: blue for B below A, orange for B above A.
DIFF_SCALE = [[0.0, "#1f5aa6"], [0.5, "#ffffff"], [1.0, "#d1553b"]]


def state_label(state: str, lang: str, *, short: bool = False) -> str:
    """M0 reads as 'M0 current' (just M0 when short); WO and closed are words."""
    if state == "WO" and short:
        return t("state_WO_short", lang)
    if state in ("WO", "closed") or (state == "M0" and not short):
        return t(f"state_{state}", lang)
    return state


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _grid(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """The frame's column as a from_state x to_state grid in the fixed state order."""
    grid = frame.pivot(index="from_state", columns="to_state", values=column)
    return grid.reindex(index=list(FROM_STATES), columns=list(TO_STATES)).astype("float64")


def _share_text(share: float, value: float) -> str:
    if _is_missing(share):
        return "—"
    if value == 0:
        return ""
    return fmt_pct(share, 1)


def _money_or_count(value: float, basis: str, lang: str) -> str:
    return fmt_money(value, lang) if basis == "balance" else fmt_count(value, lang)


def _matrix_axes(fig: go.Figure, lang: str, *, compact: bool = False) -> None:
    fig.update_xaxes(
        title_text=None if compact else t("roll_to_state", lang),
        side="top",
        type="category",
        tickfont={"size": 11 if compact else 12},
        tickangle=0,
        showgrid=False,
        zeroline=False,
    )
    fig.update_yaxes(
        title_text=None if compact else t("roll_from_state", lang),
        autorange="reversed",
        type="category",
        showgrid=False,
        zeroline=False,
    )


def matrix_heatmap(
    frame: pd.DataFrame,
    lang: str,
    *,
    height: int = 360,
    title: str | None = None,
    compact: bool = False,
) -> go.Figure | None:
    """roll_matrix_average (or one side of roll_matrix_compare, renamed) as a heatmap with the
    row share in each cell; the hover carries the loans or principal behind it. Compact (half
    width, side by side): short state names, no colour bar, no axis titles."""
    if frame.empty or frame["share"].isna().all():
        return None
    basis = str(frame["basis"].iloc[0])
    shares = _grid(frame, "share")
    values = _grid(frame, "value")
    totals = _grid(frame, "row_total")
    # a row without loans says so once, in its first cell
    text = [
        [
            _share_text(shares.iat[i, j], values.iat[i, j]) if j == 0 or totals.iat[i, j] else ""
            for j in range(len(TO_STATES))
        ]
        for i in range(len(FROM_STATES))
    ]
    hover = [
        [
            f"{state_label(FROM_STATES[i], lang)} → {state_label(TO_STATES[j], lang)}<br>"
            f"{t('roll_share', lang)}: {fmt_pct(shares.iat[i, j], 2)}<br>"
            f"{t('basis_' + basis, lang)}: {_money_or_count(values.iat[i, j], basis, lang)}"
            f" / {_money_or_count(totals.iat[i, j], basis, lang)}"
            for j in range(len(TO_STATES))
        ]
        for i in range(len(FROM_STATES))
    ]
    fig = go.Figure(
        go.Heatmap(
            z=shares.to_numpy(),
            x=[state_label(s, lang, short=compact) for s in TO_STATES],
            y=[state_label(s, lang, short=compact) for s in FROM_STATES],
            text=text,
            texttemplate="%{text}",
            textfont={"family": FONT, "size": 11 if compact else 12},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            colorscale=SHARE_SCALE,
            zmin=0,
            zmax=1,
            xgap=2,
            ygap=2,
            showscale=not compact,
            colorbar={"tickformat": ".0%", "thickness": 12, "len": 0.9},
            hoverongaps=False,
        )
    )
    style(fig, height=height)
    if title:
        fig.update_layout(
            title={"text": title, "x": 0, "y": 0.98, "font": {"size": 14}}, margin={"t": 70}
        )
    else:
        fig.update_layout(margin={"t": 50})
    _matrix_axes(fig, lang, compact=compact)
    return fig


def compare_side(frame: pd.DataFrame, side: str) -> pd.DataFrame:
    """One side ('a' or 'b') of roll_matrix_compare in the roll_matrix_average shape."""
    return frame.rename(
        columns={
            f"value_{side}": "value",
            f"share_{side}": "share",
            f"row_total_{side}": "row_total",
        }
    )[["basis", "from_state", "to_state", "value", "row_total", "share"]]


def diff_heatmap(frame: pd.DataFrame, lang: str, *, height: int = 360) -> go.Figure | None:
    """roll_matrix_compare's diff (B − A) in share points, centred on white at 0."""
    if frame.empty or frame["diff"].isna().all():
        return None
    diffs = _grid(frame, "diff")
    share_a = _grid(frame, "share_a")
    share_b = _grid(frame, "share_b")
    limit = max(float(diffs.abs().max().max()), 0.01)

    def cell(d: float) -> str:
        if _is_missing(d):
            return "—"
        if abs(d) < 0.0005:
            return ""
        return f"{d * 100:+.1f}"

    text = [[cell(diffs.iat[i, j]) for j in range(len(TO_STATES))] for i in range(len(FROM_STATES))]
    hover = [
        [
            f"{state_label(FROM_STATES[i], lang)} → {state_label(TO_STATES[j], lang)}<br>"
            f"A: {fmt_pct(share_a.iat[i, j], 2)} · B: {fmt_pct(share_b.iat[i, j], 2)}<br>"
            f"{t('roll_diff_short', lang)}: {cell(diffs.iat[i, j]) or '0.0'} {t('points', lang)}"
            for j in range(len(TO_STATES))
        ]
        for i in range(len(FROM_STATES))
    ]
    fig = go.Figure(
        go.Heatmap(
            z=(diffs * 100).to_numpy(),
            x=[state_label(s, lang) for s in TO_STATES],
            y=[state_label(s, lang) for s in FROM_STATES],
            text=text,
            texttemplate="%{text}",
            textfont={"family": FONT, "size": 12},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            colorscale=DIFF_SCALE,
            zmid=0,
            zmin=-limit * 100,
            zmax=limit * 100,
            xgap=2,
            ygap=2,
            colorbar={"ticksuffix": "", "thickness": 12, "len": 0.9, "title": {"text": "pp"}},
            hoverongaps=False,
        )
    )
    style(fig, height=height)
    fig.update_layout(margin={"t": 50})
    _matrix_axes(fig, lang)
    return fig


def in_period(frame: pd.DataFrame, column: str, start: date | None) -> pd.DataFrame:
    """Rows whose `column` (a date) falls on or after `start` (None = every row)."""
    if start is None or frame.empty:
        return frame
    return frame[pd.to_datetime(frame[column]) >= pd.Timestamp(start)].reset_index(drop=True)


def flow_lines(frame: pd.DataFrame, lang: str, *, height: int = 380) -> go.Figure | None:
    """flow_rate as one line per step (C→M1 … M6→WO) over the later month-end; NULL rates (no
    balance in the earlier bucket) are gaps, never zero."""
    if frame.empty or frame["rate"].isna().all():
        return None
    fig = go.Figure()
    for (source, target), rows in frame.groupby(["from_state", "to_state"], sort=False):
        name = f"{'C' if source == 'M0' else source}→{state_label(target, lang)}"
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(rows["to_month_end"]),
                y=rows["rate"],
                name=name,
                mode="lines+markers",
                marker={"size": 4},
                line={"color": STATE_COLORS.get(target, "#5f6b7a"), "width": 2},
                customdata=list(
                    zip(
                        [fmt_money(v, lang) for v in rows["numerator"]],
                        [fmt_money(v, lang) for v in rows["denominator"]],
                        strict=True,
                    )
                ),
                hovertemplate=(
                    f"{name}<br>%{{x|%Y-%m}}: %{{y:.1%}}<br>%{{customdata[0]}} / "
                    "%{customdata[1]}<extra></extra>"
                ),
                connectgaps=False,
            )
        )
    style(fig, height=height, percent_y=True)
    fig.update_xaxes(title_text=t("month_end", lang), tickformat="%Y-%m")
    fig.update_yaxes(title_text=t("roll_flow_rate", lang), rangemode="tozero")
    return fig


def net_flow_line(frame: pd.DataFrame, lang: str, *, height: int = 320) -> go.Figure | None:
    """net_flow_to_loss over month-ends; months without a base seven months back are gaps."""
    if frame.empty or frame["rate"].isna().all():
        return None
    fig = go.Figure(
        go.Scatter(
            x=pd.to_datetime(frame["month_end"]),
            y=frame["rate"],
            mode="lines+markers",
            name=t("roll_net_flow", lang),
            line={"color": STATE_COLORS["WO"], "width": 2},
            marker={"size": 5},
            customdata=list(
                zip(
                    [fmt_money(v, lang) for v in frame["written_off_principal"]],
                    [fmt_money(v, lang) for v in frame["base_current_principal"]],
                    pd.to_datetime(frame["base_month_end"]).dt.strftime("%Y-%m"),
                    strict=True,
                )
            ),
            hovertemplate=(
                "%{x|%Y-%m}: %{y:.2%}<br>%{customdata[0]} / %{customdata[1]} (M0 "
                "%{customdata[2]})<extra></extra>"
            ),
            connectgaps=False,
        )
    )
    style(fig, height=height)
    fig.update_yaxes(tickformat=".2%", title_text=t("roll_net_flow", lang), rangemode="tozero")
    fig.update_xaxes(title_text=t("month_end", lang), tickformat="%Y-%m")
    fig.update_layout(showlegend=False)
    return fig
