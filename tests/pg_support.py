"""A throwaway PostgreSQL server for the --from-db tests (CLI, Data page, sample ledger).

Debian's PostgreSQL: initdb in a temp dir, 127.0.0.1 on a free port, password authentication
(scram-sha-256); as root through `runuser -u postgres`, like bench/postgres_derivation.py. Without
the binaries a test module using it is skipped, except under CI=true, where it fails: CI installs
them, so their absence there is a broken setup, not a reason to pass.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.golden import golden_dir


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def require_pg_bin() -> Path:
    """The bin folder; skips the calling test without it (fails under CI=true)."""
    bindir = pg_bin()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries missing under CI (apt-get install -y postgresql)")
        pytest.skip("PostgreSQL server not installed (apt-get install -y postgresql)")
    return bindir


def free_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def server(bindir: Path, password: str) -> Iterator[int]:
    """A scratch PostgreSQL with password authentication on 127.0.0.1 (superuser `postgres`
    with `password`); yields its port, stops it and removes its files afterwards."""
    root = Path(tempfile.mkdtemp(prefix="ledger_from_db_pg_"))
    data, sock, pwfile = root / "data", root / "sock", root / "pw"
    sock.mkdir()
    pwfile.write_text(password + "\n")
    if os.geteuid() == 0:
        for p in (root, sock, pwfile):
            shutil.chown(p, "postgres")
    port = free_port()
    try:
        subprocess.run(
            _as_owner(
                [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--no-sync",
                 "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C"]
            ),
            check=True, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_owner(
                [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w",
                 "-t", "60", "-o", opts, "start"]
            ),
            check=True, capture_output=True, text=True, timeout=90,
        )  # fmt: skip
        yield port
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(root, ignore_errors=True)


def create_reader(port: int, password: str, user: str, dbname: str) -> str:
    """A login role owning a new database; returns the libpq conninfo to connect as it."""
    import psycopg

    admin = f"host=127.0.0.1 port={port} user=postgres password={password} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f"CREATE ROLE {user} LOGIN PASSWORD '{password}'")
        con.execute(f"CREATE DATABASE {dbname} OWNER {user}")
    return f"host=127.0.0.1 port={port} user={user} password={password} dbname={dbname}"


# The golden ledger as a lender might hold it: loans under another schema and name, repayments
# read through a query (the mapping's [source] section), plus a table missing a date column.
GOLDEN_SCHEMA_SQL = """
CREATE SCHEMA core;
CREATE TABLE core.loan_master (
    loan_id text, borrower_id text, disbursed_date date, principal numeric(14, 2),
    term_months integer, product text, region text, risk_grade text,
    acquisition_channel text, closed_date date, close_reason text);
CREATE TABLE installments (
    loan_id text, installment_no integer, due_date date, principal_due numeric(14, 2),
    interest_due numeric(14, 2), fee_due numeric(14, 2));
CREATE TABLE core.pay (
    payment_id text, loan_id text, paid_date date, amount numeric(14, 2));
CREATE TABLE collection_actions (
    action_id text, loan_id text, action_at timestamp, channel text, agency text, outcome text,
    ptp_amount numeric(14, 2), ptp_date date, cost numeric(14, 2), complaint boolean,
    contact_target text);
CREATE TABLE core.pay_nodate AS SELECT payment_id, loan_id, amount FROM core.pay WITH NO DATA;
"""
GOLDEN_TARGETS = {
    "loans": "core.loan_master",
    "installments": "installments",
    "repayments": "core.pay",
    "collection_actions": "collection_actions",
}
GOLDEN_MAPPING = """
[source.tables]
loans = "core.loan_master"
[source.queries]
repayments = "SELECT payment_id, loan_id, paid_date, amount FROM core.pay"
"""


def load_golden(port: int, password: str, user: str, dbname: str) -> None:
    """The golden CSVs into GOLDEN_TARGETS of a new database `dbname` owned by `user`."""
    import psycopg

    conninfo = create_reader(port, password, user, dbname)
    with psycopg.connect(conninfo) as con:
        con.execute(GOLDEN_SCHEMA_SQL)
        with con.cursor() as cur:
            for table, target in GOLDEN_TARGETS.items():
                data = (golden_dir() / f"{table}.csv").read_bytes()
                with cur.copy(f"COPY {target} FROM STDIN (FORMAT csv, HEADER true)") as cp:
                    cp.write(data)
