"""The Data page's import from a database (ui/db_source.py → ledger.from_db), through AppTest.

Without a server: a URL typed with a password is refused (and the password taken out of the
field), an unreachable server shows the importer's refusal, and in both the database file stays
byte-identical and the password appears nowhere the app renders (every element, the URL's query
parameters, the session state other than the password field itself). With a throwaway PostgreSQL
(tests/pg_support.py, as tests/test_import_from_db.py): the golden ledger imported through the
page with a mapping upload equals the file import of the golden CSVs; a wrong password and a
missing table are refused as worded, password masked.

The PostgreSQL part is skipped without the server binaries, except under CI=true (it fails).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from charts.i18n import t
from ledger.importer import import_paths
from tests.app_support import release_the_app_connections
from tests.golden import REPO, golden_dir
from tests.import_support import RAW_TABLES, snapshot, table_rows
from tests.pg_support import GOLDEN_MAPPING, free_port, load_golden, require_pg_bin, server
from ui import db_source

PASSWORD = "Tq9-page-s3cret-5521"
USER = "page_reader"
DBNAME = "lender_page"
AS_OF = date(2024, 9, 30)
URL_KEY, PASSWORD_KEY = "dp_db_url", "dp_db_password"


@pytest.fixture(autouse=True)
def _no_configured_source(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LEDGER_DB_URL", "LEDGER_DB_PASSWORD", "PGPASSWORD"):
        monkeypatch.delenv(name, raising=False)


def open_data_page(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "en") -> AppTest:
    monkeypatch.setenv("LEDGER_DB", str(db))
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def import_from(
    at: AppTest, url: str, password: str = "", mapping: str | None = None, as_of: date = AS_OF
) -> AppTest:
    """Fill in the database form and click its Import button."""
    at.text_input(key=URL_KEY).set_value(url)
    at.text_input(key=PASSWORD_KEY).set_value(password)
    if mapping is not None:
        at.file_uploader(key="dp_db_mapping").set_value(
            ("lender.toml", mapping.encode("utf-8"), "application/toml")
        )
    at.date_input(key="dp_db_as_of").set_value(as_of)
    at.button(key="dp_db_import").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _protos(node: object) -> Iterator[str]:
    proto = getattr(node, "proto", None)
    if proto is not None:
        yield str(proto)
    for child in getattr(node, "children", {}).values():
        yield from _protos(child)


def rendered(at: AppTest) -> str:
    """Everything the app would send to the browser or keep about the session, except the
    password field's own value: every element's message (labels, values, errors, markdown,
    captions, progress texts), the query parameters, the other session-state values."""
    parts = [*_protos(at.main), *_protos(at.sidebar), str(dict(at.query_params))]
    parts += [repr(at.session_state[k]) for k in list(at.session_state) if k != PASSWORD_KEY]
    return "\n".join(parts)


def assert_password_nowhere(at: AppTest, password: str, db: Path) -> None:
    shown = rendered(at)
    assert str(at.error[0].value)[:30] in shown  # the scan does see the messages
    assert password not in shown
    assert password.encode() not in db.read_bytes()


# ------------------------------------------------------------------ without a server
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_password_in_the_url_is_refused_and_taken_out(
    tmp_path: Path, golden_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    db = Path(shutil.copy(golden_db, tmp_path / "ledger.duckdb"))
    before = db.read_bytes()
    at = open_data_page(db, monkeypatch, lang)
    url = f"postgresql+psycopg://{USER}:{PASSWORD}@127.0.0.1:{free_port()}/{DBNAME}"
    import_from(at, url)
    assert len(at.error) == 1
    message = str(at.error[0].value)
    masked = f"postgresql+psycopg://{USER}:***@127.0.0.1"
    assert message.startswith(masked)
    assert message.endswith(t("data_db_password_in_url", lang).split("}", 1)[1])
    assert at.text_input(key=URL_KEY).value == url.replace(f":{PASSWORD}@", "@")
    assert not at.status  # refused before any connection was tried
    assert db.read_bytes() == before
    assert_password_nowhere(at, PASSWORD, db)


def test_an_unreachable_server_shows_the_refusal_and_never_the_password(
    tmp_path: Path, golden_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Path(shutil.copy(golden_db, tmp_path / "ledger.duckdb"))
    before = db.read_bytes()
    at = open_data_page(db, monkeypatch)
    import_from(at, f"postgresql+psycopg://{USER}@127.0.0.1:{free_port()}/{DBNAME}", PASSWORD)
    assert len(at.error) == 1
    message = str(at.error[0].value)
    assert message.startswith(f"postgresql+psycopg://{USER}:***@127.0.0.1:")
    assert "cannot reach the database server" in message
    assert at.status[0].label == t("data_refused", "en")
    assert db.read_bytes() == before
    assert not list(tmp_path.glob(".ledger.duckdb.from-db-*"))  # temporary CSVs removed
    assert_password_nowhere(at, PASSWORD, db)
    # kept in its own field for another try, and only there
    assert at.text_input(key=PASSWORD_KEY).value == PASSWORD


def test_an_empty_or_malformed_url_is_refused(
    tmp_path: Path, golden_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Path(shutil.copy(golden_db, tmp_path / "ledger.duckdb"))
    at = open_data_page(db, monkeypatch, "zh")
    import_from(at, "  ")
    assert [e.value for e in at.error] == [t("data_db_no_url", "zh")]
    import_from(at, "not a url")
    assert [e.value for e in at.error] == [t("data_db_not_a_url", "zh")]


def test_ledger_db_url_is_the_default_without_its_password(
    tmp_path: Path, golden_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_DB_URL", f"postgresql+psycopg://{USER}:{PASSWORD}@db.internal/core")
    at = open_data_page(golden_db, monkeypatch)
    assert at.text_input(key=URL_KEY).value == f"postgresql+psycopg://{USER}@db.internal/core"
    assert at.text_input(key=PASSWORD_KEY).value == ""
    assert PASSWORD not in rendered(at)


def test_the_configured_password_goes_to_the_configured_server_only() -> None:
    env = {"LEDGER_DB_URL": "postgresql+psycopg://ro@db.internal:5432/core"}
    env["LEDGER_DB_PASSWORD"] = "server-side-pw"
    same = db_source.build_url("postgresql+psycopg://ro@db.internal:5432/core", "", env)
    assert same.password == "server-side-pw"
    other = db_source.build_url("postgresql+psycopg://ro@evil.example:5432/core", "", env)
    assert other.password is None
    typed = db_source.build_url("postgresql+psycopg://ro@evil.example:5432/core", "typed", env)
    assert typed.password == "typed"
    with_pw = {"LEDGER_DB_URL": "postgresql+psycopg://ro:from-url@db.internal/core"}
    assert db_source.build_url("postgresql+psycopg://ro@db.internal/core", "", with_pw).password
    with pytest.raises(db_source.UrlProblem) as problem:
        db_source.build_url("postgresql+psycopg://ro:pw123@db.internal/core", "", env)
    assert problem.value.code == "data_db_password_in_url"
    assert problem.value.shown == "postgresql+psycopg://ro:***@db.internal/core"


# ------------------------------------------------------------------ with PostgreSQL
@pytest.fixture(scope="module")
def pg_port() -> Iterator[int]:
    with server(require_pg_bin(), PASSWORD) as port:
        load_golden(port, PASSWORD, USER, DBNAME)
        yield port


def _url(port: int) -> str:
    return f"postgresql+psycopg://{USER}@127.0.0.1:{port}/{DBNAME}"


@pytest.fixture(scope="module")
def file_import(tmp_path_factory: pytest.TempPathFactory, golden_db: Path) -> Path:
    """The golden CSVs imported as files into a copy of the golden database (the page's start)."""
    db = Path(shutil.copy(golden_db, tmp_path_factory.mktemp("page_file") / "ledger.duckdb"))
    import_paths([golden_dir()], db, as_of=AS_OF)
    return db


def test_the_golden_ledger_through_the_page_equals_its_file_import(
    pg_port: int,
    file_import: Path,
    tmp_path: Path,
    golden_db: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = Path(shutil.copy(golden_db, tmp_path / "ledger.duckdb"))
    at = open_data_page(db, monkeypatch)
    assert t("data_no_report", "en") in " ".join(str(i.value) for i in at.info)
    import_from(at, _url(pg_port), PASSWORD, mapping=GOLDEN_MAPPING)
    assert not at.error, [e.value for e in at.error]
    assert any("Imported (data as of 2024-09-30)" in str(s.value) for s in at.success)
    release_the_app_connections()
    assert snapshot(db, RAW_TABLES) == snapshot(file_import, RAW_TABLES)
    assert table_rows(db, "loan_month") == table_rows(file_import, "loan_month")
    assert table_rows(db, "rejects") == []
    # the page shows the new import's report, and where it came from (password masked)
    assert t("data_no_report", "en") not in " ".join(str(i.value) for i in at.info)
    sources = table_rows(db, "imports")[-1][3]
    assert f"{USER}:***@127.0.0.1" in sources and "core.loan_master" in sources
    # the password was used once: its field is empty again, and it is nowhere else
    assert at.text_input(key=PASSWORD_KEY).value == ""
    assert PASSWORD not in rendered(at)
    assert PASSWORD.encode() not in db.read_bytes()


@pytest.mark.parametrize(
    ("password", "mapping", "expected"),
    [
        ("not-the-password", GOLDEN_MAPPING, "refused the user name or password"),
        (PASSWORD, '[source.tables]\nloans = "core.no_such_loans"\n', "core.no_such_loans not"),
        (PASSWORD, GOLDEN_MAPPING.replace("paid_date", "paid_day"), "paid_day"),
    ],
    ids=["wrong_password", "missing_table", "missing_column"],
)
def test_refusals_from_the_server_are_shown_as_worded(
    pg_port: int,
    tmp_path: Path,
    golden_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    password: str,
    mapping: str,
    expected: str,
) -> None:
    db = Path(shutil.copy(golden_db, tmp_path / "ledger.duckdb"))
    before = db.read_bytes()
    at = open_data_page(db, monkeypatch)
    import_from(at, _url(pg_port), password, mapping=mapping)
    assert len(at.error) == 1
    message = str(at.error[0].value)
    assert message.startswith(f"postgresql+psycopg://{USER}:***@127.0.0.1:{pg_port}/{DBNAME}")
    assert expected in message
    assert db.read_bytes() == before
    assert_password_nowhere(at, password, db)
