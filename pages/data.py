"""Data: the current import (as-of, freshness, rows per table, rejects) and new imports."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from charts.i18n import LABELS, t
from ledger.errors import ImportRefused
from ui import blocks, data, db_source, uploads
from ui.bound import choice
from ui.state import current_view

if TYPE_CHECKING:  # the importer itself is loaded only when an import runs
    from ledger.importer import ImportReport, Progress

PAGE_SIZE = 50
DOWNLOAD_LIMIT = 200_000  # rejects in one download; the import report keeps the totals
DB_URL, DB_PASSWORD = "dp_db_url", "dp_db_password"
DB_URL_REFUSED, DB_FORGET = "dp_db_url_refused", "dp_db_forget"

view = current_view()
lang = view.lang
st.title(t("page_data", lang))
st.caption(t("data_intro", lang))

flash = st.session_state.pop("data_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")


def _age_hours(hours: object) -> str:
    if hours is None or pd.isna(hours):
        return ""
    if hours < 1:
        return t("data_age_minutes", lang)
    if hours < 48:
        return t("data_age_hours", lang).format(n=int(hours))
    return t("data_age_days", lang).format(n=int(hours // 24))


# --- freshness ------------------------------------------------------------------------------------
fresh = data.lookup("import_freshness").iloc[0]
counts = data.lookup("table_counts")
c1, c2, c3, c4 = st.columns(4)
c1.metric(
    t("data_as_of", lang),
    pd.Timestamp(fresh.as_of).strftime("%Y-%m-%d"),
    help=t("data_as_of_help", lang),
    border=True,
)
c1.caption(t("data_age_days", lang).format(n=int(fresh.as_of_age_days)))
imported = pd.notna(fresh.finished_at)
c2.metric(
    t("data_imported_at", lang),
    pd.Timestamp(fresh.finished_at).strftime("%Y-%m-%d") if imported else "—",
    help=t("data_imported_help", lang),
    border=True,
)
c2.caption(
    f"{pd.Timestamp(fresh.finished_at).strftime('%H:%M')} · {_age_hours(fresh.import_age_hours)}"
    if imported
    else t("data_no_import", lang)
)
row_counts = dict(zip(counts.table_name, counts.row_count, strict=True))
c3.metric(
    t("data_loans", lang),
    f"{int(row_counts.get('loans', 0)):,}",
    help=t("data_loans_help", lang),
    border=True,
)
c3.caption(t("data_tables_note", lang))
c4.metric(
    t("data_rejects", lang),
    f"{int(row_counts.get('rejects', 0)):,}",
    help=t("data_rejects_help", lang),
    border=True,
)
c4.caption(t("data_rejects_note", lang))


# --- rows per table, and the import report ----------------------------------------------------
def _table_name(name: object) -> str:
    return t(f"table_{name}", lang)


def _reason(code: object) -> str:
    return t(f"reason_{code}", lang) if f"reason_{code}" in LABELS else str(code)


counts_cfg = {
    "table_name": st.column_config.TextColumn(t("data_table", lang)),
    "row_count": st.column_config.NumberColumn(t("data_rows", lang), format="localized"),
    "read": st.column_config.NumberColumn(t("data_read", lang), format="localized"),
    "loaded": st.column_config.NumberColumn(t("data_loaded", lang), format="localized"),
    "rejected": st.column_config.NumberColumn(t("data_rejected", lang), format="localized"),
}
summary = data.lookup("import_summary")
report_json = summary.report.iloc[0] if len(summary) else None
left, right = st.columns(2)
with left:
    st.subheader(t("data_rows_title", lang))
    shown = counts[["table_name", "row_count"]].assign(
        table_name=counts.table_name.map(_table_name)
    )
    st.dataframe(shown, hide_index=True, width="stretch", column_config=counts_cfg)
    blocks.downloads(counts.drop(columns=["ord"]), "table_counts", view, key="dp_counts")
with right:
    st.subheader(t("data_report_title", lang), help=t("data_report_help", lang))
    report = uploads.report_tables(report_json)
    if report.empty:
        st.info(t("data_no_report", lang), icon=":material/info:")
    else:
        shown = report.assign(table_name=report.table_name.map(_table_name))
        st.dataframe(shown, hide_index=True, width="stretch", column_config=counts_cfg)
        files = uploads.report_files(report_json)
        if not files.empty:
            with st.expander(t("data_sources", lang)):
                st.dataframe(files, hide_index=True, width="stretch")

# --- rejects: per reason, then a browser --------------------------------------------------------
st.subheader(t("data_rejects_title", lang))
reasons = data.lookup("rejects_by_reason")
if reasons.empty:
    st.success(t("data_no_rejects", lang), icon=":material/task_alt:")
else:
    st.dataframe(
        reasons.assign(
            table_name=reasons.table_name.map(_table_name),
            description=reasons.reason.map(_reason),
        ),
        hide_index=True,
        width="stretch",
        column_order=["table_name", "reason", "description", "records", "lines", "example"],
        column_config={
            "table_name": st.column_config.TextColumn(t("data_table", lang)),
            "reason": st.column_config.TextColumn(t("data_reason", lang)),
            "description": st.column_config.TextColumn(t("data_description", lang)),
            "records": st.column_config.NumberColumn(t("data_records", lang), format="localized"),
            "lines": st.column_config.NumberColumn(t("data_lines", lang), format="localized"),
            "example": st.column_config.TextColumn(t("data_example", lang)),
        },
    )
    left, right = st.columns([3, 1])
    reason = choice(
        left.selectbox,
        t("data_reason", lang),
        [""] + list(dict.fromkeys(reasons.reason)),
        format_func=lambda r: f"{r} · {_reason(r)}" if r else t("all", lang),
        key="dp_reason",
    )
    page_no = right.number_input(
        t("data_page", lang), min_value=1, value=1, step=1, key="dp_page", bind="query-params"
    )
    first_row = (int(page_no) - 1) * PAGE_SIZE
    rows = data.lookup("rejects_page", reason=reason, limit=PAGE_SIZE, offset=first_row)
    if rows.empty:
        st.info(t("data_page_empty", lang), icon=":material/first_page:")
    else:
        st.caption(
            t("data_page_note", lang).format(
                first=first_row + 1, last=first_row + len(rows), total=int(rows.matching.iloc[0])
            )
        )
        st.dataframe(
            rows.drop(columns=["matching"]).assign(table_name=rows.table_name.map(_table_name)),
            hide_index=True,
            width="stretch",
            # the original line first: it is what the analyst fixes in the export
            column_order=["table_name", "file", "line", "original_text", "reason"],
            column_config={
                "table_name": st.column_config.TextColumn(t("data_table", lang), width="small"),
                "file": st.column_config.TextColumn(t("data_file", lang), width="small"),
                "line": st.column_config.NumberColumn(
                    t("data_line", lang), format="plain", width="small"
                ),
                "original_text": st.column_config.TextColumn(
                    t("data_original", lang), width="large"
                ),
                "reason": st.column_config.TextColumn(t("data_reason", lang), width="large"),
            },
        )
        everything = data.lookup("rejects_page", reason=reason, limit=DOWNLOAD_LIMIT, offset=0)
        blocks.downloads(everything.drop(columns=["matching"]), "rejects", view, key="dp_rejects")


# --- import new exports ---------------------------------------------------------------------------
def _run_import(job: Callable[[Progress], ImportReport], first_step: str) -> None:
    """An import under a status box with a progress bar. Applied: flash the as-of date and rerun
    (the new file's stamp refreshes every cached figure, ui/data.py). Refused: the message as the
    importer worded it; the database is unchanged."""
    with st.status(t("data_importing", lang), expanded=True) as box:
        bar = st.progress(0.0, text=first_step)

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=message)

        refused: str | None = None
        try:
            report = job(progress)
        except (ImportRefused, uploads.UnsafeUpload) as exc:
            refused = str(exc)
        except Exception as exc:  # noqa: BLE001 - any failure leaves the database as it was
            refused = f"{t('data_failed', lang)}: {exc}"
        if refused is None:
            box.update(label=t("data_done", lang), state="complete")
            as_of = report.as_of.isoformat() if report.as_of else "—"
            st.session_state["data_flash"] = t("data_imported", lang).format(as_of=as_of)
            st.session_state[DB_FORGET] = True  # the password is used once, not kept
            st.rerun()
        box.update(label=t("data_refused", lang), state="error")
    st.error(refused, icon=":material/block:")


st.subheader(t("data_upload_title", lang))
st.caption(t("data_upload_help", lang))
files = st.file_uploader(
    t("data_upload", lang),
    type=list(uploads.ACCEPTED),
    accept_multiple_files=True,
    key="dp_upload",
)
if st.button(
    t("data_import", lang),
    type="primary",
    disabled=not files,
    icon=":material/upload:",
    key="dp_import",
):
    from ledger.importer import import_paths  # the importer is only needed here

    def _from_files(progress: Progress) -> ImportReport:
        with tempfile.TemporaryDirectory(prefix="ledger_upload_") as folder:
            paths = uploads.save_uploads(files, Path(folder))
            return import_paths(paths, data.db_path(), progress=progress)

    _run_import(_from_files, t("data_saving", lang))


# --- import from the lender's database (ledger/from_db.py; no password in the URL) --------------
def _take_password_out_of_the_url() -> None:
    """On the Import click, before the page runs: a password typed into the URL leaves the
    field at once (the refusal names the URL masked)."""
    typed = st.session_state.get(DB_URL, "")
    bare = db_source.without_password(typed)
    if bare is not None:
        st.session_state[DB_URL_REFUSED] = db_source.masked(typed)
        st.session_state[DB_URL] = bare


if DB_URL not in st.session_state:
    st.session_state[DB_URL] = db_source.default_url()
if st.session_state.pop(DB_FORGET, False):  # before the widget: the browser's field empties too
    st.session_state[DB_PASSWORD] = ""
with st.expander(t("data_db_title", lang), icon=":material/database:"):
    st.caption(t("data_db_help", lang))
    db_url = st.text_input(
        t("data_db_url", lang),
        key=DB_URL,
        placeholder=db_source.EXAMPLE_URL,
        help=t("data_db_url_help", lang),
    )
    db_password = st.text_input(
        t("data_db_password", lang),
        type="password",
        key=DB_PASSWORD,
        help=t("data_db_password_help", lang),
    )
    db_mapping = st.file_uploader(
        t("data_db_mapping", lang),
        type=["toml"],
        key="dp_db_mapping",
        help=t("data_db_mapping_help", lang),
    )
    left, right = st.columns(2)
    db_as_of = left.date_input(
        t("data_db_as_of", lang),
        value=None,
        min_value=date(2000, 1, 1),
        format="YYYY-MM-DD",
        key="dp_db_as_of",
        help=t("data_db_as_of_help", lang),
    )
    db_since = right.date_input(
        t("data_db_since", lang),
        value=None,
        min_value=date(2000, 1, 1),
        format="YYYY-MM-DD",
        key="dp_db_since",
        help=t("data_db_since_help", lang),
    )
    db_clicked = st.button(
        t("data_db_import", lang),
        type="primary",
        icon=":material/database:",
        key="dp_db_import",
        on_click=_take_password_out_of_the_url,
    )
if db_clicked:
    refused_url = st.session_state.pop(DB_URL_REFUSED, None)
    try:
        if refused_url is not None:
            raise db_source.UrlProblem("data_db_password_in_url", refused_url)
        source = db_source.build_url(db_url, db_password)
    except db_source.UrlProblem as problem:
        st.error(t(problem.code, lang).format(url=problem.shown), icon=":material/block:")
    else:
        mapping = (db_mapping.name, db_mapping.getvalue()) if db_mapping else None
        _run_import(
            lambda progress: db_source.run_import(
                source, data.db_path(), mapping, db_as_of, db_since, progress
            ),
            t("data_db_connecting", lang),
        )
