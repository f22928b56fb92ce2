"""A benchmark's commands run against its own database with a linkage model of that database's
own, never the one in Seen's var folder (which would make ingest match on arrival and `seen link`
score with another partnership's weights)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from seen.bench.runner import bench_environment, forget_linkage_model, run_seen


def test_a_sqlite_benchmark_keeps_its_model_beside_its_database(tmp_path: Path) -> None:
    env = bench_environment(f"sqlite:///{tmp_path / 'bench.sqlite3'}")
    assert env["SEEN_LINK_MODEL"] == str(tmp_path / "linkage-model.json")
    assert env["DATABASE_URL"] == f"sqlite:///{tmp_path / 'bench.sqlite3'}"


def test_a_postgresql_benchmark_keeps_one_per_database() -> None:
    first = bench_environment("postgresql://postgres@127.0.0.1:5432/seen_bench_3000")
    second = bench_environment("postgresql://postgres@127.0.0.1:5432/seen_bench_10000")
    assert first["SEEN_LINK_MODEL"] == str(
        Path(tempfile.gettempdir()) / "seen-bench-seen_bench_3000" / "model.json"
    )
    assert first["SEEN_LINK_MODEL"] != second["SEEN_LINK_MODEL"]


def test_the_commands_it_runs_read_that_model(tmp_path: Path) -> None:
    measured = run_seen(
        ["shell", "-c", "from seen.linkage.settings import model_path; print(model_path())"],
        database_url=f"sqlite:///{tmp_path / 'bench.sqlite3'}",
    )
    assert measured.stdout.strip().splitlines()[-1] == str(tmp_path / "linkage-model.json")


def test_a_database_made_afresh_forgets_the_model_of_the_one_before(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    model = Path(bench_environment(url)["SEEN_LINK_MODEL"])
    model.write_text("{}")
    model.with_name("term_frequencies.json").write_text("{}")
    forget_linkage_model(url)
    assert not model.exists() and not model.with_name("term_frequencies.json").exists()
    forget_linkage_model(url)  # nothing there: nothing to do
