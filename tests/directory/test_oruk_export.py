"""The directory written as Open Referral UK: every service object carries what the standard
requires (with ids on every nested object, the same on every export), the list is ORUK's
`GET /services` envelope, and exporting then importing gives the same rows. And the command."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from seen.areas.models import Area
from seen.directory.models import Service
from seen.directory.oruk_export import export_all, service_object, service_page
from seen.directory.oruk_import import FIELDS, DirectoryFileError, import_document, import_file
from tests.directory.conftest import REFUSED, SERVICES

pytestmark = pytest.mark.django_db
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ENVELOPE = [
    "total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty",
    "contents",
]  # fmt: skip


def _rows() -> dict[str, tuple[Any, ...]]:
    return {
        s.oruk_id: (*(getattr(s, name) for name in FIELDS), sorted(a.code for a in s.areas.all()))
        for s in Service.objects.prefetch_related("areas")
    }


def _ids(document: Any) -> list[str]:
    """Every id in a document, nested ones included."""
    if isinstance(document, dict):
        own = [document["id"]] if "id" in document else []
        return own + [i for key, value in document.items() for i in _ids(value)]
    if isinstance(document, list):
        return [i for value in document for i in _ids(value)]
    return []


def test_a_service_object_has_what_oruk_requires(directory_areas: dict[str, Area]) -> None:
    import_file(SERVICES)
    service = Service.objects.get(name="Safer Homes perpetrator programme")
    found = service_object(service)
    assert {"id", "name", "status", "url"} <= set(found)
    assert found["status"] == "active" and found["url"].startswith("https://")
    assert set(found["organization"]) == {"id", "name", "description"}
    assert found["organization"]["name"] == "Fairhaven Probation Partnership"
    assert found["schedules"] == [
        {"id": found["schedules"][0]["id"], "service_id": service.oruk_id, "freq": "WEEKLY",
         "byday": "WE", "opens_at": "18:00:00", "closes_at": "20:30:00"}
    ]  # fmt: skip
    assert [a["uri"] for a in found["service_areas"]] == ["urn:seen:area:QAV", "urn:seen:area:QBM"]
    terms = [
        (a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["term"]) for a in found["attributes"]
    ]
    assert ("seen:kind", "domestic_abuse_perpetrator") in terms
    assert ("seen:procedure", "domestic-abuse-checks") in terms
    assert ("seen:wait-days", "42") in terms and ("seen:contact-within-days", "14") in terms
    assert found["last_modified"] == "2025-09-01T09:00:00Z"
    ids = _ids(found)
    assert all(UUID.match(i) for i in ids)
    assert len(ids) == len(set(ids)) == 1 + 1 + 1 + 2 + 2 * len(found["attributes"])
    assert service_object(service) == found  # the same ids every time


def test_nested_ids_are_unique_and_stable_across_exports(directory_areas: dict[str, Area]) -> None:
    import_file(SERVICES)
    first, second = export_all(), export_all()
    assert first == second
    objects = [
        nested["id"]
        for service in first["contents"]
        for key in ("schedules", "service_areas", "attributes")
        for nested in service[key]
    ]
    assert len(objects) == len(set(objects))


def test_the_list_is_orUKs_envelope(directory_areas: dict[str, Area]) -> None:
    import_file(SERVICES)
    services = list(Service.objects.prefetch_related("areas"))
    page = service_page(services, 2, 3)
    assert list(page) == ENVELOPE
    assert {k: page[k] for k in ENVELOPE[:-1]} == {
        "total_items": 8, "total_pages": 3, "page_number": 2, "size": 3,
        "first_page": False, "last_page": False, "empty": False,
    }  # fmt: skip
    last = service_page(services, 3, 3)
    assert (last["size"], last["last_page"], last["first_page"]) == (2, True, False)
    beyond = service_page(services, 9, 3)
    assert (beyond["size"], beyond["empty"], beyond["contents"]) == (0, True, [])
    none = service_page([], 1, 50)
    assert (none["total_items"], none["total_pages"], none["empty"], none["last_page"]) == (
        0, 1, True, True,
    )  # fmt: skip


def test_export_then_import_gives_the_same_rows(directory_areas: dict[str, Area]) -> None:
    import_file(SERVICES)
    before = _rows()
    exported = json.loads(json.dumps(export_all()))  # as it would travel
    # into an empty directory
    with transaction.atomic():
        Service.objects.all().delete()
        outcome = import_document(exported)
    assert (outcome.loaded, outcome.refused) == (8, [])
    assert _rows() == before
    # and over itself: nothing changes
    again = import_document(exported)
    assert (again.unchanged, again.updated, again.loaded) == (8, 0, 0)


def test_a_service_with_every_field_empty_round_trips(directory_areas: dict[str, Area]) -> None:
    Service.objects.create(
        oruk_id="0b3f6c2e-1a2b-4c3d-8e9f-001122334455", name="Bare", url="https://a.example",
        organisation="", kind="other",
    )  # fmt: skip
    before = _rows()
    exported = export_all()
    Service.objects.all().delete()
    assert import_document(exported).loaded == 1
    assert _rows() == before


# ---- the command -------------------------------------------------------------------------------


def test_the_command_imports_and_says_so(directory_areas: dict[str, Area]) -> None:
    out = io.StringIO()
    call_command("services", "import", str(SERVICES), stdout=out)
    assert out.getvalue().splitlines()[0] == "8 services loaded, 0 updated, 0 unchanged, 0 refused"
    out = io.StringIO()
    call_command("services", "import", str(SERVICES), "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "loaded": 0, "updated": 0, "unchanged": 8, "refused_entries": 0, "refused": [],
    }  # fmt: skip


def test_the_command_names_each_refusal_and_exits_1(directory_areas: dict[str, Area]) -> None:
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("services", "import", str(REFUSED), stdout=out)
    assert exited.value.code == 1
    lines = out.getvalue().splitlines()
    assert lines[0] == "1 services loaded, 0 updated, 0 unchanged, 17 refused"
    assert "  refused: entry 0 (not-a-uuid), id: is not a UUID" in lines[1]
    assert any(
        line.startswith("  refused: entry 2 (") and ", status: must be" in line for line in lines
    )
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("services", "import", str(REFUSED), "--json", stdout=out)
    outcome = json.loads(out.getvalue())
    assert outcome["refused_entries"] == 17
    assert outcome["refused"][0] == {
        "entry": 0, "id": "not-a-uuid", "field": "id",
        "reason": "is not a UUID (as 0b3f6c2e-1a2b-4c3d-8e9f-001122334455)",
    }  # fmt: skip


def test_the_command_refuses_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(DirectoryFileError, match="not JSON"):
        call_command("services", "import", str(path), stdout=io.StringIO())


def test_seen_services_exits_2_for_an_unreadable_file(tmp_path: Path) -> None:
    """Through `python -m seen`: one line, exit 2 (Seen's Invalid, seen.cli)."""
    path = tmp_path / "bad.json"
    path.write_bytes(b"[" * 50 + b"]" * 50)
    done = subprocess.run(
        [sys.executable, "-m", "seen", "services", "import", str(path)],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "SEEN_INSECURE_HTTP": "1"},
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == "seen: invalid: the JSON is nested more than 32 deep"


def test_the_command_exports_to_a_file(directory_areas: dict[str, Area], tmp_path: Path) -> None:
    import_file(SERVICES)
    out = io.StringIO()
    call_command("services", "export", "--out", str(tmp_path / "out.json"), stdout=out)
    assert out.getvalue().strip() == f"8 services written to {tmp_path / 'out.json'}"
    written = json.loads((tmp_path / "out.json").read_text())
    assert written == json.loads(json.dumps(export_all()))
    printed = io.StringIO()
    call_command("services", "export", stdout=printed)
    assert json.loads(printed.getvalue())["total_items"] == 8


def test_the_directory_seen_synth_writes_imports_whole(tmp_path: Path) -> None:
    """The synthetic partnership's services.json (seen.synth.directory) is a directory Seen reads
    without a refusal, its areas those of the same extract."""
    import csv

    call_command("synth", "--areas", "2", "--births", "30", "--out", str(tmp_path / "x"),
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    with (tmp_path / "x" / "areas.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            Area.objects.create(code=row["code"], name=row["name"])
    outcome = import_file(tmp_path / "x" / "services.json")
    assert outcome.refused == [] and outcome.loaded >= 8
    assert Service.objects.filter(evenings=True).exists()
    assert Service.objects.filter(weekends=True).exists()
