"""Who may use the thematic review routes (merged into tests/access/test_matrix.py): every page
of a review (the list, a review, its cases, meetings, dataset and its CSV, the headline tables,
theme coding and agreement) is for reviewers and safeguarding leads (Action.VIEW_REVIEW_DATA to
read, Action.MANAGE_REVIEW for the forms and writes), for the purpose of review, which the pages
declare. The world holds one review with a case and an excerpt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model

from seen.access.models import Role
from seen.core import clock
from seen.thematic.models import CandidateCase, Excerpt, Review


def _reviewers(who: str) -> int:
    if who == "anonymous":
        return 302
    return 200 if who in (Role.REVIEWER, Role.SAFEGUARDING_LEAD) else 403


# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    ("GET", route): _reviewers
    for route in (
        "reviews/",
        "reviews/<int:review_id>/",
        "reviews/<int:review_id>/cases/new/",
        "reviews/<int:review_id>/cases/<int:case_pk>/",
        "reviews/<int:review_id>/meetings/new/",
        "reviews/<int:review_id>/dataset/",
        "reviews/<int:review_id>/dataset.csv",
        "reviews/<int:review_id>/headline/",
        "reviews/<int:review_id>/excerpts/<int:excerpt_id>/",
        "reviews/<int:review_id>/agreement/",
    )
}
# route suffix -> the JSON body a POST is sent with
BODIES: dict[str, dict[str, Any]] = {}


def extend(world: dict[str, Any]) -> None:
    """A review (`review_id`) with a candidate case (`case_pk`) and an excerpt (`excerpt_id`)."""
    maker = get_user_model().objects.create_user("matrix-review-maker")
    review = Review.objects.create(
        title="Matrix review",
        kind=Review.Kind.NATIONAL_THEMATIC,
        created_by=maker,
        created_by_name="matrix-review-maker",
        created_at=clock.now(),
    )
    case = CandidateCase.objects.create(review=review, case_id="RR-1")
    excerpt = Excerpt.objects.create(
        case=case, text="The father was not seen.", added_by=maker, added_at=clock.now()
    )
    world.update(review_id=review.pk, case_pk=case.pk, excerpt_id=excerpt.pk)
