"""The headline tables: the injury pattern of each case, only categories that occur, the seriously
harmed alone in occasions and prognosis, and suppression for publication."""

from __future__ import annotations

from dataclasses import replace

import pytest

from seen.thematic.dataset import CaseRow
from seen.thematic.headline import TABLES, headline_tables, injury_pattern, suppress

CASE = CaseRow(
    case_id="case 01",
    area="area 01",
    outcome="seriously_harmed",
    injuries=("fracture",),
    occasions="one_off",
    prognosis="not_known",
    male_relationship="birth_father",
    child_sex="female",
    child_ethnicity="white british",
    age_months=3,
    agency_involvement="universal",
    criminal_proceedings="no_charges",
    both_parents_charged="no",
    care_findings="none",
    parent_features=(),
)


@pytest.mark.parametrize(
    ("injuries", "pattern"),
    [
        (("head_injury", "fracture"), "head_injury_with_fractures"),
        (
            ("fracture", "head_injury", "bruising", "ruptured_frenulum"),
            "head_injury_with_fractures",
        ),
        (("head_injury",), "head_injury_only"),
        (("head_injury", "bruising", "other"), "head_injury_only"),
        (("head_injury", "ruptured_frenulum"), "head_injury_only"),
        (("fracture", "bruising"), "fractures_and_bruising"),
        (("bruising", "fracture", "ruptured_frenulum"), "fractures_and_bruising"),
        (("fracture",), "fractures_only"),
        (("fracture", "other"), "fractures_only"),
        (("fracture", "ruptured_frenulum"), "fractures_only"),
        (("ruptured_frenulum",), "ruptured_frenulum"),
        (("ruptured_frenulum", "bruising", "other"), "ruptured_frenulum"),
        (("bruising",), "other"),
        (("other",), "other"),
        (("bruising", "other"), "other"),
    ],
)
def test_each_case_falls_in_exactly_one_injury_pattern(
    injuries: tuple[str, ...], pattern: str
) -> None:
    assert injury_pattern(injuries) == pattern


def test_tables_hold_only_categories_that_occur_and_ages_as_strings() -> None:
    tables = headline_tables([CASE, replace(CASE, case_id="case 02", age_months=11)])
    assert list(tables) == list(TABLES)
    assert tables["outcome"] == {"seriously_harmed": 2}
    assert tables["injury_pattern"] == {"seriously_harmed": {"fractures_only": 2}}
    assert tables["age_months"] == {"3": 1, "11": 1}
    assert tables["child_sex"] == {"female": 2}
    assert tables["parent_features"] == {}


def test_occasions_and_prognosis_count_the_seriously_harmed_only() -> None:
    died = replace(CASE, case_id="case 02", outcome="died", prognosis="", occasions="repeated")
    tables = headline_tables([CASE, died])
    assert tables["occasions"] == {"one_off": 1}
    assert tables["prognosis"] == {"not_known": 1}
    assert tables["outcome"] == {"died": 1, "seriously_harmed": 1}
    assert tables["injury_pattern"] == {
        "died": {"fractures_only": 1},
        "seriously_harmed": {"fractures_only": 1},
    }


def test_parent_features_count_cases_having_each_feature() -> None:
    rows = [
        replace(CASE, parent_features=("care_leaver", "parent_under_22")),
        replace(CASE, case_id="case 02", parent_features=("care_leaver",)),
        replace(CASE, case_id="case 03"),
    ]
    assert headline_tables(rows)["parent_features"] == {"care_leaver": 2, "parent_under_22": 1}


def test_ethnicity_is_counted_as_written_most_frequent_first() -> None:
    rows = [
        replace(CASE, case_id=str(n), child_ethnicity=ethnicity)
        for n, ethnicity in enumerate(["mixed", "white british", "white british", "asian"])
    ]
    assert list(headline_tables(rows)["child_ethnicity"].items()) == [
        ("white british", 2),
        ("asian", 1),
        ("mixed", 1),
    ]


def test_no_rows_give_empty_tables() -> None:
    tables = headline_tables([])
    assert all(table == {} for table in tables.values())


def test_suppression_hides_counts_from_1_to_below_minus_1_nested_too() -> None:
    tables = {
        "outcome": {"died": 4, "seriously_harmed": 19},
        "injury_pattern": {"died": {"head_injury_only": 1, "fractures_only": 3}},
        "child_sex": {"male": 2, "female": 3},
    }
    assert suppress(tables, 3) == {
        "outcome": {"died": 4, "seriously_harmed": 19},
        "injury_pattern": {"died": {"head_injury_only": None, "fractures_only": 3}},
        "child_sex": {"male": None, "female": 3},
    }
    assert suppress(tables, 5)["outcome"] == {"died": None, "seriously_harmed": 19}
    assert tables["child_sex"] == {"male": 2, "female": 3}  # the original is left alone


@pytest.mark.parametrize("below", [0, 1])
def test_a_threshold_of_1_or_less_suppresses_nothing(below: int) -> None:
    tables = {"outcome": {"died": 1, "seriously_harmed": 2}}
    assert suppress(tables, below) == tables
