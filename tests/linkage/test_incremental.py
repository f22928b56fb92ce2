"""Incremental matching agrees with batch matching, and arriving records find their person."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from seen.ingest.loader import ingest_extract
from seen.linkage.batch import record_rows, run_batch
from seen.linkage.incremental import link_arrivals, matcher
from seen.linkage.models import CandidatePair
from seen.people.models import LinkDecision, SourceRecord
from seen.synth.generator import generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEEN_LINK_MODEL", str(tmp_path / "model" / "model.json"))
    generate(tmp_path / "x", areas=2, births=150, seed=5, start=date(2025, 4, 1))
    ingest_extract(tmp_path / "x")
    run_batch()
    return tmp_path


def _only_loosely_blocked(left: dict, right: dict) -> bool:
    """No always-used blocking rule pairs them (seen.linkage.blocking.BLOCKING_RULES each need
    the same NHS number, a forename or surname in common, or the same postcode and date of
    birth): only the loose rules a small partnership also affords could have."""

    def same(name: str) -> bool:
        return bool(left[name]) and str(left[name]).lower() == str(right[name]).lower()

    names = {str(left[n]).lower() for n in ("forename", "surname") if left[n]}
    theirs = {str(right[n]).lower() for n in ("forename", "surname") if right[n]}
    return not (
        same("nhs_number")
        or names & theirs
        or (same("postcode") and same("dob"))
        or (same("phone") and names & theirs)
    )


def test_incremental_scores_agree_with_the_batch(linked: Path) -> None:
    # in an order of the data's own (agency and local id), not of the database's keys, so the
    # sample is the same on SQLite and PostgreSQL whatever ran before
    pairs = sorted(
        CandidatePair.objects.select_related("record_l__agency", "record_r__agency"),
        key=lambda p: (
            p.record_l.agency.code,
            p.record_l.local_id,
            p.record_r.agency.code,
            p.record_r.local_id,
        ),
    )
    assert len(pairs) > 50
    engine = matcher()
    found = 0
    for pair in random.Random(1).sample(pairs, 25):
        [row] = record_rows(SourceRecord.objects.filter(pk=pair.record_l_id))
        result = engine.match(row, exclude=pair.record_l_id)
        scored = {c.record_id: c for c in result.candidates}
        # the incremental candidates mirror the batch's always-used blocking rules, not the
        # loose ones a small partnership also affords (seen.linkage.blocking.LOOSE_BLOCKING_RULES):
        # a pair it misses is weak, or one only those loose rules found (a father's maternity
        # record by forename and phone, his GP record under another spelling of the forename:
        # 2 of 2,128 pairs above 0.995 in this partnership; docs/linkage.md)
        if pair.record_r_id not in scored:
            [other] = record_rows(SourceRecord.objects.filter(pk=pair.record_r_id))
            assert pair.match_probability < 0.995 or _only_loosely_blocked(row, other), (
                row,
                other,
                pair,
            )
            continue
        found += 1
        assert scored[pair.record_r_id].match_probability == pytest.approx(
            pair.match_probability, abs=1e-6
        )
    assert found >= 20


def test_an_arriving_record_joins_its_person(linked: Path) -> None:
    # Take a record the batch linked to others, detach it, and let it arrive again.
    pair = CandidatePair.objects.filter(band="link").order_by("-match_probability").first()
    assert pair is not None
    record = SourceRecord.objects.get(pk=pair.record_l_id)
    person_id = record.person_id
    SourceRecord.objects.filter(pk=record.pk).update(person=None)
    counts = link_arrivals([record.pk])
    record.refresh_from_db()
    assert counts["link"] == 1
    assert record.person_id == person_id
    decision = LinkDecision.objects.filter(record=record).latest("pk")
    assert decision.method == LinkDecision.Method.INCREMENTAL
    assert decision.evidence["weights"]


def test_ingest_matches_new_people_on_arrival(linked: Path, tmp_path: Path) -> None:
    import csv
    import io
    import json
    import shutil

    from django.core.management import call_command

    # The same extract again plus one more record of a mother already held: a second GP's copy.
    source = tmp_path / "x"
    again = tmp_path / "again"
    shutil.copytree(source, again, ignore=shutil.ignore_patterns("truth"))
    with (again / "people.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    mother = next(r for r in rows if r["sex"] == "female" and r["nhs_number"] and r["dob"])
    with (again / "people.csv").open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writerow({**mother, "id": "NEW-ARRIVAL-1"})
    out = io.StringIO()
    call_command("ingest", str(again), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["accepted"] == 1
    assert report["linked_on_arrival"]["link"] == 1
    arrived = SourceRecord.objects.get(local_id="NEW-ARRIVAL-1")
    original = SourceRecord.objects.get(local_id=mother["id"], agency__code=mother["agency"])
    assert arrived.person_id == original.person_id
