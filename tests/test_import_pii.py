"""Personal data never reaches the database in clear: PII columns are dropped (by name or by
content), ids that are phone or ID-card numbers are stored as a keyed hash, and the original
text of rejected rows has them replaced by [PII]."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ledger import pii
from ledger.importer import import_paths
from tests.golden import expected
from tests.import_support import all_tables, copy_golden, golden_lines, rejects, write_lines

AS_OF = date.fromisoformat(expected()["as_of"])

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏"]
PHONES = [f"139{n:08d}" for n in range(10000001, 10000008)]
ID_CARDS = [f"11010519{80 + n}0{n + 1}0{n + 1}123{n}" for n in range(7)]
ADDRESSES = [f"北京市朝阳区建国路{n}号" for n in range(7)]
EMAILS = [f"user{n}@example.com" for n in range(7)]
CONTACT_PHONES = [f"186{n:08d}" for n in range(20000001, 20000008)]
BORROWER_PHONE = "13712345678"
AGENT_PHONE = "15000000001"
REMARK_PHONE = "13500001111"
LOAN_ID_CARD = "110105198001010012"  # a loan numbered by its borrower's ID card
SECRETS = [
    *NAMES,
    *PHONES,
    *ID_CARDS,
    *ADDRESSES,
    *EMAILS,
    *CONTACT_PHONES,
    BORROWER_PHONE,
    AGENT_PHONE,
    REMARK_PHONE,
    LOAN_ID_CARD,
]


def _export(folder: Path) -> Path:
    copy_golden(folder)
    loans = golden_lines("loans")
    out = [loans[0] + ",姓名,手机号,身份证号,地址,email,紧急联系人电话,remark,segment"]
    for i, line in enumerate(loans[1:]):
        if i == 0:
            line = line.replace(",B01,", f",{BORROWER_PHONE},")
        remark = f"call {REMARK_PHONE} after 6pm" if i == 2 else "ok"
        out.append(
            f"{line},{NAMES[i]},{PHONES[i]},{ID_CARDS[i]},{ADDRESSES[i]},{EMAILS[i]},"
            f"{CONTACT_PHONES[i]},{remark},{'gold' if i % 2 else 'silver'}"
        )
    # a rejected row and a malformed line that both carry personal data
    out.append(
        f"L100,B100,2024-02-01,abc,2,cash_loan,Henan,A,app_store,,,{NAMES[0]},"
        f"{PHONES[0]},{ID_CARDS[0]},{ADDRESSES[0]},{EMAILS[0]},{CONTACT_PHONES[0]},x,gold"
    )
    out.append(f"L101,B101,2024-02-01,{PHONES[1]},{NAMES[1]}")
    write_lines(folder / "loans.csv", [ln.replace("L007", LOAN_ID_CARD) for ln in out])
    for table in ("installments", "repayments"):
        lines = golden_lines(table)
        write_lines(folder / f"{table}.csv", [ln.replace("L007", LOAN_ID_CARD) for ln in lines])
    acts = [ln.replace("L007", LOAN_ID_CARD) for ln in golden_lines("collection_actions")]
    acts = [acts[0] + ",agent_id"] + [
        a + f",{AGENT_PHONE if i == 0 else 'agent7'}" for i, a in enumerate(acts[1:])
    ]
    write_lines(folder / "collection_actions.csv", acts)
    pays = [ln.replace("L007", LOAN_ID_CARD) for ln in golden_lines("repayments")]
    write_lines(
        folder / "repayments.csv",
        [pays[0] + ",payer_mobile"] + [p + f",{PHONES[3]}" for p in pays[1:]],
    )
    return folder


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("pii")
    db = base / "ledger.duckdb"
    report = import_paths([_export(base / "export")], db, as_of=AS_OF)
    return db, report


def test_no_personal_data_in_any_table(imported) -> None:
    db, _ = imported
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table in all_tables(db):
            cols = [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
            text = " ".join(
                str(v) for row in con.execute(f'SELECT * FROM "{table}"').fetchall() for v in row
            )
            for secret in SECRETS:
                assert secret not in text, (table, secret)
            assert cols  # every table was read
    finally:
        con.close()


def test_no_personal_data_in_the_file_bytes(imported) -> None:
    db, _ = imported
    data = db.read_bytes()
    for secret in SECRETS:
        assert secret.encode("utf-8") not in data, secret


def test_pii_columns_dropped_and_segment_kept(imported) -> None:
    db, report = imported
    con = duckdb.connect(str(db), read_only=True)
    names = {r[0] for r in con.execute("SELECT DISTINCT name FROM loan_extras").fetchall()}
    con.close()
    assert names == {"segment"}
    loans = next(f for f in report.files if f["table"] == "loans")
    assert set(loans["pii_dropped"]) == {
        "姓名",
        "手机号",
        "身份证号",
        "地址",
        "email",
        "紧急联系人电话",
        "remark",
    }
    pays = next(f for f in report.files if f["table"] == "repayments")
    assert pays["pii_dropped"] == ["payer_mobile"]


def test_a_loan_id_that_is_an_id_card_number_is_hashed_everywhere(imported) -> None:
    db, report = imported
    key = pii.load_key(db)
    hashed = pii.keyed_hash(key, LOAN_ID_CARD)
    con = duckdb.connect(str(db), read_only=True)
    for table in ("loans", "installments", "repayments"):
        n = con.execute(f"SELECT count(*) FROM {table} WHERE loan_id = $h", {"h": hashed})
        assert n.fetchone()[0] > 0, table
    con.close()
    assert report.tables["installments"]["rejected"] == 0  # not orphaned by the hashing


def test_ids_that_are_phone_numbers_are_keyed_hashes(imported) -> None:
    db, _ = imported
    key = pii.load_key(db)
    con = duckdb.connect(str(db), read_only=True)
    borrower = con.execute("SELECT borrower_id FROM loans WHERE loan_id = 'L001'").fetchone()[0]
    agent = con.execute(
        "SELECT agent_id FROM collection_actions WHERE action_id = 'A01'"
    ).fetchone()
    others = con.execute("SELECT borrower_id FROM loans WHERE loan_id = 'L002'").fetchone()[0]
    con.close()
    assert borrower == pii.keyed_hash(key, BORROWER_PHONE)
    assert agent[0] == pii.keyed_hash(key, AGENT_PHONE)
    assert others == "B02"  # an ordinary id stays as it is


def test_rejected_rows_keep_their_text_without_personal_data(imported) -> None:
    db, report = imported
    rows = {r["line"]: r for r in rejects(db) if r["table_name"] == "loans"}
    assert report.rejects == {"unparseable_amount": 1, "wrong_field_count": 1}
    bad_amount = rows[9]
    assert bad_amount["original_text"].startswith("L100,B100,2024-02-01,abc,")
    assert "[PII]" in bad_amount["original_text"] and ",gold" in bad_amount["original_text"]
    assert rows[10]["original_text"].startswith("L101,B101,2024-02-01,[PII],[PII]")


def test_key_file_beside_the_database_is_private(imported) -> None:
    db, _ = imported
    path = pii.key_path(db)
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert pii.load_key(db) == pii.load_key(db)


def test_key_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LEDGER_PII_KEY", "a shared secret")
    assert pii.load_key(tmp_path / "x.duckdb") == b"a shared secret"
    assert not pii.key_path(tmp_path / "x.duckdb").exists()


@pytest.mark.parametrize(
    ("header", "is_pii"),
    [
        ("客户姓名", True),
        ("borrower_name", True),
        ("Mobile", True),
        ("电话", True),
        ("id_number", True),
        ("Home Address", True),
        ("E-mail", True),
        ("紧急联系人", True),
        ("银行卡号", True),
        ("product_name", False),
        ("region", False),
        ("客户类型", False),
        ("segment", False),
        ("iphone_model", False),
    ],
)
def test_pii_headers(header: str, is_pii: bool) -> None:
    assert pii.is_pii_header(header) is is_pii


def test_sql_hash_equals_python_hash() -> None:
    con = duckdb.connect()
    pii.install_pii_macros(con, b"k3y")
    for value in ("13800138000", "张三", "B01"):
        got = con.execute("SELECT ledger_pii_hash($v)", {"v": value}).fetchone()[0]
        assert got == pii.keyed_hash(b"k3y", value)
    text = "tel 13800138000,13900139000,13700137000 or a@b.cn"
    red = con.execute("SELECT ledger_pii_redact($v)", {"v": text}).fetchone()[0]
    assert red == pii.redact(text) == "tel [PII],[PII],[PII] or [PII]"
    con.close()
