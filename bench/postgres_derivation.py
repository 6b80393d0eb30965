"""The core derivation on PostgreSQL (the benchmark's "what a user might use instead" (b)).

Starts Debian's PostgreSQL server (`apt-get install -y postgresql`) on 127.0.0.1 with a free
port in a fresh temporary cluster, loads the raw tables of a ledger DuckDB file into it (COPY
from CSV files that DuckDB writes), runs bench/postgres/*.sql — the same derivation as
ledger/sql/derive/{01,10,20,30,50,70}, in PostgreSQL's dialect: LATERAL index lookups instead of
ASOF joins — timing each file, checks the result against the DuckDB loan_month by checksums,
then stops the server and removes the cluster.

PostgreSQL refuses to run as root: as root the cluster is owned by the `postgres` system user
(which Debian's package creates) and the server is started through `runuser -u postgres --`.

    python bench/postgres_derivation.py --db FILE [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

SQL_DIR = Path(__file__).with_name("postgres")
# A benchmark scratch cluster: durability off (the tables are unlogged anyway), memory sized for
# a 2-core / 24 GB machine, parallel query on, JIT off (it costs more than it saves here).
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "shared_buffers": "2GB",
    "work_mem": "256MB",
    "maintenance_work_mem": "1GB",
    "effective_cache_size": "8GB",
    "max_parallel_workers_per_gather": "2",
    "max_wal_size": "8GB",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "jit": "off",
}


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin directory, if any."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def server() -> Iterator[dict[str, object]]:
    """A running scratch PostgreSQL: yields {port, version, dir}; stopped and removed after."""
    bindir = pg_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL server not installed (apt-get install -y postgresql)")
    root = Path(tempfile.mkdtemp(prefix="bench_pg_"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    log = root / "server.log"
    try:
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale=C",
                ]
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        opts = " ".join(f"-c {k}={v}" for k, v in SERVER_SETTINGS.items())
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(log),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    f"-p {port} -k {sock} {opts}",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        version = subprocess.run(
            [str(bindir / "postgres"), "--version"], capture_output=True, text=True
        ).stdout.strip()
        yield {"port": port, "version": version, "dir": root}
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                capture_output=True,
            )
        shutil.rmtree(root, ignore_errors=True)


def cluster_cpu(data_dir: Path) -> float:
    """CPU seconds used so far by the server: the postmaster and every live child (backends,
    parallel workers), plus the children it has already reaped (cutime/cstime)."""
    try:
        postmaster = int((data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError):
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == postmaster:
            total += sum(int(x) for x in fields[11:15]) / tick  # utime stime cutime cstime
        elif ppid == postmaster:
            total += sum(int(x) for x in fields[11:13]) / tick
    return total


def export_csv(db: Path, out: Path) -> dict[str, Path]:
    """The raw columns PostgreSQL needs, as CSV files the server can read."""
    from ledger.db import connect

    queries = {
        "loans": "SELECT loan_id, disbursed_date, principal, closed_date, close_reason FROM loans",
        "installments": "SELECT loan_id, installment_no, due_date, principal_due, interest_due,"
        " fee_due FROM installments",
        "repayments": "SELECT loan_id, paid_date, amount FROM repayments",
    }
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o755)
    con = connect(db, read_only=True)
    paths = {}
    try:
        for table, sql in queries.items():
            path = out / f"{table}.csv"
            con.execute(f"COPY ({sql}) TO '{path}' (HEADER false)")
            path.chmod(0o644)
            paths[table] = path
        settings = con.execute(
            "SELECT as_of, paid_tolerance, write_off_after_dpd, bucket_edges FROM derive_settings"
        ).fetchone()
    finally:
        con.close()
    paths_settings = out / "settings.json"
    paths_settings.write_text(
        json.dumps([str(settings[0]), float(settings[1]), settings[2], list(settings[3])])
    )
    return paths


CHECKSUM = """
SELECT count(*), sum(dpd), sum(outstanding_principal), sum(past_due_amount),
       count(*) FILTER (WHERE state = 'WO'), count(*) FILTER (WHERE state = 'closed'),
       count(*) FILTER (WHERE state = 'M0'), count(*) FILTER (WHERE state = 'M6'),
       count(*) FILTER (WHERE prev_state IS NOT NULL)
FROM loan_month
"""


def duckdb_checksum(db: Path) -> list[float]:
    from ledger.db import connect

    con = connect(db, read_only=True)
    try:
        return [float(v or 0) for v in con.execute(CHECKSUM).fetchone()]
    finally:
        con.close()


def run(db: Path) -> dict[str, object]:
    """Load `db`'s raw tables into a scratch PostgreSQL and time the derivation there."""
    import psycopg

    result: dict[str, object] = {}
    with server() as srv:
        result["version"] = srv["version"]
        result["settings"] = SERVER_SETTINGS
        started = time.perf_counter()
        files = export_csv(db, Path(srv["dir"]) / "csv")
        result["export_s"] = round(time.perf_counter() - started, 3)
        as_of, tol, wo_after, edges = json.loads(
            (Path(srv["dir"]) / "csv" / "settings.json").read_text()
        )
        with psycopg.connect(
            host="127.0.0.1", port=srv["port"], user="postgres", dbname="postgres", autocommit=True
        ) as con:
            con.execute((SQL_DIR / "00_schema.sql").read_text())
            con.execute(
                "INSERT INTO derive_settings VALUES (%s, %s, %s, %s)", (as_of, tol, wo_after, edges)
            )
            started = time.perf_counter()
            for table, path in files.items():
                con.execute(f"COPY {table} FROM '{path}' (FORMAT csv)")
                con.execute(f"ANALYZE {table}")
            result["load_s"] = round(time.perf_counter() - started, 3)
            steps, steps_cpu = {}, {}
            data_dir = Path(srv["dir"]) / "data"
            total, total_cpu = time.perf_counter(), cluster_cpu(data_dir)
            for path in sorted(SQL_DIR.glob("*.sql")):
                if path.name.startswith("00_"):
                    continue
                started, cpu0 = time.perf_counter(), cluster_cpu(data_dir)
                con.execute(path.read_text())
                steps[path.stem] = round(time.perf_counter() - started, 3)
                steps_cpu[path.stem] = round(cluster_cpu(data_dir) - cpu0, 3)
            result["derive_s"] = round(time.perf_counter() - total, 3)
            result["cpu_s"] = round(cluster_cpu(data_dir) - total_cpu, 3)
            result["steps"] = steps
            result["steps_cpu"] = steps_cpu
            got = [float(v or 0) for v in con.execute(CHECKSUM).fetchone()]
        want = duckdb_checksum(db)
        result["checksum"] = got
        result["agrees"] = all(abs(a - b) < 0.005 for a, b in zip(got, want, strict=True))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a derived ledger database")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.db)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
