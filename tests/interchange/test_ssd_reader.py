"""The SSD reader table by table: what each table becomes in the extract it builds (no ingest
yet; seen.interchange.ssd.build_extract), against a small local authority's tables written as
the specification's columns. The sample and its writer are shared by the other test_ssd files."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from seen.areas.models import Agency
from seen.ingest.limits import Deadline, Limits
from seen.interchange.ssd import SsdExtract, build_extract
from seen.interchange.ssd_tables import TABLES_BY_NAME

AGENCY = "QAV-CSC"
Tables = dict[str, list[dict[str, str]]]


def write_ssd(directory: Path, tables: Tables) -> Path:
    """One CSV a table, the specification's columns first (then any others a row names)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        spec = TABLES_BY_NAME[name].columns if name in TABLES_BY_NAME else ()
        columns = [c for c in spec if any(c in row for row in rows)]
        for row in rows:
            columns += [c for c in row if c not in columns]
        with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
    return directory


def sample() -> Tables:
    """A mother, the man in her household, a toddler, a baby on a child protection plan after
    a child in need plan stepped down to Early Help, and her next, unborn, child assessed."""
    return {
        "ssd_professionals": [
            {
                "prof_professional_id": "W1",
                "prof_professional_name": "Sol Worker",
                "prof_professional_job_title": "Social Worker",
                "prof_professional_department": "Assessment 1",
            },
            {
                "prof_professional_id": "W2",
                "prof_professional_name": "Eda Helper",
                "prof_professional_job_title": "Early Help Key Worker",
            },
        ],
        "ssd_person": [
            {
                "pers_person_id": "M1",
                "pers_forename": "Jade",
                "pers_surname": "Hollis",
                "pers_sex": "F",
                "pers_ethnicity": "WBRI",
                "pers_dob": "1999-04-03 00:00:00.000",
                "pers_common_child_id": "9990000018",
                "pers_is_mother": "Y",
            },
            {
                "pers_person_id": "F1",
                "pers_forename": "Robert",
                "pers_surname": "Tanner",
                "pers_sex": "M",
                "pers_dob": "1995-11-02",
            },
            {
                "pers_person_id": "S1",
                "pers_forename": "Mia",
                "pers_surname": "Hollis",
                "pers_sex": "F",
                "pers_dob": "2022-02-02",
            },
            {
                "pers_person_id": "C1",
                "pers_forename": "Leo",
                "pers_surname": "Hollis",
                "pers_gender": "01",
                "pers_dob": "01/06/2025",
                "pers_expected_dob": "2025-06-05",
                "pers_common_child_id": "999 000 0026",
            },
            {"pers_person_id": "U1", "pers_surname": "Hollis", "pers_expected_dob": "2026-09-01"},
        ],
        "ssd_address": [
            {
                "addr_table_id": "A1",
                "addr_person_id": "M1",
                "addr_address_postcode": "qa1 2bc",
                "addr_address_start_date": "2024-01-01",
                "addr_address_json": '{"HOUSE": "12", "STREET": "Mill Lane", "TOWN": "Quarry"}',
            },
            {
                "addr_table_id": "A2",
                "addr_person_id": "M1",
                "addr_address_postcode": "QA1 9ZZ",
                "addr_address_start_date": "2020-01-01",
                "addr_address_end_date": "2023-12-31",
            },
            {"addr_table_id": "A3", "addr_person_id": "F1", "addr_address_postcode": "CON"},
        ],
        "ssd_mother": [
            {
                "moth_table_id": "MO1",
                "moth_person_id": "M1",
                "moth_childs_person_id": "C1",
                "moth_childs_dob": "2025-06-01",
            },
            {"moth_table_id": "MO2", "moth_person_id": "M1", "moth_childs_person_id": "U1"},
        ],
        "ssd_family": [
            {"fami_table_id": f"FA{n}", "fami_family_id": "FAM1", "fami_person_id": person}
            for n, person in enumerate(("M1", "F1", "S1", "C1", "U1"), 1)
        ],
        "ssd_cin_episodes": [
            {
                "cine_referral_id": "R1",
                "cine_person_id": "C1",
                "cine_referral_date": "2025-05-20",
                "cine_referral_source_code": "3B",
                "cine_referral_source_desc": "Health visitor",
                "cine_cin_primary_need_code": "N1",
                "cine_close_date": "",
            },
        ],
        "ssd_cin_assessments": [
            {
                "cina_assessment_id": "AS1",
                "cina_person_id": "C1",
                "cina_assessment_start_date": "2025-06-10",
                "cina_assessment_auth_date": "2025-07-01",
                "cina_assessment_worker_id": "W1",
            },
            {
                "cina_assessment_id": "AS2",
                "cina_person_id": "U1",
                "cina_assessment_start_date": "2026-04-01",
            },
        ],
        "ssd_assessment_factors": [
            {
                "cinf_table_id": "AF1",
                "cinf_assessment_id": "AS1",
                "cinf_assessment_factors_json": '{"16A": "Yes", "4B": "Yes", "2B": "No"}',
            },
            {
                "cinf_table_id": "AF2",
                "cinf_assessment_id": "AS2",
                "cinf_assessment_factors_json": '["21"]',
            },
        ],
        "ssd_s47_enquiry": [
            {
                "s47e_s47_enquiry_id": "E1",
                "s47e_person_id": "C1",
                "s47e_s47_start_date": "2025-09-01",
                "s47e_s47_end_date": "2025-09-20",
                "s47e_s47_completed_by_worker_id": "W1",
            },
        ],
        "ssd_initial_cp_conference": [
            {"icpc_icpc_id": "IC1", "icpc_person_id": "C1", "icpc_icpc_date": "2025-09-25"},
            {"icpc_icpc_id": "IC2", "icpc_person_id": "C1", "icpc_icpc_target_date": "2026-05-01"},
        ],
        "ssd_cp_plans": [
            {
                "cppl_cp_plan_id": "9",
                "cppl_person_id": "C1",
                "cppl_cp_plan_start_date": "2025-09-25",
                "cppl_cp_plan_initial_category": "NEG",
                "cppl_cp_plan_latest_category": "Emotional Abuse",
            },
        ],
        "ssd_cp_reviews": [
            {
                "cppr_cp_review_id": "RV1",
                "cppr_person_id": "C1",
                "cppr_cp_plan_id": "9",
                "cppr_cp_review_date": "2025-12-20",
            },
        ],
        "ssd_cin_plans": [
            {
                "cinp_cin_plan_id": "9",
                "cinp_person_id": "C1",
                "cinp_cin_plan_start_date": "2025-07-05",
                "cinp_cin_plan_end_date": "2025-08-20",
                "cinp_cin_plan_worker_id": "W1",
            },
        ],
        "ssd_early_help_episodes": [
            {
                "earl_episode_id": "EH1",
                "earl_person_id": "C1",
                "earl_episode_start_date": "2025-08-20",
                "earl_episode_end_date": "2025-08-31",
                "earl_episode_worker_id": "W2",
            },
        ],
        "ssd_cin_visits": [
            {
                "cinv_cin_visit_id": "V1",
                "cinv_person_id": "C1",
                "cinv_cin_visit_date": "2025-07-15",
                "cinv_cin_visit_seen": "Y",
            },
        ],
        "ssd_involvements": [
            {
                "invo_involvements_id": "I1",
                "invo_professional_id": "W1",
                "invo_professional_role_id": "Allocated Case Worker",
                "invo_person_id": "C1",
                "invo_involvement_start_date": "2025-06-10",
            },
            {
                "invo_involvements_id": "I2",
                "invo_professional_id": "W1",
                "invo_professional_role_id": "Independent Reviewing Officer",
                "invo_person_id": "C1",
                "invo_involvement_start_date": "2025-06-10",
            },
        ],
        "ssd_care_leavers": [
            {
                "clea_table_id": "CL1",
                "clea_person_id": "M1",
                "clea_care_leaver_eligibility": "Relevant child",
                "clea_care_leaver_latest_contact": "2025-05-01",
                "clea_care_leaver_personal_advisor": "W2",
            },
        ],
        "ssd_contacts": [
            {
                "cont_contact_id": "CO1",
                "cont_person_id": "U1",
                "cont_contact_date": "2026-03-20",
                "cont_contact_source_desc": "Midwife",
            },
        ],
    }


def make_agency() -> Agency:
    return Agency.objects.create(code=AGENCY, name="Quarry Vale CSC", kind="childrens_social_care")


def builder(folder: Path) -> Callable[..., SsdExtract]:
    """build(tables=None, **changes): the extract the sample (or `tables`, with `changes`, e.g.
    ssd_person=[...]) makes, written under `folder`."""
    counter = iter(range(1000))

    def build(tables: Tables | None = None, **changes: list[dict[str, str]]) -> SsdExtract:
        source = dict(tables if tables is not None else sample())
        source.update(changes)
        written = write_ssd(folder / f"ssd{next(counter)}", source)
        return build_extract(written, AGENCY, Limits(), Deadline(None))

    return build


@pytest.fixture
def built(tmp_path: Path, db: None) -> Callable[..., SsdExtract]:
    make_agency()
    return builder(tmp_path)


def pick(row: dict[str, str], expected: dict[str, str]) -> dict[str, str | None]:
    return {column: row.get(column) for column in expected}


def rows(extract: SsdExtract, table: str) -> dict[str, dict[str, str]]:
    return {r.values["id"]: r.values for r in extract.build.kept() if r.table == table}


def test_persons_are_people_and_the_unborn_child_a_pregnancy(
    built: Callable[..., SsdExtract],
) -> None:
    extract = built()
    people = rows(extract, "people")
    assert set(people) == {"M1", "F1", "S1", "C1"}  # U1, unborn, is its pregnancy
    assert pick(
        people["M1"],
        {
            "forename": "Jade",
            "dob": "1999-04-03",
            "sex": "female",
            "nhs_number": "9990000018",
            "ethnicity": "WBRI",
            "postcode": "QA1 2BC",
            "address": "12 Mill Lane, Quarry",
        },
    ) == {
        "forename": "Jade",
        "dob": "1999-04-03",
        "sex": "female",
        "nhs_number": "9990000018",
        "ethnicity": "WBRI",
        "postcode": "QA1 2BC",
        "address": "12 Mill Lane, Quarry",
    }
    assert people["C1"]["dob"] == "2025-06-01"  # DD/MM/YYYY read
    assert people["C1"]["sex"] == "male"  # pers_gender's code when pers_sex is empty
    assert people["C1"]["nhs_number"] == "9990000026"
    assert people["F1"].get("postcode", "") == ""  # a protected address is not held
    pregnancies = rows(extract, "pregnancies")
    assert pregnancies["U1"] == {
        "id": "U1",
        "mother": "M1",
        "expected_date": "2026-09-01",
        "status": "ongoing",
        "child": "",
    }
    assert pregnancies["C1"]["status"] == "born" and pregnancies["C1"]["child"] == "C1"
    assert extract.children == {"C1", "U1"}
    assert not [f for f in extract.build.faults if not f.warning]


def test_dated_addresses_are_residences(built: Callable[..., SsdExtract]) -> None:
    residences = rows(built(), "residences")
    assert residences["A2"] == {
        "id": "A2",
        "person": "M1",
        "postcode": "QA1 9ZZ",
        "address": "",
        "start": "2020-01-01",
        "end": "2023-12-31",
    }
    assert set(residences) == {"A1", "A2"}


def test_mother_and_family_are_relationships_dated_when_the_child_was_first_known(
    built: Callable[..., SsdExtract],
) -> None:
    found = {
        (r["person"], r["child"] or r["pregnancy"]): r
        for r in rows(built(), "relationships").values()
    }
    assert found[("M1", "C1")]["kind"] == "birth_mother"
    assert found[("M1", "C1")]["asserted_on"] == "2025-05-20"  # the referral
    assert found[("F1", "C1")]["kind"] == "male_carer"  # the SSD does not say he is the father
    assert found[("S1", "C1")]["kind"] == "sibling"
    assert found[("M1", "U1")]["pregnancy"] == "U1" and found[("M1", "U1")]["child"] == ""
    assert found[("C1", "U1")]["kind"] == "sibling"
    assert found[("F1", "U1")]["asserted_on"] == "2026-03-20"  # the contact about U1
    assert ("M1", "S1") not in found  # S1 is no child of the work tables, and has no mother row


def test_episodes_and_contacts_are_referrals_to_the_agency(
    built: Callable[..., SsdExtract],
) -> None:
    referrals = rows(built(), "referrals")
    episode = referrals["cine:R1"]
    # referred before the birth: about the unborn child, the pregnancy the child's id names
    assert episode["pregnancy"] == "C1" and episode["child"] == ""
    assert episode["date"] == "2025-05-20"
    assert episode["to_agency"] == AGENCY and episode["kind"] == "childrens_social_care"
    assert episode["source"] == "3B" and episode["primary_need"] == "N1"
    contact = referrals["cont:CO1"]
    assert contact["pregnancy"] == "U1" and contact["child"] == ""
    assert contact["reason"] == "Midwife"


def test_assessments_with_their_factors(built: Callable[..., SsdExtract]) -> None:
    assessments = rows(built(), "assessments")
    assert pick(
        assessments["cina:AS1"],
        {
            "kind": "child_and_family",
            "child": "C1",
            "completed_on": "2025-07-01",
            "factors": "4B;16A",
            "practitioner": "W1",
            "father_involved": "not_known",
        },
    ) == {
        "kind": "child_and_family",
        "child": "C1",
        "completed_on": "2025-07-01",
        "factors": "4B;16A",
        "practitioner": "W1",
        "father_involved": "not_known",
    }
    assert assessments["cina:AS2"]["kind"] == "pre_birth"
    assert assessments["cina:AS2"]["pregnancy"] == "U1"
    assert assessments["cina:AS2"]["factors"] == "21"
    assert assessments["s47e:E1"]["kind"] == "section_47"
    assert assessments["s47e:E1"]["completed_on"] == "2025-09-20"


def test_conferences_held_and_plans(built: Callable[..., SsdExtract]) -> None:
    extract = built()
    conferences = rows(extract, "conferences")
    assert conferences["icpc:IC1"]["kind"] == "initial"
    assert conferences["cppr:RV1"]["kind"] == "review"
    assert "icpc:IC2" not in conferences  # not yet held
    plans = rows(extract, "plans")
    assert pick(
        plans["cppl:9"],
        {
            "kind": "child_protection",
            "category_of_abuse": "Neglect",
            "latest_category_of_abuse": "Emotional Abuse",
        },
    ) == {
        "kind": "child_protection",
        "category_of_abuse": "Neglect",
        "latest_category_of_abuse": "Emotional Abuse",
    }
    assert plans["cinp:9"]["lead_practitioner"] == "W1"  # the same SSD id in two tables
    assert pick(
        plans["earl:EH1"],
        {
            "kind": "early_help",
            "key_worker": "W2",
            "stepped_down_from": "cinp:9",
            "end": "2025-08-31",
        },
    ) == {
        "kind": "early_help",
        "key_worker": "W2",
        "stepped_down_from": "cinp:9",
        "end": "2025-08-31",
    }
    assert plans["earl:EH1"]["information_sharing_plan"] == "not_known"


def test_visits_involvements_care_leavers_professionals(built: Callable[..., SsdExtract]) -> None:
    extract = built()
    visit = rows(extract, "contacts")["cinv:V1"]
    assert visit["kind"] == "social_work_visit" and visit["father_seen"] == "not_known"
    responsibilities = rows(extract, "responsibilities")
    assert responsibilities == {
        "I1": {
            "id": "I1",
            "child": "C1",
            "pregnancy": "",
            "practitioner": "W1",
            "role": "social_worker",
            "start": "2025-06-10",
            "end": "",
        }
    }
    assert extract.build.skipped["ssd_involvements: a role Seen does not hold"] == 1
    status = rows(extract, "care_leaver_statuses")["CL1"]
    assert status["subject"] == "M1" and status["care_leaver"] == "yes"
    assert status["personal_adviser"] == "W2"
    practitioners = rows(extract, "practitioners")
    assert practitioners["W1"]["role"] == "social_worker"
    assert practitioners["W2"]["role"] == "early_help_key_worker"


def test_other_columns_and_tables_are_ignored(built: Callable[..., SsdExtract]) -> None:
    tables = sample()
    tables["ssd_person"][0]["pers_nationality"] = "British"  # read, not needed
    tables["ssd_cla_episodes"] = [{"clae_cla_episode_id": "1"}]
    extract = built(tables)
    assert "pers_nationality" not in rows(extract, "people")["M1"]
    assert extract.ignored == ["ssd_cla_episodes.csv"]


def test_an_older_release_names_the_nhs_number_pers_single_unique_id(
    built: Callable[..., SsdExtract],
) -> None:
    tables = sample()
    tables["ssd_person"] = [
        {
            ("pers_single_unique_id" if k == "pers_common_child_id" else k): value
            for k, value in row.items()
        }
        for row in tables["ssd_person"]
    ]
    assert rows(built(tables), "people")["M1"]["nhs_number"] == "9990000018"
