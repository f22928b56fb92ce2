"""Faults and hostile tables: each fault named by the person's id, the table and column and the
reason; the child it is about quarantined whole (every row about it left out, the other children
kept); bounds, NUL characters, over-long values and files that are not the SSD's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from seen.ingest.errors import ExtractError, TooLarge
from seen.ingest.limits import Deadline, Limits
from seen.interchange.outcome import Fault
from seen.interchange.ssd import SsdExtract, build_extract
from tests.interchange.test_ssd_reader import (
    AGENCY,
    Tables,
    builder,
    make_agency,
    rows,
    sample,
    write_ssd,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(tmp_path: Path) -> Callable[..., SsdExtract]:
    make_agency()
    return builder(tmp_path)


def faults(extract: SsdExtract) -> list[Fault]:
    return [f for f in extract.build.faults if not f.warning]


def warnings(extract: SsdExtract) -> list[Fault]:
    return [f for f in extract.build.faults if f.warning]


def about(extract: SsdExtract, child: str) -> list[str]:
    """The rows kept that are about the child (or name it)."""
    return [
        f"{r.table}:{r.values['id']}"
        for r in extract.build.kept()
        if child
        in (r.about, r.values.get("child"), r.values.get("pregnancy"), r.values.get("person"))
    ]


def test_a_child_without_a_date_of_birth_is_quarantined_whole(
    built: Callable[..., SsdExtract],
) -> None:
    tables = sample()
    tables["ssd_person"][3].update(pers_dob="", pers_expected_dob="")  # C1
    extract = built(tables)
    assert [(f.child, f.element, f.rule) for f in faults(extract)] == [
        ("C1", "ssd_person line 5, pers_dob", "no-dob")
    ]
    assert about(extract, "C1") == []  # its plans, assessments, relationships: none kept
    assert about(extract, "U1")  # the other child loads
    assert "M1" in rows(extract, "people")


def test_a_person_without_an_id_is_named_by_line(built: Callable[..., SsdExtract]) -> None:
    tables = sample()
    tables["ssd_person"].append({"pers_person_id": "", "pers_forename": "Nobody"})
    extract = built(tables)
    assert [(f.child, f.element, f.reason) for f in faults(extract)] == [
        ("", "ssd_person line 7, pers_person_id", "the person has no id")
    ]


@pytest.mark.parametrize(
    ("table", "index", "column", "value", "reason"),
    [
        ("ssd_cin_assessments", 0, "cina_assessment_start_date", "2025-13-40", "is not a date"),
        ("ssd_cin_assessments", 0, "cina_assessment_start_date", "", "has no date"),
        ("ssd_cin_plans", 0, "cinp_cin_plan_end_date", "2025-01-01", "is before the start"),
        ("ssd_cp_plans", 0, "cppl_cp_plan_initial_category", "Bad luck", "CIN census"),
        ("ssd_involvements", 0, "invo_involvement_start_date", "soon", "is not a date"),
    ],
)
def test_a_fault_in_a_row_quarantines_its_child(
    built: Callable[..., SsdExtract],
    table: str,
    index: int,
    column: str,
    value: str,
    reason: str,
) -> None:
    tables = sample()
    tables[table][index][column] = value
    extract = built(tables)
    (fault,) = faults(extract)
    assert fault.child == "C1" and fault.element.startswith(table)
    assert fault.element.endswith(column) and reason in fault.reason
    assert list(extract.build.quarantined) == ["C1"] and about(extract, "C1") == []


def test_a_relation_to_an_unknown_person_is_a_fault(built: Callable[..., SsdExtract]) -> None:
    tables = sample()
    tables["ssd_mother"][0]["moth_person_id"] = "M404"
    tables["ssd_cin_visits"].append(
        {"cinv_cin_visit_id": "V9", "cinv_person_id": "X9", "cinv_cin_visit_date": "2025-07-01"}
    )
    extract = built(tables)
    named = {(f.child, f.reason) for f in faults(extract)}
    assert ("C1", "names a person (M404) ssd_person does not hold") in named
    assert ("X9", "names a person (X9) ssd_person does not hold") in named
    assert "C1" in extract.build.quarantined


def test_two_mothers_and_a_person_twice_are_faults(built: Callable[..., SsdExtract]) -> None:
    tables = sample()
    tables["ssd_mother"].append(
        {"moth_table_id": "MO9", "moth_person_id": "S1", "moth_childs_person_id": "C1"}
    )
    tables["ssd_person"].append(dict(tables["ssd_person"][4]))  # U1 again
    extract = built(tables)
    assert {f.rule for f in faults(extract)} == {"two-mothers", "duplicate"}
    assert set(extract.build.quarantined) == {"C1", "U1"}
    assert rows(extract, "people").keys() == {"M1", "F1", "S1"}


def test_an_adults_unreadable_values_are_warnings_and_not_kept(
    built: Callable[..., SsdExtract],
) -> None:
    tables = sample()
    tables["ssd_person"][1].update(
        pers_dob="yesterday",
        pers_common_child_id="1234567890",
        pers_sex="Q",
        pers_ethnicity="ZZZZ",
    )
    tables["ssd_address"][0]["addr_address_postcode"] = "NOT A POSTCODE"
    extract = built(tables)
    assert faults(extract) == []
    named = {(w.child, w.element.split(", ")[-1]) for w in warnings(extract)}
    assert {
        ("F1", "pers_dob"),
        ("F1", "pers_common_child_id"),
        ("F1", "pers_sex"),
        ("F1", "pers_ethnicity"),
        ("", "addr_address_postcode"),
    } <= named
    father = rows(extract, "people")["F1"]
    assert (father["dob"], father["nhs_number"], father["sex"], father["ethnicity"]) == (
        "",
        "",
        "",
        "",
    )


def test_a_nul_character_and_a_300_character_value(built: Callable[..., SsdExtract]) -> None:
    tables = sample()
    tables["ssd_person"][3]["pers_forename"] = "Le\x00o"  # C1
    tables["ssd_person"][2]["pers_surname"] = "H" * 300  # S1, not a child of the work tables
    tables["ssd_cin_plans"][0]["cinp_cin_plan_worker_id"] = "W" * 300
    extract = built(tables)
    named = {(f.child, f.rule): f.reason for f in faults(extract)}
    assert "contains a NUL character" in named[("C1", "unreadable")]
    assert named[("", "extract")] == "is 300 characters long; at most 100 are allowed"
    assert ("", "ssd_person line 4, pers_surname") in {
        (f.child, f.element) for f in faults(extract)
    }
    assert "S1" not in rows(extract, "people")
    # the relationships naming S1 go with her record; the mother and U1 stay
    assert not [r for r in rows(extract, "relationships").values() if r["person"] == "S1"]
    assert about(extract, "U1")


def test_an_over_long_id_is_a_fault(built: Callable[..., SsdExtract]) -> None:
    tables = sample()
    tables["ssd_cin_visits"][0]["cinv_cin_visit_id"] = "V" * 49
    (fault,) = faults(built(tables))
    assert fault.child == "C1" and "longer than the 48 characters" in fault.reason


def test_assessment_factors_that_are_not_json_are_a_warning(
    built: Callable[..., SsdExtract],
) -> None:
    tables = sample()
    tables["ssd_assessment_factors"][0]["cinf_assessment_factors_json"] = '{"16A": "Yes"'
    extract = built(tables)
    assert faults(extract) == []
    assert rows(extract, "assessments")["cina:AS1"]["factors"] == ""
    assert any(w.element.endswith("cinf_assessment_factors_json") for w in warnings(extract))


def test_files_that_cannot_be_read_are_refused_and_the_rest_loads(tmp_path: Path) -> None:
    make_agency()
    folder = write_ssd(tmp_path / "ssd", sample())
    (folder / "ssd_cin_visits.csv").write_bytes(b"cinv_cin_visit_id,cinv_person_id\n\xff\xfe,C1\n")
    (folder / "ssd_cp_reviews.csv").write_text("something,else\n1,2\n", encoding="utf-8")
    extract = build_extract(folder, AGENCY, Limits(), Deadline(None))
    refused = {f.element: f.reason for f in faults(extract)}
    assert "is not UTF-8" in refused["ssd_cin_visits.csv"]
    assert "no cppr_cp_review_id, cppr_person_id" in refused["ssd_cp_reviews.csv"]
    assert "cppr:RV1" not in rows(extract, "conferences")
    assert "cina:AS1" in rows(extract, "assessments")


def test_tables_beyond_the_bounds_are_refused_whole(tmp_path: Path) -> None:
    make_agency()
    folder = write_ssd(tmp_path / "ssd", sample())
    with pytest.raises(TooLarge, match=r"ssd_person\.csv holds more than 3 rows"):
        build_extract(folder, AGENCY, Limits(table_rows=3), Deadline(None))
    with pytest.raises(TooLarge, match="more than 30 rows in all"):
        build_extract(folder, AGENCY, Limits(rows=30), Deadline(None))
    with pytest.raises(TooLarge, match="is more than 100 bytes"):
        build_extract(folder, AGENCY, Limits(file_bytes=100), Deadline(None))
    with pytest.raises(TooLarge, match="more than 2000 bytes in all"):
        build_extract(folder, AGENCY, Limits(total_bytes=2000), Deadline(None))


def test_a_folder_without_ssd_tables_is_refused(tmp_path: Path) -> None:
    make_agency()
    (tmp_path / "notes.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(ExtractError, match="holds none of the SSD tables"):
        build_extract(tmp_path, AGENCY, Limits(), Deadline(None))


def test_dates_as_the_ssd_writes_them(built: Callable[..., SsdExtract]) -> None:
    tables: Tables = sample()
    tables["ssd_cin_plans"][0].update(
        cinp_cin_plan_start_date="2025-07-05T00:00:00", cinp_cin_plan_end_date="20/08/2025 00:00"
    )
    tables["ssd_cin_assessments"][0]["cina_assessment_auth_date"] = "1900-01-01 00:00:00.000"
    tables["ssd_s47_enquiry"][0]["s47e_s47_end_date"] = "2025/09/20"
    extract = built(tables)
    assert rows(extract, "assessments")["s47e:E1"]["completed_on"] == "2025-09-20"
    plan = rows(extract, "plans")["cinp:9"]
    assert (plan["start"], plan["end"]) == ("2025-07-05", "2025-08-20")
    assert rows(extract, "assessments")["cina:AS1"]["completed_on"] == ""  # the SSD's no-date
