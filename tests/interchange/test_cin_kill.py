"""A real `seen import cin-census` process killed while it loads leaves nothing of the return,
and importing it again loads it whole."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from seen.areas.models import Agency, Area
from seen.facts.models import Referral
from seen.ingest.models import IngestBatch, QuarantinedRow
from seen.people.models import SourceRecord
from tests.interchange.cin_xml import AGENCY, census, child, full_episode

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

CHILDREN = 3000


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{settings['NAME']}"


def _loading() -> bool:
    """Whether another process holds a write transaction open: the import's one load."""
    if connection.vendor == "sqlite":
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.rollback()
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            other.close()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE mode = 'RowExclusiveLock' "
            "AND pid <> pg_backend_pid()"
        )
        return bool(cursor.fetchone()[0])


def _run(path: Path, tmp: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": _database_url(), "SEEN_TMP_DIR": str(tmp)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "seen",
            "import",
            "cin-census",
            str(path),
            "--agency",
            AGENCY,
            "--json",
            "--no-link",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_killing_the_import_while_it_loads_leaves_nothing(tmp_path: Path) -> None:
    area = Area.objects.create(code="QAV", name="Quarry Vale")
    Agency.objects.create(
        code=AGENCY, name="Children's Social Care", kind="childrens_social_care", area=area
    )
    faulty = child(full_episode(), child_id="BAD", born=None)
    children = [child(full_episode(), child_id=f"K{n}") for n in range(CHILDREN)]
    path = tmp_path / "return.xml"
    path.write_text(census(faulty, *children), encoding="utf-8")

    process = _run(path, tmp_path / "seen-tmp")
    deadline = time.monotonic() + 120
    while not _loading():
        assert time.monotonic() < deadline, "the import never began to load"
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        time.sleep(0.02)
    time.sleep(0.5)  # well into the load: thousands of rows written, none committed
    assert process.poll() is None, "the import finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()

    assert not IngestBatch.objects.exists()
    assert not SourceRecord.objects.exists() and not Referral.objects.exists()
    assert not QuarantinedRow.objects.exists()

    rerun = _run(path, tmp_path / "seen-tmp")
    _, errors = rerun.communicate(timeout=300)
    assert rerun.returncode == 1, errors.decode()  # one child quarantined
    assert SourceRecord.objects.count() == CHILDREN
    assert Referral.objects.count() == CHILDREN
    assert list(QuarantinedRow.objects.values_list("row__LAchildID", flat=True)) == ["BAD"]
    assert list(IngestBatch.objects.values_list("status", flat=True)) == ["complete"]
    assert not list((tmp_path / "seen-tmp").glob("cin-*"))  # the killed run's folder swept
