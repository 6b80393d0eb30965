"""File-level bad input: the import is refused whole, the message names the file, the line and
what was expected, and the database is left exactly as it was (byte for byte)."""

from __future__ import annotations

import codecs
import hashlib
import io
import shutil
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ledger.errors import ImportRefused
from ledger.importer import import_paths
from tests.import_support import cli_json, copy_golden, golden_lines, run_cli, write_lines

AS_OF = date(2024, 9, 30)


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the golden import: every refusal must leave it untouched."""
    folder = copy_golden(tmp_path_factory.mktemp("base") / "golden")
    db = folder.parent / "ledger.duckdb"
    import_paths([folder], db, as_of=AS_OF)
    return db


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _export(tmp: Path) -> Path:
    return copy_golden(tmp / "export")


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return buf.getvalue()


def _parquet_bytes() -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table({"loan_id": ["L001"] * 50, "x": list(range(50))}), buf)
    return buf.getvalue()


# Each case: (id, change the export folder → the paths to import, text the message must hold,
# the file named, the line named or None)
Case = tuple[str, Callable[[Path], list[Path]], list[str], str, int | None]


def _replace(name: str, data: bytes | str) -> Callable[[Path], list[Path]]:
    def apply(folder: Path) -> list[Path]:
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return [folder]

    return apply


def _missing_column(folder: Path) -> list[Path]:
    lines = golden_lines("loans")
    cols = lines[0].split(",")
    keep = [i for i, c in enumerate(cols) if c != "principal"]
    out = [",".join(row.split(",")[i] for i in keep) for row in lines]
    write_lines(folder / "loans.csv", out)
    return [folder]


def _only_principal_due(folder: Path) -> list[Path]:
    lines = [ln.rsplit(",", 2)[0] for ln in golden_lines("installments")]
    write_lines(folder / "installments.csv", lines)
    return [folder]


def _no_repayments(folder: Path) -> list[Path]:
    (folder / "repayments.csv").unlink()
    return [folder]


def _unknown_table(folder: Path) -> list[Path]:
    write_lines(folder / "data.csv", ["foo,bar,baz", "1,2,3"])
    return [folder]


def _swallowing_quote(folder: Path) -> list[Path]:
    lines = golden_lines("repayments")
    lines[3] = lines[3].replace("P03,", 'P03,"', 1)
    write_lines(folder / "repayments.csv", lines)
    return [folder]


def _quote_closed_later(folder: Path) -> list[Path]:
    lines = golden_lines("repayments")
    lines[3] = lines[3].replace("L001,", 'L001,"', 1)  # opened on line 4 …
    lines[9] = lines[9].replace("P09,", 'P09",', 1)  # … closed on line 10
    write_lines(folder / "repayments.csv", lines)
    return [folder]


def _wrong_delimiter(folder: Path) -> list[Path]:
    lines = golden_lines("installments")
    write_lines(
        folder / "installments.csv", [lines[0]] + [ln.replace(",", ";") for ln in lines[1:]]
    )
    return [folder]


def _bad_mapping(text: str) -> Callable[[Path], list[Path]]:
    def apply(folder: Path) -> list[Path]:
        (folder.parent / "mapping.toml").write_text(text, encoding="utf-8")
        return [folder]

    return apply


def _explicit(name: str, data: bytes) -> Callable[[Path], list[Path]]:
    def apply(folder: Path) -> list[Path]:
        (folder / name).write_bytes(data)
        return [folder / n for n in ("loans.csv", "installments.csv", "repayments.csv")] + [
            folder / name
        ]

    return apply


def _truncated_xlsx(folder: Path) -> list[Path]:
    import pandas as pd

    frame = pd.read_csv(folder / "loans.csv", dtype=str)
    full = folder / "full.xlsx"
    frame.to_excel(full, index=False)
    data = full.read_bytes()
    full.unlink()
    (folder / "loans.csv").unlink()
    (folder / "loans.xlsx").write_bytes(data[: len(data) // 2])
    return [folder]


def _truncated_parquet(folder: Path) -> list[Path]:
    data = _parquet_bytes()
    (folder / "loans.csv").unlink()
    (folder / "loans.parquet").write_bytes(data[:20] + b"\0" * 40 + data[-30:])
    return [folder]


def _empty_folder(folder: Path) -> list[Path]:
    empty = folder.parent / "empty"
    empty.mkdir()
    return [empty]


def _nonexistent(folder: Path) -> list[Path]:
    return [folder / "no_such_folder"]


def _xlsx_one_column(folder: Path) -> list[Path]:
    import pandas as pd

    (folder / "loans.csv").unlink()
    pd.DataFrame({"loan_id": ["L001", "L002"]}).to_excel(folder / "loans.xlsx", index=False)
    return [folder]


def _mixed_encoding(folder: Path) -> list[Path]:
    lines = golden_lines("loans")
    data = ("\n".join(lines[:3]) + "\n").encode("utf-8")
    data += "L003,B03,2024-02-05,600.00,2,现金贷,四川,D,partner,,\n".encode()
    data += "L004,B04,2024-02-20,1000.00,2,分期,广东,B,app_store,,\n".encode("gbk")
    (folder / "loans.csv").write_bytes(data)
    return [folder]


CASES: list[Case] = [
    ("empty file", _replace("loans.csv", b""), ["the file is empty"], "loans.csv", 1),
    (
        "whitespace only",
        _replace("loans.csv", " \n\t\n  \r\n"),
        ["empty or holds only whitespace"],
        "loans.csv",
        1,
    ),
    (
        "header only one column",
        _replace("loans.csv", "loan_id\nL001\nL002\n"),
        ["no header"],
        "loans.csv",
        1,
    ),
    (
        "required column missing",
        _missing_column,
        ["principal", "missing", "found: loan_id, borrower_id"],
        "loans.csv",
        1,
    ),
    (
        "interest_due missing",
        _only_principal_due,
        ["interest_due", "amount_due alone"],
        "installments.csv",
        1,
    ),
    ("invalid utf-8 after utf-8", _mixed_encoding, ["invalid UTF-8"], "loans.csv", 5),
    (
        "neither utf-8 nor gb18030",
        _replace("loans.csv", b"loan_id,borrower_id\nL1,\x80\x80\n"),
        ["neither UTF-8 nor GB18030"],
        "loans.csv",
        2,
    ),
    (
        "binary NUL",
        _replace("installments.csv", b"loan_id,installment_no\nL001,\x00\x01\n"),
        ["binary data"],
        "installments.csv",
        2,
    ),
    (
        "unknown format given",
        _explicit("loans.dat", b"x"),
        ["not a known format"],
        "loans.dat",
        None,
    ),
    (
        "unknown format named like a table",
        _replace("collection_actions.json", "{}"),
        ["not a known format"],
        "collection_actions.json",
        None,
    ),
    ("xlsx named csv", _replace("loans.csv", _zip_bytes()), ["zip/xlsx"], "loans.csv", 1),
    (
        "parquet named csv",
        _replace("loans.csv", _parquet_bytes()),
        ["Parquet file"],
        "loans.csv",
        1,
    ),
    (
        "corrupt xlsx",
        _replace("collection_actions.xlsx", b"PK\x03\x04garbage"),
        ["corrupt or unreadable workbook"],
        "collection_actions.xlsx",
        None,
    ),
    (
        "zip that is no workbook",
        _replace("collection_actions.xlsx", _zip_bytes()),
        ["corrupt or unreadable workbook"],
        "collection_actions.xlsx",
        None,
    ),
    ("truncated xlsx", _truncated_xlsx, ["corrupt or unreadable workbook"], "loans.xlsx", None),
    (
        "corrupt parquet",
        _replace("collection_actions.parquet", b"PAR1 not really"),
        ["Parquet"],
        "collection_actions.parquet",
        None,
    ),
    (
        "truncated parquet",
        _truncated_parquet,
        ["corrupt or unreadable Parquet"],
        "loans.parquet",
        None,
    ),
    ("xlsx without header row", _xlsx_one_column, ["no header row"], "loans.xlsx", 1),
    (
        "table unknown",
        _unknown_table,
        ["cannot tell which ledger table", "foo, bar, baz"],
        "data.csv",
        1,
    ),
    ("unterminated quote", _swallowing_quote, ["never closed"], "repayments.csv", 4),
    ("quote closed lines later", _quote_closed_later, ["several lines"], "repayments.csv", 4),
    (
        "wrong delimiter in every row",
        _wrong_delimiter,
        ["no line has the header's 6 fields"],
        "installments.csv",
        2,
    ),
    ("no such path", _nonexistent, ["no such file or folder"], "no_such_folder", None),
    ("empty folder", _empty_folder, ["no ledger files found"], "empty", None),
]


@pytest.mark.parametrize(
    ("case_id", "change", "texts", "file", "line"), CASES, ids=[c[0] for c in CASES]
)
def test_refused_and_database_unchanged(
    tmp_path: Path, base_db: Path, case_id: str, change, texts, file: str, line: int | None
) -> None:
    db = tmp_path / "ledger.duckdb"
    shutil.copy(base_db, db)
    before = _digest(db)
    paths = change(_export(tmp_path))
    with pytest.raises(ImportRefused) as info:
        import_paths(paths, db, as_of=AS_OF)
    message = info.value.message
    head = message.split(": ", 1)[0]
    assert head.endswith(file), message
    if line is not None:
        assert f": line {line}: " in message, message
    for text in texts:
        assert text in message, message
    assert "expected" in message, message
    assert _digest(db) == before
    assert not list(tmp_path.glob("ledger.duckdb.building-*"))


def test_required_table_missing_from_import_and_new_database(tmp_path: Path) -> None:
    folder = _no_repayments(_export(tmp_path))[0]
    with pytest.raises(ImportRefused) as info:
        import_paths([folder], tmp_path / "new.duckdb", as_of=AS_OF)
    message = info.value.message
    assert message.startswith(str(folder)) and "no repayments table" in message
    assert "expected a file such as repayments.csv" in message
    assert not (tmp_path / "new.duckdb").exists()


def test_required_table_already_in_database_is_not_needed(tmp_path: Path, base_db: Path) -> None:
    db = tmp_path / "ledger.duckdb"
    shutil.copy(base_db, db)
    folder = _no_repayments(_export(tmp_path))[0]
    report = import_paths([folder], db, as_of=AS_OF)
    assert report.tables["repayments"] == {"read": 0, "loaded": 0, "rejected": 0}
    assert report.tables["loans"]["loaded"] == 7


MAPPING_CASES = [
    ("not toml", "loans = [", "not valid TOML"),
    ("unknown column", "[loans.columns]\nprincpal = 'Amount'\n", "unknown column 'princpal'"),
    ("unknown section", "[lons.columns]\nloan_id = 'x'\n", "unknown section [lons]"),
    ("bad vocabulary target", "[values.channel]\nwechat = 'chat'\n", "expected one of sms"),
    ("bad unit", "[loans.units]\nprincipal = 'dollars'\n", "expected yuan, fen, wan"),
]


@pytest.mark.parametrize(
    ("case_id", "text", "needle"), MAPPING_CASES, ids=[c[0] for c in MAPPING_CASES]
)
def test_bad_mapping_file_refused(tmp_path: Path, case_id: str, text: str, needle: str) -> None:
    folder = _export(tmp_path)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRefused) as info:
        import_paths([folder], tmp_path / "l.duckdb", mapping=mapping)
    assert str(mapping) in info.value.message and needle in info.value.message
    assert not (tmp_path / "l.duckdb").exists()


def test_cli_refusal_exit_2_one_line_no_traceback(tmp_path: Path, base_db: Path) -> None:
    db = tmp_path / "ledger.duckdb"
    shutil.copy(base_db, db)
    before = _digest(db)
    folder = _export(tmp_path)
    (folder / "loans.csv").write_bytes(codecs.BOM_UTF8 + b"\n \n")
    proc = run_cli("import", str(folder), "--db", str(db), "--json")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "loans.csv: line 1:" in proc.stderr
    out = cli_json(proc)
    assert out["status"] == "refused" and "loans.csv" in out["error"]
    assert _digest(db) == before


def test_cli_db_that_is_not_a_database(tmp_path: Path) -> None:
    folder = _export(tmp_path)
    db = tmp_path / "notes.txt"
    db.write_text("my notes", encoding="utf-8")
    proc = run_cli("import", str(folder), "--db", str(db))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "cannot be read as a ledger" in proc.stderr
    assert db.read_text(encoding="utf-8") == "my notes"


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    proc = run_cli("import", str(tmp_path), "--as-of", "30/09/2024")
    assert proc.returncode == 2 and "expected YYYY-MM-DD" in proc.stderr
    assert "Traceback" not in proc.stderr
