"""The benchmark keeps working: a quick run on 2,000 loans has every figure, and the pandas
version of the derivation agrees with the database row by row. No timed assertions: timings
on a shared machine are not a test (bench/RESULTS.md holds the figures)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden import REPO, golden_dir

pytestmark = pytest.mark.slow


def _bench_json(script: str, *args: str, timeout: float) -> dict:
    """Run bench/SCRIPT with --json; its last line of output, parsed."""
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / script), *args, "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> dict:
    data = tmp_path_factory.mktemp("bench_data")
    work = tmp_path_factory.mktemp("bench_work")
    return _bench_json(
        "run.py",
        *("--loans", "2000", "--quick", "--data-dir", str(data), "--work-dir", str(work), "--keep"),
        timeout=600,
    )


def test_every_figure_is_there(quick: dict) -> None:
    for key in (
        "machine",
        "versions",
        "rows",
        "import",
        "pages",
        "pages_summary",
        "pandas",
        "incremental",
        "targets",
        "load_average_end",
    ):
        assert key in quick, key
    assert quick["machine"]["cpus"] >= 1 and quick["machine"]["memory_gb"] > 0
    assert quick["rows"]["loans"] == 2000
    assert quick["rows"]["installments"] > 2000 and quick["rows"]["loan_month"] > 2000
    assert set(quick["skipped"]) >= {"postgres", "browser"}


def test_import_and_derivation_are_timed_apart(quick: dict) -> None:
    imp = quick["import"]
    assert imp["importer"] == "ledger.importer.import_paths"
    assert 0 < imp["derive_s"] < imp["total_s"]
    assert imp["import_s"] > 0 and imp["peak_rss_mb"] > 50 and imp["db_size_mb"] > 0
    steps = {s["step"] for s in imp["steps"]}
    assert {"20_installment_paid", "50_loan_points", "70_loan_month"} <= steps
    assert all(s["wall_s"] >= 0 and s["cpu_s"] >= 0 for s in imp["steps"])
    assert 0 < imp["core_derive_s"] <= imp["derive_s"]
    assert "derivation" in imp["phases"]


def test_every_page_is_timed(quick: dict) -> None:
    from ui.navigation import SECTIONS

    urls = {url for entries in SECTIONS.values() for _, _, _, url in entries}
    assert set(quick["pages"]) == urls
    overview = quick["pages"]["overview"]
    assert overview["calls"] >= 1, "the overview page ran no query"
    for url, page in quick["pages"].items():
        if page.get("missing"):
            continue
        assert not page["errors"], (url, page["errors"])
        assert page["cold_ms"] > 0 and page["warm_ms"] >= 0
        assert len(page["per_call"]) == page["calls"]
    # the pages that ask for their queries together are timed running them together
    together = ("overview", "early_warning", "roll_rates", "channels", "recovery", "agencies")
    for url in (*together, "conduct", "repayment_plans"):
        assert quick["pages"][url]["batches"] == 1, url


def test_pandas_agrees_with_the_database(quick: dict) -> None:
    pd_result = quick["pandas"]
    assert "error" not in pd_result, pd_result.get("error")
    check = pd_result["check"]
    assert check["rows_db"] == check["rows_pandas"] > 0
    assert check["agrees"], check
    assert pd_result["agrees_checksum"]
    assert pd_result["ratio"] > 0


def test_incremental_month_gives_the_rebuild(quick: dict) -> None:
    inc = quick["incremental"]
    assert inc["same_result_as_full"]
    assert inc["month_total_s"] > 0 and inc["ratio"] > 0


def test_targets_are_judged(quick: dict) -> None:
    names = {t["target"] for t in quick["targets"]}
    assert {
        "import_plus_derive_s",
        "peak_rss_mb",
        "page_warm_ms_max",
        "page_cold_ms_max",
        "first_chart_ms",
        "pandas_over_duckdb",
        "postgres_over_duckdb",
        "incremental_over_full",
    } <= names
    judged = {t["target"]: t for t in quick["targets"]}
    assert judged["first_chart_ms"]["met"] is None  # not run in the quick mode
    assert isinstance(judged["peak_rss_mb"]["met"], bool)


def test_postgres_derivation_agrees(quick: dict) -> None:
    """The PostgreSQL version of the derivation (not run by --quick) on the same database."""
    sys.path.insert(0, str(REPO / "bench"))
    import postgres_derivation

    if postgres_derivation.pg_bin() is None:
        pytest.skip("PostgreSQL server not installed (apt-get install -y postgresql)")
    result = postgres_derivation.run(Path(quick["work_dir"]) / "ledger.duckdb")
    assert result["agrees"], result
    assert set(result["steps"]) >= {"30_installment_paid", "50_loan_points", "60_loan_month"}


@pytest.mark.parametrize("stage", ["memory", "file"])
def test_import_profile_times_every_phase(tmp_path: Path, stage: str) -> None:
    """bench/profile_import.py on the golden export: the importer's phases, the checks and the
    merge are timed, and the rows staged where it was asked to."""
    result = _bench_json(
        "profile_import.py",
        *(str(golden_dir()), "--stage", stage, "--work-dir", str(tmp_path)),
        timeout=300,
    )
    assert result["staged_in"] == stage
    assert result["rows"]["loans"] == 7
    assert "checking rows against each other" in result["phases"]
    parts = dict(result["parts"])
    for name in ("duplicates collection_actions", "out_of_order", "import_merge_new"):
        assert name in parts, parts
    assert list(tmp_path.iterdir()) == []  # nothing left behind in the work directory
