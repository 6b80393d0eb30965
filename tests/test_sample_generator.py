"""The sample-ledger generator: deterministic, conforming to LEDGER.md, internally consistent.

A ledger of a few thousand loans is generated once per module (about a second); the checks run
as DuckDB SQL over its CSV files, the way an importer would see them. The 1M-loan timing is the
benchmark's business, not a test's.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from sample_data import story
from sample_data.generate import SMALL_DIR, SMALL_LOANS, build_small_sample, generate
from sample_data.writer import LOANS_ZH_HEADERS, TABLES

REPO = Path(__file__).resolve().parents[1]
N_LOANS = 5000
SEED = 11
AS_OF = "2026-10-31"

# The contract's columns (shared/spec/LEDGER.md) and vocabularies.
REQUIRED = {
    "loans": {"loan_id", "borrower_id", "disbursed_date", "principal"},
    "installments": {"loan_id", "installment_no", "due_date", "principal_due", "interest_due"},
    "repayments": {"loan_id", "paid_date", "amount"},
    "collection_actions": {"loan_id", "action_at", "channel"},
}
OPTIONAL = {
    "loans": {
        "term_months",
        "product",
        "region",
        "risk_grade",
        "credit_score",
        "acquisition_channel",
        "closed_date",
        "close_reason",
    },
    "installments": {"fee_due", "amount_due"},
    "repayments": {"payment_id", "installment_no"},
    "collection_actions": {
        "action_id",
        "agent_id",
        "agency",
        "outcome",
        "ptp_amount",
        "ptp_date",
        "cost",
        "complaint",
        "contact_target",
    },
}
EXTRA_LOAN_COLUMNS = {"borrower_type", "fin_edu"}  # become segments
CHANNELS = {
    "sms",
    "phone",
    "ivr",
    "app_push",
    "email",
    "field_visit",
    "third_party",
    "legal",
    "repayment_plan",
}
OUTCOMES = {
    "no_answer",
    "unreachable",
    "wrong_party",
    "delivered",
    "contacted",
    "ptp",
    "refused",
    "paid",
    "visited",
    "plan_agreed",
}
CLOSE_REASONS = {"paid_off", "prepaid", "written_off", "restructured", "sold"}
TARGETS = {"borrower", "emergency_contact", "third_party"}


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ledger")
    generate(N_LOANS, SEED, out)
    return out


@pytest.fixture(scope="module")
def con(ledger: Path) -> duckdb.DuckDBPyConnection:
    """The generated CSVs as DuckDB views, typed as the contract says."""
    db = duckdb.connect()
    for table in TABLES:
        path = str(ledger / f"{table}.csv").replace("'", "''")  # a view cannot bind parameters
        db.execute(
            f"CREATE VIEW {table} AS "
            f"SELECT * FROM read_csv('{path}', header = true, all_varchar = true)"
        )
    return db


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    return con.execute(sql).fetchone()[0]


def assert_none(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """`sql` counts the rows breaking a rule; there must be none."""
    assert scalar(con, sql) == 0, sql


# --- Determinism ------------------------------------------------------------------------------
def test_same_seed_same_files(ledger: Path, tmp_path: Path) -> None:
    generate(N_LOANS, SEED, tmp_path)
    assert digest(tmp_path) == digest(ledger)


def test_different_seed_different_files(ledger: Path, tmp_path: Path) -> None:
    generate(N_LOANS, SEED + 1, tmp_path)
    theirs, ours = digest(tmp_path), digest(ledger)
    assert all(theirs[name] != ours[name] for name in ours)


def test_parquet_holds_the_same_rows_as_csv(tmp_path: Path) -> None:
    generate(800, 3, tmp_path / "csv")
    paths = generate(800, 3, tmp_path / "pq", "parquet")
    again = generate(800, 3, tmp_path / "pq2", "parquet")
    assert digest(tmp_path / "pq") == digest(tmp_path / "pq2")
    db = duckdb.connect()
    for table in TABLES:
        assert paths[table].suffix == ".parquet" and again[table].exists()
        schema = pq.read_schema(paths[table])
        cols = ", ".join(schema.names)
        diff = db.execute(
            f"SELECT count(*) FROM (SELECT {cols} FROM read_parquet(?) EXCEPT ALL "
            f"SELECT {cols} FROM read_csv(?, header = true, types = ?))",
            [
                str(paths[table]),
                str(tmp_path / "csv" / f"{table}.csv"),
                {f.name: _duck_type(str(f.type)) for f in schema},
            ],
        ).fetchone()[0]
        assert diff == 0, table


def _duck_type(arrow_type: str) -> str:
    return {
        "string": "VARCHAR",
        "date32[day]": "DATE",
        "int32": "INTEGER",
        "bool": "BOOLEAN",
        "timestamp[s]": "TIMESTAMP",
        "timestamp[ms]": "TIMESTAMP",
        "decimal128(18, 2)": "DECIMAL(18,2)",
    }[arrow_type]


def test_command_line_writes_what_the_function_writes(tmp_path: Path) -> None:
    generate(300, 5, tmp_path / "fn")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sample_data.generate",
            "--loans",
            "300",
            "--seed",
            "5",
            "--out",
            str(tmp_path / "cli"),
        ],
        cwd=REPO,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert digest(tmp_path / "cli") == digest(tmp_path / "fn")


# --- Schema -----------------------------------------------------------------------------------
@pytest.mark.parametrize("table", TABLES)
def test_columns_are_the_contracts(con: duckdb.DuckDBPyConnection, table: str) -> None:
    columns = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    assert REQUIRED[table] <= columns
    extra = columns - REQUIRED[table] - OPTIONAL[table]
    assert extra == (EXTRA_LOAN_COLUMNS if table == "loans" else set())


def test_values_use_the_contract_vocabulary(con: duckdb.DuckDBPyConnection) -> None:
    def values(sql: str) -> set[str]:
        return {r[0] for r in con.execute(sql).fetchall()}

    assert values("SELECT DISTINCT channel FROM collection_actions") <= CHANNELS
    assert values("SELECT DISTINCT outcome FROM collection_actions") <= OUTCOMES
    assert values("SELECT DISTINCT contact_target FROM collection_actions") <= TARGETS
    assert values("SELECT DISTINCT complaint FROM collection_actions") <= {"true", "false"}
    assert (
        values("SELECT DISTINCT close_reason FROM loans WHERE close_reason IS NOT NULL")
        <= CLOSE_REASONS
    )
    assert values("SELECT DISTINCT risk_grade FROM loans") == set(story.GRADES)
    assert values("SELECT DISTINCT borrower_type FROM loans") == {"new", "repeat"}
    assert values("SELECT DISTINCT fin_edu FROM loans") == {"Y", "N"}


def test_typed_values_parse(con: duckdb.DuckDBPyConnection) -> None:
    # Every date, timestamp and amount is in the plain form the contract's readers expect.
    checks = {
        "loans": "CAST(disbursed_date AS DATE), CAST(principal AS DECIMAL(18,2)), "
        "CAST(term_months AS INTEGER), CAST(credit_score AS DOUBLE), "
        "CAST(closed_date AS DATE)",
        "installments": "CAST(installment_no AS INTEGER), CAST(due_date AS DATE), "
        "CAST(principal_due AS DECIMAL(18,2)), CAST(interest_due AS DECIMAL(18,2)),"
        " CAST(fee_due AS DECIMAL(18,2))",
        "repayments": "CAST(paid_date AS DATE), CAST(amount AS DECIMAL(18,2)), "
        "CAST(installment_no AS INTEGER)",
        "collection_actions": "CAST(action_at AS TIMESTAMP), CAST(ptp_amount AS DECIMAL(18,2)), "
        "CAST(ptp_date AS DATE), CAST(cost AS DECIMAL(18,2))",
    }
    for table, exprs in checks.items():
        con.execute(f"SELECT {exprs} FROM {table}").fetchall()


def test_no_personal_data(con: duckdb.DuckDBPyConnection) -> None:
    assert_none(
        con, "SELECT count(*) FROM loans WHERE NOT regexp_full_match(borrower_id, 'B[0-9]+')"
    )


# --- Internal consistency ---------------------------------------------------------------------
def test_keys_are_unique(con: duckdb.DuckDBPyConnection) -> None:
    for table, key in (
        ("loans", "loan_id"),
        ("repayments", "payment_id"),
        ("collection_actions", "action_id"),
        ("installments", "loan_id || '#' || installment_no"),
    ):
        assert scalar(con, f"SELECT count(*) - count(DISTINCT {key}) FROM {table}") == 0, table
    assert scalar(con, "SELECT count(*) FROM loans") == N_LOANS


def test_every_row_belongs_to_a_loan(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("installments", "repayments", "collection_actions"):
        orphans = scalar(
            con, f"SELECT count(*) FROM {table} WHERE loan_id NOT IN (SELECT loan_id FROM loans)"
        )
        assert orphans == 0, table


def test_schedules(con: duckdb.DuckDBPyConnection) -> None:
    assert_none(
        con,
        """
        WITH s AS (
            SELECT loan_id, count(*) AS n, min(CAST(installment_no AS INTEGER)) AS lo,
                   max(CAST(installment_no AS INTEGER)) AS hi,
                   sum(CAST(principal_due AS DECIMAL(18,2))) AS principal_sum,
                   min(CAST(due_date AS DATE)) AS first_due,
                   bool_and(CAST(principal_due AS DECIMAL(18,2)) >= 0
                            AND CAST(interest_due AS DECIMAL(18,2)) >= 0
                            AND CAST(fee_due AS DECIMAL(18,2)) >= 0) AS non_negative
            FROM installments GROUP BY loan_id)
        SELECT count(*) FROM loans l LEFT JOIN s USING (loan_id)
        WHERE s.n IS DISTINCT FROM CAST(l.term_months AS INTEGER) OR s.lo <> 1 OR s.hi <> s.n
           OR s.principal_sum <> CAST(l.principal AS DECIMAL(18,2))
           OR s.first_due <= CAST(l.disbursed_date AS DATE) OR NOT s.non_negative
    """,
    )
    # Due dates strictly increase with installment_no.
    assert_none(
        con,
        """
        SELECT count(*) FROM (
            SELECT CAST(due_date AS DATE) <= lag(CAST(due_date AS DATE)) OVER (
                PARTITION BY loan_id ORDER BY CAST(installment_no AS INTEGER)) AS back
            FROM installments) WHERE back
    """,
    )


def test_amounts_positive_and_dates_not_after_as_of(con: duckdb.DuckDBPyConnection) -> None:
    assert_none(con, "SELECT count(*) FROM loans WHERE CAST(principal AS DECIMAL) <= 0")
    assert_none(con, "SELECT count(*) FROM repayments WHERE CAST(amount AS DECIMAL) <= 0")
    for table, column in (
        ("loans", "disbursed_date"),
        ("loans", "closed_date"),
        ("repayments", "paid_date"),
        ("collection_actions", "action_at"),
    ):
        latest = scalar(con, f"SELECT CAST(max(CAST({column} AS TIMESTAMP)) AS DATE) FROM {table}")
        assert str(latest) <= AS_OF, (table, column)
    # The as-of date is the latest date in the export (what the importer infers).
    assert str(scalar(con, "SELECT max(CAST(paid_date AS DATE)) FROM repayments")) == AS_OF
    assert_none(
        con,
        """
        SELECT count(*) FROM repayments p JOIN loans l USING (loan_id)
        WHERE CAST(p.paid_date AS DATE) < CAST(l.disbursed_date AS DATE)
    """,
    )
    assert_none(
        con,
        """
        SELECT count(*) FROM collection_actions a JOIN loans l USING (loan_id)
        WHERE CAST(a.action_at AS DATE) <= CAST(l.disbursed_date AS DATE)
    """,
    )


def test_promises_to_pay_are_complete(con: duckdb.DuckDBPyConnection) -> None:
    assert_none(
        con,
        """
        SELECT count(*) FROM collection_actions
        WHERE (outcome = 'ptp') <> (ptp_amount IS NOT NULL AND ptp_date IS NOT NULL)
           OR CAST(ptp_amount AS DECIMAL(18,2)) <= 0
           OR CAST(ptp_date AS DATE) < CAST(action_at AS DATE)
    """,
    )
    assert scalar(con, "SELECT count(*) FROM collection_actions WHERE outcome = 'ptp'") > 0


def test_closures_match_the_payments(con: duckdb.DuckDBPyConnection) -> None:
    # A loan closed as paid_off received exactly what its schedule asked, the last of it on the
    # closing day; a prepaid loan paid something on its closing day.
    assert_none(
        con,
        """
        WITH due AS (SELECT loan_id, sum(CAST(principal_due AS DECIMAL(18,2))
                         + CAST(interest_due AS DECIMAL(18,2)) + CAST(fee_due AS DECIMAL(18,2)))
                         AS total FROM installments GROUP BY loan_id),
        paid AS (SELECT loan_id, sum(CAST(amount AS DECIMAL(18,2))) AS total,
                        max(CAST(paid_date AS DATE)) AS last FROM repayments GROUP BY loan_id)
        SELECT count(*) FROM loans l JOIN due d USING (loan_id) JOIN paid p USING (loan_id)
        WHERE l.close_reason = 'paid_off'
          AND (p.total <> d.total OR p.last <> CAST(l.closed_date AS DATE))
    """,
    )
    assert_none(
        con,
        """
        SELECT count(*) FROM loans l WHERE close_reason = 'prepaid' AND NOT EXISTS (
            SELECT 1 FROM repayments p WHERE p.loan_id = l.loan_id
              AND CAST(p.paid_date AS DATE) = CAST(l.closed_date AS DATE))
    """,
    )
    counts = dict(con.execute("SELECT close_reason, count(*) FROM loans GROUP BY 1").fetchall())
    assert counts.get("paid_off", 0) > 0 and counts.get("prepaid", 0) > 0


def test_the_book_has_every_behaviour(con: duckdb.DuckDBPyConnection) -> None:
    # Some of each: channels of the escalation, the three agencies, night calls by one of them.
    channels = {
        r[0] for r in con.execute("SELECT DISTINCT channel FROM collection_actions").fetchall()
    }
    assert channels == CHANNELS - {"email"}
    agencies = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT agency FROM collection_actions WHERE agency IS NOT NULL"
        ).fetchall()
    }
    assert agencies == {a[0] for a in story.AGENCIES}
    night = dict(
        con.execute("""
        SELECT coalesce(agency, ''), count(*) FROM collection_actions
        WHERE hour(CAST(action_at AS TIMESTAMP)) < 8 OR hour(CAST(action_at AS TIMESTAMP)) >= 22
        GROUP BY 1""").fetchall()
    )
    assert max(night, key=night.get) == story.BAD_AGENCY
    repeat = scalar(
        con, "SELECT count(*) FROM (SELECT borrower_id FROM loans GROUP BY 1 HAVING count(*) > 1)"
    )
    assert repeat > 0  # repeat borrowers really have several loans


# --- The committed small sample ---------------------------------------------------------------
def test_small_sample_is_what_the_generator_makes(tmp_path: Path) -> None:
    build_small_sample(tmp_path)
    assert digest(tmp_path) == digest(SMALL_DIR)


def test_small_sample_loans_are_a_gbk_export_with_chinese_headers() -> None:
    raw = (SMALL_DIR / "loans.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gbk")
    header = text.split("\n", 1)[0].split(",")
    assert header == [LOANS_ZH_HEADERS.get(c, c) for c in header_en()]
    assert "现金贷" in text and "广东" in text and "提前结清" in text
    assert text.count("\n") == SMALL_LOANS + 1
    for table in ("installments", "repayments", "collection_actions"):
        (SMALL_DIR / f"{table}.csv").read_bytes().decode("utf-8")


def header_en() -> list[str]:
    from sample_data.writer import SCHEMAS

    return SCHEMAS["loans"].names


def test_small_sample_stays_small() -> None:
    files = sorted(SMALL_DIR.iterdir())
    assert [p.name for p in files] == sorted(f"{t}.csv" for t in TABLES)
    assert sum(p.stat().st_size for p in files) < 40_000_000
