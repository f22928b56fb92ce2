"""The 23-case fixture reproduces the fieldwork report's "Headline data" exactly.

The expected numbers are typed from the report's text (paragraph numbers in the comments), not
computed from the fixture. Where the report gives only part of a table (the age table: 9 babies
at 3 months; care findings: 5 against the father, 4 against both parents) the rest is checked
to be consistent with it.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from seen.thematic.dataset import CaseRow, read_cases
from seen.thematic.headline import headline_tables

FIXTURE = Path(__file__).parent / "fixtures" / "headline_cases.csv"

# Typed from the report's "Headline data" section.
REPORT: dict[str, Any] = {
    # 1. "In the cohort of 23 babies, 19 were seriously harmed and 4 died."
    "outcome": {"seriously_harmed": 19, "died": 4},
    "injury_pattern": {
        # 1. "Of the 4 babies who died, 4 suffered head injuries/trauma and in 3 cases they were
        # found to have suffered additional fractures."
        "died": {"head_injury_with_fractures": 3, "head_injury_only": 1},
        # 2. "5 ... head injuries/trauma with additional fractures; 3 ... head injuries/trauma;
        # 3 ... fractures and bruising; 6 suffered fractures and 2 ... ruptured frenulum's."
        "seriously_harmed": {
            "head_injury_with_fractures": 5,
            "head_injury_only": 3,
            "fractures_and_bruising": 3,
            "fractures_only": 6,
            "ruptured_frenulum": 2,
        },
    },
    # 3. "5 ... one off incident; 10 ... more than one occasion and in 4 ... not known."
    "occasions": {"one_off": 5, "repeated": 10, "not_known": 4},
    # 4. "5 ... likely to suffer long term impairment, 9 ... unlikely ... 5 ... not known."
    "prognosis": {"likely_impairment": 5, "unlikely_impairment": 9, "not_known": 5},
    # 5. "In 22 cases the men in this cohort were birth fathers and 1 was mother's partner."
    "male_relationship": {"birth_father": 22, "mothers_partner": 1},
    # 6. "15 were male and 8 were female."
    "child_sex": {"male": 15, "female": 8},
    # 7. "18 ... White British, 2 ... White British/White European, 1 ... Asian, 1 ...
    # Asian/Black Caribbean, and 1 ... White British/Black Caribbean."
    "child_ethnicity": {
        "white british": 18,
        "white british/white european": 2,
        "asian": 1,
        "asian/black caribbean": 1,
        "white british/black caribbean": 1,
    },
    # (9.) "14 ... Universal services, 3 ... Early Help ..., 2 ... Child in Need Plan and 4 ...
    # Child Protection Plans."
    "agency_involvement": {
        "universal": 14,
        "early_help": 3,
        "child_in_need": 2,
        "child_protection": 4,
    },
    # 10. "4 ... father was the convicted perpetrator; 4 ... trials were ongoing ...; 8 ...
    # awaiting CPS decision; 7 ... no charges"
    "criminal_proceedings": {
        "father_convicted": 4,
        "trial_ongoing": 4,
        "awaiting_decision": 8,
        "no_charges": 7,
    },
    # 10. "In 3 of the cases both parents were charged"
    "both_parents_charged": {"yes": 3, "no": 20},
    # 12.-16.
    "parent_features": {
        "current_domestic_abuse": 10,
        "historical_domestic_abuse": 10,
        "parental_mental_health": 19,
        "care_leaver": 4,
        "parent_under_22": 9,
        "father_convictions": 9,
    },
}
COHORT = 23
BABIES_AGED_3_MONTHS = 9  # 8.
CARE_FINDINGS_GIVEN = {"father": 5, "both_parents": 4}  # 11.
AREAS = 19  # introduction, 8.: "each of the 19 local areas"


@pytest.fixture(scope="module")
def rows() -> list[CaseRow]:
    rows, problems = read_cases(FIXTURE.read_bytes())
    assert problems == []
    return rows


@pytest.fixture(scope="module")
def tables(rows: list[CaseRow]) -> dict[str, Any]:
    return headline_tables(rows)


def test_the_fixture_is_the_cohort_of_23_cases_in_19_areas(rows: list[CaseRow]) -> None:
    assert len(rows) == COHORT
    assert len({row.area for row in rows}) == AREAS


@pytest.mark.parametrize("table", sorted(REPORT))
def test_each_table_the_report_gives_whole_is_reproduced_exactly(
    tables: dict[str, Any], table: str
) -> None:
    assert tables[table] == REPORT[table]


def test_the_age_table_has_9_babies_at_3_months_among_23(tables: dict[str, Any]) -> None:
    ages = tables["age_months"]
    assert ages["3"] == BABIES_AGED_3_MONTHS
    assert sum(ages.values()) == COHORT
    assert set(ages) <= {str(month) for month in range(12)}


def test_care_findings_are_5_against_the_father_4_against_both_and_no_others_found(
    tables: dict[str, Any],
) -> None:
    findings = dict(tables["care_findings"])
    assert {key: findings.pop(key) for key in CARE_FINDINGS_GIVEN} == CARE_FINDINGS_GIVEN
    assert set(findings) <= {"none", "not_known"}  # the report names no other findings
    assert sum(findings.values()) == COHORT - 9


def test_the_deaths_were_1_one_off_and_3_on_more_than_one_occasion(rows: list[CaseRow]) -> None:
    # 1. Not a headline table (occasions counts the seriously harmed), but in the report.
    died = [row.occasions for row in rows if row.outcome == "died"]
    assert sorted(died) == ["one_off", "repeated", "repeated", "repeated"]
    assert all(row.prognosis == "" for row in rows if row.outcome == "died")


def test_the_3_cases_with_both_parents_charged_are_trials_ongoing(rows: list[CaseRow]) -> None:
    charged = [row.criminal_proceedings for row in rows if row.both_parents_charged == "yes"]
    assert charged == ["trial_ongoing"] * 3


def test_the_command_prints_the_same_numbers_as_json() -> None:
    out = StringIO()
    call_command("review", "report", str(FIXTURE), "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert set(printed) == {*REPORT, "age_months", "care_findings"}
    for table, expected in REPORT.items():
        assert printed[table] == expected
    assert printed["age_months"]["3"] == BABIES_AGED_3_MONTHS
    assert printed["care_findings"]["father"] == 5
    assert printed["care_findings"]["both_parents"] == 4
