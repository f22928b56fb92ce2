"""A partnership's extract may carry its directory of services (services.json, Open Referral
UK): `ingest_extract` imports it as `seen services import` does, after the areas it names and
before the referrals that name its services; a refused entry is reported as a refused file is,
and an agency system's extract may not replace the partnership's directory."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from seen.directory.models import Service
from seen.facts.models import ServiceReferral
from seen.ingest.loader import ingest_extract

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "directory"


def _first_id() -> str:
    return str(json.loads((FIXTURES / "services.json").read_text())[0]["id"])


def test_the_directory_loads_before_the_referrals_that_name_it(
    extract: Callable[..., Path],
) -> None:
    folder = extract(
        service_referrals=[
            {
                "agency": "QAV-MAT",
                "id": "SR1",
                "date": "2025-06-10",
                "subject": "F1",
                "child": "B1",
                "service": _first_id(),
                "reason": "Offered a group for fathers",
                "basis": "consent",
            },
        ]
    )
    shutil.copy(FIXTURES / "services.json", folder / "services.json")
    summary = ingest_extract(folder)
    assert summary.refused_files == []
    assert summary.directory is not None and summary.directory["loaded"] == 8
    assert summary.tables["service_referrals"].accepted == 1
    assert ServiceReferral.objects.get(local_id="SR1").service.oruk_id == _first_id()
    again = ingest_extract(folder)  # nothing changes the second time
    assert again.directory is not None and again.directory["unchanged"] == 8
    assert Service.objects.count() == 8


def test_a_refused_entry_is_reported_and_the_rest_load(extract: Callable[..., Path]) -> None:
    folder = extract()
    entries = json.loads((FIXTURES / "services.json").read_text())
    entries[1]["status"] = "open all hours"
    (folder / "services.json").write_text(json.dumps(entries))
    summary = ingest_extract(folder)
    assert summary.directory is not None and summary.directory["loaded"] == 7
    [refused] = summary.refused_files
    assert refused["file"] == "services.json" and "entry 1" in refused["reason"]
    assert "status" in refused["reason"]


def test_an_unreadable_directory_is_refused_whole(extract: Callable[..., Path]) -> None:
    folder = extract()
    (folder / "services.json").write_text('{"id": "x", "name": ')
    summary = ingest_extract(folder)
    assert [r["file"] for r in summary.refused_files] == ["services.json"]
    assert Service.objects.count() == 0
    assert summary.totals.accepted > 0  # the extract's tables still load


def test_an_agency_system_may_not_replace_the_directory(extract: Callable[..., Path]) -> None:
    ingest_extract(extract())  # the partnership first
    folder = extract()
    shutil.copy(FIXTURES / "services.json", folder / "services.json")
    summary = ingest_extract(folder, for_agency="QAV-MAT")
    assert any(
        r["file"] == "services.json" and "partnership's to load" in r["reason"]
        for r in summary.refused_files
    )
    assert Service.objects.count() == 0
