"""A real `seen ingest` process killed mid-run leaves no half-applied row, and a re-run finishes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from seen.ingest.models import IngestBatch
from seen.people.models import Residence, SourceRecord
from tests.fixtures.partnership import small_partnership, write_extract

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PEOPLE = 40_000


def _big_extract(directory: Path) -> Path:
    tables = small_partnership()
    tables["people"] = [
        {
            "agency": "QAV-MAT",
            "id": f"K{n}",
            "forename": f"Forename{n}",
            "surname": f"Surname{n % 997}",
            "dob": f"19{70 + n % 30}-0{1 + n % 9}-1{n % 10}",
            "sex": "female" if n % 2 else "male",
            "postcode": f"QA1 {n % 10}AB",
            "phone": f"07700 900{n % 1000:03d}",
        }
        for n in range(PEOPLE)
    ]
    tables["residences"] = [
        {"agency": "QAV-MAT", "id": f"R{n}", "person": f"K{n}", "postcode": f"QA1 {n % 10}AB"}
        for n in range(0, PEOPLE, 4)
    ]
    for name in ("pregnancies", "relationships", "contacts", "convictions"):
        tables[name] = []
    return write_extract(directory, tables)


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{settings['NAME']}"


def _run_ingest(directory: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": _database_url()}
    return subprocess.Popen(
        [sys.executable, "-m", "seen", "ingest", str(directory), "--chunk-size", "500", "--json",
         "--no-link"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _assert_every_row_whole(directory: Path) -> None:
    """Each record held is exactly its row in the file: nothing written by halves."""
    expected = {
        row["id"]: row for row in _big_extract_rows(directory / "people.csv")
    }
    for local_id, forename, surname, phone, batch_id in SourceRecord.objects.values_list(
        "local_id", "forename", "surname", "phone", "batch_id"
    ):
        row = expected[local_id]
        assert (forename, surname, phone) == (row["forename"], row["surname"], row["phone"])
        assert batch_id is not None


def _big_extract_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_killing_ingest_mid_run_never_half_applies_a_row(tmp_path: Path) -> None:
    directory = _big_extract(tmp_path / "big")
    process = _run_ingest(directory)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        accepted = (
            IngestBatch.objects.filter(status=IngestBatch.Status.RUNNING)
            .values_list("accepted", flat=True)
            .first()
        )
        if accepted and accepted > 2_000:
            break
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL

    people_held = SourceRecord.objects.count()
    assert 0 < people_held < PEOPLE, "the kill should land part-way through people.csv"
    _assert_every_row_whole(directory)
    batch = IngestBatch.objects.get()
    assert batch.status == IngestBatch.Status.RUNNING  # never reached the end
    held_from_batch = (
        sum(
            model.objects.filter(batch=batch).count()  # type: ignore[attr-defined]
            for model in (SourceRecord, Residence)
        )
        + 2 + 2 + 2 + 1  # areas, districts, agencies, practitioners
    )
    assert batch.accepted == held_from_batch  # counters committed with their rows

    rerun = _run_ingest(directory)
    _, errors = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, errors.decode()
    assert SourceRecord.objects.count() == PEOPLE
    assert Residence.objects.count() == PEOPLE // 4
    _assert_every_row_whole(directory)
    statuses = dict(IngestBatch.objects.values_list("pk", "status"))
    assert sorted(statuses.values()) == ["complete", "interrupted"]
