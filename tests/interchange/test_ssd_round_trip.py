"""End to end: a small synthetic partnership loaded twice into fresh databases, each linked and
its rules run on the extract's last day. A: everything through the extract format, children's
social care as the rows the SSD carries (seen.synth.ssd_carried). B: the same partnership with
children's social care as SSD tables (`seen synth --format ssd`) through `seen import ssd`.
Both hold the same persons (the records each person links), the same facts and records, and the
same alerts (by rule and child)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from seen.ingest.schema import FORMAT_NAME, LATEST_VERSION, MANIFEST_FILE, TABLES_BY_NAME
from seen.synth.extract_rows import agencies_of_kind, agency_rows
from seen.synth.generator import generate
from seen.synth.ssd_carried import carried
from seen.synth.ssd_writer import SSD_FOLDER, write_partnership_as_ssd

pytestmark = pytest.mark.slow

# What a database holds, keyed by what both loads share (agency and local id, never a pk).
SNAPSHOT = r"""
import json, django
django.setup()
from django.db import models
from seen.facts.models import FACT_MODELS
from seen.people.models import (
    Person, Pregnancy, Relationship, Residence, Responsibility, SourceRecord,
)
from seen.rules.models import Alert

SKIP = {"id", "batch", "version", "row_hash", "person", "created_at", "updated_at"}

def key(obj):
    if obj is None:
        return None
    if hasattr(obj, "local_id"):
        return [obj.agency.code, obj.local_id]
    return str(getattr(obj, "code", obj.pk))

def row(obj):
    out = {}
    for field in obj._meta.concrete_fields:
        if field.name in SKIP:
            continue
        value = getattr(obj, field.name)
        out[field.name] = key(value) if isinstance(field, models.ForeignKey) else str(value)
    return out

def records(person):
    return sorted([r.agency.code, r.local_id] for r in SourceRecord.objects.filter(person=person))

persons = sorted(records(p) for p in Person.objects.filter(merged_into__isnull=True))
held = {}
for model in (SourceRecord, Pregnancy, Relationship, Residence, Responsibility, *FACT_MODELS):
    held[model.__name__] = sorted(json.dumps(row(o), sort_keys=True) for o in model.objects.all())
alerts = sorted(
    json.dumps([a.rule_id, records(a.child) if a.child else key(a.pregnancy), a.status])
    for a in Alert.objects.all()
)
print(json.dumps({"persons": [p for p in persons if p], "held": held, "alerts": alerts}))
"""


def _write_extract(folder: Path, tables: dict[str, list[dict[str, str]]], agency: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"format": FORMAT_NAME, "format_version": LATEST_VERSION, "extract_id": "carried"}
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    for name, rows in tables.items():
        columns = TABLES_BY_NAME[name].column_names
        path = folder / f"{name}.csv"
        new = not path.exists()
        with path.open("a", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            if new:
                writer.writerow(columns)
            for values in rows:
                writer.writerow([{**values, "agency": agency}.get(c, "") for c in columns])


def _load(steps: list[list[str]], folder: Path, now: str) -> dict[str, Any]:
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{folder}/seen.sqlite3",
        "SEEN_LINK_MODEL": f"{folder}/model.json",
        "SEEN_NOW": now,
        "SEEN_TMP_DIR": f"{folder}/tmp",
    }
    for command in [["migrate", "--noinput"], *steps, ["link"], ["rules", "run"]]:
        done = subprocess.run(
            [sys.executable, "-m", "seen", *command], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{command}: {done.stderr[-3000:]}"
    shot = subprocess.run(
        [sys.executable, "-c", SNAPSHOT], env=env, capture_output=True, text=True, check=True
    )
    held: dict[str, Any] = json.loads(shot.stdout)
    return held


def test_an_ssd_import_gives_what_the_same_data_gives_as_the_extract(tmp_path: Path) -> None:
    source = tmp_path / "synth"
    generate(source, areas=2, births=60, seed=5, start=date(2025, 4, 1))
    now = json.loads((source / MANIFEST_FILE).read_text(encoding="utf-8"))["created"]
    partnership = tmp_path / "partnership"
    shutil.copytree(source, partnership)
    write_partnership_as_ssd(partnership)  # children's social care out, as SSD tables
    agencies = agencies_of_kind(source, "childrens_social_care")
    carried_folder = tmp_path / "carried"
    for agency in agencies:
        _write_extract(carried_folder, carried(agency_rows(source, agency)), agency)

    first = ["ingest", str(partnership), "--no-link"]
    a = _load([first, ["ingest", str(carried_folder), "--no-link"]], tmp_path / "a", now)
    b = _load(
        [first]
        + [
            ["import", "ssd", str(partnership / SSD_FOLDER / code), "--agency", code, "--no-link"]
            for code in agencies
        ],
        tmp_path / "b",
        now,
    )

    assert a["persons"] == b["persons"]
    assert len(a["persons"]) > 100
    for model, rows in a["held"].items():
        assert rows == b["held"][model], model
    assert sum(1 for r in a["held"]["Plan"] if "CSC" in r) >= 3  # social care's facts are there
    assert a["alerts"] == b["alerts"]
    assert a["alerts"]  # the rules found something to say
