"""Finding the export's files and presenting each one to DuckDB as rows of text.

Every reader ends in the same shape — a SQL relation with text columns c0..cN and `_ord`, the
row's position in the file — so that mapping, typing and validation are one set-based SQL path
for CSV, Parquet and Excel alike (and nothing loops over rows in Python for CSV or Parquet).

- CSV: one pass over the bytes in Python checks the encoding (UTF-8, UTF-8 with BOM, else
  GBK/GB18030, or UTF-16 with BOM), refuses binary data, and counts lines, blank lines and line
  endings. Files that DuckDB cannot read as they are (GBK, UTF-16, mixed line endings) are
  transcoded in chunks to a temporary UTF-8 file. The header line and the delimiter are found
  here (title lines above the header are skipped); DuckDB then reads the data with every
  column as VARCHAR and records malformed lines (store_rejects), into a scratch table whose
  rowid is the row's position (`load_lines`: a read numbered `WITH ORDINALITY` runs the whole
  staging statement on one thread).
- Parquet: DuckDB's read_parquet, each column cast to VARCHAR; `_ord` is the row number.
- Excel: pandas with the calamine engine, every cell turned into text (date cells as ISO
  dates); `_ord` is the sheet's row number as Excel shows it.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ledger.db import STAGE_DB
from ledger.errors import refuse
from ledger.mapping import Mapping, table_from_name

CSV_EXT = {".csv", ".tsv", ".txt"}
PARQUET_EXT = {".parquet", ".pq"}
EXCEL_EXT = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
KNOWN_EXT = CSV_EXT | PARQUET_EXT | EXCEL_EXT
EXPECTED_FORMATS = "a .csv, .parquet or .xlsx file"

CHUNK = 8 << 20
HEAD_BYTES = 1 << 20
DELIMITERS = (",", "\t", ";", "|")
MAX_TITLE_LINES = 10


@dataclass
class FoundFile:
    """A file to import and the table its name (or folder, or the mapping) points to."""

    path: Path
    label: str
    fmt: str
    name_table: str | None
    explicit: bool


@dataclass
class Source:
    """One table's rows from one file (or sheet), ready for SQL.

    relation: SQL text (FROM-able) with columns c0..c{n-1} VARCHAR and _ord BIGINT.
    lines_table: for CSV, the table of the import's scratch database that `relation` reads,
    which load_lines fills from the file just before the rows are staged and drop_lines drops
    right after.
    """

    found: FoundFile
    label: str
    fmt: str
    headers: list[str]
    header_line: int
    relation: str
    params: dict[str, Any]
    delimiter: str = ","
    encoding: str | None = None
    table: str | None = None
    table_reason: str = ""
    csv: CsvInfo | None = None
    lines_table: str | None = None
    rows: int = 0  # rows to stage (for CSV: physical lines after the header, an upper bound)
    keepalive: Any = None  # objects registered in DuckDB (Excel) that must outlive the import

    @property
    def ncols(self) -> int:
        return len(self.headers)


# --- discovery -----------------------------------------------------------------------------


def _fmt_of(path: Path) -> str | None:
    ext = path.suffix.lower()
    if ext in CSV_EXT:
        return "csv"
    if ext in PARQUET_EXT:
        return "parquet"
    if ext in EXCEL_EXT:
        return "excel"
    return None


def _name_table(path: Path, root: Path | None, mapping: Mapping | None) -> str | None:
    if mapping:
        hit = mapping.table_for_file(path.name)
        if hit:
            return hit
    hit = table_from_name(path.stem)
    if hit:
        return hit
    if root is not None:
        # monthly exports: loans/2024-01.csv — the folder names the table
        rel_parents = list(path.relative_to(root).parents)[:-1]
        for parent in rel_parents:
            hit = table_from_name(parent.name)
            if hit:
                return hit
        return table_from_name(root.name)
    return None


def discover(
    paths: list[str | os.PathLike[str]], mapping: Mapping | None
) -> tuple[list[FoundFile], list[tuple[str, str]]]:
    """Every file to read (folders walked, sorted by path) and the files skipped, with why."""
    found: list[FoundFile] = []
    skipped: list[tuple[str, str]] = []
    seen: set[Path] = set()
    if not paths:
        raise refuse("import", None, "no files or folders given", "one or more PATHs")
    for given in paths:
        p = Path(given)
        if not p.exists():
            raise refuse(p, None, "no such file or folder", "an export file or a folder of them")
        if p.is_dir():
            files = sorted(
                (f for f in p.rglob("*") if f.is_file()), key=lambda f: str(f.relative_to(p))
            )
            for f in files:
                rel = f.relative_to(p)
                if any(part.startswith((".", "~$", "__")) for part in rel.parts):
                    skipped.append((str(f), "hidden or temporary file"))
                    continue
                fmt = _fmt_of(f)
                table = _name_table(f, p, mapping)
                if fmt is None or (f.suffix.lower() == ".txt" and table is None):
                    if table is not None:
                        raise refuse(
                            f,
                            None,
                            f"not a known format ({f.suffix or 'no extension'})",
                            EXPECTED_FORMATS,
                        )
                    skipped.append((str(f), "not a ledger file"))
                    continue
                real = f.resolve()
                if real in seen:
                    continue
                seen.add(real)
                found.append(FoundFile(f, str(f), fmt, table, False))
        elif p.is_file():
            fmt = _fmt_of(p)
            if fmt is None:
                raise refuse(
                    p, None, f"not a known format ({p.suffix or 'no extension'})", EXPECTED_FORMATS
                )
            real = p.resolve()
            if real in seen:
                continue
            seen.add(real)
            found.append(FoundFile(p, str(p), fmt, _name_table(p, None, mapping), True))
        else:
            raise refuse(p, None, "not a regular file or folder", "an export file or a folder")
    if not found:
        shown = ", ".join(str(p) for p in paths)
        raise refuse(
            shown,
            None,
            "no ledger files found",
            "files such as loans.csv, installments.csv, repayments.csv",
        )
    return found, skipped


# --- CSV: bytes, encodings, lines ----------------------------------------------------------


@dataclass
class CsvInfo:
    """What the byte pass learned about a CSV file.

    read_path: the UTF-8 file DuckDB reads (the original, or a transcoded temporary copy).
    n_lines: physical lines; blank_lines: line numbers of empty lines; header_line: 1-based.
    """

    read_path: Path
    encoding: str
    n_lines: int
    blank_lines: list[int]
    has_quotes: bool
    header_line: int = 1
    delimiter: str = ","
    headers: list[str] = field(default_factory=list)
    transcoded: bool = False


class _LineStats:
    """Counts lines, blank lines, quotes and line endings over a stream of UTF-8 chunks."""

    def __init__(self) -> None:
        self.n_lf = 0
        self.n_cr = 0
        self.n_crlf = 0
        self.quotes = 0
        self.blank: list[int] = []
        self.last = b"\n"  # before the first byte we are at a line start
        self.tail = b"\n"  # the last two bytes, after a \n that stands for the file's start
        self.size = 0

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        lf = chunk.count(b"\n")
        # each count is a pass over the chunk: the ones about \r only where there is one
        cr = chunk.count(b"\r")
        self.n_cr += cr
        if cr or self.last == b"\r":
            self.n_crlf += chunk.count(b"\r\n") + (
                1 if self.last == b"\r" and chunk[:1] == b"\n" else 0
            )
        self.quotes += chunk.count(b'"')
        # blank lines: a line start followed by \n or \r\n, also where the pattern straddles
        # the chunk boundary (so the last two bytes of the stream so far come before the chunk;
        # before the first byte stands a \n that is not counted: the file starts with a line)
        tail = self.tail
        edge = tail + chunk[:2]
        if b"\n\n" in chunk or (cr and b"\n\r\n" in chunk) or b"\n\n" in edge or b"\n\r\n" in edge:
            joined = tail + chunk
            # line ends before the tail; the tail's own are counted again below (and the uncounted
            # one of the file's start, while it is in the tail, cancels out)
            before = self.n_lf - tail.count(b"\n")
            for m in re.finditer(rb"\n(?=\r?\n)", joined):
                pos = m.start()  # the \n ending the previous line; the blank line follows it
                end = pos + (1 if joined[pos + 1 : pos + 2] == b"\n" else 2)
                if end < len(tail):
                    continue  # wholly in the previous chunk's tail: found then
                self.blank.append(before + joined.count(b"\n", 0, pos + 1) + 1)
        self.n_lf += lf
        self.size += len(chunk)
        self.last = chunk[-1:]
        self.tail = (self.tail + chunk)[-2:]

    @property
    def n_lines(self) -> int:
        return self.n_lf + (1 if self.size and self.last != b"\n" else 0)

    @property
    def crlf_only(self) -> bool:
        return self.n_cr == 0 or (self.n_cr == self.n_crlf == self.n_lf)


def _line_at(path: Path, offset: int) -> int:
    """1-based line number of a byte offset (only used for messages)."""
    count = 0
    done = 0
    with path.open("rb") as fh:
        while done < offset:
            chunk = fh.read(min(CHUNK, offset - done))
            if not chunk:
                break
            count += chunk.count(b"\n")
            done += len(chunk)
    return count + 1


def _sniff_magic(found: FoundFile, head: bytes) -> None:
    label = found.label
    if head.startswith(b"PK\x03\x04"):
        raise refuse(
            label,
            1,
            "this is a zip/xlsx file, not CSV text",
            "CSV text, or give the file the .xlsx extension",
        )
    if head.startswith(b"PAR1"):
        raise refuse(
            label,
            1,
            "this is a Parquet file, not CSV text",
            "CSV text, or give the file the .parquet extension",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise refuse(
            label,
            1,
            "this is an old Excel (.xls) file, not CSV text",
            "CSV text, or give the file the .xls extension",
        )


def _scan_utf8(found: FoundFile, path: Path) -> tuple[_LineStats | None, str, int | None]:
    """One pass: strict UTF-8 check and line statistics.

    Returns (stats, encoding, fail_offset): stats None and the offset of the first bad byte when
    the file is not UTF-8 but has no valid non-ASCII UTF-8 before that byte (maybe GBK)."""
    stats = _LineStats()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    offset = 0
    non_ascii_seen = False
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            nul = chunk.find(b"\x00")
            if nul >= 0:
                raise refuse(
                    found.label,
                    _line_at(path, offset + nul),
                    "binary data (a NUL byte) in a text file",
                    "CSV text",
                )
            pending = decoder.getstate()[0]
            if pending or not chunk.isascii():
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    bad = offset + exc.start - len(pending)
                    prefix = chunk[: max(0, exc.start - len(pending))]
                    if non_ascii_seen or not prefix.isascii():
                        raise refuse(
                            found.label,
                            _line_at(path, bad),
                            f"invalid UTF-8 bytes (byte {bad + 1})",
                            "text in one encoding: UTF-8 or GBK/GB18030",
                        ) from None
                    return None, "", bad
                non_ascii_seen = True
            stats.feed(chunk)
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise refuse(
            found.label,
            _line_at(path, max(0, offset - 1)),
            "the file ends inside a UTF-8 character (truncated?)",
            "complete UTF-8 text",
        ) from None
    return stats, "utf-8", None


def _transcode(found: FoundFile, path: Path, encoding: str, out: Path) -> _LineStats:
    """Decode `path` strictly and write UTF-8 with \\n line ends to `out`, in chunks."""
    stats = _LineStats()
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    carry_cr = False
    # lone CR: a line end when the file has no LF at all (old Mac), else a stray byte → space
    with path.open("rb") as fh:
        has_lf = b"\n" in fh.read(CHUNK)
    with path.open("rb") as fh, out.open("wb") as dst:
        while True:
            chunk = fh.read(CHUNK)
            final = not chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                bad = offset + max(0, exc.start)
                raise refuse(
                    found.label,
                    _line_at(path, bad),
                    f"bytes that are neither UTF-8 nor {encoding.upper()} (byte {bad + 1})",
                    "text in one encoding: UTF-8 or GBK/GB18030",
                ) from None
            if "\x00" in text:
                raise refuse(
                    found.label, None, "binary data (a NUL character) in a text file", "CSV text"
                )
            if offset == 0 and text.startswith("\ufeff"):
                text = text[1:]
            if carry_cr:
                text = "\r" + text
                carry_cr = False
            if text.endswith("\r") and not final:
                text = text[:-1]
                carry_cr = True
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n" if not has_lf else " ")
            data = text.encode("utf-8")
            stats.feed(data)
            dst.write(data)
            offset += len(chunk)
            if final:
                break
    return stats


def _best_delimiter(line: str) -> tuple[str | None, int]:
    bare = re.sub(r'"[^"]*"', "", line)
    counts = [(bare.count(d), -i, d) for i, d in enumerate(DELIMITERS)]
    n, _, d = max(counts)
    return (d, n) if n > 0 else (None, 0)


def _find_header(
    found: FoundFile, text: str, mapping: Mapping | None
) -> tuple[int, str, list[str]]:
    """(header line, delimiter, header names) from the first part of the file."""
    lines = text.split("\n")
    skip = mapping.skip_rows if mapping and mapping.skip_rows is not None else None
    forced = mapping.delimiter if mapping else None
    seen_text = 0
    for idx, raw_line in enumerate(lines[:200]):
        if skip is not None and idx < skip:
            continue
        line = raw_line.rstrip("\r").lstrip("\ufeff")
        if not line.strip():
            continue
        seen_text += 1
        delim = forced or _best_delimiter(line)[0]
        if delim is None:
            fields = [line]
        else:
            if line.count('"') % 2:
                raise refuse(
                    found.label,
                    idx + 1,
                    "the header line has an unclosed quote",
                    "a header line of column names",
                )
            fields = next(csv.reader([line], delimiter=delim))
        named = [f for f in fields if f.strip()]
        if len(named) >= 2 and delim is not None:
            return idx + 1, delim, [f.strip() for f in fields]
        if skip is not None or seen_text >= MAX_TITLE_LINES:
            raise refuse(
                found.label,
                idx + 1,
                f"no header: {line[:60]!r} is not a line of separated column names",
                "a header line such as loan_id,borrower_id,disbursed_date,principal",
            )
    if seen_text == 0:
        raise refuse(
            found.label, 1, "the file is empty or holds only whitespace", "a header line and rows"
        )
    raise refuse(
        found.label,
        1,
        "no header line of separated column names found",
        "a header line such as loan_id,borrower_id,disbursed_date,principal",
    )


def prepare_csv(found: FoundFile, mapping: Mapping | None, tmpdir: Path) -> CsvInfo:
    """The byte pass: encoding, line statistics, transcoding when needed, header, delimiter."""
    path = found.path
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise refuse(
            found.label, None, f"cannot read the file ({exc.strerror or exc})", "a readable file"
        ) from None
    if size == 0:
        raise refuse(found.label, 1, "the file is empty", "a header line and rows")
    _sniff_magic(found, head)
    forced = mapping.encoding if mapping else None
    stats: _LineStats | None = None
    encoding = forced or ""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not forced:
        encoding = "utf-16"
    elif forced in (None, "utf-8", "utf8", "utf-8-sig"):
        stats, encoding, _bad = _scan_utf8(found, path)
        if stats is None:
            encoding = "gb18030"
        elif not stats.crlf_only:
            encoding = "utf-8"
            stats = None  # mixed line ends: rewrite
    transcoded = False
    read_path = path
    if stats is None:
        fd, name = tempfile.mkstemp(prefix="src-", suffix=".csv", dir=tmpdir)
        os.close(fd)
        read_path = Path(name)
        stats = _transcode(found, path, encoding, read_path)
        transcoded = True
    with read_path.open("rb") as fh:
        head_text = fh.read(HEAD_BYTES).decode("utf-8", errors="replace")
    if not head_text.strip().strip("\ufeff"):
        raise refuse(
            found.label, 1, "the file is empty or holds only whitespace", "a header line and rows"
        )
    header_line, delim, headers = _find_header(found, head_text, mapping)
    return CsvInfo(
        read_path=read_path,
        encoding=encoding,
        n_lines=stats.n_lines,
        blank_lines=[b for b in stats.blank if b > header_line],
        has_quotes=stats.quotes > 0,
        header_line=header_line,
        delimiter=delim,
        headers=headers,
        transcoded=transcoded,
    )


def csv_relation(info: CsvInfo, scan: str) -> tuple[str, dict[str, Any], str]:
    """How a CSV file's data lines reach SQL: (relation, params, lines_table).

    The relation reads the table `lines_table` of the import's scratch database
    (ledger.db.attach_stage), which load_lines fills from the file
    (all VARCHAR, bad lines into the rejects table `{scan}_errors`); `_ord` is its rowid + 1.

    Why a table: `_ord` must be the row's position in the file, and numbering the rows as they
    are read (`WITH ORDINALITY`, or `row_number() OVER ()`) runs the whole statement that reads
    them on one thread. A table created from the read with preserve_insertion_order on keeps the
    file's order while reading and writing in parallel, and a new table's rowid is that order
    (DuckDB's "Order Preservation"). At 1M loans this halves the staging of the 10.5M actions
    (34 s on one thread against 5 s + 12 s on two)."""
    lines_table = f"{scan}_lines"
    names = ", ".join(f"c{i}" for i in range(len(info.headers)))
    relation = f"(SELECT {names}, rowid + 1 AS _ord FROM {STAGE_DB}.{lines_table})"
    p = f"{lines_table}_"  # the read's parameters are named after the table it fills
    params = {
        f"{p}path": str(info.read_path),
        f"{p}skip": info.header_line - 1,
        f"{p}delim": info.delimiter,
        f"{p}cols": {f"c{i}": "VARCHAR" for i in range(len(info.headers))},
        f"{p}rt": f"{scan}_errors",
        f"{p}rs": f"{scan}_scans",
    }
    return relation, params, lines_table


def load_lines(con: duckdb.DuckDBPyConnection, src: Source) -> None:
    """Read a CSV source's data lines into its lines table, in file order (see csv_relation).
    Nothing to do for Parquet and Excel, whose relations number their rows themselves."""
    if src.lines_table is None:
        return
    p = f"{src.lines_table}_"
    row = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    before = bool(row and row[0])
    con.execute("SET preserve_insertion_order = true")
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {STAGE_DB}.{src.lines_table} AS SELECT * FROM read_csv("
            f"${p}path, header = true, skip = ${p}skip, delim = ${p}delim, quote = '\"', "
            f"escape = '\"', columns = ${p}cols, auto_detect = false, store_rejects = true, "
            f"rejects_table = ${p}rt, rejects_scan = ${p}rs, max_line_size = 8388608)",
            {k: v for k, v in src.params.items() if k.startswith(p)},
        )
    finally:
        con.execute("SET preserve_insertion_order = $v", {"v": before})


def drop_lines(con: duckdb.DuckDBPyConnection, src: Source) -> None:
    """Free the memory a CSV source's lines table holds once its rows are staged."""
    if src.lines_table is not None:
        con.execute(f"DROP TABLE IF EXISTS {STAGE_DB}.{src.lines_table}")


def slow_line_map(
    info: CsvInfo,
    rejected_records: set[int],
    wanted: set[int],
) -> tuple[dict[int, int], dict[int, int], tuple[int, str] | None]:
    """Exact physical lines when records span lines (quoted line breaks): one pass with the csv
    module. Returns (ordinal → line, record number → line, swallowed) where swallowed is the
    (line, field) of a quoted value that spans lines and holds whole rows (a missing quote)."""
    ord_lines: dict[int, int] = {}
    rec_lines: dict[int, int] = {}
    swallowed: tuple[int, str] | None = None
    ncols = len(info.headers)
    csv.field_size_limit(1 << 30)
    with info.read_path.open("r", encoding="utf-8", newline="") as fh:
        for _ in range(info.header_line - 1):
            fh.readline()
        reader = csv.reader(fh, delimiter=info.delimiter)
        base = info.header_line - 1
        try:
            next(reader)  # header
        except StopIteration:
            return ord_lines, rec_lines, None
        record = info.header_line
        ordinal = 0
        prev = base + reader.line_num
        for row in reader:
            record += 1
            start = prev + 1
            prev = base + reader.line_num
            if record in rejected_records:
                rec_lines[record] = start
            elif row:
                ordinal += 1
                if ordinal in wanted:
                    ord_lines[ordinal] = start
            if swallowed is None and prev > start:
                for value in row:
                    if "\n" in value and value.split("\n", 1)[1].count(info.delimiter) >= max(
                        1, ncols - 1
                    ):
                        swallowed = (start, value)
                        break
    return ord_lines, rec_lines, swallowed


# --- Parquet -------------------------------------------------------------------------------


def quote_ident(name: str) -> str:
    """A DuckDB identifier for a column name found in a file: double quotes, "" doubled."""
    return '"' + name.replace('"', '""') + '"'


def prepare_parquet(con: duckdb.DuckDBPyConnection, found: FoundFile, scan: str) -> Source:
    label = found.label
    try:
        with found.path.open("rb") as fh:
            head = fh.read(4)
            tail = b""
            if found.path.stat().st_size >= 8:
                fh.seek(-4, os.SEEK_END)
                tail = fh.read(4)
    except OSError as exc:
        raise refuse(
            label, None, f"cannot read the file ({exc.strerror or exc})", "a readable file"
        ) from None
    if head != b"PAR1" or tail != b"PAR1":
        raise refuse(
            label,
            None,
            "not a valid Parquet file (missing the PAR1 marker)",
            "a complete Parquet file",
        )
    p = f"{scan}_path"
    try:
        desc = con.execute(
            f"DESCRIBE SELECT * FROM read_parquet(${p})", {p: str(found.path)}
        ).fetchall()
        # touch every row group once so that a corrupt file is refused here, not mid-import
        counted = con.execute(
            f"SELECT count(*) FROM read_parquet(${p})", {p: str(found.path)}
        ).fetchone()
    except duckdb.Error as exc:
        raise refuse(
            label,
            None,
            f"a corrupt or unreadable Parquet file ({_first_line(exc)})",
            "a complete Parquet file",
        ) from None
    headers = [str(r[0]) for r in desc]
    if not headers:
        raise refuse(label, None, "the Parquet file has no columns", "the ledger's columns")
    if "file_row_number" in headers:
        raise refuse(
            label, None, "a column is named file_row_number (reserved)", "other column names"
        )
    casts = ", ".join(f"CAST({quote_ident(h)} AS VARCHAR) AS c{i}" for i, h in enumerate(headers))
    relation = (
        f"(SELECT {casts}, file_row_number + 1 AS _ord "
        f"FROM read_parquet(${p}, file_row_number = true))"
    )
    rows = int(counted[0]) if counted else 0
    return Source(found, label, "parquet", headers, 0, relation, {p: str(found.path)}, rows=rows)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


# --- Excel ---------------------------------------------------------------------------------


def _cell_text(value: Any) -> str | None:
    """A cell as the text an export would have written: dates ISO, whole floats without .0."""
    import datetime as dt
    import math

    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return str(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        # a date cell arrives as midnight: written as a date, it stays a date (no paid_at)
        if value.time() == dt.time(0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        return str(value)
    text = str(value)
    return text if text.strip() else None


def read_excel(found: FoundFile) -> Iterator[tuple[str, list[list[str | None]]]]:
    """(sheet name, rows of cell texts) for every sheet; row i is Excel row i + 1."""
    import pandas as pd

    label = found.label
    try:
        sheets = pd.read_excel(
            found.path, sheet_name=None, header=None, dtype=object, engine="calamine"
        )
    except Exception as exc:  # calamine raises its own types for every kind of damage
        raise refuse(
            label,
            None,
            f"a corrupt or unreadable workbook ({_first_line(exc)})",
            "a complete .xlsx workbook",
        ) from None
    for name, frame in sheets.items():
        rows = [[_cell_text(v) for v in row] for row in frame.itertuples(index=False, name=None)]
        yield str(name), rows


def excel_source(
    con: duckdb.DuckDBPyConnection,
    found: FoundFile,
    sheet: str,
    rows: list[list[str | None]],
    mapping: Mapping | None,
    scan: str,
    multi_sheet: bool,
) -> Source | None:
    """A sheet as a Source (None for an empty sheet). The header is the first row with at least
    two cells (title rows above it are skipped), or the row after mapping [csv] skip_rows."""
    import pyarrow as pa

    label = f"{found.label}[{sheet}]" if multi_sheet else found.label
    skip = mapping.skip_rows if mapping and mapping.skip_rows is not None else None
    header_idx = None
    for i, row in enumerate(rows):
        if skip is not None and i < skip:
            continue
        filled = [c for c in row if c is not None and str(c).strip()]
        if not filled:
            continue
        if len(filled) >= 2:
            header_idx = i
            break
        if skip is not None or i >= MAX_TITLE_LINES * 2:
            break
    if header_idx is None:
        if not any(any(c is not None for c in r) for r in rows):
            return None
        raise refuse(
            label,
            1,
            "no header row of column names found",
            "a header row such as loan_id, borrower_id, disbursed_date, principal",
        )
    header_row = rows[header_idx]
    last = max(i for i, c in enumerate(header_row) if c is not None and str(c).strip())
    width = max([last + 1] + [len(r) for r in rows[header_idx + 1 :]])
    headers = [(header_row[i] or "").strip() if i < len(header_row) else "" for i in range(width)]
    data = rows[header_idx + 1 :]
    columns: dict[str, pa.Array] = {}
    for i in range(width):
        columns[f"c{i}"] = pa.array([r[i] if i < len(r) else None for r in data], pa.string())
    columns["_ord"] = pa.array(range(header_idx + 2, header_idx + 2 + len(data)), pa.int64())
    table = pa.table(columns)
    view = f"{scan}_sheet"
    con.register(view, table)
    relation = f"(SELECT * FROM {view})"
    header_line = header_idx + 1
    return Source(
        found, label, "excel", headers, header_line, relation, {}, rows=len(data), keepalive=table
    )


def original_text_sql(ncols: int, delimiter: str, pii_cols: set[int]) -> str:
    """SQL rebuilding a row's text from its fields (CSV-quoted where needed), with personal-data
    columns replaced by [PII]; used for the rejects table."""
    parts = []
    for i in range(ncols):
        if i in pii_cols:
            parts.append("'[PII]'")
        else:
            parts.append(f"ledger_csv_field(c{i}, $delim)")
    return "concat_ws($delim, " + ", ".join(parts) + ")" if parts else "''"


def parse_line(text: str, delimiter: str) -> list[str]:
    """A raw CSV line split into fields (for redacting a malformed line)."""
    try:
        return next(csv.reader(io.StringIO(text), delimiter=delimiter))
    except (csv.Error, StopIteration):
        return [text]
