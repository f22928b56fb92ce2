"""The synthetic partnership is a valid extract: every row it writes is accepted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from seen.ingest.loader import ingest_extract
from seen.ingest.models import QuarantinedRow
from seen.people.models import Residence, SourceRecord
from seen.synth.generator import generate


@pytest.mark.django_db
def test_a_synthetic_partnership_ingests_without_quarantine(tmp_path: Path) -> None:
    summary = generate(tmp_path / "x", areas=3, births=120, seed=3, start=date(2025, 4, 1))
    result = ingest_extract(tmp_path / "x")
    assert result.refused_files == []
    assert not QuarantinedRow.objects.exists()
    assert result.totals.accepted == sum(summary.rows.values())
    assert SourceRecord.objects.count() == summary.rows["people"]
    # Moves across borders: some people have residences in two areas.
    areas_per_record: dict[int, set[int]] = {}
    for record_id, area_id in Residence.objects.values_list("person_id", "area_id"):
        areas_per_record.setdefault(record_id, set()).add(area_id)
    assert any(len(areas) > 1 for areas in areas_per_record.values())
