"""The synthetic partnership's directory (services.json) imports with nothing refused, and the
gaps it plants are the gaps the learning dashboard states, area by area: the first area has no
evening or weekend parenting service for fathers, the third no perpetrator programme, the last no
perinatal mental health offer for fathers (docs/synthetic-data.md, "Services and referrals")."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from seen.areas.models import Area
from seen.ingest.loader import ingest_extract
from seen.learning.service_reach import directory, gaps_by_area
from seen.synth.generator import generate

pytestmark = pytest.mark.django_db


def test_the_planted_gaps_are_the_dashboards(tmp_path: Path) -> None:
    generate(tmp_path / "x", areas=4, births=40, seed=3, start=date(2025, 4, 1))
    summary = ingest_extract(tmp_path / "x")
    assert summary.refused_files == []
    assert summary.directory is not None and summary.directory["refused_entries"] == 0
    assert summary.totals.quarantined == 0  # every referral names a service it loaded
    names = dict(Area.objects.order_by("code").values_list("code", "name"))
    gaps = {g.name: g.gaps for g in gaps_by_area(directory(), names)}
    first, second, third, last = (
        Area.objects.get(code=code).name
        for code in sorted(names, key=lambda c: _index(tmp_path / "x", c))
    )
    assert gaps[first] == [f"{first} has no evening or weekend parenting service for fathers."]
    assert gaps[second] == []
    assert gaps[third] == [f"{third} has no domestic-abuse perpetrator programme."]
    assert gaps[last] == [
        f"{last} has no domestic-abuse perpetrator programme.",
        f"{last} has no perinatal mental health service for fathers.",
    ]


def _index(extract: Path, code: str) -> int:
    """The area's place in the partnership, as the generator made them (areas.csv's order)."""
    lines = (extract / "areas.csv").read_text(encoding="utf-8").splitlines()[1:]
    return [line.split(",")[0] for line in lines].index(code)
