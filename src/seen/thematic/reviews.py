"""A thematic review's own records: the review, its areas, its candidate cases and their
shortlisting, and its engagement meetings. Every write asks the one access decision
(`Action.MANAGE_REVIEW`), validates field by field (each problem named, nothing half written)
and keeps who and when. The pages write the audit event for what they showed or changed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from seen.access.policy import Action, decide
from seen.core import clock, errors
from seen.thematic.models import (
    CASE_ID_MAX,
    REASON_MAX,
    TITLE_MAX,
    Attendance,
    CandidateCase,
    Meeting,
    Review,
    ReviewArea,
    Stage,
    StageChange,
)

AREA_MAX = 100
ROLE_MAX = 100
COUNT_MAX = 999_999  # how many attended a meeting in one role: six digits at most
# where a case may go from each stage: included only from the shortlist (the national review's
# 74 shortlisted cases, 23 of them included); a case excluded may be reconsidered
MOVES: dict[str, tuple[str, ...]] = {
    Stage.LONGLIST: (Stage.SHORTLISTED, Stage.EXCLUDED),
    Stage.SHORTLISTED: (Stage.INCLUDED, Stage.EXCLUDED, Stage.LONGLIST),
    Stage.INCLUDED: (Stage.SHORTLISTED, Stage.EXCLUDED),
    Stage.EXCLUDED: (Stage.LONGLIST, Stage.SHORTLISTED),
}


class Refused(errors.Refused):
    """The access decision refused the write (its reason is the message)."""


class Invalid(errors.Invalid):
    """What was sent cannot be recorded: (field, message) for each problem."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def allowed(user: Any, purpose: str) -> None:
    decision = decide(user, Action.MANAGE_REVIEW, purpose)
    if not decision.allowed:
        raise Refused(decision.reason)


def name_of(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return str(full or user.get_username())


def text_field(value: str, field: str, what: str, most: int, errors: list[tuple[str, str]]) -> str:
    text = (value or "").strip()
    if not text:
        errors.append((field, f"Enter {what}"))
    elif len(text) > most:
        errors.append((field, f"{what[:1].upper()}{what[1:]} must be {most} characters or fewer"))
    return text


# ---- the review ---------------------------------------------------------------------------


def create_review(user: Any, purpose: str, *, title: str, kind: str) -> Review:
    allowed(user, purpose)
    errors: list[tuple[str, str]] = []
    title = text_field(title, "title", "the review's title", TITLE_MAX, errors)
    if kind not in Review.Kind.values:
        errors.append(("kind", "Choose a local rapid review or a national thematic review"))
    if errors:
        raise Invalid(errors)
    return Review.objects.create(
        title=title,
        kind=kind,
        created_by=user,
        created_by_name=name_of(user),
        created_at=clock.now(),
    )


def add_area(user: Any, purpose: str, review: Review, name: str) -> ReviewArea:
    allowed(user, purpose)
    errors: list[tuple[str, str]] = []
    name = text_field(name, "area", "the area's name", AREA_MAX, errors)
    # looked up only once it is a name (SQLite refuses a LIKE pattern over 50,000 bytes)
    if not errors and review.areas.filter(name__iexact=name).exists():
        errors.append(("area", f"{name} is already one of this review's areas"))
    if errors:
        raise Invalid(errors)
    try:
        with transaction.atomic():
            return ReviewArea.objects.create(review=review, name=name)
    except IntegrityError as error:  # added meanwhile by someone else
        raise Invalid([("area", f"{name} is already one of this review's areas")]) from error


def _area(review: Review, value: str, errors: list[tuple[str, str]], *, needed: bool) -> Any:
    value = (value or "").strip()
    if not value:
        if needed:
            errors.append(("area", "Choose the area"))
        return None
    known = value.isdigit() and len(value) < 18
    area = review.areas.filter(pk=int(value)).first() if known else None
    if area is None:
        errors.append(("area", "Choose one of this review's areas"))
    return area


# ---- candidate cases and their shortlisting -----------------------------------------------


def add_case(
    user: Any, purpose: str, review: Review, *, case_id: str, area: str, reason: str
) -> CandidateCase:
    """A new candidate on the longlist, with why it is considered."""
    allowed(user, purpose)
    errors: list[tuple[str, str]] = []
    case_id = text_field(case_id, "case_id", "the case's identifier", CASE_ID_MAX, errors)
    if case_id and review.cases.filter(case_id=case_id).exists():
        errors.append(("case_id", f"Case {case_id} is already a candidate in this review"))
    chosen = _area(review, area, errors, needed=False)
    why = text_field(reason, "reason", "why the case is considered", REASON_MAX, errors)
    if errors:
        raise Invalid(errors)
    try:
        with transaction.atomic():
            case = CandidateCase.objects.create(
                review=review, case_id=case_id, area=chosen, stage=Stage.LONGLIST
            )
            _arrived(case, why, user)
    except IntegrityError as error:  # added meanwhile by someone else
        raise Invalid(
            [("case_id", f"Case {case_id} is already a candidate in this review")]
        ) from error
    return case


def _arrived(case: CandidateCase, why: str, user: Any) -> None:
    """The first row of a case's history: its arrival on the longlist."""
    StageChange.objects.create(
        case=case,
        from_stage="",
        to_stage=Stage.LONGLIST,
        reason=why,
        by=user,
        by_name=name_of(user),
        at=clock.now(),
    )


def move_case(
    user: Any, purpose: str, case: CandidateCase, *, to_stage: str, reason: str
) -> StageChange:
    """Moves a case to another stage; the move is kept with who, when and why."""
    allowed(user, purpose)
    errors: list[tuple[str, str]] = []
    if to_stage not in MOVES.get(case.stage, ()):
        places = ", ".join(Stage(s).label.lower() for s in MOVES.get(case.stage, ()))
        errors.append(
            ("to_stage", f"A case that is {case.get_stage_display().lower()} can go to: {places}")
        )
    why = text_field(reason, "reason", "the reason for the move", REASON_MAX, errors)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        locked = CandidateCase.objects.select_for_update().get(pk=case.pk)
        if locked.stage != case.stage:
            raise Invalid([("to_stage", "The case was moved meanwhile: look at it again")])
        change = StageChange.objects.create(
            case=locked,
            from_stage=locked.stage,
            to_stage=to_stage,
            reason=why,
            by=user,
            by_name=name_of(user),
            at=clock.now(),
        )
        locked.stage = to_stage
        locked.save(update_fields=["stage"])
    case.stage = to_stage
    return change


@dataclass(frozen=True)
class Funnel:
    """Cases now at each stage, and cases that ever reached it (74 shortlisted, 23 included)."""

    now: dict[str, int]
    reached: dict[str, int]


def funnel(review: Review) -> Funnel:
    now = Counter(review.cases.values_list("stage", flat=True))
    reached = Counter(
        stage
        for _, stage in set(
            StageChange.objects.filter(case__review=review).values_list("case_id", "to_stage")
        )
    )
    return Funnel(
        {s: now.get(s, 0) for s in Stage.values}, {s: reached.get(s, 0) for s in Stage.values}
    )


# ---- engagement meetings ------------------------------------------------------------------


def record_meeting(
    user: Any,
    purpose: str,
    review: Review,
    *,
    area: str,
    held_on: str,
    kind: str,
    attendance: list[tuple[str, str]],
) -> Meeting:
    """A meeting with its attendance by role: (role, count) pairs; blank pairs are ignored."""
    allowed(user, purpose)
    errors: list[tuple[str, str]] = []
    chosen = _area(review, area, errors, needed=True)
    held: date | None = None
    text = (held_on or "").strip()
    if not text:
        errors.append(("held_on", "Enter the date of the meeting"))
    else:
        try:
            held = date.fromisoformat(text)
        except ValueError:
            errors.append(("held_on", "The date of the meeting must be a real date, YYYY-MM-DD"))
    if held and held > clock.today():
        errors.append(("held_on", "The date of the meeting must be today or in the past"))
    if kind not in Meeting.Kind.values:
        errors.append(("kind", "Choose practitioners or strategic partners"))
    counts: dict[str, int] = {}
    for index, (role, count) in enumerate(attendance):
        role, count = (role or "").strip(), (count or "").strip()
        if not role and not count:
            continue
        field = f"role-{index}" if not role else f"count-{index}"
        if not role:
            errors.append((field, f"Enter the role of attendance row {index + 1}"))
        elif len(role) > ROLE_MAX:
            errors.append((f"role-{index}", f"A role must be {ROLE_MAX} characters or fewer"))
        elif not count.isdigit() or len(count) > 6 or not 0 < int(count) <= COUNT_MAX:
            errors.append((field, f"Enter how many {role} attended, a whole number above 0"))
        elif role.lower() in {r.lower() for r in counts}:
            errors.append((f"role-{index}", f"{role} is counted twice: give it one row"))
        else:
            counts[role] = int(count)
    if not counts and not any(f.startswith(("role-", "count-")) for f, _ in errors):
        errors.append(("role-0", "Enter who attended: a role and how many"))
    if errors:
        raise Invalid(errors)
    assert chosen is not None and held is not None
    with transaction.atomic():
        meeting = Meeting.objects.create(
            review=review,
            area=chosen,
            held_on=held,
            kind=kind,
            recorded_by=user,
            recorded_at=clock.now(),
        )
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, role=role, count=count) for role, count in counts.items()
        )
    return meeting


@dataclass(frozen=True)
class Engagement:
    """Attendance summed over a review's meetings, by kind and role (the report's 171
    practitioners and 151 strategic partners), and the areas met."""

    by_role: Mapping[str, list[tuple[str, int]]]  # kind -> (role, people), most first
    totals: Mapping[str, int]  # kind -> people
    areas: Mapping[str, int]  # kind -> areas with a meeting of that kind


def engagement(review: Review) -> Engagement:
    rows = Attendance.objects.filter(meeting__review=review).values_list(
        "meeting__kind", "role", "count"
    )
    sums: dict[str, Counter[str]] = {k: Counter() for k in Meeting.Kind.values}
    for kind, role, count in rows:
        sums[kind][role.lower()] += count
    areas = {
        k: review.meetings.filter(kind=k).values("area").distinct().count()
        for k in Meeting.Kind.values
    }
    return Engagement(
        {k: sorted(c.items(), key=lambda rc: (-rc[1], rc[0])) for k, c in sums.items()},
        {k: sum(c.values()) for k, c in sums.items()},
        areas,
    )
