"""Shared fixtures: test databases built once per session.

- golden_db: the golden ledger (shared/golden) loaded straight into the raw tables and derived
  as of its expected.json date — no importer involved, so derivation tests stand on their own.
- sample_db: the bundled small sample (sample_data/small) imported with the real importer, the
  way the app does on first start; used by page and story tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.golden import REPO, expected, golden_dir


def build_golden_db(path: Path) -> Path:
    from ledger.db import connect, create_raw_tables
    from ledger.derive import derive

    g = golden_dir()
    con = connect(path)
    try:
        create_raw_tables(con)
        con.execute(
            "INSERT INTO loans SELECT loan_id, borrower_id, disbursed_date, principal, term_months,"
            " product, region, risk_grade, NULL, acquisition_channel, closed_date, close_reason"
            " FROM read_csv($f)",
            {"f": str(g / "loans.csv")},
        )
        con.execute(
            "INSERT INTO installments SELECT * FROM read_csv($f)",
            {"f": str(g / "installments.csv")},
        )
        con.execute(
            "INSERT INTO repayments SELECT payment_id, loan_id, paid_date, paid_date, amount, NULL"
            " FROM read_csv($f)",
            {"f": str(g / "repayments.csv")},
        )
        con.execute(
            "INSERT INTO collection_actions SELECT action_id, loan_id, action_at, channel, NULL,"
            " agency, outcome, ptp_amount, ptp_date, cost, complaint, contact_target"
            " FROM read_csv($f)",
            {"f": str(g / "collection_actions.csv")},
        )
        derive(con, as_of=date.fromisoformat(expected()["as_of"]))
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def golden_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_golden_db(tmp_path_factory.mktemp("golden_raw") / "golden.duckdb")


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ledger.importer import import_paths

    path = tmp_path_factory.mktemp("sample") / "ledger.duckdb"
    import_paths([REPO / "sample_data" / "small"], path)
    return path


@pytest.fixture(autouse=True, scope="module")
def _release_the_app_connections() -> Iterator[None]:
    """After each module, close the read-only connections the app opened in this process
    (tests/app_support.py), so that later tests may open the same files with other settings."""
    yield
    from tests.app_support import release_the_app_connections

    release_the_app_connections()
