"""The overview as one self-contained HTML file for management (open offline, attach to a mail).

Plotly's JavaScript is embedded once (include_plotlyjs="inline"), so the file needs no network.
PNG images of the charts are added where a browser is present (kaleido driving the system
Chromium, all figures in one session); without one the report is complete, only without PNGs.
"""

from __future__ import annotations

import base64
import html
import os
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from charts.i18n import metric_definition, segment_label, t
from ui.state import View

CHROMIUM = "/usr/bin/chromium"

_CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
       sans-serif; margin: 24px auto; max-width: 1100px; color: #1f2933; padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #d0d4da; padding-bottom: 4px; }
.meta { color: #52606d; font-size: 13px; margin: 2px 0; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin-top: 8px; }
th, td { border-bottom: 1px solid #e4e7eb; padding: 6px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f5f7fa; }
.definition { color: #52606d; font-size: 12px; margin-top: 6px; }
.chart { margin-top: 12px; }
img.png { max-width: 100%; border: 1px solid #e4e7eb; margin-top: 4px; }
summary { cursor: pointer; margin-top: 24px; color: #1f5aa6; }
"""


def filters_text(view: View) -> str:
    """The filters as 'Segment: a, b; Segment: c' in the view's language."""
    if not view.filters:
        return t("no_filters", view.lang)
    grouped: dict[str, list[str]] = {}
    for item in view.filters:
        segment, _, value = item.partition("=")
        grouped.setdefault(segment, []).append(value)
    return "; ".join(
        f"{segment_label(seg, view.lang)}: {', '.join(values)}" for seg, values in grouped.items()
    )


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _kaleido():
    """kaleido, pointed at the system Chromium, or None when it is not installed."""
    try:
        import kaleido
    except ImportError:
        return None
    if os.path.exists(CHROMIUM):
        os.environ.setdefault("BROWSER_PATH", CHROMIUM)
    return kaleido


def render_pngs(figures: Sequence[go.Figure], width: int = 1000) -> list[bytes | None]:
    """Every figure as PNG bytes, drawn in one browser session; None for each where that fails
    (no kaleido, no Chromium, a sandbox that refuses it): the report works without them."""
    kaleido = _kaleido()
    if kaleido is None or not figures:
        return [None] * len(figures)
    with tempfile.TemporaryDirectory(prefix="report_png_") as tmp:
        specs = [
            {
                "fig": fig,
                "path": str(Path(tmp) / f"{i}.png"),
                "opts": {"format": "png", "width": width, "height": int(fig.layout.height or 380)},
            }
            for i, fig in enumerate(figures)
        ]
        try:
            kaleido.write_fig_from_object_sync(specs)
        except Exception:  # any failure means: no PNGs, the interactive charts remain
            return [None] * len(figures)
        return [
            Path(spec["path"]).read_bytes() if Path(spec["path"]).is_file() else None
            for spec in specs
        ]


def build_report(
    view: View,
    kpi_table: pd.DataFrame,
    figures: Sequence[tuple[str, go.Figure]],
    movers: pd.DataFrame | None = None,
    metrics: Sequence[str] = ("portfolio_kpis",),
    with_png: bool = True,
    movers_title: str | None = None,
) -> bytes:
    """The report as UTF-8 HTML bytes: title, as-of, filters, KPI table, movers, charts (each
    interactive, and as a PNG image too when one can be drawn here)."""
    lang = view.lang
    pngs = render_pngs([fig for _, fig in figures]) if with_png else [None] * len(figures)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{html.escape(t('report_title', lang))} {view.as_of.isoformat()}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(t('report_title', lang))}</h1>",
        f'<p class="meta">{html.escape(t("as_of", lang))}: <b>{view.as_of.isoformat()}</b></p>',
        f'<p class="meta">{html.escape(t("report_filters", lang))}: '
        f"{html.escape(filters_text(view))}</p>",
        f'<p class="meta">{html.escape(t("basis", lang))}: '
        f"{html.escape(t('basis_' + view.basis, lang))}</p>",
        f'<p class="meta">{html.escape(t("report_generated", lang))}: '
        f"{datetime.now().strftime('%Y-%m-%d %H:%M')}</p>",
        f"<h2>{html.escape(t('page_overview', lang))}</h2>",
        _table(kpi_table),
    ]
    for metric in metrics:
        parts.append(f'<p class="definition">{html.escape(metric_definition(metric, lang))}</p>')
    if movers is not None and not movers.empty:
        parts.append(f"<h2>{html.escape(movers_title or t('movers_title', lang))}</h2>")
        parts.append(_table(movers))
    parts.append(f"<h2>{html.escape(t('report_charts', lang))}</h2>")
    for i, (_, fig) in enumerate(figures):
        div = fig.to_html(
            full_html=False,
            include_plotlyjs="inline" if i == 0 else False,
            config={"displaylogo": False, "responsive": True},
        )
        parts.append(f'<div class="chart">{div}</div>')
    images = [(title, png) for (title, _), png in zip(figures, pngs, strict=True) if png]
    if images:
        # static copies for slides and mail clients that run no JavaScript
        parts.append(f"<details><summary>{html.escape(t('report_png', lang))}</summary>")
        for title, png in images:
            encoded = base64.b64encode(png).decode("ascii")
            parts.append(
                f'<p class="meta">{html.escape(title)}</p>'
                f'<img class="png" alt="{html.escape(title)}" '
                f'src="data:image/png;base64,{encoded}">'
            )
        parts.append("</details>")
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


def report_file_name(view: View) -> str:
    from queries.export import export_file_name

    return export_file_name("overview_report", view.as_of, list(view.filters), "html")
