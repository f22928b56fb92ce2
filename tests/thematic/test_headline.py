"""The headline tables: the injury pattern of each case, only categories that occur, the seriously
harmed alone in occasions and prognosis, and suppression for publication."""

from __future__ import annotations

from dataclasses import replace

import pytest

from seen.thematic.dataset import CaseRow
from seen.thematic.headline import (
    TABLES,
    Range,
    headline_tables,
    injury_pattern,
    name_of,
    publish,
)

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


def test_publishing_joins_small_categories_until_each_is_large_enough() -> None:
    tables = {
        "agency_involvement": {"universal": 14, "early_help": 3, "child_in_need": 2},
        "care_findings": {"father": 5, "none": 6, "not_known": 9, "mother": 2},
        "age_months": {"0": 1, "1": 2, "2": 3, "3": 9, "4": 1, "11": 3},
        "parent_features": {"care_leaver": 4, "parent_under_22": 9},
    }
    published = publish(tables, 5)
    # the small ones together make 5: "Other"
    assert published["agency_involvement"] == {"universal": 14, "early_help+child_in_need": 5}
    # 2 alone is still small: it joins the smallest large category, so no total gives it away
    assert published["care_findings"] == {"none": 6, "not_known": 9, "father+mother": 7}
    # ages in order: bands of neighbours, the last small band joining the one before
    assert published["age_months"] == {"0+1+2": 6, "3+4+11": 13}
    # a case may have several features: the cells overlap, so a small one is only hidden
    assert published["parent_features"] == {"care_leaver": None, "parent_under_22": 9}
    assert tables["age_months"]["0"] == 1  # the original is left alone


def test_one_large_and_one_small_category_are_published_as_ranges() -> None:
    """23 cases, 19 harmed: "died: fewer than 5" beside 19 would give 4 away."""
    tables = {
        "outcome": {"died": 4, "seriously_harmed": 19},
        "occasions": {"one_off": 5, "repeated": 10, "not_known": 4},
        "prognosis": {"likely_impairment": 5, "unlikely_impairment": 14},
    }
    published = publish(tables, 5)
    assert published["outcome"] == {"died": Range(1, 4), "seriously_harmed": Range(19, 22)}
    # the tables of the harmed add up to the harmed: their largest cell carries the range
    assert published["occasions"] == {"repeated": Range(10, 13), "one_off+not_known": 9}
    assert published["prognosis"] == {
        "likely_impairment": 5,
        "unlikely_impairment": Range(14, 17),
    }
    assert str(Range(19, 22)) == "19 to 22"


def test_a_lone_small_category_is_not_published() -> None:
    published = publish({"outcome": {"seriously_harmed": 2}, "child_sex": {"male": 2}}, 5)
    assert published == {"outcome": {"seriously_harmed": None}, "child_sex": {"male": None}}


@pytest.mark.parametrize("below", [0, 1])
def test_a_threshold_of_1_or_less_publishes_every_count(below: int) -> None:
    tables = {"outcome": {"died": 1, "seriously_harmed": 2}}
    assert publish(tables, below) == tables


def test_a_joined_category_is_named_by_its_parts() -> None:
    def name(key: str) -> str:
        return key.replace("_", " ").capitalize()

    assert name_of("agency_involvement", "universal", name) == "Universal"
    assert name_of("care_findings", "father+mother", name) == "Father or Mother"
    assert name_of("child_ethnicity", "a+b+c", name) == "Other: A, B, C"
    assert name_of("age_months", "0+1+2", lambda k: f"{k} months") == "0 to 2 months"
