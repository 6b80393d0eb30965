"""The same ledger in other shapes gives the same database: GBK with Chinese headers and values,
UTF-8 with BOM and CRLF, UTF-16, Excel, Parquet, and another system's export read through a
mapping file (examples/other_system)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from ledger.importer import import_paths
from tests.golden import REPO, expected, golden_dir
from tests.import_support import GOLDEN_TABLES, RAW_TABLES, golden_rows, snapshot, table_rows

AS_OF = date.fromisoformat(expected()["as_of"])

ZH_HEADERS = {
    "loans": {
        "loan_id": "借款编号",
        "borrower_id": "客户编号",
        "disbursed_date": "放款日期",
        "principal": "放款金额",
        "term_months": "期数",
        "product": "产品",
        "region": "省份",
        "risk_grade": "风险等级",
        "acquisition_channel": "获客渠道",
        "closed_date": "结清日期",
        "close_reason": "结清原因",
    },
    "installments": {
        "loan_id": "借款编号",
        "installment_no": "期次",
        "due_date": "应还日期",
        "principal_due": "应还本金",
        "interest_due": "应还利息",
        "fee_due": "应还费用",
    },
    "repayments": {
        "payment_id": "还款编号",
        "loan_id": "借款编号",
        "paid_date": "实还日期",
        "amount": "实还金额",
    },
    "collection_actions": {
        "action_id": "催记编号",
        "loan_id": "借款编号",
        "action_at": "催收时间",
        "channel": "催收方式",
        "agency": "委外机构",
        "outcome": "催收结果",
        "ptp_amount": "承诺还款金额",
        "ptp_date": "承诺还款日期",
        "cost": "成本",
        "complaint": "投诉",
        "contact_target": "联系对象",
    },
}
ZH_FILES = {
    "loans": "借款信息",
    "installments": "还款计划",
    "repayments": "还款记录",
    "collection_actions": "催收记录",
}
ZH_VALUES = {
    "channel": {
        "sms": "短信",
        "phone": "电话",
        "ivr": "智能语音",
        "field_visit": "上门",
        "third_party": "委外",
    },
    "outcome": {
        "delivered": "已送达",
        "ptp": "承诺还款",
        "no_answer": "未接通",
        "refused": "拒绝还款",
        "contacted": "已联系",
    },
    "contact_target": {"borrower": "本人", "emergency_contact": "紧急联系人"},
    "complaint": {"true": "是", "false": "否"},
    "close_reason": {"prepaid": "提前结清"},
}


def _golden(table: str) -> list[dict[str, str]]:
    with (golden_dir() / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    encoding: str,
    delimiter: str = ",",
    newline: str = "\n",
) -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter, lineterminator=newline)
        w.writerow(header)
        w.writerows(rows)


def chinese_export(folder: Path, encoding: str) -> Path:
    """The golden ledger as a Chinese core system writes it: Chinese file names, headers and
    vocabulary, amounts with ￥ and 元, dates as 2024年1月15日 and 2024/1/15."""
    folder.mkdir(parents=True)
    for table in GOLDEN_TABLES:
        rows = _golden(table)
        cols = list(rows[0])
        out = []
        for r in rows:
            row = []
            for c in cols:
                v = r[c]
                if c in ZH_VALUES and v:
                    v = ZH_VALUES[c].get(v, v)
                if c == "disbursed_date":
                    y, m, d = v.split("-")
                    v = f"{y}年{int(m)}月{int(d)}日"
                elif c in ("due_date", "paid_date") and v:
                    y, m, d = v.split("-")
                    v = f"{y}/{int(m)}/{int(d)}"
                elif c in ("principal", "amount") and v:
                    v = f"￥{float(v):,.2f}"
                elif c == "principal_due":
                    v = f"{v}元"
                row.append(v)
            out.append(row)
        header = [ZH_HEADERS[table][c] for c in cols]
        _write(folder / f"{ZH_FILES[table]}.csv", header, out, encoding)
    return folder


@pytest.fixture(scope="module")
def golden_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("golden") / "ledger.duckdb"
    import_paths([golden_dir()], db, as_of=AS_OF)
    return db


def _same_ledger(db: Path, golden_db: Path) -> None:
    assert snapshot(db) == snapshot(golden_db)


def test_gbk_chinese_export_equals_its_utf8_twin_and_the_golden(tmp_path: Path, golden_db) -> None:
    gbk = chinese_export(tmp_path / "gbk", "gbk")
    utf8 = chinese_export(tmp_path / "utf8", "utf-8")
    assert (gbk / "借款信息.csv").read_bytes() != (utf8 / "借款信息.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        (gbk / "催收记录.csv").read_bytes().decode("utf-8")
    db_gbk, db_utf8 = tmp_path / "gbk.duckdb", tmp_path / "utf8.duckdb"
    r_gbk = import_paths([gbk], db_gbk, as_of=AS_OF)
    r_utf8 = import_paths([utf8], db_utf8, as_of=AS_OF)
    assert r_gbk.rejects == {} and r_utf8.rejects == {}
    assert {f["encoding"] for f in r_gbk.files} == {"gb18030"}
    assert r_gbk.tables == r_utf8.tables
    tables = (*RAW_TABLES, "loan_month", "installment_status")
    assert snapshot(db_gbk, tables) == snapshot(db_utf8, tables)
    assert snapshot(db_gbk, tables) == snapshot(golden_db, tables)


def test_utf8_bom_and_crlf(tmp_path: Path, golden_db) -> None:
    folder = tmp_path / "bom"
    folder.mkdir()
    for table in GOLDEN_TABLES:
        rows = _golden(table)
        _write(
            folder / f"{table}.csv",
            list(rows[0]),
            [list(r.values()) for r in rows],
            "utf-8-sig",
            newline="\r\n",
        )
    report = import_paths([folder], tmp_path / "l.duckdb", as_of=AS_OF)
    assert report.rejects == {}
    _same_ledger(tmp_path / "l.duckdb", golden_db)


def test_utf16_tab_separated_with_mixed_line_ends(tmp_path: Path, golden_db) -> None:
    folder = tmp_path / "u16"
    folder.mkdir()
    for i, table in enumerate(GOLDEN_TABLES):
        rows = _golden(table)
        _write(
            folder / f"{table}.txt",
            list(rows[0]),
            [list(r.values()) for r in rows],
            "utf-16" if i % 2 else "utf-8",
            delimiter="\t",
            newline="\r\n" if i < 2 else "\n",
        )
    text = (folder / "repayments.txt").read_text(encoding="utf-8")
    (folder / "repayments.txt").write_text(text.replace("\n", "\r\n", 3), encoding="utf-8")
    report = import_paths([folder], tmp_path / "l.duckdb", as_of=AS_OF)
    assert report.rejects == {}, report.rejects
    _same_ledger(tmp_path / "l.duckdb", golden_db)


def test_excel_workbook_with_a_sheet_per_table_and_a_title_row(tmp_path: Path, golden_db):
    import pandas as pd

    path = tmp_path / "ledger_export.xlsx"
    with pd.ExcelWriter(path, engine="xlsxwriter") as xw:
        for table in GOLDEN_TABLES:
            frame = pd.read_csv(golden_dir() / f"{table}.csv", dtype=str, keep_default_na=False)
            for col in ("disbursed_date", "due_date", "paid_date", "ptp_date"):
                if col in frame:  # real date cells, as Excel users have them
                    frame[col] = pd.to_datetime(frame[col].replace("", None))
            if "action_at" in frame:
                frame["action_at"] = pd.to_datetime(frame["action_at"])
            for col in ("principal", "amount", "principal_due", "interest_due", "cost"):
                if col in frame:
                    frame[col] = frame[col].astype(float)
            frame.to_excel(xw, sheet_name=table, index=False, startrow=1)
            xw.sheets[table].write(0, 0, f"{table} 导出 2024-09")  # a title above the header
        pd.DataFrame({"说明": ["导出说明"]}).to_excel(xw, sheet_name="说明", index=False)
    db = tmp_path / "l.duckdb"
    report = import_paths([path], db, as_of=AS_OF)
    assert report.rejects == {}, report.rejects
    for table in GOLDEN_TABLES:
        assert report.tables[table]["loaded"] == golden_rows(table)
    assert any("说明" in s["file"] for s in report.skipped)
    _same_ledger(db, golden_db)
    first = [r for r in report.files if r["table"] == "loans"][0]
    assert first["file"].endswith("[loans]")


def test_parquet_typed_columns(tmp_path: Path, golden_db) -> None:
    import duckdb

    folder = tmp_path / "pq"
    folder.mkdir()
    con = duckdb.connect()
    for table in GOLDEN_TABLES:
        con.execute(
            f"COPY (SELECT * FROM read_csv($p)) TO '{folder / (table + '.parquet')}' "
            "(FORMAT parquet)",
            {"p": str(golden_dir() / f"{table}.csv")},
        )
    con.close()
    db = tmp_path / "l.duckdb"
    report = import_paths([folder], db, as_of=AS_OF)
    assert report.rejects == {}, report.rejects
    _same_ledger(db, golden_db)


def test_other_system_export_through_its_mapping(tmp_path: Path, golden_db) -> None:
    example = REPO / "examples" / "other_system"
    db = tmp_path / "hengtai.duckdb"
    report = import_paths([example / "export"], db, mapping=example / "mapping.toml", as_of=AS_OF)
    assert report.rejects == {}
    for table in GOLDEN_TABLES:
        assert report.tables[table] == {
            "read": golden_rows(table),
            "loaded": golden_rows(table),
            "rejected": 0,
        }

    def renamed(rows: list[tuple]) -> list[tuple]:
        """The export's ids (HT-001, TX01, CL01) as the golden ones (L001, P01, A01)."""
        back = {"HT-": "L", "TX": "P", "CL": "A"}
        return sorted(
            tuple(
                back[v[:3] if v.startswith("HT-") else v[:2]] + v[3 if v.startswith("HT-") else 2 :]
                if isinstance(v, str) and v.startswith(("HT-", "TX", "CL"))
                else v
                for v in r
            )
            for r in rows
        )

    for table in ("installments", "repayments", "collection_actions"):
        assert renamed(table_rows(db, table)) == table_rows(golden_db, table), table
    got = {r[0].replace("HT-", "L"): r for r in table_rows(db, "loans")}
    for r in table_rows(golden_db, "loans"):
        g = got[r[0]]
        assert (g[2], g[3], g[4], g[6], g[10], g[11]) == (r[2], r[3], r[4], r[6], r[10], r[11])
        assert g[5] == r[5].upper()
    extras = table_rows(db, "loan_extras")
    assert {e[1] for e in extras} == {"VIP_FLAG"}
    loans_file = next(f for f in report.files if f["table"] == "loans")
    assert set(loans_file["pii_dropped"]) == {"KUNDE_NAME", "MOBILE_NO"}
