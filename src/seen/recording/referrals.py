"""Referring a parent to a service in the partnership's directory, and the steps of the
referral's uptake, written in Seen on a practitioner's behalf.

`refer` writes a ServiceReferral: decided about the child (RECORD_FACT, as every fact a
practitioner records: seen.recording.facts), about a man the recording forms offer around that
child (seen.recording.facts.men_around: at the flag level only those the author's own agency
records), to a service that fits him (seen.directory.fitting), with his consent or the lawful
basis for referring without it; the referral points at one of his records (the author's
agency's own if it has one, else the latest), at the child's record or pregnancy, and names the
author as referrer; its local id is Seen's own, the reference the service quotes. Written from
an alert, the alert is checked to be about the child and the referral recorded on it as the
action taken when the author answers for it. `record_step` writes a ServiceUptake: its date not
before the referral nor in the future, a session number for a session attended or missed and
only then, a reason for declining or dropping out, and nothing after the referral ended
(completed, declined, dropped out). Both then run the rules for the family at once. The faces
audit what they wrote, as for every recorded fact."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from seen.access.policy import Action, Decision, Level, decide
from seen.access.shielding import ShieldedAddresses, cleared, redact_text, shielded_addresses
from seen.areas.models import Agency
from seen.casefile.disclosure import records_around
from seen.casefile.subjects import NoSuchChild, Subject, resolve_child
from seen.core import clock
from seen.core.errors import NotFound
from seen.core.procedures import PROCEDURES, title_of
from seen.directory.fitting import Fit, fitting, judge, parent_for
from seen.directory.models import Service
from seen.facts.models import ServiceReferral, ServiceUptake
from seen.people.models import Person, Pregnancy, SourceRecord
from seen.recording.authoring import AuthoringRefused, author_of, new_local_id, record_of
from seen.recording.facts import (
    Man,
    RecordingInvalid,
    RecordingRefused,
    User,
    men_around,
)
from seen.recording.validation import MAX_TEXT, check_text
from seen.rules import lifecycle
from seen.rules.arrivals import evaluate_after_write
from seen.rules.engine import Outcome
from seen.rules.inbox import alert_access, child_ref
from seen.rules.models import Alert, AlertEvent
from seen.rules.world import Scope

Status = ServiceUptake.Status
Basis = ServiceReferral.Basis
# the procedures whose alerts offer a referral of the man they name
REFERRING_PROCEDURES = (
    "think-family-mental-health",
    "domestic-abuse-checks",
    "coping-with-crying",
    "care-leaver-parent",
    "programme-engagement",
)
PROCEDURE_IDS = frozenset(p.id for p in PROCEDURES)
ENDED = frozenset({Status.COMPLETED, Status.DECLINED, Status.DROPPED_OUT})
SESSIONS = frozenset({Status.ATTENDED, Status.MISSED})
NEEDS_REASON = frozenset({Status.DECLINED, Status.DROPPED_OUT})
MAX_SESSION = 500  # as the extract's service_uptake.session
# a referral as an address names it: its number, or a local id (an agency's own, or Seen's)
REFERRAL_KEY = re.compile(r"^(?:[0-9]{1,18}|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$")


class NoSuchReferral(NotFound):
    """The address names no referral (the message says so)."""


@dataclass(frozen=True)
class ReferralDetails:
    service: int | None  # the service's id
    reason: str
    basis: str  # Basis.CONSENT or Basis.LAWFUL_BASIS
    lawful_basis: str = ""
    procedure: str = ""


@dataclass(frozen=True)
class StepDetails:
    status: str
    occurred_on: date | None
    session: int | None = None
    reason: str = ""


@dataclass
class Referred:
    referral: ServiceReferral
    subject: Subject
    man: Man
    alert_event: AlertEvent | None = None  # the action recorded on the alert it came from
    outcome: Outcome = field(default_factory=Outcome)


@dataclass
class Stepped:
    step: ServiceUptake
    referral: ServiceReferral
    subject: Subject
    outcome: Outcome = field(default_factory=Outcome)


@dataclass(frozen=True)
class Uptake:
    """Where a referral stands: its steps in order, the day the service said it would make
    contact by, and whether that day passed without a step."""

    steps: list[ServiceUptake]
    status: str  # the latest step's status, or "referred"
    contact_due: date
    overdue: bool
    ended: bool


# --- who may refer whom ---------------------------------------------------------------------------


def may_refer(user: User, purpose: str, subject: Subject) -> Decision:
    return decide(user, Action.RECORD_FACT, purpose, subject.ref)


def man_to_refer(user: User, subject: Subject, decision: Decision, reference: str) -> Man | None:
    """The man with this person reference among those the recording forms offer this user
    around the child (a merged person's old reference leads to him), else None."""
    person = Person.objects.filter(reference=reference).first()
    while person is not None and person.merged_into_id is not None:
        person = Person.objects.filter(pk=person.merged_into_id).first()
    if person is None:
        return None
    return next(
        (m for m in men_around(subject, user, decision) if m.reference == person.reference), None
    )


def services_for(
    man: Man, subject: Subject, decision: Decision, procedure: str = "", hours: str = ""
) -> list[Fit]:
    """The services that fit him (open when he can come: seen.directory.fitting.HOURS), his
    areas named only to a viewer who sees the household."""
    person = Person.objects.get(reference=man.reference)
    household = decision.level >= Level.HOUSEHOLD
    return fitting(parent_for(person, subject), procedure, name_areas=household, hours=hours)


def subject_of(referral: ServiceReferral) -> Subject:
    """The child a referral is about, as the pages and the access decision name it."""
    born = (
        SourceRecord.objects.filter(pk=referral.child_id, person__isnull=False)
        .values_list("person__reference", flat=True)
        .first()
        if referral.child_id is not None
        else None
    )
    if born is not None:
        return resolve_child(born)
    if referral.pregnancy_id is not None:
        return resolve_child(f"U{referral.pregnancy_id}")
    raise NoSuchChild("the referral's child is not linked to a child Seen holds")


def parent_reference(referral: ServiceReferral) -> str:
    """The person the referral's parent is, by reference ("" while the record is not linked)."""
    reference = (
        SourceRecord.objects.filter(pk=referral.subject_id)
        .values_list("person__reference", flat=True)
        .first()
    )
    return reference or ""


def free_text_for(referral: ServiceReferral, subject: Subject, user: User) -> Callable[[str], str]:
    """The referral's free text (its reason, lawful basis, the steps' reasons) as this viewer
    may read it: an address shielded on any record of the family (the parent, the child, the
    people around them, as the subject-access report reads it) written into it is redacted
    (docs/access.md, "Shielding")."""
    own = {referral.subject_id, referral.child_id} - {None}
    if subject.person is not None:
        own |= set(SourceRecord.objects.filter(person=subject.person).values_list("pk", flat=True))
    pregnancies = {referral.pregnancy_id, *(p.pk for p in subject.pregnancies)} - {None}
    own |= set(Pregnancy.objects.filter(pk__in=pregnancies).values_list("mother_id", flat=True))
    family = records_around(r for r in own if r is not None)
    addresses = ShieldedAddresses(shielded_addresses(family))
    clearance = cleared(user)
    return lambda text: redact_text(text, addresses, clearance=clearance)


def find_referral(key: str) -> ServiceReferral | None:
    """A referral by its number or its local id (None when Seen holds none of that name);
    what cannot be either is NoSuchReferral."""
    if not REFERRAL_KEY.match(key):
        raise NoSuchReferral(f"{key[:40]!r} is not a referral's number or reference")
    found = ServiceReferral.objects.select_related(
        "service", "referrer", "agency", "subject__person", "child__person"
    )
    if key.isdigit():
        by_number = found.filter(pk=int(key)).first()
        if by_number is not None:
            return by_number
    named = list(found.filter(local_id=key)[:2])
    return named[0] if len(named) == 1 else None


def held_referral(key: str) -> tuple[ServiceReferral, Subject] | None:
    """The referral of that number or local id with the child it is about; None when Seen holds
    no such referral, or its child is not one Seen holds (the faces refuse both as a child
    without a relationship, so that a refusal tells no one which referrals exist); what cannot
    be a referral's key at all is NoSuchReferral."""
    referral = find_referral(key)
    if referral is None:
        return None
    try:
        return referral, subject_of(referral)
    except NoSuchChild:
        return None


def uptake_of(referral: ServiceReferral, today: date | None = None) -> Uptake:
    today = today or clock.today()
    steps = list(referral.steps.order_by("occurred_on", "pk"))
    due = referral.occurred_on + timedelta(days=referral.service.contact_within_days)
    return Uptake(
        steps,
        steps[-1].status if steps else "referred",
        due,
        not steps and today > due,
        any(s.status in ENDED for s in steps),
    )


# --- referring ------------------------------------------------------------------------------------


def refer(
    user: User,
    purpose: str,
    subject: Subject,
    person_reference: str,
    details: ReferralDetails,
    *,
    alert: Alert | None = None,
    known: dict[str, str] | None = None,
) -> Referred:
    """Refer the man to a service for this child (the module's docstring says what is checked).
    RecordingRefused when the decision refuses; RecordingInvalid with every field's reason."""
    decision = may_refer(user, purpose, subject)
    if not decision.allowed:
        raise RecordingRefused(decision.reason)
    errors: dict[str, str] = {}
    man = man_to_refer(user, subject, decision, person_reference)
    if man is None:
        errors["person"] = (
            f"{person_reference[:20]} is not a father or male carer recorded around this child "
            "that you may refer"
        )
    service = Service.objects.filter(pk=details.service).first() if details.service else None
    if service is None:
        errors["service"] = "Choose the service to refer him to"
    elif man is not None:
        fit = judge(service, parent_for(Person.objects.get(reference=man.reference), subject))
        if not fit.fits:
            errors["service"] = f"{service.name} does not fit him: {'; '.join(fit.against)}"
    check_text(errors, "reason", details.reason, required="Say why you are referring him")
    if details.basis not in Basis.values:
        errors["basis"] = "Say whether he consents to the referral"
    elif details.basis == Basis.LAWFUL_BASIS:
        check_text(
            errors,
            "lawful_basis",
            details.lawful_basis,
            required="Give the lawful basis for referring him without his consent",
        )
    procedure = details.procedure or (alert.rule_id if alert is not None else "")
    if procedure and procedure not in PROCEDURE_IDS:
        errors["procedure"] = f"Seen knows no procedure {procedure[:64]!r}"
    if alert is not None and not _about(alert, subject):
        errors["alert"] = f"Alert {alert.pk} is not about this child"
    errors = {**errors, **(known or {})}
    if errors:
        raise RecordingInvalid(errors)
    assert man is not None and service is not None
    try:
        author = author_of(user)
        child, pregnancy = _child_of(subject, author.agency)
    except AuthoringRefused as error:
        raise RecordingInvalid({"author": str(error)}) from None
    record = _his_record(man, author.agency.pk)
    with transaction.atomic():
        referral = ServiceReferral(
            agency=author.agency,
            local_id=new_local_id(),
            occurred_on=clock.today(),
            subject=record,
            child=child,
            pregnancy=pregnancy,
            service=service,
            referrer=author.practitioner,
            reason=details.reason.strip(),
            basis=details.basis,
            lawful_basis=(
                details.lawful_basis.strip() if details.basis == Basis.LAWFUL_BASIS else ""
            ),
            procedure=procedure,
        )
        referral.full_clean(exclude=["batch"])
        referral.save()
    # the alert answered first: the rules, run next, may find it answered or no longer holding
    event = _noted_on(alert, user, purpose, man, service, referral)
    outcome = evaluate_after_write(_scope(subject, {record.pk, child.pk if child else None}))
    return Referred(referral, subject, man, event, outcome)


def _about(alert: Alert, subject: Subject) -> bool:
    """Whether the alert is about this child: the baby, or a pregnancy that stood for it."""
    ref = child_ref(alert)
    if subject.person is not None and ref.person == subject.person.pk:
        return True
    return bool(ref.pregnancies) and set(ref.pregnancies) <= {p.pk for p in subject.pregnancies}


def _child_of(subject: Subject, agency: Agency) -> tuple[SourceRecord | None, Pregnancy | None]:
    """The child's record a fact points at (the author's agency's own first), or for an unborn
    child its pregnancy (the author's agency's own first), as seen.recording.facts writes."""
    if subject.person is not None:
        return record_of(subject.person, agency), None
    own = [p for p in subject.pregnancies if p.agency_id == agency.pk]
    return None, (own or list(subject.pregnancies))[0]


def _his_record(man: Man, agency: int) -> SourceRecord:
    """The record a referral points at: his in the author's agency if it holds one, else the
    latest to reach Seen."""
    records = SourceRecord.objects.filter(person__reference=man.reference)
    return (
        records.filter(agency_id=agency).order_by("-pk").first()
        or records.order_by("-pk").first()
        or SourceRecord.objects.get(pk=man.record)
    )


def _scope(subject: Subject, records: set[int | None]) -> Scope:
    return Scope(
        frozenset(r for r in records if r is not None),
        frozenset(p.pk for p in subject.pregnancies),
    )


def _noted_on(
    alert: Alert | None,
    user: User,
    purpose: str,
    man: Man,
    service: Service,
    referral: ServiceReferral,
) -> AlertEvent | None:
    """The referral as the action taken on the alert it came from, when the author answers for
    the alert and it is open; else nothing (the referral stands on its own)."""
    if alert is None or not alert.open:
        return None
    if not alert_access(user, alert, Action.ACT_ON_ALERT, purpose).allowed:
        return None
    note = f"Referred {man.reference} to {service.name} (referral {referral.local_id})"
    try:
        return lifecycle.record_action(alert, user, AlertEvent.Action.REFERRAL_MADE, note)
    except lifecycle.StepRefused:
        return None


# --- the steps of its uptake ----------------------------------------------------------------------


def record_step(
    user: User,
    purpose: str,
    referral: ServiceReferral,
    details: StepDetails,
    *,
    known: dict[str, str] | None = None,
) -> Stepped:
    """One step of the referral's uptake (the module's docstring says what is checked)."""
    try:
        subject = subject_of(referral)
    except NoSuchChild as error:
        raise RecordingRefused(str(error)) from None
    decision = may_refer(user, purpose, subject)
    if not decision.allowed:
        raise RecordingRefused(decision.reason)
    errors: dict[str, str] = {}
    if details.status not in Status.values:
        errors["status"] = "Choose the step: " + ", ".join(step_words(s) for s in Status)
    day = details.occurred_on
    if day is None:
        errors["occurred_on"] = "Enter the date of the step"
    elif day > clock.today():
        errors["occurred_on"] = "The date of the step must be today or in the past"
    elif day < referral.occurred_on:
        errors["occurred_on"] = (
            "The date of the step must be on or after the referral "
            f"({_words(referral.occurred_on)})"
        )
    if details.status in SESSIONS:
        if details.session is None:
            errors["session"] = "Give the number of the session"
        elif not 1 <= details.session <= MAX_SESSION:
            errors["session"] = f"The session's number must be from 1 to {MAX_SESSION}"
    elif details.session is not None and "status" not in errors:
        errors["session"] = "Give a session's number only for a session attended or missed"
    required = (
        "Say why he declined or dropped out (if no reason was given, say so)"
        if details.status in NEEDS_REASON
        else ""
    )
    check_text(errors, "reason", details.reason, required=required, limit=MAX_TEXT)
    ended = referral.steps.filter(status__in=ENDED).order_by("occurred_on", "pk").first()
    if ended is not None:
        errors["status"] = (
            f"The referral ended ({step_words(ended.status)} on {_words(ended.occurred_on)}): "
            "no step can follow"
        )
    errors = {**errors, **(known or {})}
    if errors:
        raise RecordingInvalid(errors)
    assert day is not None
    try:
        author = author_of(user)
    except AuthoringRefused as error:
        raise RecordingInvalid({"author": str(error)}) from None
    with transaction.atomic():
        step = ServiceUptake(
            agency=author.agency,
            local_id=new_local_id(),
            occurred_on=day,
            referral=referral,
            status=details.status,
            session=details.session if details.status in SESSIONS else None,
            reason=details.reason.strip(),
            # the referral's parent and child, as the ingest copies them
            subject_id=referral.subject_id,
            child_id=referral.child_id,
            pregnancy_id=referral.pregnancy_id,
        )
        step.full_clean(exclude=["batch"])
        step.save()
    outcome = evaluate_after_write(_scope(subject, {referral.subject_id, referral.child_id}))
    return Stepped(step, referral, subject, outcome)


def step_words(status: str) -> str:
    """A step's status in words, in lower case: "dropped out"."""
    return str(status).replace("_", " ")


def _words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def referred_by(practitioner: int | None) -> list[ServiceReferral]:
    """The referrals a practitioner made, newest first."""
    if practitioner is None:
        return []
    return list(
        ServiceReferral.objects.filter(referrer_id=practitioner)
        .select_related("service", "subject__person", "child__person")
        .order_by("-occurred_on", "-pk")
    )


def procedure_title(procedure: str) -> str:
    return title_of(procedure) if procedure else ""
