"""Linkage under faults: term frequencies written whole or not at all, a truncated copy that
makes matching on arrival stop and say so (not crash after the rows are saved) until `seen link`
rebuilds it, a link run killed or failing part-way found and marked interrupted, and DuckDB's
temporary files kept in Seen's own folder under a size cap."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from seen.core import clock
from seen.ingest.models import IngestBatch
from seen.linkage.batch import run_batch
from seen.linkage.incremental import save_term_frequencies, tf_path
from seen.linkage.models import LinkRun
from seen.linkage.prepare import connect
from seen.people.models import SourceRecord
from seen.synth.generator import generate

DB = pytest.mark.django_db


# --- term frequencies ---------------------------------------------------------------------------


def _frequencies(*surnames: str) -> pa.Table:
    return pa.table({"surname": pa.array(list(surnames), type=pa.string())})


def test_term_frequencies_are_written_whole_or_not_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills half-way through writing a new copy: the old copy is still whole."""
    save_term_frequencies(_frequencies("smith", "smith", "jones"), ["surname"])
    before = tf_path().read_text()
    assert json.loads(before)["surname"]["smith"] == pytest.approx(2 / 3)

    real_open = io.open

    class HalfWritten:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def write(self, text: str) -> int:
            self.handle.write(text[: len(text) // 2])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name: str) -> Any:
            return getattr(self.handle, name)

        def __enter__(self) -> HalfWritten:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

    def opening(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        return HalfWritten(handle) if "w" in mode else handle

    with monkeypatch.context() as patched, pytest.raises(OSError, match="No space left"):
        patched.setattr(io, "open", opening)
        patched.setattr(os, "fdopen", opening)
        save_term_frequencies(_frequencies("brown"), ["surname"])
    assert tf_path().read_text() == before
    assert [p.name for p in tf_path().parent.iterdir()] == ["term_frequencies.json"]


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    generate(tmp_path / "x", areas=2, births=60, seed=5, start=date(2025, 4, 1))
    call_command("ingest", str(tmp_path / "x"), "--json", stdout=io.StringIO())
    run_batch()
    return tmp_path


def _one_more_mother(source: Path, folder: Path, local_id: str = "LATE-1") -> Path:
    """The same extract again with one more record of a mother already held."""
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("truth"))
    with (folder / "people.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    mother = next(r for r in rows if r["sex"] == "female" and r["nhs_number"] and r["dob"])
    with (folder / "people.csv").open("a", newline="") as handle:
        csv.DictWriter(handle, fieldnames=list(rows[0])).writerow({**mother, "id": local_id})
    return folder


@DB
def test_a_truncated_term_frequencies_file_stops_matching_not_the_ingest(linked: Path) -> None:
    whole = tf_path().read_text()
    tf_path().write_text(whole[: len(whole) // 2])  # a copy cut short (the old, unsafe write)
    folder = _one_more_mother(linked / "x", linked / "again")
    out = io.StringIO()
    with pytest.raises(CommandError, match="seen link"):
        call_command("ingest", str(folder), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["accepted"] == 1 and report["linked_on_arrival"] is None
    assert report["matching"]["status"] == "failed"
    assert "term_frequencies.json" in report["matching"]["detail"]
    batch = IngestBatch.objects.get(pk=report["batch"])
    assert batch.status == IngestBatch.Status.UNMATCHED
    assert "term_frequencies.json" in batch.note and "seen link" in batch.note
    late = SourceRecord.objects.get(local_id="LATE-1")
    assert late.person_id is None  # kept, waiting for `seen link`

    run_batch()  # `seen link` rebuilds the file and links what waited
    assert json.loads(tf_path().read_text()).keys() == json.loads(whole).keys()
    late.refresh_from_db()
    assert late.person_id is not None
    again = _one_more_mother(linked / "x", linked / "third", "LATE-2")
    out = io.StringIO()
    call_command("ingest", str(again), "--json", stdout=out)
    assert json.loads(out.getvalue())["matching"]["status"] == "linked"


@DB
def test_a_truncated_term_frequencies_file_makes_the_look_up_by_details_say_so(
    linked: Path,
) -> None:
    """ED's "check a child" by details matches through the same files: with one cut short it
    says the look-up is unavailable (a 400 on the page) rather than failing with a 500."""
    from seen.casefile.lookup import Details, LookupError_, find_children

    whole = tf_path().read_text()
    tf_path().write_text(whole[: len(whole) // 2])
    with pytest.raises(LookupError_, match="seen link"):
        find_children(Details(surname="Anyone", dob=date(2025, 6, 1)))


# --- link runs ----------------------------------------------------------------------------------


def _gone_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@DB
def test_a_run_left_without_an_end_is_found_interrupted(linked: Path) -> None:
    killed = LinkRun.objects.create(
        kind=LinkRun.Kind.BATCH,
        auto_link_threshold=0.9,
        review_threshold=0.5,
        started_at=clock.now(),
        host=socket.gethostname(),
        pid=_gone_pid(),
    )
    assert killed.status == LinkRun.Status.RUNNING
    before = clock.now()
    run = run_batch()
    killed.refresh_from_db()
    assert killed.status == LinkRun.Status.INTERRUPTED and killed.finished_at is None
    assert killed.interrupted_found_at is not None and killed.interrupted_found_at >= before
    assert run.status == LinkRun.Status.COMPLETE and run.finished_at is not None
    assert killed.interrupted_found_at <= run.started_at  # found as the next run started


@DB
def test_a_run_elsewhere_still_going_is_left_running(linked: Path) -> None:
    other = LinkRun.objects.create(
        kind=LinkRun.Kind.INCREMENTAL,
        auto_link_threshold=0.9,
        review_threshold=0.5,
        started_at=clock.now(),
        host=socket.gethostname(),
        pid=os.getpid(),  # this very process: still there
    )
    run_batch()
    other.refresh_from_db()
    assert other.status == LinkRun.Status.RUNNING


@DB
def test_a_run_that_fails_part_way_says_so_at_once(
    linked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seen.linkage.model import LinkageModel

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise duckdb.OutOfMemoryException("failed to offload data block")

    monkeypatch.setattr(LinkageModel, "predict", broken)
    before = LinkRun.objects.count()
    with pytest.raises(duckdb.OutOfMemoryException):
        run_batch()
    run = LinkRun.objects.latest("pk")
    assert LinkRun.objects.count() == before + 1  # the run is recorded from its start
    assert run.status == LinkRun.Status.INTERRUPTED and run.interrupted_found_at is not None
    assert "failed to offload" in run.note


def _database_url() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{settings['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_killed_link_process_is_found_by_the_next_run(linked: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "seen", "link", "--json", "--retrain"],
        env={**os.environ, "DATABASE_URL": _database_url()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not LinkRun.objects.filter(pid=process.pid, status=LinkRun.Status.RUNNING).exists():
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed = LinkRun.objects.get(pid=process.pid)
    assert killed.finished_at is None and killed.status == LinkRun.Status.RUNNING
    out = io.StringIO()
    call_command("link", "--json", stdout=out)
    killed.refresh_from_db()
    assert killed.status == LinkRun.Status.INTERRUPTED and killed.interrupted_found_at
    assert LinkRun.objects.get(pk=json.loads(out.getvalue())["run"]).status == "complete"


# --- DuckDB's temporary files -------------------------------------------------------------------


def test_duckdb_spills_into_seens_folder_under_a_cap(tmp_path: Path) -> None:
    scratch = tmp_path / "var-tmp"
    with override_settings(SEEN_TMP_DIR=scratch, SEEN_TMP_MAX_BYTES=1_000_000):
        con = connect(memory_limit="20MB", threads=1)
    try:
        (setting,) = con.execute("SELECT current_setting('temp_directory')").fetchall()
        folder = Path(setting[0])
        assert folder.is_relative_to(scratch)
        with pytest.raises(duckdb.Error, match="max_temp_directory_size"):
            con.execute(
                "CREATE TABLE t AS SELECT range AS i, md5(range::VARCHAR) AS s "
                "FROM range(3000000) ORDER BY s"
            )
    finally:
        con.close()
    assert [p for p in scratch.rglob("*") if p.is_file()] == []
