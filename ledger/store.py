"""The database file and its atomic replacement.

An import never writes into the database the dashboard reads. It builds a new file beside it,
`<db>.building-<pid>`, copies the rows it keeps from the current file (attached read-only),
loads, validates and derives there, checkpoints and closes it, fsyncs it, and then renames it
onto `<db>` with os.replace — one atomic step on POSIX. A process killed at any moment leaves
either the previous file untouched (before the rename) or the complete new one (after it);
the half-built file is removed by the next import. An advisory lock (`<db>.lock`) keeps two
imports from building at the same time.

LEDGER_TEST_PAUSE_AT=<stage> makes the importer stop at that stage (printing
"LEDGER_PAUSED <stage>" on stderr) so that a test can kill it there deterministically.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from ledger.errors import refuse

PAUSE_ENV = "LEDGER_TEST_PAUSE_AT"
STAGES = (
    "locked",
    "read",
    "staged",
    "validated",
    "merged",
    "derived",
    "recorded",
    "checkpointed",
    "closed",
    "synced",
    "replaced",
)


def pause_point(stage: str) -> None:
    """Test hook: sleep (until killed) at the named stage."""
    if os.environ.get(PAUSE_ENV) == stage:
        print(f"LEDGER_PAUSED {stage}", file=sys.stderr, flush=True)
        time.sleep(3600)


def building_path(db: Path) -> Path:
    return db.with_name(f"{db.name}.building-{os.getpid()}")


def _stale(db: Path) -> list[Path]:
    prefix = f"{db.name}.building-"
    return [p for p in db.parent.glob(f"{db.name}.building-*") if p.name.startswith(prefix)]


def remove_stale(db: Path) -> list[Path]:
    """Delete what imports that died left (half-built file, its WAL, temporary folder); call
    with the lock held, so that none of them belongs to a running import."""
    removed = []
    for p in _stale(db):
        with contextlib.suppress(FileNotFoundError):
            if p.is_dir():  # the temporary folder of transcoded files
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink()
            removed.append(p)
    return removed


@contextlib.contextmanager
def import_lock(db: Path) -> Iterator[None]:
    """Hold `<db>.lock` for the whole import; refuse when another import holds it."""
    db.parent.mkdir(parents=True, exist_ok=True)
    lock = db.with_name(db.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise refuse(
                db, None, "another import into this database is running", "one import at a time"
            ) from None
        yield
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a directory be fsynced
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def swap_in(built: Path, db: Path) -> None:
    """Make the finished file the database: fsync it, rename it over `db`, fsync the folder."""
    wal = built.with_name(built.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"{built}: a write-ahead log is left after closing; not swapping")
    fsync_file(built)
    pause_point("synced")
    os.replace(built, db)
    fsync_dir(db.parent)
