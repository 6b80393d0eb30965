"""Risk-driver charts: segment values ranked with Wilson intervals, and a two-segment heatmap.

Too-small segment values (fewer loans than the minimum segment size) are drawn apart and grey:
they are shown, so that nothing disappears, but never ranked or coloured like a finding.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from charts.i18n import fmt_count, fmt_money, fmt_pct, t
from charts.theme import FONT, IMMATURE_COLOR, PALETTE, style

RATE_SCALE = [[0.0, "#fff7ec"], [0.35, "#fdbb84"], [0.7, "#e34a33"], [1.0, "#7f0000"]]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _amount(value: float, lang: str) -> str:
    return fmt_money(value, lang)


def ranking_bars(
    frame: pd.DataFrame, lang: str, *, min_size: int, value_label=None
) -> go.Figure | None:
    """segment_ranking as horizontal bars, highest rate on top, with the 95% Wilson interval as
    error bars (count measures) and the whole book's rate as a dashed line; too-small values
    follow below the ranked ones in grey, marked n<min_size."""
    if frame.empty or frame["rate"].isna().all():
        return None
    label = value_label or (lambda v: str(v))
    ranked = frame[~frame["too_small"].astype(bool)]
    small = frame[frame["too_small"].astype(bool)]
    order = [label(v) for v in ranked["segment_value"]] + [label(v) for v in small["segment_value"]]
    fig = go.Figure()
    for rows, colour, text_colour, name in (
        (ranked, PALETTE[0], "#ffffff", t("drivers_ranked", lang)),
        (small, IMMATURE_COLOR, "#3b3b3b", f"{t('too_small', lang)} (n<{min_size})"),
    ):
        if rows.empty:
            continue
        has_ci = rows["ci_low"].notna().any()
        texts = [
            fmt_pct(r, 1) + ("" if not s else f"  n<{min_size}")
            for r, s in zip(rows["rate"], rows["too_small"], strict=True)
        ]
        hover = [
            f"<b>{label(v)}</b><br>{t('rate', lang)}: {fmt_pct(r, 2)}"
            + ("" if _missing(lo) else f" [{fmt_pct(lo, 1)}, {fmt_pct(hi, 1)}]")
            + f"<br>n = {fmt_count(n, lang)} · {_amount(a, lang)}"
            + f"<br>{t('drivers_lift', lang)}: "
            + ("—" if _missing(lift) else f"{lift:.2f}×")
            for v, r, lo, hi, n, a, lift in zip(
                rows["segment_value"],
                rows["rate"],
                rows["ci_low"],
                rows["ci_high"],
                rows["loans"],
                rows["amount"],
                rows["lift"],
                strict=True,
            )
        ]
        error = None
        if has_ci:
            error = {
                "type": "data",
                "symmetric": False,
                "array": (rows["ci_high"] - rows["rate"]).clip(lower=0).tolist(),
                "arrayminus": (rows["rate"] - rows["ci_low"]).clip(lower=0).tolist(),
                "color": "#3b3b3b",
                "thickness": 1.2,
                "width": 3,
            }
        fig.add_trace(
            go.Bar(
                x=rows["rate"],
                y=[label(v) for v in rows["segment_value"]],
                orientation="h",
                name=name,
                marker={"color": colour},
                error_x=error,
                text=texts,
                # inside, at the base: the value never collides with the interval's whisker
                textposition="inside",
                insidetextanchor="start",
                textfont={"family": FONT, "size": 11, "color": text_colour},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    portfolio = frame["portfolio_rate"].dropna()
    if not portfolio.empty:
        line = {"dash": "dash", "color": "#5f6b7a", "width": 1.5}
        fig.add_vline(x=float(portfolio.iloc[0]), line=line)
        # named in the legend rather than annotated on the plot, where it would cover a bar
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                line=line,
                name=f"{t('drivers_portfolio', lang)} {fmt_pct(portfolio.iloc[0], 1)}",
            )
        )
    top = max(float(frame["rate"].max()), float(frame["ci_high"].max(skipna=True) or 0))
    style(fig, height=max(260, 26 * len(order) + 110), percent_y=False)
    fig.update_xaxes(tickformat=".0%", range=[0, top * 1.2 if top > 0 else 1], title_text=None)
    fig.update_yaxes(
        categoryorder="array", categoryarray=order, autorange="reversed", title_text=None
    )
    fig.update_layout(bargap=0.25, margin={"t": 50}, uniformtext={"minsize": 9, "mode": "hide"})
    return fig


def crosstab_heatmap(
    frame: pd.DataFrame,
    lang: str,
    *,
    min_size: int,
    row_title: str,
    col_title: str,
    value_label=None,
) -> go.Figure | None:
    """segment_crosstab as a heatmap of the rate, with n in each cell; cells with fewer loans
    than min_size are grey and say n<min_size instead of a colour that would read as a finding."""
    if frame.empty:
        return None
    label = value_label or (lambda v: str(v))
    rows = list(dict.fromkeys(frame["row_value"]))
    cols = list(dict.fromkeys(sorted(frame["col_value"])))
    grid = frame.set_index(["row_value", "col_value"])
    z, z_small, text, hover = [], [], [], []
    for r in rows:
        z_row, small_row, text_row, hover_row = [], [], [], []
        for c in cols:
            if (r, c) not in grid.index:
                z_row.append(None)
                small_row.append(None)
                text_row.append("")
                hover_row.append(f"{label(r)} × {label(c)}<br>n = 0")
                continue
            cell = grid.loc[(r, c)]
            small = bool(cell["too_small"])
            rate = cell["rate"]
            n = cell["loans"]
            z_row.append(None if small or _missing(rate) else float(rate))
            small_row.append(1.0 if small else None)
            if small:
                text_row.append(f"n<{min_size}")
            else:
                text_row.append(f"{fmt_pct(rate, 1)}<br>n={fmt_count(n, lang)}")
            hover_row.append(
                f"{label(r)} × {label(c)}<br>{t('rate', lang)}: {fmt_pct(rate, 2)}<br>"
                f"n = {fmt_count(n, lang)} · {fmt_money(cell['amount'], lang)}"
                + (f"<br>{t('too_small', lang)}" if small else "")
            )
        z.append(z_row)
        z_small.append(small_row)
        text.append(text_row)
        hover.append(hover_row)
    x = [label(c) for c in cols]
    y = [label(r) for r in rows]
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            z=z,
            x=x,
            y=y,
            text=text,
            texttemplate="%{text}",
            textfont={"family": FONT, "size": 11},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            colorscale=RATE_SCALE,
            zmin=0,
            colorbar={"tickformat": ".0%", "thickness": 12, "len": 0.9},
            xgap=2,
            ygap=2,
            hoverongaps=False,
        )
    )
    if any(v is not None for row in z_small for v in row):
        fig.add_trace(
            go.Heatmap(
                z=z_small,
                x=x,
                y=y,
                text=text,
                texttemplate="%{text}",
                textfont={"family": FONT, "size": 11, "color": "#5f6b7a"},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
                colorscale=[[0, IMMATURE_COLOR], [1, IMMATURE_COLOR]],
                showscale=False,
                xgap=2,
                ygap=2,
                hoverongaps=False,
            )
        )
    style(fig, height=max(280, 44 * len(rows) + 140))
    fig.update_xaxes(title_text=col_title, side="top", type="category")
    fig.update_yaxes(title_text=row_title, autorange="reversed", type="category")
    fig.update_layout(margin={"t": 60})
    return fig
