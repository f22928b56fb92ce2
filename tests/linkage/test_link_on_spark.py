"""`seen link --engine spark`: the same persons and evidence as on DuckDB, from the database."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from seen.core import clock
from seen.ingest.loader import ingest_extract
from seen.linkage.batch import load_or_train, record_rows
from seen.linkage.models import CandidatePair, ClericalDecision, LinkRun
from seen.linkage.prepare import prepare_records
from seen.linkage.review import review_queue
from seen.linkage.settings import current_bands
from seen.people.models import LinkDecision, SourceRecord
from seen.synth.generator import generate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _stored() -> tuple[dict[tuple[int, int], tuple[float, dict[str, float]]], dict[int, int]]:
    pairs = {
        (p.record_l_id, p.record_r_id): (p.match_probability, p.evidence)
        for p in CandidatePair.objects.all()
    }
    persons = dict(SourceRecord.objects.values_list("pk", "person_id"))
    return pairs, persons


def _together(persons: dict[int, int]) -> set[frozenset[int]]:
    """Which records share a person: the persons as sets of records."""
    members: dict[int, set[int]] = defaultdict(set)
    for record, person in persons.items():
        assert person is not None, f"record {record} has no person"
        members[person].add(record)
    return {frozenset(records) for records in members.values()}


def _queue() -> list[tuple[int, int]]:
    return [(item.pair.record_l_id, item.pair.record_r_id) for item in review_queue()]


def _decide() -> tuple[list[int], list[int]]:
    """Before any run: train the model, and record a must-link joining two persons the model
    alone would make and a cannot-link across the strongest automatic link inside one."""
    prepared = prepare_records(record_rows())
    model = load_or_train(prepared)  # saved: the runs below use it
    link = current_bands().auto_link
    pairs = model.predict(prepared, threshold=link)
    persons = {
        int(r): int(p) for r, p in model.cluster(prepared, pairs, threshold=link).persons.items()
    }
    strongest = max(
        zip(pairs["match_probability"].to_pylist(), pairs["record_id_l"].to_pylist(),
            pairs["record_id_r"].to_pylist(), strict=True),
        key=lambda pair: (pair[0], -min(int(pair[1]), int(pair[2]))),
    )  # fmt: skip
    apart = sorted(int(r) for r in strongest[1:])
    assert persons[apart[0]] == persons[apart[1]]
    # a must-link between the two largest persons
    groups = sorted((-len(g), min(g)) for g in _together(persons))
    joined = [first for _size, first in groups if persons[first] != persons[apart[0]]][:2]
    assert len(joined) == 2
    now = clock.now()
    ClericalDecision.objects.create(
        kind=ClericalDecision.Kind.CONFIRM, must_link=[joined], reason="one man", decided_at=now
    )
    ClericalDecision.objects.create(
        kind=ClericalDecision.Kind.REJECT, cannot_link=[apart], reason="twins", decided_at=now
    )
    return joined, apart


def test_link_on_spark_gives_the_duckdb_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On records no run has given a person yet, with a must-link and a cannot-link in force:
    the Spark run's persons are its own clustering's, each record's person explained as
    recluster explains it; a DuckDB run after it scores the same pairs and moves nobody."""
    monkeypatch.setenv("SEEN_LINK_MODEL", str(tmp_path / "model.json"))
    generate(tmp_path / "x", areas=2, births=60, seed=9, start=date(2025, 4, 1))
    ingest_extract(tmp_path / "x")
    assert not SourceRecord.objects.filter(person__isnull=False).exists()
    joined, apart = _decide()

    out = io.StringIO()
    call_command("link", "--engine", "spark", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert LinkRun.objects.get(pk=figures["run"]).engine == "spark"
    spark_pairs, spark_persons = _stored()
    together = _together(spark_persons)
    assert len(together) < 0.8 * len(spark_persons)  # records were joined into persons
    assert spark_persons[joined[0]] == spark_persons[joined[1]]
    assert spark_persons[apart[0]] != spark_persons[apart[1]]
    assert figures["records"] == figures["records_moved"] == len(spark_persons)
    assert figures["persons_created"] == len(together)

    # every record's person explained: a practitioner's decision, a person of its own, or
    # its strongest automatic link inside its person (the higher record on a tie)
    strongest: dict[int, tuple[float, int]] = {}
    for (left, right), (probability, _evidence) in spark_pairs.items():
        if probability >= current_bands().auto_link and spark_persons[left] == spark_persons[right]:
            for record, other in ((left, right), (right, left)):
                strongest[record] = max(strongest.get(record, (-1.0, 0)), (probability, other))
    explained = {
        d.record_id: (d.method, d.match_probability, d.evidence.get("pair_with"))
        for d in LinkDecision.objects.filter(superseded_at__isnull=True)
    }
    assert explained.keys() == spark_persons.keys()
    alone = {r for records in together if len(records) == 1 for r in records}
    automatic = 0
    for record, why in explained.items():
        if record in {*joined, *apart}:
            assert why == (LinkDecision.Method.CLERICAL, None, None)
        elif record in alone:
            assert why == (LinkDecision.Method.NEW_PERSON, None, None)
        elif record in strongest:
            assert why == (LinkDecision.Method.AUTOMATIC, *strongest[record])
            automatic += 1
    assert automatic > len(spark_persons) / 3
    spark_queue = _queue()

    out = io.StringIO()
    call_command("link", "--json", stdout=out)
    assert json.loads(out.getvalue())["records_moved"] == 0  # nobody moves with the engine
    duck_pairs, duck_persons = _stored()
    assert len(duck_pairs) > 50
    assert spark_pairs.keys() == duck_pairs.keys()
    for key, (probability, evidence) in spark_pairs.items():
        assert probability == pytest.approx(duck_pairs[key][0], abs=1e-6)
        assert evidence.keys() == duck_pairs[key][1].keys()
        for name, weight in evidence.items():
            assert weight == pytest.approx(duck_pairs[key][1][name], abs=2e-3)
    assert _together(duck_persons) == together
    assert duck_persons == spark_persons
    assert _queue() == spark_queue  # links held back are queued alike


def test_an_unreachable_spark_master_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.management.base import CommandError

    monkeypatch.setenv("SEEN_LINK_MODEL", str(tmp_path / "model.json"))
    monkeypatch.setenv("SEEN_SPARK_MASTER", "spark://127.0.0.1:9")
    generate(tmp_path / "x", areas=1, births=30, seed=2, start=date(2025, 4, 1))
    ingest_extract(tmp_path / "x")
    with pytest.raises(CommandError, match=r"Spark could not start at spark://127.0.0.1:9"):
        call_command("link", "--engine", "spark", stdout=io.StringIO())
    assert not CandidatePair.objects.exists()  # nothing half-done
    assert not LinkRun.objects.exists()
