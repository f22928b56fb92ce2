"""The generated extract is valid format version 1: headers, rows, references, manifest."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from seen.ingest.schema import TABLES
from seen.synth.generator import Summary
from tests.synth.checks import Extract, duplicate_keys, reference_problems, row_problems
from tests.synth.conftest import AREAS, BIRTHS, make


def _hashes(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_same_seed_gives_byte_identical_files(
    generated: tuple[Path, Summary], tmp_path: Path
) -> None:
    again = tmp_path / "again"
    make(again)
    first = _hashes(generated[0])
    assert len(first) == len(TABLES) + 6  # tables, manifest, directory and four truth files
    assert _hashes(again) == first


def test_another_seed_gives_other_files(generated: tuple[Path, Summary], tmp_path: Path) -> None:
    other = tmp_path / "other"
    make(other, seed=8)
    first, second = _hashes(generated[0]), _hashes(other)
    assert first["people.csv"] != second["people.csv"]
    assert first["areas.csv"] == second["areas.csv"]  # the places are the same; the people not


def test_every_table_is_written_with_the_schema_header(extract: Extract) -> None:
    for table in TABLES:
        assert extract.headers[table.name] == list(table.column_names), table.filename
    assert extract.tables["births"], "births.csv is empty"
    assert len(extract.tables["births"]) == BIRTHS


def test_every_row_passes_the_ingest_validator(extract: Extract) -> None:
    assert row_problems(extract) == []


def test_every_reference_points_to_an_earlier_row_of_the_same_agency(extract: Extract) -> None:
    assert reference_problems(extract) == []
    assert duplicate_keys(extract) == []


def test_manifest_is_fixed_by_the_options(extract: Extract) -> None:
    assert extract.manifest == {
        "format": "seen-extract",
        "format_version": "1.1",
        "extract_id": "synth-seed7-areas3-births200",
        "created": "2026-04-01T00:00:00+00:00",
        "producer": "seen synth",
    }


def test_only_synthetic_identifiers(extract: Extract) -> None:
    people = extract.tables["people"]
    assert all(row["nhs_number"].startswith("999") for row in people if row["nhs_number"])
    postcodes = [
        row["postcode"]
        for table in ("people", "residences", "police_incidents")
        for row in extract.tables[table]
        if row["postcode"]
    ]
    assert postcodes and all(code.startswith("Q") for code in postcodes)
    phones = [
        row["phone"]
        for table in ("people", "practitioners")
        for row in extract.tables[table]
        if row["phone"]
    ]
    phones += [row["duty_phone"] for row in extract.tables["agencies"]]
    assert all(p.startswith(("01632 960", "07700 900")) for p in phones)
    assert all(row["email"].endswith(".example") for row in extract.tables["practitioners"])


def test_facts_fall_in_or_before_the_window(extract: Extract) -> None:
    last = date(2026, 3, 31)
    for table in TABLES:
        dated = [c.name for c in table.columns if c.kind == "date"]
        for row in extract.tables[table.name]:
            for column in dated:
                if row[column] and column not in ("expected_date", "review_date"):
                    assert date.fromisoformat(row[column]) <= last, (table.name, row)


def test_each_agency_kind_is_in_every_area(extract: Extract) -> None:
    kinds: dict[str, list[str]] = {}
    for row in extract.tables["agencies"]:
        kinds.setdefault(row["area"], []).append(row["kind"])
    shared = sorted(kinds.pop(""))
    assert shared == ["adult_mental_health", "police", "probation"]
    assert len(kinds) == AREAS
    for area_kinds in kinds.values():
        assert sorted(area_kinds) == sorted(
            [
                "midwifery",
                "health_visiting",
                "gp",
                "gp",
                "hospital_ed",
                "neonatal_unit",
                "childrens_social_care",
                "early_help",
                "housing",
                "leaving_care",
            ]
        )
