"""`seen link --engine spark`: the same persons and evidence as on DuckDB, from the database."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from seen.ingest.loader import ingest_extract
from seen.linkage.models import CandidatePair, LinkRun
from seen.people.models import SourceRecord
from seen.synth.generator import generate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _stored() -> tuple[dict[tuple[int, int], tuple[float, dict[str, float]]], dict[int, int]]:
    pairs = {
        (p.record_l_id, p.record_r_id): (p.match_probability, p.evidence)
        for p in CandidatePair.objects.all()
    }
    persons = dict(SourceRecord.objects.values_list("pk", "person_id"))
    return pairs, persons


def test_link_on_spark_gives_the_duckdb_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEEN_LINK_MODEL", str(tmp_path / "model.json"))
    generate(tmp_path / "x", areas=2, births=60, seed=9, start=date(2025, 4, 1))
    ingest_extract(tmp_path / "x")
    call_command("link", "--json", stdout=io.StringIO())
    duck_pairs, duck_persons = _stored()
    assert len(duck_pairs) > 50

    out = io.StringIO()
    call_command("link", "--engine", "spark", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert LinkRun.objects.get(pk=figures["run"]).engine == "spark"
    spark_pairs, spark_persons = _stored()

    assert spark_pairs.keys() == duck_pairs.keys()
    for key, (probability, evidence) in spark_pairs.items():
        assert probability == pytest.approx(duck_pairs[key][0], abs=1e-6)
        assert evidence.keys() == duck_pairs[key][1].keys()
        for name, weight in evidence.items():
            assert weight == pytest.approx(duck_pairs[key][1][name], abs=2e-3)
    assert figures["records_moved"] == 0  # nobody changes person when the engine changes
    assert spark_persons == duck_persons


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
