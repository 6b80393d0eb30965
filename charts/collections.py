"""Figures and table formatting of the collections pages (DataFrame in, plotly out).

No Streamlit and no metric arithmetic: the rates come from SQL; these functions pick rows,
order and translate categories, reshape for plotting and format numbers for the language.
Each builder returns None when there is nothing to draw (the page shows its empty state).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts.i18n import LABELS, fmt_count, fmt_money, fmt_pct, t
from charts.theme import PALETTE, STATE_COLORS, style
from ledger.settings import WINDOW_CHOICES

BUCKETS = ("M1", "M2", "M3", "M4", "M5", "M6")
WINDOWS = WINDOW_CHOICES
CHANNELS = (
    "sms",
    "app_push",
    "ivr",
    "phone",
    "field_visit",
    "third_party",
    "legal",
    "repayment_plan",
    "(no action)",
)
CHANNEL_COLORS = dict(zip(CHANNELS, (*PALETTE[:8], "#b8c0cc"), strict=True))
STAGES = ("attempts", "rpc", "ptp", "ptp_kept")
RULES = (
    "outside_hours",
    "over_connected_cap_borrower_days",
    "over_dial_cap_borrower_days",
    "non_borrower_contacts",
    "complaints",
)
DRILL_RULES = (
    "outside_hours",
    "over_connected_cap",
    "over_dial_cap",
    "non_borrower_contacts",
    "complaints",
)
PLAN_STATUSES = ("agreed", "not_agreed", "no_plan")
TREND_MEASURES = (
    "recovered_per_account",
    "recovered",
    "contact_rate",
    "ptp_kept_rate",
    "cost_per_recovered",
    "complaints_per_10k",
)
RULE_COLORS = dict(zip(RULES, ("#7b5ea7", "#e07b39", "#d1553b", "#2a9db5", "#c23b3b"), strict=True))

# How a column reads in a table: its unit decides the format.
_PERCENT = {
    "contact_rate",
    "ptp_rate",
    "ptp_kept_rate",
    "rate",
    "conversion",
    "commission_rate",
    "share_of_offers",
    "kept_rate",
    "cure_rate",
    "redefault_rate",
    "cure_7",
    "cure_30",
}
_MONEY = {
    "recovered",
    "cost",
    "commission",
    "net_recovered",
    "placed_past_due",
    "written_off_principal",
    "recovered_per_account",
    "recovered_per_attempt",
    "entered_unpaid",
}
_RATIO = {
    "complaints_per_10k",
    "breaches_per_10k",
    "per_10k_attempts",
    "per_100_attempts",
    "complaints_per_1k_accounts",
    "attempts_per_account",
}
_YUAN_RATIO = {"cost_per_recovered"}
# Categorical columns whose values have labels: column -> label-key prefix.
_VALUE_PREFIX = {
    "channel": "ch_",
    "main_channel": "ch_",
    "stage": "stage_",
    "rule": "rule_",
    "plan_status": "plan_",
    "agency": "agency_",
    "outcome": "outcome_",
    "contact_target": "target_",
}


# ---------------------------------------------------------------- labels and tables


def label(prefix: str, value: object, lang: str) -> str:
    """A category's label (channel, stage, rule, plan status); unknown values show as given."""
    key = f"{prefix}{value}"
    return t(key, lang) if key in LABELS else str(value)


def channel_label(channel: str, lang: str) -> str:
    return label("ch_", channel, lang)


def column_label(column: str, lang: str) -> str:
    key = f"col_{column}"
    return t(key, lang) if key in LABELS else column


def column_kind(column: str) -> str:
    """'percent', 'money', 'ratio', 'yuan_ratio' or 'other' — how a column is formatted."""
    if column in _PERCENT:
        return "percent"
    if column in _MONEY:
        return "money"
    if column in _RATIO:
        return "ratio"
    if column in _YUAN_RATIO:
        return "yuan_ratio"
    return "other"


def display_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The frame as a reader sees it: categories translated (the export keeps the codes)."""
    out = frame.copy()
    for column, prefix in _VALUE_PREFIX.items():
        if column in out.columns:
            out[column] = [
                None if _missing(v) else label(prefix, v, lang) for v in out[column].tolist()
            ]
    return out


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _rows(*columns: list) -> list[tuple]:
    """Hover data: one tuple per point from equally long columns."""
    return list(zip(*columns, strict=True))


def ordered_channels(values: Iterable[str]) -> list[str]:
    """Channels in the escalation order (cheap and early first), unknown ones after."""
    present = list(dict.fromkeys(values))
    known = [c for c in CHANNELS if c in present]
    return known + sorted(c for c in present if c not in CHANNELS)


def _money_text(values: Iterable[object], lang: str) -> list[str]:
    return [fmt_money(None if _missing(v) else float(v), lang) for v in values]


def _pct_text(values: Iterable[object], digits: int = 1) -> list[str]:
    return [fmt_pct(None if _missing(v) else float(v), digits) for v in values]


def _num(values: pd.Series) -> list[float | None]:
    """Floats for plotting, NULL as None (a gap), never 0."""
    return [None if _missing(v) else float(v) for v in values.tolist()]


# ---------------------------------------------------------------- channels


SCORECARD_COLUMNS = (
    "channel",
    "attempts",
    "accounts",
    "contact_rate",
    "ptp_rate",
    "ptp_kept_rate",
    "recovered",
    "recovered_per_attempt",
    "recovered_per_account",
    "cost",
    "cost_per_recovered",
    "cure_7",
    "cure_30",
    "complaints_per_10k",
)


def scorecard_table(perf: pd.DataFrame, cure: pd.DataFrame, min_size: int = 30) -> pd.DataFrame:
    """channel_performance rows of one bucket beside channel_cure's rates (one row per
    channel): the cure rates are pivoted into cure_<j> columns, nothing is computed; channels
    with fewer than `min_size` accounts are flagged too_small."""
    rates = (
        cure.pivot(index="channel", columns="cure_days", values="rate")
        .rename(columns=lambda j: f"cure_{j}")
        .reset_index()
    )
    out = perf.merge(rates, on="channel", how="left")
    for column in SCORECARD_COLUMNS:
        if column not in out.columns:
            out[column] = None
    order = ordered_channels(out["channel"])
    out = out.set_index("channel").loc[order].reset_index()
    out["too_small"] = [
        None if _missing(n) else bool(int(n) < min_size) for n in out["accounts"].tolist()
    ]
    return out[[*SCORECARD_COLUMNS, "too_small"]]


def _sized_name(name: str, n: object, min_size: int, lang: str) -> str:
    """A category name with its number of accounts, flagged when too small to rank."""
    count = 0 if _missing(n) else int(n)
    flag = f" · {t('too_small', lang)}" if count < min_size else ""
    return f"{name} (n={count:,}{flag})"


def _faded(color: str, n: object, min_size: int) -> str:
    """The colour, washed out for a group with too few accounts to compare (METRICS.md §11)."""
    if not _missing(n) and int(n) >= min_size:
        return color
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, 0.3)"


def value_figure(perf: pd.DataFrame, lang: str, min_size: int = 30) -> go.Figure | None:
    """Per channel within one bucket: recovered per account worked, and cost per ¥ recovered.
    Channels that worked fewer than `min_size` accounts are marked and faded, not ranked."""
    rows = perf[perf["channel"] != "(no action)"]
    if rows.empty:
        return None
    order = ordered_channels(rows["channel"])
    rows = rows.set_index("channel").loc[order[::-1]].reset_index()
    names = [
        _sized_name(channel_label(c, lang), n, min_size, lang)
        for c, n in zip(rows["channel"], rows["accounts"], strict=True)
    ]
    colors = [
        _faded(CHANNEL_COLORS.get(c, PALETTE[-1]), n, min_size)
        for c, n in zip(rows["channel"], rows["accounts"], strict=True)
    ]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=(t("col_recovered_per_account", lang), t("col_cost_per_recovered", lang)),
    )
    per_account = _num(rows["recovered_per_account"])
    fig.add_trace(
        go.Bar(
            y=names,
            x=per_account,
            orientation="h",
            marker_color=colors,
            text=_money_text(per_account, lang),
            textposition="auto",
            customdata=_rows(rows["accounts"].tolist(), _money_text(rows["recovered"], lang)),
            hovertemplate="%{y}: %{text}<br>"
            + t("col_accounts", lang)
            + " %{customdata[0]:,}<br>"
            + t("col_recovered", lang)
            + " %{customdata[1]}<extra></extra>",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    per_yuan = _num(rows["cost_per_recovered"])
    fig.add_trace(
        go.Bar(
            y=names,
            x=per_yuan,
            orientation="h",
            marker_color=colors,
            text=["—" if v is None else f"¥{v:.3f}" for v in per_yuan],
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
            showlegend=False,
        ),
        row=1,
        col=2,
    )
    fig.update_xaxes(tickprefix="¥", row=1, col=1)
    fig.update_xaxes(tickprefix="¥", row=1, col=2)
    style(fig, height=max(260, 46 * len(rows) + 90))
    fig.update_layout(margin={"t": 50})
    return fig


def funnel_figure(
    funnel: pd.DataFrame, lang: str, accounts: dict[str, int] | None = None, min_size: int = 30
) -> go.Figure | None:
    """attempts → RPC → PTP → kept per 100 attempts, one colour per channel; channels with
    fewer than `min_size` accounts (from `accounts`) are faded and marked."""
    if funnel.empty or funnel["count"].fillna(0).sum() == 0:
        return None
    fig = go.Figure()
    stages = [t(f"stage_{s}", lang) for s in STAGES]
    for channel in ordered_channels(funnel["channel"]):
        rows = funnel[funnel["channel"] == channel].set_index("stage").reindex(list(STAGES))
        conversion = _pct_text(rows["conversion"])
        n = (accounts or {}).get(channel, min_size)
        name = channel_label(channel, lang)
        fig.add_trace(
            go.Bar(
                name=name if n >= min_size else _sized_name(name, n, min_size, lang),
                x=stages,
                y=_num(rows["per_100_attempts"]),
                marker_color=_faded(CHANNEL_COLORS.get(channel, PALETTE[-1]), n, min_size),
                customdata=_rows(rows["count"].fillna(0).astype(int).tolist(), conversion),
                hovertemplate="%{x}<br>%{y:.1f} / 100<br>"
                + t("col_count", lang)
                + " %{customdata[0]:,}<br>→ %{customdata[1]}<extra>%{fullData.name}</extra>",
            )
        )
    style(fig, height=360)
    fig.update_layout(barmode="group", yaxis_title=t("ch_funnel_title", lang))
    return fig


def cure_figure(cure: pd.DataFrame, lang: str) -> go.Figure | None:
    """Cure within 7 and 30 days of a channel's first action, per channel (one bucket)."""
    if cure.empty or cure["rate"].isna().all():
        return None
    fig = go.Figure()
    order = ordered_channels(cure["channel"])
    for i, days in enumerate(sorted(cure["cure_days"].unique())):
        rows = cure[cure["cure_days"] == days].set_index("channel").reindex(order)
        fig.add_trace(
            go.Bar(
                name=t(f"col_cure_{days}", lang) if f"col_cure_{days}" in LABELS else f"{days}d",
                x=[channel_label(c, lang) for c in order],
                y=_num(rows["rate"]),
                marker_color=("#9cc3e6", PALETTE[0], "#0b2e5c")[i % 3],
                text=_pct_text(rows["rate"]),
                textposition="outside",
                customdata=_rows(
                    rows["cured_accounts"].fillna(0).astype(int).tolist(),
                    rows["matured_accounts"].fillna(0).astype(int).tolist(),
                ),
                hovertemplate="%{x}: %{y:.1%}<br>%{customdata[0]:,} / %{customdata[1]:,}"
                "<extra>%{fullData.name}</extra>",
            )
        )
    style(fig, height=340, percent_y=True)
    fig.update_layout(barmode="group")
    return fig


def trend_figure(
    trend: pd.DataFrame, measure: str, lang: str, min_attempts: int = 0
) -> go.Figure | None:
    """One line per channel over the months for one measure of channel_trend. A month with
    fewer than `min_attempts` attempts of a channel is not drawn (a rate on a handful of
    attempts is noise); a channel with no month left is left out."""
    if trend.empty or measure not in trend.columns or trend[measure].isna().all():
        return None
    fig = go.Figure()
    kind = column_kind(measure)
    for channel in ordered_channels(trend["channel"]):
        rows = trend[trend["channel"] == channel].sort_values("month")
        values = (
            [
                None if _missing(n) or int(n) < min_attempts else v
                for v, n in zip(_num(rows[measure]), rows["attempts"].tolist(), strict=True)
            ]
            if min_attempts
            else _num(rows[measure])
        )
        if all(v is None for v in values):
            continue
        fig.add_trace(
            go.Scatter(
                name=channel_label(channel, lang),
                x=rows["month"],
                y=values,
                mode="lines+markers",
                line={"color": CHANNEL_COLORS.get(channel, PALETTE[-1])},
                connectgaps=False,
            )
        )
    style(fig, height=360, percent_y=kind == "percent")
    fig.update_layout(yaxis_title=column_label(measure, lang), hovermode="x unified")
    if kind == "money":
        fig.update_yaxes(tickprefix="¥")
    fig.update_xaxes(type="category")
    return fig


# ---------------------------------------------------------------- recovery


def mature_days(curve: pd.DataFrame, maturity: pd.DataFrame) -> pd.DataFrame:
    """The curve's rows up to each entry month's last fully observed day (lookup
    entry_month_maturity): later days rest on the month's early entries only, so they are cut
    off rather than drawn."""
    full = dict(zip(maturity["entry_month"], maturity["full_day"], strict=True))
    pairs = zip(curve["entry_month"], curve["day"], strict=True)
    keep = [day <= full.get(month, 0) for month, day in pairs]
    return curve[keep].reset_index(drop=True)


def curves_figure(curve: pd.DataFrame, lang: str, months: int = 12) -> go.Figure | None:
    """Recovery curves (day 1..90) of the latest entry months; unobserved days are absent."""
    if curve.empty:
        return None
    chosen = sorted(curve["entry_month"].unique())[-months:]
    fig = go.Figure()
    for i, month in enumerate(chosen):
        rows = curve[curve["entry_month"] == month].sort_values("day")
        # older months lighter, the latest darkest, so the eye follows the change
        shade = 0.25 + 0.75 * (i + 1) / len(chosen)
        fig.add_trace(
            go.Scatter(
                name=month,
                x=rows["day"],
                y=_num(rows["rate"]),
                mode="lines",
                line={"color": f"rgba(31, 90, 166, {shade:.2f})", "width": 1.5 + shade},
                hovertemplate=month + " D%{x}: %{y:.1%}<extra></extra>",
            )
        )
    style(fig, height=380, percent_y=True)
    fig.update_layout(
        xaxis_title=t("day_after_due", lang),
        yaxis_title=t("recovered_share", lang),
        legend={"orientation": "v", "x": 1.01, "y": 1, "yanchor": "top"},
    )
    return fig


def share_trend_figure(trend: pd.DataFrame, lang: str) -> go.Figure | None:
    """D7/D30/D90 recovered share by entry month; immature months are gaps, never zero."""
    if trend.empty or trend["rate"].isna().all():
        return None
    fig = go.Figure()
    for i, day in enumerate(sorted(trend["day"].unique())):
        rows = trend[trend["day"] == day].sort_values("entry_month")
        fig.add_trace(
            go.Scatter(
                name=f"D{day}",
                x=rows["entry_month"],
                y=_num(rows["rate"]),
                mode="lines+markers",
                line={"color": ("#9cc3e6", PALETTE[0], "#0b2e5c")[i % 3]},
                connectgaps=False,
                hovertemplate=f"D{day} " + "%{x}: %{y:.1%}<extra></extra>",
            )
        )
    style(fig, height=340, percent_y=True)
    fig.update_layout(xaxis_title=t("entry_month", lang), yaxis_title=t("recovered_share", lang))
    fig.update_xaxes(type="category")
    return fig


def wo_recoveries_figure(frame: pd.DataFrame, lang: str) -> go.Figure | None:
    """Recoveries after write-off by month, stacked by the channel credited."""
    if frame.empty:
        return None
    fig = go.Figure()
    for channel in ordered_channels(frame["channel"]):
        rows = frame[frame["channel"] == channel]
        fig.add_trace(
            go.Bar(
                name=channel_label(channel, lang),
                x=rows["month"],
                y=_num(rows["recovered"]),
                marker_color=CHANNEL_COLORS.get(channel, PALETTE[-1]),
                customdata=_money_text(rows["recovered"], lang),
                hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    style(fig, height=340)
    fig.update_layout(barmode="stack", yaxis_title=t("col_recovered", lang))
    fig.update_yaxes(tickprefix="¥")
    fig.update_xaxes(type="category")
    return fig


def wo_rate_figure(frame: pd.DataFrame, lang: str) -> go.Figure | None:
    """Recovered since write-off / principal written off, per write-off month."""
    if frame.empty or frame["rate"].isna().all():
        return None
    fig = go.Figure(
        go.Bar(
            x=frame["write_off_month"],
            y=_num(frame["rate"]),
            marker_color=STATE_COLORS["WO"],
            text=_pct_text(frame["rate"]),
            textposition="outside",
            customdata=_rows(
                _money_text(frame["recovered"], lang),
                _money_text(frame["written_off_principal"], lang),
                frame["months_observed"].tolist(),
            ),
            hovertemplate="%{x}: %{y:.1%}<br>%{customdata[0]} / %{customdata[1]}<br>"
            + t("col_months_observed", lang)
            + " %{customdata[2]}<extra></extra>",
        )
    )
    style(fig, height=320, percent_y=True)
    fig.update_layout(xaxis_title=t("col_write_off_month", lang))
    fig.update_xaxes(type="category")
    return fig


# ---------------------------------------------------------------- agencies


IN_HOUSE_COLOR = "#b8c0cc"


def _agency_colors(agencies: Iterable[str]) -> dict[str, str]:
    """The same colour for an agency on every chart; in-house staff in grey."""
    names = sorted(set(agencies) - {"(in-house)", "(none)"})
    colors = {a: PALETTE[(i + 4) % len(PALETTE)] for i, a in enumerate(names)}
    return {**colors, "(in-house)": IN_HOUSE_COLOR, "(none)": IN_HOUSE_COLOR}


def league_figure(league: pd.DataFrame, lang: str) -> go.Figure | None:
    """Per agency: net recovery after commission, complaints and breaches per 10k attempts."""
    if league.empty:
        return None
    rows = league.sort_values("agency", ascending=False)
    colors = _agency_colors(league["agency"])
    measures = ("net_recovered", "complaints_per_10k", "breaches_per_10k")
    fig = make_subplots(
        rows=1,
        cols=3,
        shared_yaxes=True,
        horizontal_spacing=0.03,
        subplot_titles=tuple(column_label(m, lang) for m in measures),
    )
    for col, measure in enumerate(measures, start=1):
        values = _num(rows[measure])
        text = (
            _money_text(values, lang)
            if column_kind(measure) == "money"
            else ["—" if v is None else f"{v:,.1f}" for v in values]
        )
        fig.add_trace(
            go.Bar(
                y=rows["agency"],
                x=values,
                orientation="h",
                marker_color=[colors[a] for a in rows["agency"]],
                text=text,
                textposition="auto",
                hovertemplate="%{y}: %{text}<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=col,
        )
    fig.update_xaxes(tickprefix="¥", row=1, col=1)
    style(fig, height=max(240, 60 * len(rows) + 90))
    fig.update_layout(margin={"t": 50})
    return fig


def agency_curve_figure(curve: pd.DataFrame, lang: str, by: str = "") -> go.Figure | None:
    """Recovery after placement: a line per agency (pooled) or per placement month."""
    if curve.empty or curve["rate"].isna().all():
        return None
    fig = go.Figure()
    if by == "month":
        months = sorted(curve["month"].unique())
        for i, month in enumerate(months):
            rows = curve[curve["month"] == month].sort_values("day")
            shade = 0.25 + 0.75 * (i + 1) / len(months)
            fig.add_trace(
                go.Scatter(
                    name=month,
                    x=rows["day"],
                    y=_num(rows["rate"]),
                    mode="lines",
                    line={"color": f"rgba(123, 94, 167, {shade:.2f})"},
                    hovertemplate=month + " D%{x}: %{y:.1%}<extra></extra>",
                )
            )
        fig.update_layout(legend={"orientation": "v", "x": 1.01, "y": 1, "yanchor": "top"})
    else:
        colors = _agency_colors(curve["agency"])
        for agency in sorted(curve["agency"].unique()):
            rows = curve[curve["agency"] == agency].sort_values("day")
            fig.add_trace(
                go.Scatter(
                    name=agency,
                    x=rows["day"],
                    y=_num(rows["rate"]),
                    mode="lines",
                    line={"color": colors[agency], "width": 2.5},
                    customdata=rows["placed_accounts"].tolist(),
                    hovertemplate=agency + " D%{x}: %{y:.1%} (n=%{customdata:,})<extra></extra>",
                )
            )
    style(fig, height=360, percent_y=True)
    fig.update_layout(
        xaxis_title=t("day_after_placement", lang), yaxis_title=t("recovered_share", lang)
    )
    return fig


def agent_scatter(agents: pd.DataFrame, lang: str) -> go.Figure | None:
    """One dot per agent: recovered per attempt against complaints per 10k attempts."""
    rows = agents[~agents["too_small"].fillna(True).astype(bool)]
    if rows.empty:
        return None
    colors = _agency_colors(rows["agency"])
    fig = go.Figure()
    biggest = max(float(rows["accounts"].max()), 1.0)
    for agency in sorted(rows["agency"].unique()):
        part = rows[rows["agency"] == agency]
        fig.add_trace(
            go.Scatter(
                name=label("agency_", agency, lang),
                x=_num(part["recovered_per_attempt"]),
                y=_num(part["complaints_per_10k"]),
                mode="markers",
                text=part["agent_id"],
                marker={
                    "color": colors[agency],
                    "size": [6 + 18 * (a / biggest) ** 0.5 for a in part["accounts"].tolist()],
                    "opacity": 0.75,
                    "line": {"width": 0.5, "color": "white"},
                },
                customdata=part["accounts"].tolist(),
                hovertemplate="%{text}<br>¥%{x:,.2f} / "
                + t("col_attempts", lang)
                + "<br>%{y:.1f} / 10k<br>n=%{customdata:,}<extra>%{fullData.name}</extra>",
            )
        )
    style(fig, height=400)
    fig.update_layout(
        xaxis_title=column_label("recovered_per_attempt", lang),
        yaxis_title=column_label("complaints_per_10k", lang),
    )
    fig.update_xaxes(tickprefix="¥")
    return fig


# ---------------------------------------------------------------- conduct


def conduct_heatmap(
    frame: pd.DataFrame, group: str, lang: str, top: int | None = None
) -> go.Figure | None:
    """Groups (rows) × rules (columns): breaches per 10k attempts, the count in brackets.

    With `top`, only the groups with the highest complaint rate are drawn (agents: hundreds)."""
    rows = frame[frame["rule"].isin(RULES)]
    if rows.empty or group not in rows.columns:
        return None
    z = rows.pivot(index=group, columns="rule", values="per_10k_attempts").reindex(
        columns=list(RULES)
    )
    counts = rows.pivot(index=group, columns="rule", values="count").reindex(columns=list(RULES))
    if top is not None:
        keep = z["complaints"].sort_values(ascending=False, na_position="last").index[:top]
        z, counts = z.loc[keep], counts.loc[keep]
    else:
        z = z.sort_index()
        counts = counts.loc[z.index]
    # colour by each rule's own scale (rules differ by orders of magnitude); text = the values
    shade = z / z.max().replace(0, float("nan"))
    prefix = _VALUE_PREFIX.get(group, "")
    y = [label(prefix, v, lang) if prefix else str(v) for v in z.index]
    text = [
        ["" if _missing(v) else f"{v:,.1f} ({int(c):,})" for v, c in zip(zr, cr, strict=True)]
        for zr, cr in zip(z.to_numpy().tolist(), counts.fillna(0).to_numpy().tolist(), strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=shade.to_numpy(),
            x=[label("rule_", r, lang) for r in RULES],
            y=y,
            text=text,
            texttemplate="%{text}",
            colorscale=[[0, "#ffffff"], [0.15, "#fde6d2"], [0.5, "#f29e4c"], [1, "#8a1f1f"]],
            showscale=False,
            zmin=0,
            zmax=1,
            hovertemplate="%{y} · %{x}<br>%{text} / 10k<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    style(fig, height=max(220, 34 * len(y) + 90))
    fig.update_xaxes(side="top")
    fig.update_yaxes(autorange="reversed", type="category")
    return fig


def conduct_trend_figure(frame: pd.DataFrame, lang: str) -> go.Figure | None:
    """Each rule's breaches per 10k attempts by month."""
    rows = frame[frame["rule"].isin(RULES)]
    if rows.empty or "month" not in rows.columns:
        return None
    fig = go.Figure()
    for rule in RULES:
        part = rows[rows["rule"] == rule].sort_values("month")
        fig.add_trace(
            go.Scatter(
                name=label("rule_", rule, lang),
                x=part["month"],
                y=_num(part["per_10k_attempts"]),
                mode="lines+markers",
                line={"color": RULE_COLORS[rule], "width": 3 if rule == "complaints" else 1.8},
                customdata=part["count"].tolist(),
                hovertemplate="%{x}: %{y:.1f} / 10k (%{customdata:,})"
                "<extra>%{fullData.name}</extra>",
            )
        )
    style(fig, height=360)
    fig.update_layout(yaxis_title=t("per_10k", lang), hovermode="x unified")
    fig.update_xaxes(type="category")
    return fig


# ---------------------------------------------------------------- repayment plans


def plan_outcome_figure(plans: pd.DataFrame, lang: str) -> go.Figure | None:
    """Kept, cured and re-defaulted shares for agreed plans and offers not agreed."""
    if plans.empty:
        return None
    measures = ("kept_rate", "cure_rate", "redefault_rate")
    fig = go.Figure()
    for i, status in enumerate(("agreed", "not_agreed")):
        part = plans[plans["plan_status"] == status]
        if part.empty:
            continue
        row = part.iloc[0]
        values = [None if _missing(row[m]) else float(row[m]) for m in measures]
        fig.add_trace(
            go.Bar(
                name=label("plan_", status, lang),
                x=[column_label(m, lang) for m in measures],
                y=values,
                marker_color=(PALETTE[2], PALETTE[7])[i],
                text=_pct_text(values),
                textposition="outside",
                customdata=[
                    f"{int(row[n]):,} / {int(row[d]):,}"
                    for n, d in (
                        ("kept", "kept_due"),
                        ("cured", "cure_due"),
                        ("redefaulted", "redefault_due"),
                    )
                ],
                hovertemplate="%{x}: %{y:.1%}<br>%{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    style(fig, height=340, percent_y=True)
    fig.update_layout(barmode="group")
    return fig


def plan_trend_figure(plans: pd.DataFrame, lang: str, by: str = "quarter") -> go.Figure | None:
    """Agreed plans by month or quarter offered: offers (bars) and kept / cured /
    re-defaulted (lines)."""
    if plans.empty or by not in plans.columns:
        return None
    agreed = plans[plans["plan_status"] == "agreed"].sort_values(by)
    offers = plans.drop_duplicates(by).sort_values(by)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(
            name=t("rp_offered", lang),
            x=offers[by],
            y=offers["offers"],
            marker_color="#d0d4da",
            hovertemplate="%{x}: %{y:,}<extra>%{fullData.name}</extra>",
        ),
        secondary_y=True,
    )
    for measure, color in (
        ("kept_rate", PALETTE[2]),
        ("cure_rate", PALETTE[0]),
        ("redefault_rate", PALETTE[3]),
    ):
        fig.add_trace(
            go.Scatter(
                name=column_label(measure, lang),
                x=agreed[by],
                y=_num(agreed[measure]),
                mode="lines+markers",
                line={"color": color},
                connectgaps=False,
                hovertemplate="%{x}: %{y:.1%}<extra>%{fullData.name}</extra>",
            ),
            secondary_y=False,
        )
    style(fig, height=360)
    fig.update_yaxes(tickformat=".0%", secondary_y=False, rangemode="tozero")
    fig.update_yaxes(
        showgrid=False, secondary_y=True, title_text=t("rp_offered", lang), tickformat=",.0f"
    )
    fig.update_xaxes(type="category")
    return fig


def plan_complaints_figure(frame: pd.DataFrame, lang: str) -> go.Figure | None:
    """Complaints per 10k attempts and per 1,000 accounts for plan and non-plan accounts."""
    if frame.empty or frame["attempts"].fillna(0).sum() == 0:
        return None
    measures = ("complaints_per_10k", "complaints_per_1k_accounts")
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.08,
        subplot_titles=tuple(column_label(m, lang) for m in measures),
    )
    names = [label("plan_", s, lang) for s in frame["plan_status"]]
    colors = [
        {"agreed": PALETTE[2], "not_agreed": PALETTE[7], "no_plan": PALETTE[1]}.get(s, PALETTE[0])
        for s in frame["plan_status"]
    ]
    for col, measure in enumerate(measures, start=1):
        values = _num(frame[measure])
        fig.add_trace(
            go.Bar(
                x=names,
                y=values,
                marker_color=colors,
                text=["—" if v is None else f"{v:,.1f}" for v in values],
                textposition="outside",
                customdata=_rows(frame["complaints"].tolist(), frame["accounts"].tolist()),
                hovertemplate="%{x}: %{y:.1f}<br>"
                + t("col_complaints", lang)
                + " %{customdata[0]:,} · "
                + t("col_accounts", lang)
                + " %{customdata[1]:,}<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=col,
        )
    style(fig, height=320)
    fig.update_layout(margin={"t": 50})
    return fig


def kpi_text(value: object, kind: str, lang: str) -> str:
    """A KPI card's value: percent, money or count in the language's format."""
    if _missing(value):
        return "—"
    if kind == "percent":
        return fmt_pct(float(value), 1)
    if kind == "money":
        return fmt_money(float(value), lang)
    if kind == "ratio":
        return f"{float(value):,.1f}"
    return fmt_count(float(value), lang)
