"""Figures of the vintage page: curves per cohort, the cohort × MOB triangle, pooled curves.

MOBs beyond the as-of date do not exist in the tables (no extrapolation), so the triangle's
lower-right corner is empty, not zero.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from charts.i18n import fmt_count, fmt_money, segment_label, t
from charts.portfolio import finish, select
from charts.theme import PALETTE

# the sidebar's basis → the vintage tables' basis (original principal for a cohort)
VINTAGE_BASIS = {"balance": "principal", "count": "count"}


def calendar_month(cohort: pd.Series, mob: pd.Series) -> pd.Series:
    """The calendar axis: the month MOB m months after the cohort month, as its first day."""
    periods = pd.PeriodIndex(cohort.astype(str), freq="M") + mob.astype(int).to_numpy()
    return pd.Series(periods.to_timestamp(), index=cohort.index)


def _amount(values: pd.Series, basis: str, lang: str) -> list[str]:
    fmt = fmt_money if basis == "principal" else fmt_count
    return [fmt(float(v), lang) for v in values]


def vintage_curves_figure(
    frame: pd.DataFrame, lang: str, basis: str, threshold: int, calendar: bool = False
) -> go.Figure:
    """One line per cohort (a vintage table), light = older, dark = newer; x = MOB or calendar."""
    rows = select(frame, basis=basis)
    fig = go.Figure()
    cohorts = sorted(rows.cohort.unique())
    if not cohorts:
        return finish(fig, height=420)
    colours = sample_colorscale(
        "Blues", [0.25 + 0.75 * i / max(len(cohorts) - 1, 1) for i in range(len(cohorts))]
    )
    for cohort, colour in zip(cohorts, colours, strict=True):
        part = rows.loc[rows.cohort == cohort]
        x = calendar_month(part.cohort, part.mob) if calendar else part.mob
        custom = [
            f"{cohort} · MOB {m} · {n} / {d}"
            for m, n, d in zip(
                part.mob,
                _amount(part.numerator, basis, lang),
                _amount(part.denominator, basis, lang),
                strict=True,
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=part.rate,
                mode="lines",
                name=cohort,
                line={"color": colour, "width": 1.6},
                customdata=custom,
                hovertemplate="<b>%{y:.2%}</b><br>%{customdata}<extra></extra>",
                showlegend=False,
            )
        )
    # a colour bar stands in for a legend of dozens of cohorts
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            showlegend=False,
            hoverinfo="skip",
            marker={
                "colorscale": [[0, colours[0]], [1, colours[-1]]],
                "cmin": 0,
                "cmax": 1,
                "color": [0],
                "showscale": True,
                "colorbar": {
                    "title": {"text": t("cohort", lang), "side": "right"},
                    "tickvals": [0, 1],
                    "ticktext": [cohorts[0], cohorts[-1]],
                    "thickness": 12,
                    "len": 0.8,
                },
            },
        )
    )
    fig.update_layout(title={"text": t("vintage_curves_chart", lang).format(n=threshold)})
    if calendar:
        fig.update_xaxes(title_text=t("month_end", lang))
    else:
        fig.update_xaxes(title_text=t("mob", lang), dtick=3)
    fig.update_yaxes(title_text=t("rate", lang), rangemode="tozero")
    return finish(fig, height=430, percent_y=True, date_x=calendar)


def vintage_triangle_figure(
    frame: pd.DataFrame, lang: str, basis: str, threshold: int
) -> go.Figure:
    """Cohort rows × MOB columns, colour = rate; cells not yet reached are left empty."""
    rows = select(frame, basis=basis)
    fig = go.Figure()
    if rows.empty:
        return finish(fig, height=460)
    grid = rows.pivot(index="cohort", columns="mob", values="rate").sort_index(ascending=False)
    n_cells = grid.notna().sum().sum()
    text = grid.map(lambda v: "" if pd.isna(v) else f"{v:.1%}") if n_cells <= 300 else None
    fig.add_trace(
        go.Heatmap(
            z=grid.to_numpy(),
            x=[str(c) for c in grid.columns],
            y=list(grid.index),
            colorscale="YlOrRd",
            zmin=0,
            text=None if text is None else text.to_numpy(),
            texttemplate="%{text}" if text is not None else None,
            textfont={"size": 10},
            colorbar={"tickformat": ".0%", "thickness": 12},
            hovertemplate=f"{t('cohort', lang)} %{{y}} · MOB %{{x}}: <b>%{{z:.2%}}</b>"
            "<extra></extra>",
            hoverongaps=False,
            xgap=1,
            ygap=1,
        )
    )
    height = max(380, min(720, 16 * len(grid.index) + 140))
    fig.update_layout(title={"text": t("vintage_triangle_chart", lang).format(n=threshold)})
    fig.update_xaxes(title_text=t("mob", lang), type="category", dtick=3)
    fig.update_yaxes(title_text=t("cohort", lang), type="category")
    return finish(fig, height=height)


def vintage_pooled_figure(
    frame: pd.DataFrame, segment: str, lang: str, basis: str, threshold: int
) -> go.Figure:
    """One line per segment value (a vintage_pooled table run with by=segment)."""
    rows = select(frame, basis=basis)
    fig = go.Figure()
    values = sorted(rows[segment].unique()) if segment in rows else ["all"]
    for i, value in enumerate(values):
        part = rows.loc[rows[segment] == value] if segment in rows else rows
        custom = [
            f"MOB {m} · {n} / {d} · {c} {t('cohorts_n', lang)}"
            for m, n, d, c in zip(
                part.mob,
                _amount(part.numerator, basis, lang),
                _amount(part.denominator, basis, lang),
                part.cohorts,
                strict=True,
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=part.mob,
                y=part.rate,
                mode="lines+markers",
                name=str(value) if segment in rows else t("no_segment", lang),
                line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                marker={"size": 4},
                customdata=custom,
                hovertemplate="<b>%{y:.2%}</b><br>%{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    title = t("vintage_pooled_chart", lang).format(n=threshold, seg=segment_label(segment, lang))
    fig.update_layout(title={"text": title})
    fig.update_xaxes(title_text=t("mob", lang), dtick=3)
    fig.update_yaxes(title_text=t("rate", lang), rangemode="tozero")
    fig = finish(fig, height=420, percent_y=True)
    if len(values) > 6:
        fig.update_layout(legend={"orientation": "v", "x": 1.02, "y": 1, "yanchor": "top"})
    return fig
