"""Recording a serious incident notification and its two statutory steps, and reading each
incident's clock. Every write checks the one access decision about the incident's child
(`Action.RECORD_INCIDENT`: the safeguarding lead with a relationship with that child, at the
household level with the lawful basis recorded, or break glass; docs/access.md), validates
field by field (each problem named, nothing half written), then has the rules evaluate the
child's family at once (seen.rules.arrivals.evaluate_after_write), so that the deadline alerts
of the serious-incident clock rule follow the step in the same request.

The faces (pages, and any command or API later) call these functions and write the audit event
for what they showed or changed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from seen.access.models import Purpose, Role, Share
from seen.access.policy import Action, ChildRef, Decision, decide, decide_unknown_child
from seen.casefile.subjects import CHILD_REFERENCE, NoSuchChild, resolve_child
from seen.core import clock, errors
from seen.core.working_days import working_days_between
from seen.incidents.models import (
    DESCRIPTION_MAX,
    NOTIFY_WITHIN_WORKING_DAYS,
    RAPID_REVIEW_WITHIN_WORKING_DAYS,
    Incident,
)
from seen.people.models import SourceRecord
from seen.rules.arrivals import evaluate_after_write
from seen.rules.world import Scope

NOTIFICATION = "notification"
RAPID_REVIEW = "rapid_review"
STEP_LABELS = {
    NOTIFICATION: "Notification to the national panel",
    RAPID_REVIEW: "Rapid review",
}
STEP_DAYS = {
    NOTIFICATION: NOTIFY_WITHIN_WORKING_DAYS,
    RAPID_REVIEW: RAPID_REVIEW_WITHIN_WORKING_DAYS,
}


# a notification is about a child: no date in it is older than childhood
OLDEST_YEARS = 18
CHILD_REFERENCE_PATTERN = re.compile(CHILD_REFERENCE)


class Refused(errors.Refused):
    """The access decision refused the write (its reason is the message)."""


class Invalid(errors.Invalid):
    """What was sent cannot be recorded: (field, message) for each problem."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


@dataclass(frozen=True)
class Step:
    """One statutory step of an incident's clock, as of `today`."""

    name: str
    label: str
    within: int  # working days from the day the local authority learned of the incident
    due: date
    done_on: date | None
    left: int  # working days from today to the due day; negative once past it

    @property
    def done(self) -> bool:
        return self.done_on is not None

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.left < 0

    @property
    def late(self) -> bool:
        """Done, but after the day it was due."""
        return self.done_on is not None and self.done_on > self.due

    @property
    def status(self) -> str:
        """In words, so that overdue is never shown by colour alone."""
        if self.done_on is not None:
            late = working_days_between(self.due, self.done_on)
            return (
                f"Done on {self.done_on.isoformat()}, {late} working "
                f"day{'s' if late != 1 else ''} late"
                if self.late
                else f"Done on {self.done_on.isoformat()}"
            )
        if self.left < 0:
            days = -self.left
            return f"Overdue by {days} working day{'s' if days != 1 else ''}"
        if self.left == 0:
            return "Due today"
        return f"{self.left} working day{'s' if self.left != 1 else ''} left"


def steps_of(incident: Incident, today: date | None = None) -> list[Step]:
    today = today or clock.today()
    return [
        Step(
            name,
            STEP_LABELS[name],
            STEP_DAYS[name],
            due,
            done_on,
            working_days_between(today, due),
        )
        for name, due, done_on in (
            (NOTIFICATION, incident.notification_due, incident.notified_on),
            (RAPID_REVIEW, incident.rapid_review_due, incident.rapid_review_on),
        )
    ]


def incidents() -> list[Incident]:
    """Every notification, open steps first (the soonest due first), then the completed. For
    the rules and the faces' own filtering: a face shows only `incidents_for` its user."""
    rows = list(Incident.objects.select_related("child").order_by("learned_on", "pk"))
    return sorted(
        rows,
        key=lambda i: (
            i.notified_on is not None and i.rapid_review_on is not None,
            i.rapid_review_due if i.notified_on else i.notification_due,
            i.pk,
        ),
    )


def incidents_for(user: Any, purpose: str, action: str = Action.RECORD_INCIDENT) -> list[Incident]:
    """The notifications whose child the access decision lets this user take `action` about
    (RECORD_INCIDENT: the lead's list; VIEW_CHRONOLOGY: the chronologies a reviewer may open),
    in the order of `incidents`. Each is decided about its own child: a list names no child
    its user could not open."""
    verdicts: dict[int, bool] = {}
    shown = []
    for incident in incidents():
        if incident.child_id not in verdicts:
            ref = ChildRef(person=incident.child_id)
            verdicts[incident.child_id] = decide(user, action, purpose, ref).allowed
        if verdicts[incident.child_id]:
            shown.append(incident)
    return shown


def of_child(person_id: int) -> list[Incident]:
    return list(Incident.objects.filter(child_id=person_id).order_by("learned_on", "pk"))


def notified(person: Any) -> bool:
    """Whether a serious incident notification is recorded for the child: a chronology is kept
    only for such a child."""
    return person is not None and Incident.objects.filter(child=person).exists()


# ---- writing ------------------------------------------------------------------------------


def may_record(user: Any, purpose: str, child: ChildRef) -> Decision:
    """Recording a notification about this child, marking its steps, reading it: the safeguarding
    lead's relationship with the child at the household level, lawful basis recorded (or break
    glass, then the basis), or the notification they recorded (seen.access.policy)."""
    return decide(user, Action.RECORD_INCIDENT, purpose, child)


def _allowed(user: Any, purpose: str, child: ChildRef) -> None:
    decision = may_record(user, purpose, child)
    if not decision.allowed:
        raise Refused(decision.reason)


def _date(text: str, field: str, what: str, errors: list[tuple[str, str]]) -> date | None:
    text = (text or "").strip()
    if not text:
        errors.append((field, f"Enter {what}"))
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append((field, f"{what[:1].upper()}{what[1:]} must be a real date, YYYY-MM-DD"))
        return None


def record(
    user: Any,
    purpose: str,
    *,
    reference: str,
    occurred_on: str,
    learned_on: str,
    description: str,
) -> Incident:
    """A new notification for a born child; Invalid names every problem at once. Refused
    (before any field is read) unless the user may record about this very child; a reference
    Seen holds no child under is refused alike, so the form does not tell a child exists."""
    listing = decide(user, Action.LIST_INCIDENTS, purpose)
    if not listing.allowed:
        raise Refused(listing.reason)
    errors: list[tuple[str, str]] = []
    person = None
    reference = (reference or "").strip()
    if not reference:
        errors.append(("reference", "Enter the child's reference, for example P00000042"))
    else:
        try:
            subject = resolve_child(reference)
        except NoSuchChild as error:
            if CHILD_REFERENCE_PATTERN.match(reference):
                unknown = decide_unknown_child(user, Action.RECORD_INCIDENT, purpose)
                if not unknown.allowed:
                    raise Refused(unknown.reason) from None
            message = str(error)
            errors.append(("reference", message[:1].upper() + message[1:]))
        else:
            _allowed(user, purpose, subject.ref)
            if subject.person is None:
                errors.append(
                    (
                        "reference",
                        "A notification is for a born child: use the baby's reference (P…)",
                    )
                )
            person = subject.person
    today = clock.today()
    occurred = _date(occurred_on, "occurred_on", "the date of the incident", errors)
    learned = _date(learned_on, "learned_on", "the date the local authority learned of it", errors)
    earliest = today.replace(year=today.year - OLDEST_YEARS, day=min(today.day, 28))
    for field, day, what in (
        ("occurred_on", occurred, "The date of the incident"),
        ("learned_on", learned, "The date it was learned of"),
    ):
        if day and day < earliest:
            errors.append((field, f"{what} must be within the last {OLDEST_YEARS} years"))
    if occurred and occurred > today:
        errors.append(("occurred_on", "The date of the incident must be today or in the past"))
    if learned and learned > today:
        errors.append(("learned_on", "The date it was learned of must be today or in the past"))
    if occurred and learned and learned < occurred:
        errors.append(
            ("learned_on", "The local authority cannot have learned of it before it happened")
        )
    text = (description or "").strip()
    if not text:
        errors.append(("description", "Describe the incident in a sentence or two"))
    elif len(text) > DESCRIPTION_MAX:
        errors.append(
            ("description", f"The description must be {DESCRIPTION_MAX} characters or fewer")
        )
    if errors:
        raise Invalid(errors)
    assert person is not None and occurred is not None and learned is not None
    with transaction.atomic():
        incident = Incident.objects.create(
            child=person,
            occurred_on=occurred,
            learned_on=learned,
            description=text,
            recorded_at=clock.now(),
            recorded_by=user,
            recorded_by_name=user.get_username(),
        )
    _evaluate(incident)
    return incident


def mark_done(user: Any, purpose: str, incident: Incident, step: str, on: str) -> Incident:
    """Record that the notification was sent to the panel, or the rapid review completed, on
    the day given (today or before, not before the local authority learned of the incident).
    A step already recorded is not recorded again."""
    _allowed(user, purpose, ChildRef(person=incident.child_id))
    if step not in STEP_LABELS:
        raise Invalid([("step", "Choose the notification or the rapid review")])
    field = f"{step}_on"
    errors: list[tuple[str, str]] = []
    day = _date(on, field, f"the date of the {STEP_LABELS[step].lower()}", errors)
    if day and day > clock.today():
        errors.append((field, "The date must be today or in the past"))
    if day and day < incident.learned_on:
        errors.append(
            (field, "The date cannot be before the local authority learned of the incident")
        )
    if errors:
        raise Invalid(errors)
    assert day is not None
    with transaction.atomic():
        fresh = Incident.objects.select_for_update().get(pk=incident.pk)
        done_on = fresh.notified_on if step == NOTIFICATION else fresh.rapid_review_on
        if done_on is not None:
            raise Invalid([(field, f"Already recorded as done on {done_on.isoformat()}")])
        if step == NOTIFICATION:
            fresh.notified_on, fresh.notified_by = day, user
            fresh.save(update_fields=["notified_on", "notified_by"])
        else:
            fresh.rapid_review_on, fresh.rapid_review_by = day, user
            fresh.save(update_fields=["rapid_review_on", "rapid_review_by"])
    _evaluate(fresh)
    return fresh


def reviewers() -> list[Any]:
    """The active reviewers a rapid review can be shared with."""
    return list(
        get_user_model()
        ._default_manager.filter(is_active=True, staff_profile__role=Role.REVIEWER)
        .order_by("username")
    )


def reviewers_of(incident: Incident) -> list[str]:
    """Who the child's rapid review is shared with (usernames)."""
    return sorted(
        Share.objects.filter(child_id=incident.child_id, purpose=Purpose.REVIEW)
        .filter(user__staff_profile__role=Role.REVIEWER)
        .values_list("user__username", flat=True)
    )


def share_with_reviewer(user: Any, purpose: str, incident: Incident, reviewer_id: str) -> Share:
    """The safeguarding lead shares the child's rapid review with a reviewer: the share, for
    the purpose of review, with its lawful basis (a statutory review: safeguarding without
    consent), is the reviewer's relationship with the child's chronology
    (seen.access.policy.INCIDENT_RELATIONSHIPS, "rapid_review"). Only a lead who may record
    about the child may share it: a share is never a way in for the lead."""
    _allowed(user, purpose, ChildRef(person=incident.child_id))
    chosen = next((r for r in reviewers() if str(r.pk) == reviewer_id.strip()), None)
    if chosen is None:
        raise Invalid([("reviewer", "Choose a reviewer to share the rapid review with")])
    if chosen.get_username() in reviewers_of(incident):
        raise Invalid(
            [("reviewer", f"The rapid review is shared with {chosen.get_username()} already")]
        )
    return Share.objects.create(
        user=chosen,
        child_id=incident.child_id,
        purpose=Purpose.REVIEW,
        basis=Share.Basis.SAFEGUARDING,
        why_no_consent=(
            f"the rapid review after serious incident notification {incident.pk}, a statutory "
            f"review (Working Together to Safeguard Children 2023), shared by "
            f"{user.get_username()}"
        ),
        recorded_at=clock.now(),
    )


def _evaluate(incident: Incident) -> None:
    records = frozenset(
        SourceRecord.objects.filter(person_id=incident.child_id).values_list("pk", flat=True)
    )
    if records:
        evaluate_after_write(Scope(records=records))
