"""Figures of the early-warning page: entry rate, cure within j days, FPD by cohort and grade.

Immature points are shown as such: a point whose observation window has not fully passed is drawn
dashed and grey-shaded; a point not observed at all has no rate (NULL from SQL) and is left as a
gap (connectgaps=False) — never drawn as 0.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.i18n import fmt_count, fmt_money, segment_label, t
from charts.portfolio import finish, select
from charts.theme import IMMATURE_COLOR, PALETTE

_HALF_MONTH = pd.Timedelta(days=15)
# the sidebar's basis → the entry-rate table's basis
ENTRY_BASIS = {"balance": "amount", "count": "count"}


def _month(values: pd.Series) -> pd.Series:
    """'YYYY-MM' → the month's first day (a date axis keeps months evenly spaced)."""
    return pd.to_datetime(values.astype(str) + "-01")


def _shade_immature(fig: go.Figure, x: pd.Series, mature: pd.Series, lang: str) -> None:
    """Grey band from the first immature month to the last month, labelled; the x range is
    pinned to the months shown (a shape would otherwise widen the autorange)."""
    fig.update_xaxes(range=[x.min() - _HALF_MONTH, x.max() + _HALF_MONTH])
    immature = x[~mature.astype(bool)]
    if immature.empty:
        return
    fig.add_vrect(
        x0=immature.min() - _HALF_MONTH,
        x1=x.max() + _HALF_MONTH,
        fillcolor=IMMATURE_COLOR,
        opacity=0.45,
        layer="below",
        line_width=0,
    )
    # the band's meaning goes in the legend: a label on a one-month band would not fit
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=t("immature", lang),
            marker={"symbol": "square", "size": 12, "color": IMMATURE_COLOR},
            hoverinfo="skip",
        )
    )


def _masked_line(
    fig: go.Figure,
    x: pd.Series,
    y: pd.Series,
    mature: pd.Series,
    name: str,
    color: str,
    custom: list[str],
    lang: str,
) -> None:
    """A solid line over mature points and a dashed one over immature points.

    The dashed part starts at the last mature point so the two read as one series; NaN rates
    (nothing observed) stay gaps.
    """
    mature = mature.astype(bool).to_numpy()
    yv = y.astype(float).to_numpy()
    solid = [v if m else None for v, m in zip(yv, mature, strict=True)]
    dashed = []
    for i, (v, m) in enumerate(zip(yv, mature, strict=True)):
        next_immature = i + 1 < len(mature) and not mature[i + 1]
        dashed.append(v if (not m) or next_immature else None)
    hover = "%{x|%Y-%m}: <b>%{y:.2%}</b><br>%{customdata}<extra>%{fullData.name}</extra>"
    fig.add_trace(
        go.Scatter(
            x=x,
            y=solid,
            mode="lines+markers",
            name=name,
            legendgroup=name,
            line={"color": color, "width": 2},
            marker={"size": 5},
            connectgaps=False,
            customdata=custom,
            hovertemplate=hover,
        )
    )
    if any(not m for m in mature):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=dashed,
                mode="lines+markers",
                name=f"{name} · {t('immature', lang)}",
                legendgroup=name,
                showlegend=False,
                line={"color": color, "width": 2, "dash": "dot"},
                marker={"size": 6, "symbol": "circle-open"},
                connectgaps=False,
                customdata=custom,
                hovertemplate=hover.replace("<extra>", f" ({t('immature', lang)})<extra>"),
            )
        )


def entry_rate_figure(frame: pd.DataFrame, lang: str, basis: str) -> go.Figure:
    """Entry rate by due month (an entry_rate table; basis 'amount' or 'count')."""
    rows = select(frame, basis=basis)
    fmt = fmt_money if basis == "amount" else fmt_count
    fig = go.Figure(
        go.Scatter(
            x=_month(rows.due_month),
            y=rows.rate,
            mode="lines+markers",
            name=t("kpi_entry_rate", lang),
            line={"color": PALETTE[0], "width": 2},
            marker={"size": 5},
            connectgaps=False,
            customdata=[
                f"{fmt(float(n), lang)} / {fmt(float(d), lang)}"
                for n, d in zip(rows.numerator, rows.denominator, strict=True)
            ],
            hovertemplate="%{x|%Y-%m}: <b>%{y:.2%}</b><br>%{customdata}<extra></extra>",
        )
    )
    fig.update_layout(title={"text": t("entry_chart", lang)}, showlegend=False)
    fig.update_xaxes(title_text=t("due_month", lang))
    fig.update_yaxes(title_text=t("rate", lang), rangemode="tozero")
    return finish(fig, height=340, percent_y=True, date_x=True)


def cure_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Cured within j days by due month (a cure_by_due_month table), one line per j."""
    fig = go.Figure()
    if frame.empty:
        return finish(fig, height=340)
    x_all = _month(frame.due_month)
    _shade_immature(fig, x_all, frame.mature, lang)
    for i, j in enumerate(sorted(frame.cure_days.unique())):
        part = select(frame, cure_days=j)
        custom = [
            f"{fmt_money(float(c), lang)} / {fmt_money(float(o), lang)}"
            if pd.notna(c)
            else t("immature", lang)
            for c, o in zip(part.cured_amount, part.observed_amount, strict=True)
        ]
        _masked_line(
            fig,
            _month(part.due_month),
            part.rate,
            part.mature,
            t("cure_days_label", lang).format(j=j),
            PALETTE[i % len(PALETTE)],
            custom,
            lang,
        )
    fig.update_layout(title={"text": t("cure_chart", lang)})
    fig.update_xaxes(title_text=t("due_month", lang))
    fig.update_yaxes(title_text=t("rate", lang), rangemode="tozero")
    return finish(fig, height=340, percent_y=True, date_x=True)


def _fpd_custom(part: pd.DataFrame, lang: str) -> list[str]:
    return [
        f"{b:,} / {n:,} · {t('observed', lang)} {s:.0%}"
        for b, n, s in zip(part.bad_loans, part.loans, part.observed_share, strict=True)
    ]


def fpd_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """FPD N by cohort (an fpd_by_cohort table for the whole selection), one line per N."""
    fig = go.Figure()
    if frame.empty:
        return finish(fig, height=340)
    _shade_immature(fig, _month(frame.cohort), frame.mature, lang)
    for i, n in enumerate(sorted(frame.threshold.unique())):
        part = select(frame, threshold=n)
        _masked_line(
            fig,
            _month(part.cohort),
            part.rate,
            part.mature,
            f"FPD{n}",
            PALETTE[i % len(PALETTE)],
            _fpd_custom(part, lang),
            lang,
        )
    fig.update_layout(title={"text": t("fpd_chart", lang)})
    fig.update_xaxes(title_text=t("cohort", lang))
    fig.update_yaxes(title_text=t("rate", lang), rangemode="tozero")
    return finish(fig, height=340, percent_y=True, date_x=True)


def fpd_by_segment_figure(
    frame: pd.DataFrame, segment: str, threshold: int, lang: str
) -> go.Figure:
    """FPD N by cohort, one line per value of `segment` (fpd_by_cohort run with by=segment)."""
    rows = select(frame, threshold=threshold)
    fig = go.Figure()
    if rows.empty:
        return finish(fig, height=340)
    _shade_immature(fig, _month(rows.cohort), rows.mature, lang)
    for i, value in enumerate(sorted(rows[segment].unique())):
        part = rows.loc[rows[segment] == value]
        _masked_line(
            fig,
            _month(part.cohort),
            part.rate,
            part.mature,
            str(value),
            PALETTE[i % len(PALETTE)],
            _fpd_custom(part, lang),
            lang,
        )
    title = f"{t('fpd_grade_chart', lang)} · FPD{threshold}"
    if segment != "risk_grade":
        title = f"FPD{threshold} · {segment_label(segment, lang)}"
    fig.update_layout(title={"text": title})
    fig.update_xaxes(title_text=t("cohort", lang))
    fig.update_yaxes(title_text=t("rate", lang), rangemode="tozero")
    return finish(fig, height=340, percent_y=True, date_x=True)
