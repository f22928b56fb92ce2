"""The ground truth: every record has its true person, every procedure its planted scenarios,
which apply that procedure and no other family does; and the records carry agencies' noise."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from seen.core.procedures import PLANTED_IDS
from seen.synth.noise import transposed
from seen.synth.plan import scenarios_per_procedure
from tests.synth.checks import Extract
from tests.synth.conftest import BIRTHS
from tests.synth.oracle import Oracle


def test_every_record_has_exactly_one_true_person(extract: Extract) -> None:
    truth = [(row["agency"], row["record_id"]) for row in extract.records]
    assert len(truth) == len(set(truth))
    assert set(truth) == extract.keys("people")
    assert len(truth) == len(extract.tables["people"])
    persons = {row["person_id"] for row in extract.persons}
    assert {row["person_id"] for row in extract.records} <= persons


def test_truth_files_are_consistent(extract: Extract) -> None:
    families = {row["family_id"]: row for row in extract.families}
    assert {p["family_id"] for p in extract.persons if p["family_id"]} <= set(families)
    for scenario in extract.scenarios:
        family = families[scenario["family_id"]]
        assert (family["kind"], family["procedure"]) == ("scenario", scenario["procedure"])
    ordinary = [f for f in extract.families if f["kind"] == "ordinary"]
    assert all(not f["procedure"] for f in ordinary)
    assert len(ordinary) > 10 * len(extract.scenarios)


def test_scenario_records_exist(extract: Extract) -> None:
    people = extract.keys("people")
    pregnancies = extract.keys("pregnancies")
    persons = {row["person_id"] for row in extract.persons}
    truth = {(r["agency"], r["record_id"]): r["person_id"] for r in extract.records}
    for scenario in extract.scenarios:
        assert set(scenario) >= {"scenario_id", "procedure", "description", "child", "people"}
        assert scenario["description"].endswith(".")
        assert ". " not in scenario["description"]
        child = scenario["child"]
        assert child["person_id"] or child["pregnancy"], scenario["scenario_id"]
        if child["pregnancy"]:
            assert (child["pregnancy"]["agency"], child["pregnancy"]["id"]) in pregnancies
        involved = [child] if child["person_id"] else []
        assert scenario["people"], scenario["scenario_id"]
        for someone in [*involved, *scenario["people"]]:
            assert someone["person_id"] in persons
            assert someone["records"], scenario["scenario_id"]
            for record in someone["records"]:
                key = (record["agency"], record["record_id"])
                assert key in people
                assert truth[key] == someone["person_id"]


def test_every_procedure_has_its_scenarios(extract: Extract) -> None:
    per_procedure: dict[str, int] = defaultdict(int)
    for scenario in extract.scenarios:
        assert scenario["procedure"] in PLANTED_IDS
        per_procedure[scenario["procedure"]] += 1
    wanted = scenarios_per_procedure(BIRTHS)
    assert dict(per_procedure) == {procedure: wanted for procedure in PLANTED_IDS}


@pytest.mark.parametrize("procedure", sorted(PLANTED_IDS))
def test_planted_families_and_only_they_apply_the_procedure(
    extract: Extract, procedure: str
) -> None:
    planted = {s["family_id"] for s in extract.scenarios if s["procedure"] == procedure}
    assert Oracle(extract).applies(procedure) == planted


def _truth(extract: Extract) -> tuple[dict[tuple[str, str], str], dict[str, dict[str, str]]]:
    person_of = {(r["agency"], r["record_id"]): r["person_id"] for r in extract.records}
    return person_of, {p["person_id"]: p for p in extract.persons}


def test_men_in_police_records_often_lack_nhs_numbers(extract: Extract) -> None:
    person_of, persons = _truth(extract)
    police_men = [
        row
        for row in extract.tables["people"]
        if row["agency"] == "POLICE" and persons[person_of[("POLICE", row["id"])]]["sex"] == "male"
    ]
    missing = [row for row in police_men if not row["nhs_number"]]
    assert police_men and len(missing) > 0.8 * len(police_men)
    gp_men = [
        row
        for row in extract.tables["people"]
        if "-GP" in row["agency"]
        and persons[person_of[(row["agency"], row["id"])]]["sex"] == "male"
    ]
    assert sum(bool(row["nhs_number"]) for row in gp_men) > 0.95 * len(gp_men)


def test_some_dates_of_birth_are_transposed_or_missing(extract: Extract) -> None:
    person_of, persons = _truth(extract)
    swapped = missing = 0
    for row in extract.tables["people"]:
        true = date.fromisoformat(persons[person_of[(row["agency"], row["id"])]]["dob"])
        if not row["dob"]:
            missing += 1
        elif date.fromisoformat(row["dob"]) == transposed(true):
            swapped += 1
    assert swapped > 0 and missing > 0


def test_names_differ_between_agencies(extract: Extract) -> None:
    person_of, _persons = _truth(extract)
    forenames: dict[str, set[str]] = defaultdict(set)
    for row in extract.tables["people"]:
        if row["forename"] != "Baby":
            forenames[person_of[(row["agency"], row["id"])]].add(row["forename"])
    assert sum(len(names) > 1 for names in forenames.values()) >= 10
    assert any(row["previous_surnames"] for row in extract.tables["people"])
    assert any(row["forename"] == "Baby" for row in extract.tables["people"])


def test_some_fathers_have_children_in_two_areas(extract: Extract) -> None:
    person_of, _persons = _truth(extract)
    area_of = {row["code"]: row["area"] for row in extract.tables["agencies"]}
    areas: dict[str, set[str]] = defaultdict(set)
    for row in extract.tables["relationships"]:
        if row["kind"] == "birth_father":
            areas[person_of[(row["agency"], row["person"])]].add(area_of[row["agency"]])
    assert any(len(found) > 1 for found in areas.values())


def test_some_people_have_residences_in_two_areas(extract: Extract) -> None:
    person_of, _persons = _truth(extract)
    district_area = {r["district"]: r["area"] for r in extract.tables["postcode_districts"]}
    areas: dict[str, set[str]] = defaultdict(set)
    for row in extract.tables["residences"]:
        district = row["postcode"].split()[0]
        areas[person_of[(row["agency"], row["person"])]].add(district_area.get(district, "out"))
    assert any(len(found) > 1 for found in areas.values())
