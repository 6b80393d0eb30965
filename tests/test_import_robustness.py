"""Bad input nobody wrote a case for: seeded random damage to the golden export. Whatever it
is, the command line answers 0 (applied) or 2 (refused) with one JSON object, never a
traceback or an internal error, and an applied import reconciles every row it read."""

from __future__ import annotations

import contextlib
import io
import json
import random
from pathlib import Path

import pytest

from ledger.cli import main
from ledger.importer import import_paths
from tests.golden import golden_dir
from tests.import_support import GOLDEN_TABLES


def _damage(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    kind = rng.randrange(12)
    i = rng.randrange(1, max(2, len(lines) - 1))
    if kind == 0:  # flip a few bytes
        b = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if kind == 1:  # cut the file anywhere
        return data[: rng.randrange(len(data))]
    if kind == 2:  # a stray quote
        at = rng.randrange(len(data))
        return data[:at] + b'"' + data[at:]
    if kind == 3:  # another delimiter on one line
        lines[i] = lines[i].replace(b",", b";", rng.randint(1, 3))
    elif kind == 4:  # a line twice
        lines.insert(i, lines[i])
    elif kind == 5:  # old Mac line ends
        return data.replace(b"\n", b"\r")
    elif kind == 6:  # a BOM in the middle
        at = rng.randrange(len(data))
        return data[:at] + b"\xef\xbb\xbf" + data[at:]
    elif kind == 7:  # another encoding
        return data.decode("utf-8").encode(rng.choice(["utf-16", "gbk", "utf-8-sig"]))
    elif kind == 8:  # odd values in one field
        parts = lines[i].split(b",")
        parts[rng.randrange(len(parts))] = rng.choice(
            [b"9" * 40, b"-0", b"1e999", b"NaN", b"0x1F", b"99999-99-99", b"\xe4\xb8\xad", b""]
        )
        lines[i] = b",".join(parts)
    elif kind == 9:  # blank and white-space lines
        lines.insert(i, rng.choice([b"", b"   ", b",,,,", b"\t"]))
    elif kind == 10:  # columns swapped in the data only
        rows = [ln.split(b",") for ln in lines[1:]]
        if rows and len(rows[0]) > 2:
            a, b = rng.sample(range(len(rows[0])), 2)
            for r in rows:
                if len(r) > max(a, b):
                    r[a], r[b] = r[b], r[a]
        lines = lines[:1] + [b",".join(r) for r in rows]
    else:  # junk at the end
        return data + rng.choice([b",,,,\n", b"\n\n\n", b"   ", b'"', b"\x00"])
    return b"\n".join(lines)


@pytest.mark.parametrize("seed", range(8))
def test_random_damage_is_applied_or_refused_cleanly(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    export = tmp_path / "export"
    export.mkdir()
    damaged = rng.sample(GOLDEN_TABLES, rng.randint(1, 2))
    for table in GOLDEN_TABLES:
        data = (golden_dir() / f"{table}.csv").read_bytes()
        if table in damaged:
            for _ in range(rng.randint(1, 3)):
                data = _damage(data, rng)
        (export / f"{table}.csv").write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(
            [
                "import",
                str(export),
                "--db",
                str(tmp_path / "l.duckdb"),
                "--json",
                "--as-of",
                "2024-09-30",
            ]
        )
    assert code in (0, 2)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    assert "failed:" not in err.getvalue(), err.getvalue()  # refused, never crashed
    report = json.loads(out.getvalue())
    if code == 0:
        for table, t in report["tables"].items():
            assert t["read"] == t["loaded"] + t["rejected"], table
    else:
        assert report["status"] == "refused" and report["error"].startswith(str(export))


def test_progress_reports_rise_to_one(tmp_path: Path) -> None:
    seen: list[tuple[float, str]] = []
    import_paths([golden_dir()], tmp_path / "l.duckdb", progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert any("deriving" in m for _, m in seen) and any(m.startswith("read ") for _, m in seen)
