"""`seen synth --format ssd`: each children's social care agency of a synthetic partnership
written as SSD tables reads back as the rows the SSD carries (seen.synth.ssd_carried), row for
row, column for column; the rest of the partnership stays the extract format."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from seen.areas.models import Agency
from seen.ingest.limits import Deadline, Limits
from seen.ingest.schema import TABLES_BY_NAME
from seen.interchange.ssd import build_extract
from seen.interchange.ssd_tables import TABLES
from seen.synth.extract_rows import agencies_of_kind, agency_rows, read_rows
from seen.synth.generator import generate
from seen.synth.ssd_carried import carried
from seen.synth.ssd_writer import write_agency_as_ssd

Table = dict[str, dict[str, str]]


def full(table: str, row: dict[str, str]) -> dict[str, str]:
    return {c: row.get(c, "") for c in TABLES_BY_NAME[table].column_names if c != "agency"}


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 5, 9])
def test_the_ssd_tables_read_back_as_the_rows_the_ssd_carries(tmp_path: Path, seed: int) -> None:
    generate(tmp_path / "x", areas=2, births=60, seed=seed, start=date(2025, 4, 1))
    for row in read_rows(tmp_path / "x", "agencies"):
        Agency.objects.create(code=row["code"], name=row["name"], kind=row["kind"])
    for agency in agencies_of_kind(tmp_path / "x", "childrens_social_care"):
        folder = tmp_path / "ssd" / agency
        write_agency_as_ssd(tmp_path / "x", agency, folder)
        extract = build_extract(folder, agency, Limits(), Deadline(None))
        assert [f for f in extract.build.faults if not f.warning] == [], agency
        read: dict[str, Table] = {}
        for row in extract.build.kept():
            read.setdefault(row.table, {})[row.values["id"]] = full(row.table, row.values)
        expected = {
            table: {r["id"]: full(table, r) for r in found}
            for table, found in carried(agency_rows(tmp_path / "x", agency)).items()
            if found
        }
        assert set(read) == set(expected), agency
        for table in expected:
            assert read[table] == expected[table], (agency, table)


@pytest.mark.django_db
def test_the_command_writes_social_care_as_ssd_and_the_rest_as_the_extract(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "synth",
        "--areas",
        "2",
        "--births",
        "30",
        "--format",
        "ssd",
        "--out",
        str(tmp_path / "x"),
        stdout=out,
    )
    agencies = agencies_of_kind(tmp_path / "x", "childrens_social_care")
    assert len(agencies) == 2
    for agency in agencies:
        folder = tmp_path / "x" / "ssd" / agency
        assert sorted(p.name for p in folder.iterdir()) == sorted(t.filename for t in TABLES)
        assert read_rows(folder, "ssd_person")
        assert not [r for r in read_rows(tmp_path / "x", "people") if r["agency"] == agency]
    assert "seen import ssd" in out.getvalue()
