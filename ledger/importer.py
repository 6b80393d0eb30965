"""An import: read an export, validate it, merge it into the database, derive, swap atomically.

    report = import_paths(["exports/2024-09"], "data/ledger.duckdb")

raises ImportRefused (nothing changed) or returns an ImportReport. The dashboard's Data page
calls it with `progress(fraction, message)`; the command line (ledger/cli.py) prints the report.

Decisions (see also validate.py for the reject reasons, pii.py for personal data, store.py for
the atomic swap):
- Merge: new database = rows of the current database whose key this import does not hold + this
  import's loaded rows. Loans by loan_id, installments by (loan_id, installment_no), repayments
  by payment_id, collection actions by action_id, loan_extras by (loan_id, name). Re-importing
  the same export therefore changes nothing; a later export replaces rows by key. A row that is
  rejected does not replace anything. The rejects table holds the last import's rejects; the
  imports table keeps every applied import.
- Orphans: a row's loan_id must be a loan loaded by this import or already in the database.
- Required tables: loans, installments and repayments must be in the import or in the database.
- As-of date: --as-of when given, else the latest date in the ledger after the merge (max of
  disbursed_date, closed_date, paid_date and the action date) — for a complete export that is
  the latest date in the export, and a partial re-send cannot move it backwards.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from ledger import pii, store
from ledger.db import DEFAULT_DB, attach_stage, connect, create_raw_tables, detach_stage
from ledger.errors import ImportRefused, refuse
from ledger.mapping import (
    REQUIRED_TABLES,
    TABLE_NAMES,
    TABLES,
    Mapping,
    MappingError,
    detect_table,
    load_mapping,
    match_fields,
    missing_required,
    plan_columns,
    table_from_name,
)
from ledger.readers import (
    FoundFile,
    Source,
    csv_relation,
    discover,
    excel_source,
    prepare_csv,
    prepare_parquet,
    quote_ident,
    read_excel,
)
from ledger.settings import Settings
from ledger.sqlfile import execute_file
from ledger.validate import (
    FileState,
    build_line_maps,
    build_rejects,
    count_outcomes,
    cross_checks,
    drop_pii_extras,
    setup,
    stage_file,
)

__all__ = ["ImportRefused", "ImportReport", "import_paths"]

SQL_DIR = Path(__file__).with_name("sql")
# a header cell that is really a value: a date, an amount or a number
_DATA_LIKE = re.compile(r"[0-9]{4}[-/.年][0-9]{1,2}.*|[-+¥￥]?[0-9][0-9,]*(\.[0-9]+)?元?")
Progress = Callable[[float, str], None]


@dataclass
class ImportReport:
    """What an applied import did. `tables` and `rejects` are the CLI's --json keys."""

    db: str
    import_id: int
    as_of: date | None
    tables: dict[str, dict[str, int]]
    rejects: dict[str, int]
    files: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def reconciled(self) -> bool:
        return all(t["read"] == t["loaded"] + t["rejected"] for t in self.tables.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": "applied",
            "db": self.db,
            "import_id": self.import_id,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "tables": self.tables,
            "rejects": self.rejects,
            "reconciled": self.reconciled,
            "files": self.files,
            "skipped": self.skipped,
            "warnings": self.warnings,
            "seconds": round(self.seconds, 2),
        }

    def render(self) -> str:
        """The report for people: per table read/loaded/rejected, rejects per reason."""
        lines = [
            f"Import {self.import_id} applied to {self.db}"
            + (f" (as of {self.as_of.isoformat()})" if self.as_of else ""),
            "",
            f"{'table':<20}{'read':>12}{'loaded':>12}{'rejected':>12}",
        ]
        for name, t in self.tables.items():
            lines.append(f"{name:<20}{t['read']:>12,}{t['loaded']:>12,}{t['rejected']:>12,}")
        lines.append("")
        if self.rejects:
            lines.append("Rejected rows by reason:")
            for reason, n in sorted(self.rejects.items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"  {reason:<30}{n:>10,}")
            lines.append(f"  (see them with: python -m ledger rejects --db {self.db})")
        else:
            lines.append("No rows rejected.")
        status = "reconciled" if self.reconciled else "NOT RECONCILED"
        lines.append(f"Rows read = rows loaded + rows rejected for every table: {status}.")
        for f in self.files:
            notes = []
            if f.get("encoding") and f["encoding"] != "utf-8":
                notes.append(f"encoding {f['encoding']}")
            if f.get("blank_lines"):
                notes.append(f"{f['blank_lines']} blank lines skipped")
            if f.get("pii_dropped"):
                notes.append("personal data dropped: " + ", ".join(f["pii_dropped"]))
            if f.get("ignored"):
                notes.append("ignored: " + ", ".join(f["ignored"]))
            if notes:
                lines.append(f"{f['file']} ({f['table']}): " + "; ".join(notes))
        for s in self.skipped:
            lines.append(f"skipped {s['file']}: {s['why']}")
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines)


class _Progress:
    """Maps the import's steps onto 0..1 for a progress bar (reading dominates)."""

    def __init__(self, callback: Progress | None, total_bytes: int) -> None:
        self.callback = callback
        self.total = max(total_bytes, 1)
        self.done = 0

    def report(self, fraction: float, message: str) -> None:
        if self.callback:
            self.callback(min(max(fraction, 0.0), 1.0), message)

    def file_done(self, nbytes: int, label: str) -> None:
        self.done += nbytes
        self.report(0.05 + 0.55 * self.done / self.total, f"read {label}")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _as_mapping(mapping: Mapping | str | Path | None) -> Mapping | None:
    if mapping is None or isinstance(mapping, Mapping):
        return mapping
    try:
        return load_mapping(mapping)
    except MappingError as exc:
        raise ImportRefused(str(exc)) from None


def _decide_table(src: Source, hint: str | None, mapping: Mapping | None) -> tuple[str, str]:
    """The table of one file: its name (or folder, or the mapping) first, else its header."""
    if hint:
        return hint, "name"
    found = detect_table(src.headers, mapping)
    if found:
        return found, "header"
    shown = ", ".join(h for h in src.headers[:12] if h) or "(none)"
    raise refuse(
        src.label,
        src.header_line or None,
        f"cannot tell which ledger table this is (columns: {shown})",
        "a file named after its table (loans, installments, repayments, "
        "collection_actions, or 借款/还款计划/还款记录/催收记录) or the columns of one "
        "table",
    )


def _looks_like_ledger(headers: list[str], mapping: Mapping | None) -> bool:
    """At least two columns of some ledger table (a notes sheet has none)."""
    return any(len(match_fields(t, headers, mapping)) >= 2 for t in TABLE_NAMES)


def _check_columns(src: Source, table: str, mapping: Mapping | None) -> None:
    matched = match_fields(table, src.headers, mapping)
    missing = missing_required(table, matched, mapping)
    if not missing:
        return
    spec = TABLES[table]
    names = []
    for m in missing:
        aliases = [a for a in spec.field(m).aliases if not a.isascii()][:3]
        names.append(m + (f" ({'/'.join(aliases)})" if aliases else ""))
    found = ", ".join(h for h in src.headers if h) or "(none)"
    what = "required column" + ("s " if len(missing) > 1 else " ") + ", ".join(names)
    hint = ""
    if table == "installments" and set(missing) <= {"principal_due", "interest_due"}:
        hint = " (or amount_due alone)"
    data_like = [h for h in src.headers if _DATA_LIKE.fullmatch(h.strip())]
    if len(data_like) >= 2:
        what += " (the first line looks like data: is the header line missing?)"
    raise refuse(
        src.label,
        src.header_line or None,
        f"{what} missing from the {table} table; found: {found}",
        f"the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}{hint} "
        "under its English or Chinese name, or named in a mapping file",
    )


def _open_sources(
    con: duckdb.DuckDBPyConnection,
    found: list[FoundFile],
    mapping: Mapping | None,
    tmpdir: Path,
    skipped: list[dict[str, str]],
) -> list[Source]:
    """Every file (or sheet) as a Source with its table decided and its columns checked."""
    sources: list[Source] = []
    for f in found:
        scan = f"s{len(sources)}"
        if f.fmt == "csv":
            info = prepare_csv(f, mapping, tmpdir)
            relation, params, lines_table = csv_relation(info, scan)
            src = Source(
                f,
                f.label,
                "csv",
                info.headers,
                info.header_line,
                relation,
                params,
                delimiter=info.delimiter,
                encoding=info.encoding,
                csv=info,
                lines_table=lines_table,
                rows=max(0, info.n_lines - info.header_line),
            )
            src.table, src.table_reason = _decide_table(src, f.name_table, mapping)
            sources.append(src)
        elif f.fmt == "parquet":
            src = prepare_parquet(con, f, scan)
            src.table, src.table_reason = _decide_table(src, f.name_table, mapping)
            sources.append(src)
        else:
            sheets = [
                (n, rows)
                for n, rows in read_excel(f)
                if any(any(c is not None for c in r) for r in rows)
            ]
            multi = len(sheets) > 1
            made = 0
            for sheet, rows in sheets:
                scan = f"s{len(sources)}"
                try:
                    src = excel_source(con, f, sheet, rows, mapping, scan, multi)
                except ImportRefused:
                    if not multi:
                        raise
                    skipped.append({"file": f"{f.label}[{sheet}]", "why": "no header row"})
                    continue
                if src is None:
                    continue
                by_sheet = (mapping.table_for_file(sheet) if mapping else None) or (
                    table_from_name(sheet)
                )
                if multi and not by_sheet and not _looks_like_ledger(src.headers, mapping):
                    skipped.append({"file": src.label, "why": "not a ledger table"})
                    continue
                src.table, src.table_reason = _decide_table(src, by_sheet or f.name_table, mapping)
                sources.append(src)
                made += 1
            if made == 0:
                raise refuse(
                    f.label,
                    None,
                    "the workbook has no sheet with a ledger table",
                    "a sheet with a header row and rows",
                )
    for src in sources:
        assert src.table is not None
        _check_columns(src, src.table, mapping)
    return sources


def _tables_in_old(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Tables the current database already holds (supplied by an earlier import, or rows)."""
    have: set[str] = set()
    for t in TABLE_NAMES:
        row = con.execute(f"SELECT count(*) > 0 FROM old_db.main.{t}").fetchone()
        if row and row[0]:
            have.add(t)
    for (report,) in con.execute("SELECT report FROM old_db.main.imports").fetchall():
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            have.update(json.loads(report).get("tables_supplied", []))
    return have


def _attach_old(con: duckdb.DuckDBPyConnection, db: Path) -> None:
    try:
        con.execute("ATTACH $p AS old_db (READ_ONLY)", {"p": str(db)})
        for t in (*TABLE_NAMES, "loan_extras", "imports"):
            con.execute(f"SELECT count(*) FROM old_db.main.{t}").fetchone()
    except duckdb.Error as exc:
        msg = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise refuse(
            db,
            None,
            f"the existing database cannot be read as a ledger ({msg})",
            "a ledger database made by this importer, or a new path for --db",
        ) from None


def _fold_wal(db: Path) -> None:
    """A write-ahead log beside the database would be replayed onto the new file after the
    swap: fold it into the current file first (DuckDB does that when it opens the file)."""
    wal = db.with_name(db.name + ".wal")
    if not wal.exists() or not db.exists():
        return
    try:
        con = connect(db)
        con.execute("CHECKPOINT")
        con.close()
    except duckdb.Error:
        raise refuse(
            db,
            None,
            "the database has unsaved changes and is in use",
            "the other program to close the database first",
        ) from None
    if wal.exists():
        raise refuse(
            db,
            None,
            "the database's write-ahead log could not be folded in",
            "a database without a pending .wal file",
        )


def _cleanup(paths: list[Path]) -> None:
    for p in paths:
        with contextlib.suppress(OSError):
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            elif p.exists():
                p.unlink()


@contextlib.contextmanager
def _built_beside(db: Path) -> Iterator[Path]:
    """Under the import lock: a fresh path beside `db` to build the new database in, swapped in
    when the block ends, removed when it fails (the database is then unchanged). The block must
    close its connections to the path before it ends."""
    with store.import_lock(db):
        store.pause_point("locked")
        _cleanup(store.remove_stale(db))
        _fold_wal(db)
        building = store.building_path(db)
        wal = building.with_name(building.name + ".wal")
        _cleanup([building, wal])
        try:
            yield building
            store.pause_point("closed")
            store.swap_in(building, db)
            store.pause_point("replaced")
        except BaseException:
            _cleanup([building, wal])
            raise


def _drop_temporary_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the import's temporary tables (line maps, vocabularies, checks' intermediates) once
    the rows are merged and the rejects stored, before the derivation: nothing reads them after
    that, and they hold DuckDB memory the derivation needs. (The staged rows themselves are in
    the scratch database, detached and deleted at the same point.)"""
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary ORDER BY table_name"
    ).fetchall()
    for (name,) in names:
        con.execute(f"DROP TABLE IF EXISTS temp.main.{quote_ident(name)}")


def import_paths(
    paths: list[str | Path] | tuple[str | Path, ...],
    db_path: str | Path | None = None,
    mapping: Mapping | str | Path | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
    settings: Settings | None = None,
    labels: dict[str, str] | None = None,
) -> ImportReport:
    """Import the export files/folders in `paths` into the database at `db_path`.

    All or nothing: on ImportRefused (or any error) the database is unchanged. `labels` names
    files in messages, rejects and the imports table (file path -> label; `--from-db` uses it
    so that its temporary files are named after the source tables)."""
    started = datetime.now()
    t0 = time.monotonic()
    db = Path(db_path) if db_path is not None else DEFAULT_DB
    if db.exists() and not db.is_file():
        raise refuse(db, None, "the database path is not a file", "a file path for --db")
    mapping_obj = _as_mapping(mapping)
    found, skipped_files = discover(list(paths), mapping_obj)
    for f in found:
        f.label = (labels or {}).get(str(f.path), f.label)
    skipped = [{"file": f, "why": why} for f, why in skipped_files]
    prog = _Progress(progress, sum(_size(f.path) for f in found))
    prog.report(0.0, "starting")
    with _built_beside(db) as building:
        tmpdir = building.with_name(building.name + ".tmp")
        _cleanup([tmpdir])
        tmpdir.mkdir(parents=True)
        con: duckdb.DuckDBPyConnection | None = None
        try:
            key = pii.load_key(db)
            con = connect(building)
            report = _run(
                con, db, found, skipped, mapping_obj, as_of, prog, tmpdir, key, settings, started
            )
            con.close()
            con = None
        finally:
            if con is not None:
                with contextlib.suppress(Exception):
                    con.close()
            _cleanup([tmpdir])
    report.seconds = time.monotonic() - t0
    prog.report(1.0, "done")
    return report


def rederive(
    db_path: str | Path | None = None,
    progress: Progress | None = None,
    settings: Settings | None = None,
) -> date:
    """Derive a database again from its raw tables, for the as-of date it was derived for, with
    this code's derivation (for a database built by an older version). All or nothing, like an
    import: a copy is derived beside the file and swapped in; returns the as-of date."""
    from ledger.derive import derive

    db = Path(db_path) if db_path is not None else DEFAULT_DB
    prog = _Progress(progress, 0)
    prog.report(0.0, "starting")
    with _built_beside(db) as building:
        shutil.copyfile(db, building)
        con = connect(building)
        try:
            row = con.execute("SELECT as_of FROM derive_settings").fetchone()
            if row is None:
                raise refuse(db, None, "the database was never derived", "a ledger database")

            def derive_progress(step: str, done: int, total: int) -> None:
                prog.report(0.05 + 0.9 * done / max(total, 1), f"deriving: {step}")

            as_of = derive(con, settings, row[0], progress=derive_progress)
        finally:
            con.close()
    prog.report(1.0, "done")
    return as_of


def _run(
    con: duckdb.DuckDBPyConnection,
    db: Path,
    found: list[FoundFile],
    skipped: list[dict[str, str]],
    mapping: Mapping | None,
    as_of: date | None,
    prog: _Progress,
    tmpdir: Path,
    key: bytes,
    settings: Settings | None,
    started: datetime,
) -> ImportReport:
    create_raw_tables(con)
    has_old = db.exists()
    if has_old:
        _attach_old(con, db)
    sources = _open_sources(con, found, mapping, tmpdir, skipped)
    attach_stage(con, tmpdir, sum(s.rows for s in sources))
    setup(con, mapping, key)
    supplied = {s.table for s in sources if s.table}
    have_old = _tables_in_old(con) if has_old else set()
    for t in REQUIRED_TABLES:
        if t not in supplied and t not in have_old:
            given = ", ".join(str(f.path) for f in found)
            aliases = [a for a in TABLES[t].file_aliases if not a.isascii()][:2]
            raise refuse(
                given,
                None,
                f"no {t} table in this import nor in the database",
                f"a file such as {t}.csv (or {'.csv, '.join(aliases)}.csv)",
            )
    store.pause_point("read")
    states: list[FileState] = []
    for src in sources:
        assert src.table is not None
        plan = plan_columns(src.table, src.headers, mapping, pii.is_pii_header)
        st = FileState(len(states), src, plan, f"s{len(states)}")
        stage_file(con, st, mapping)
        states.append(st)
        prog.file_done(_size(src.found.path) if src.fmt != "excel" else 0, src.label)
    store.pause_point("staged")

    prog.report(0.62, "checking rows against each other")
    pii_dropped = drop_pii_extras(con, states)
    cross_checks(con, has_old)
    count_outcomes(con, states)
    tables = {t: {"read": 0, "loaded": 0, "rejected": 0} for t in TABLE_NAMES}
    for st in states:
        tables[st.table]["read"] += st.read
        tables[st.table]["loaded"] += st.loaded
        tables[st.table]["rejected"] += st.rejected
    total_loaded = sum(t["loaded"] for t in tables.values())
    store.pause_point("validated")

    prog.report(0.7, "merging with the database")
    execute_file(con, SQL_DIR / "import_merge_new.sql")
    if has_old:
        execute_file(con, SQL_DIR / "import_merge_old.sql")
    row = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM main.imports").fetchone()
    import_id = int(row[0]) if row else 1
    build_line_maps(con, states)
    build_rejects(con, states, import_id)
    rejects: dict[str, int] = {}
    for reason, n in con.execute(
        "SELECT split_part(reason, ':', 1), count(*) FROM main.rejects GROUP BY 1 ORDER BY 1"
    ).fetchall():
        rejects[str(reason)] = int(n)
    stored = con.execute("SELECT table_name, count(*) FROM main.rejects GROUP BY 1").fetchall()
    for t, n in stored:
        if tables[t]["rejected"] != n:
            raise RuntimeError(
                f"internal error: {t} has {tables[t]['rejected']} rejected rows "
                f"but {n} in the rejects table"
            )
    if any(t["read"] != t["loaded"] + t["rejected"] for t in tables.values()):
        raise RuntimeError(f"internal error: rows do not reconcile: {tables}")
    store.pause_point("merged")

    chosen = as_of
    if chosen is None:
        from ledger.derive import default_as_of

        chosen = default_as_of(con)
    if chosen is None or (total_loaded == 0 and not has_old):
        top = ", ".join(f"{k} {v}" for k, v in sorted(rejects.items(), key=lambda kv: -kv[1]))
        first = con.execute(
            "SELECT file, line, reason FROM main.rejects ORDER BY file, line LIMIT 1"
        ).fetchone()
        where = f"{first[0]}: line {first[1]}: {first[2]}; " if first else ""
        raise refuse(
            ", ".join(str(f.path) for f in found),
            None,
            f"no row could be loaded ({top or 'no rows'}); {where}nothing to show",
            "at least one valid loan with its schedule",
        )

    _drop_temporary_tables(con)
    detach_stage(con)
    _cleanup([tmpdir / "stage.duckdb", tmpdir / "stage.duckdb.wal"])
    prog.report(0.75, "deriving month-end states")
    from ledger.derive import derive

    def derive_progress(step: str, done: int, total: int) -> None:
        prog.report(0.75 + 0.2 * done / max(total, 1), f"deriving: {step}")

    used_as_of = derive(con, settings, chosen, progress=derive_progress)
    store.pause_point("derived")

    files = []
    for st in states:
        files.append(
            {
                "file": st.source.label,
                "table": st.table,
                "format": st.source.fmt,
                "encoding": st.source.encoding,
                "matched_by": st.source.table_reason,
                "read": st.read,
                "loaded": st.loaded,
                "rejected": st.rejected,
                "blank_lines": st.blank,
                "pii_dropped": [st.source.headers[i] for i in st.plan.pii_drop] + st.pii_dropped,
                "pii_hashed": [n for _, n in st.plan.pii_hash],
                "ignored": [f"{h} ({why})" for h, why in st.plan.ignored],
            }
        )
    warnings = []
    if pii_dropped:
        warnings.append(
            "extra columns holding phone/ID numbers or e-mail were dropped: "
            + ", ".join(pii_dropped)
        )
    if used_as_of and used_as_of > date.today() + timedelta(days=366):
        warnings.append(f"the as-of date {used_as_of} is more than a year ahead: check dates")
    report = ImportReport(
        db=str(db),
        import_id=import_id,
        as_of=used_as_of,
        tables=tables,
        rejects=rejects,
        files=files,
        skipped=skipped,
        warnings=warnings,
    )
    stored_report = report.to_dict()
    stored_report["tables_supplied"] = sorted(supplied)
    stored_report["pii_key_id"] = pii.key_id(key)
    con.execute(
        "INSERT INTO main.imports VALUES ($id, $started, $finished, $sources, $as_of, $report)",
        {
            "id": import_id,
            "started": started,
            "finished": datetime.now(),
            "sources": json.dumps([s.source.label for s in states], ensure_ascii=False),
            "as_of": used_as_of,
            "report": json.dumps(stored_report, ensure_ascii=False, default=str),
        },
    )
    if has_old:
        con.execute("DETACH old_db")
    store.pause_point("recorded")
    prog.report(0.97, "writing the database")
    con.execute("CHECKPOINT")
    store.pause_point("checkpointed")
    return report
