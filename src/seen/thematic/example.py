"""The demo's example thematic review, filled as the national review was made: 74 candidate
cases shortlisted and cut to the 23 of the case dataset, 19 areas, and engagement meetings that
add up to 171 practitioners and 151 strategic partners. Everything goes through the services a
reviewer's pages use (seen.thematic.reviews), so it is kept and audited like their work."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from seen.thematic import reviews
from seen.thematic.models import Meeting, Review, Stage

SHORTLISTED = 74
# (role, people) per area's meeting; the strategic partners' last area had one police officer
PRACTITIONERS = [
    ("health visitor", "3"),
    ("social worker", "3"),
    ("police officer", "1"),
    ("midwife", "1"),
    ("GP", "1"),
]
STRATEGIC_PARTNERS = [("local authority", "3"), ("health", "3"), ("police", "2")]
FIRST_MEETING = date(2025, 6, 2)
NOT_INCLUDED = (
    "The rapid review had not concluded in time for the fieldwork",
    "No male carer was involved with the baby",
    "The area could not take part in the fieldwork",
)


def fill(user: Any, purpose: str, review: Review, included: list[tuple[str, str]]) -> bool:
    """Candidate cases, areas and meetings for a review that has none yet; `included` holds the
    (case_id, area) of the dataset's cases. False when the review already had cases."""
    if review.cases.exists():
        return False
    areas = sorted({area for _, area in included})
    for area in areas:
        if not review.areas.filter(name__iexact=area).exists():
            reviews.add_area(user, purpose, review, area)
    # the services take an area as the form sends it: its id
    area_id = {a.name.lower(): str(a.pk) for a in review.areas.all()}
    others = [
        (f"candidate {n:02d}", areas[n % len(areas)])
        for n in range(1, SHORTLISTED - len(included) + 1)
    ]
    for number, (case_id, area) in enumerate(included + others):
        case = reviews.add_case(
            user,
            purpose,
            review,
            case_id=case_id,
            area=area_id[area.lower()],
            reason="Notified to the national panel: a baby under one, injured, a man involved",
        )
        reviews.move_case(
            user, purpose, case, to_stage=Stage.SHORTLISTED, reason="Met the review's criteria"
        )
        if number < len(included):
            reviews.move_case(
                user,
                purpose,
                case,
                to_stage=Stage.INCLUDED,
                reason="A rapid review was completed and the area took part",
            )
        else:
            reviews.move_case(
                user,
                purpose,
                case,
                to_stage=Stage.EXCLUDED,
                reason=NOT_INCLUDED[number % len(NOT_INCLUDED)],
            )
    for number, area in enumerate(areas):
        held = (FIRST_MEETING + timedelta(days=7 * number)).isoformat()
        partners = STRATEGIC_PARTNERS
        if number == len(areas) - 1:
            partners = [*STRATEGIC_PARTNERS[:-1], ("police", "1")]
        for kind, attendance in (
            (Meeting.Kind.PRACTITIONERS, PRACTITIONERS),
            (Meeting.Kind.STRATEGIC_PARTNERS, partners),
        ):
            reviews.record_meeting(
                user,
                purpose,
                review,
                area=area_id[area.lower()],
                held_on=held,
                kind=kind,
                attendance=attendance,
            )
    return True
