"""One look for every chart: fonts that render Chinese, a calm palette, readable at 1366×768."""

from __future__ import annotations

import plotly.graph_objects as go

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
PALETTE = (
    "#1f5aa6",
    "#e07b39",
    "#3a9d5d",
    "#c23b3b",
    "#7b5ea7",
    "#8c6d31",
    "#d16ba5",
    "#5f6b7a",
    "#2a9db5",
    "#b5a22a",
)
# M0 green through M6 dark red; WO black-ish; closed grey.
STATE_COLORS = {
    "M0": "#3a9d5d",
    "M1": "#f2c14e",
    "M2": "#f29e4c",
    "M3": "#e07b39",
    "M4": "#d1553b",
    "M5": "#b53a3a",
    "M6": "#8a1f1f",
    "WO": "#3b3b3b",
    "closed": "#b8c0cc",
}
IMMATURE_COLOR = "#d0d4da"


def style(fig: go.Figure, *, height: int = 380, percent_y: bool = False) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT, "size": 13},
        colorway=list(PALETTE),
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font": {"family": FONT}},
    )
    if percent_y:
        fig.update_yaxes(tickformat=".1%")
    return fig
