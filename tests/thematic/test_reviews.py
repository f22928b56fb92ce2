"""A review's shortlisting, meetings and case dataset, through the services: every move kept with
who, when and why; stages only in the order the review process allows; attendance summed by
role; an import storing the good rows and keeping each refused one with its line and reason; a
re-import replacing by case_id; a role without review work refused."""

from __future__ import annotations

from typing import Any

import pytest

from seen.thematic import casedata, reviews
from seen.thematic.dataset import read_cases
from seen.thematic.models import Meeting, RefusedRow, Review, Stage
from tests.fixtures.thematic import GOOD, HEADLINE_CSV, PURPOSE, dataset

pytestmark = pytest.mark.django_db


def test_a_review_needs_a_title_and_a_kind(first_reviewer: Any) -> None:
    with pytest.raises(reviews.Invalid) as caught:
        reviews.create_review(first_reviewer, PURPOSE, title="  ", kind="inquiry")
    assert [field for field, _ in caught.value.errors] == ["title", "kind"]


def test_a_role_without_review_work_is_refused(health_visitor: Any, review: Review) -> None:
    with pytest.raises(reviews.Refused, match="may not manage review"):
        reviews.add_case(health_visitor, PURPOSE, review, case_id="rr-1", area="", reason="x")
    assert not review.cases.exists()


def test_shortlisting_keeps_every_move_with_who_when_and_why(
    review: Review, first_reviewer: Any, review_lead: Any
) -> None:
    area = reviews.add_area(first_reviewer, PURPOSE, review, "Quillbrook")
    case = reviews.add_case(
        first_reviewer, PURPOSE, review, case_id="rr-1", area=str(area.pk), reason="NAI, under 1"
    )
    assert case.stage == Stage.LONGLIST and case.area == area
    reviews.move_case(
        first_reviewer, PURPOSE, case, to_stage=Stage.SHORTLISTED, reason="father known to police"
    )
    reviews.move_case(
        review_lead, PURPOSE, case, to_stage=Stage.INCLUDED, reason="learning on fathers"
    )
    case.refresh_from_db()
    assert case.stage == Stage.INCLUDED
    moves = [(c.from_stage, c.to_stage, c.reason, c.by) for c in case.changes.all()]
    assert moves == [
        ("", Stage.LONGLIST, "NAI, under 1", first_reviewer),
        (Stage.LONGLIST, Stage.SHORTLISTED, "father known to police", first_reviewer),
        (Stage.SHORTLISTED, Stage.INCLUDED, "learning on fathers", review_lead),
    ]
    assert all(c.at is not None for c in case.changes.all())


def test_a_case_is_included_only_from_the_shortlist_and_a_move_needs_a_reason(
    review: Review, first_reviewer: Any
) -> None:
    case = reviews.add_case(first_reviewer, PURPOSE, review, case_id="rr-1", area="", reason="x")
    with pytest.raises(reviews.Invalid) as caught:
        reviews.move_case(first_reviewer, PURPOSE, case, to_stage=Stage.INCLUDED, reason="")
    errors = dict(caught.value.errors)
    assert errors["to_stage"] == "A case that is longlist can go to: shortlisted, excluded"
    assert errors["reason"] == "Enter the reason for the move"
    case.refresh_from_db()
    assert case.stage == Stage.LONGLIST and case.changes.count() == 1


def test_the_same_case_twice_and_an_area_of_another_review_are_refused(
    review: Review, first_reviewer: Any
) -> None:
    other = reviews.create_review(first_reviewer, PURPOSE, title="Other", kind="local_rapid")
    elsewhere = reviews.add_area(first_reviewer, PURPOSE, other, "Elsewhere")
    reviews.add_case(first_reviewer, PURPOSE, review, case_id="rr-1", area="", reason="x")
    with pytest.raises(reviews.Invalid) as caught:
        reviews.add_case(
            first_reviewer, PURPOSE, review, case_id="rr-1", area=str(elsewhere.pk), reason="y"
        )
    assert dict(caught.value.errors) == {
        "case_id": "Case rr-1 is already a candidate in this review",
        "area": "Choose one of this review's areas",
    }


def test_the_funnel_counts_now_and_ever_reached(review: Review, first_reviewer: Any) -> None:
    for n in range(1, 5):
        reviews.add_case(first_reviewer, PURPOSE, review, case_id=f"rr-{n}", area="", reason="x")
    cases = list(review.cases.all())
    for case in cases[:3]:
        reviews.move_case(first_reviewer, PURPOSE, case, to_stage="shortlisted", reason="r")
    reviews.move_case(first_reviewer, PURPOSE, cases[0], to_stage="included", reason="r")
    reviews.move_case(first_reviewer, PURPOSE, cases[1], to_stage="excluded", reason="r")
    found = reviews.funnel(review)
    assert found.now == {"longlist": 1, "shortlisted": 1, "included": 1, "excluded": 1}
    assert found.reached == {"longlist": 4, "shortlisted": 3, "included": 1, "excluded": 1}


def test_meetings_sum_attendance_by_role_and_kind(review: Review, first_reviewer: Any) -> None:
    north = reviews.add_area(first_reviewer, PURPOSE, review, "North")
    south = reviews.add_area(first_reviewer, PURPOSE, review, "South")
    for area, people in (
        (north, [("health visitor", "3"), ("social worker", "2")]),
        (south, [("Health visitor", "4"), ("GP", "1")]),
    ):
        reviews.record_meeting(
            first_reviewer,
            PURPOSE,
            review,
            area=str(area.pk),
            held_on="2021-03-01",
            kind=Meeting.Kind.PRACTITIONERS,
            attendance=[*people, ("", "")],
        )
    reviews.record_meeting(
        first_reviewer,
        PURPOSE,
        review,
        area=str(north.pk),
        held_on="2021-03-02",
        kind=Meeting.Kind.STRATEGIC_PARTNERS,
        attendance=[("director of children's services", "1"), ("designated nurse", "2")],
    )
    found = reviews.engagement(review)
    assert found.by_role["practitioners"] == [
        ("health visitor", 7),
        ("social worker", 2),
        ("gp", 1),
    ]
    assert found.totals == {"practitioners": 10, "strategic_partners": 3}
    assert found.areas == {"practitioners": 2, "strategic_partners": 1}


def test_a_meeting_with_bad_attendance_names_each_problem(
    review: Review, first_reviewer: Any
) -> None:
    with pytest.raises(reviews.Invalid) as caught:
        reviews.record_meeting(
            first_reviewer,
            PURPOSE,
            review,
            area="",
            held_on="1 March",
            kind="party",
            attendance=[("health visitor", "three"), ("", "2"), ("Health visitor", "1")],
        )
    assert dict(caught.value.errors) == {
        "area": "Choose the area",
        "held_on": "The date of the meeting must be a real date, YYYY-MM-DD",
        "kind": "Choose practitioners or strategic partners",
        "count-0": "Enter how many health visitor attended, a whole number above 0",
        "role-1": "Enter the role of attendance row 2",
    }
    assert not review.meetings.exists()


def test_an_import_stores_good_rows_and_keeps_each_refused_one(
    review: Review, first_reviewer: Any
) -> None:
    content = dataset(GOOD.format(n=1, age=3), GOOD.format(n=2, age=14), GOOD.format(n=3, age=5))
    done = casedata.import_dataset(first_reviewer, PURPOSE, review, "cases.csv", content)
    assert (done.stored, done.replaced, done.refused) == (2, 0, 1)
    assert [r.case_id for r in casedata.rows_of(review)] == ["rr-1", "rr-3"]
    refused = RefusedRow.objects.get(dataset_import=done)
    assert refused.line == 3 and "age_months" in refused.reason


def test_stored_rows_read_back_as_the_reader_made_them(
    review: Review, first_reviewer: Any
) -> None:
    text = HEADLINE_CSV.read_text()
    rows, problems = read_cases(text)
    assert not problems
    casedata.import_dataset(first_reviewer, PURPOSE, review, "headline.csv", text.encode())
    assert casedata.rows_of(review) == sorted(rows, key=lambda r: r.case_id)
    assert read_cases(casedata.export_csv(review)) == (casedata.rows_of(review), [])


def test_a_reimport_replaces_by_case_id_and_keeps_the_other_cases(
    review: Review, first_reviewer: Any
) -> None:
    first = dataset(GOOD.format(n=1, age=3), GOOD.format(n=2, age=4))
    casedata.import_dataset(first_reviewer, PURPOSE, review, "a.csv", first)
    second = dataset(GOOD.format(n=2, age=9), GOOD.format(n=3, age=1))
    again = casedata.import_dataset(first_reviewer, PURPOSE, review, "b.csv", second)
    assert (again.stored, again.replaced, again.refused) == (2, 1, 0)
    ages = {r.case_id: r.age_months for r in casedata.rows_of(review)}
    assert ages == {"rr-1": 3, "rr-2": 9, "rr-3": 1}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"\xff\xfe not utf-8", "must be UTF-8"),
        (b"case_id,area\nrr-1,north\n", "Line 1: "),
        (dataset(), "no rows under its header"),
        (dataset("rr-1\x00,area"), "NUL"),
    ],
)
def test_a_file_that_cannot_be_read_at_all_is_refused_whole(
    review: Review, first_reviewer: Any, content: bytes, message: str
) -> None:
    with pytest.raises(reviews.Invalid, match=message):
        casedata.import_dataset(first_reviewer, PURPOSE, review, "x.csv", content)
    assert not review.imports.exists() and not review.dataset.exists()


def test_extra_columns_are_stored_and_exported(review: Review, first_reviewer: Any) -> None:
    text = dataset(GOOD.format(n=1, age=3)).decode().splitlines()
    content = f"{text[0]},panel_notes\n{text[1]},seen by the panel\n".encode()
    casedata.import_dataset(first_reviewer, PURPOSE, review, "x.csv", content)
    (row,) = casedata.rows_of(review)
    assert row.extra == {"panel_notes": "seen by the panel"}
    assert casedata.export_csv(review).splitlines()[0].endswith(",panel_notes")
