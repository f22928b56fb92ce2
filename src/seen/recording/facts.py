"""Recording facts in Seen itself: a contact (the father or male carer seen, or why not), a
pre-birth assessment (his involvement and background checks on both parents), a 'was not
brought', an injury observation with the child's mobility.

One function per kind. Each checks the access decision (RECORD_FACT, allowed at the flag level
through a relationship with the child), validates every field at once (RecordingInvalid carries
{field: message} for the form's error summary or the API's 400; `known` adds what the face found
wrong already, such as a date it could not read), writes the fact with the author's agency, the
child's record and a local id of Seen's own (seen.recording.authoring), and then runs the rules over
the child's family at once (seen.rules.engine with a scoped World, as the ingest path does after
a batch), so that an alert follows its fact without waiting for a run.

What comes back names the alerts that rest on the new fact and the procedure's prompt: the
partnership procedure the fact touches, in its own wording, with what to do next
(seen.recording.prompts). The field checks themselves are seen.recording.validation's."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.db.models import Q

from seen.access.policy import Action, Decision, Level, decide
from seen.access.shielding import cleared, redact, shields_of
from seen.casefile.subjects import Subject
from seen.core import clock
from seen.core.errors import Invalid, Refused
from seen.facts.models import Appointment, Assessment, Contact, Injury, Mobility, YesNo, YesNoNA
from seen.people.models import Pregnancy, Relationship, Sex, SourceRecord
from seen.recording.authoring import Author, AuthoringRefused, author_of, new_local_id, record_of
from seen.recording.prompts import Prompt, prompts_for, resting_on
from seen.recording.validation import (
    MAX_BODY_SITE,
    check_born,
    check_choice,
    check_date,
    check_text,
    date_of_birth,
    reason_needed,
)
from seen.rules.arrivals import evaluate_after_write
from seen.rules.engine import Outcome
from seen.rules.models import Alert
from seen.rules.parameters import parameters_for
from seen.rules.registry import RULES_BY_ID
from seen.rules.world import Scope

User = AbstractBaseUser | AnonymousUser | None
Errors = Mapping[str, str] | None

# the kinds of fact this module records, as pages and the API name them
CONTACT = "contact"
ASSESSMENT = "assessment"
WAS_NOT_BROUGHT = "was-not-brought"
INJURY = "injury"
MODELS: dict[str, type[models.Model]] = {
    CONTACT: Contact,
    ASSESSMENT: Assessment,
    WAS_NOT_BROUGHT: Appointment,
    INJURY: Injury,
}

# the answers the forms offer (values of the model's choices)
YES_NO_NOT_KNOWN = (YesNoNA.YES, YesNoNA.NO, YesNoNA.NOT_KNOWN)
YES_NO = (YesNo.YES, YesNo.NO)
# a baby's mobility as the injury form asks it ("not recorded" is for extracts that lack it)
MOBILITIES = tuple(m for m in Mobility if m != Mobility.NOT_RECORDED)
# contacts that need a born child, and those that need an unborn one
BORN_CONTACTS = frozenset(
    {Contact.Kind.NEW_BIRTH, Contact.Kind.SIX_TO_EIGHT_WEEKS, Contact.Kind.ONE_YEAR}
)
UNBORN_CONTACTS = frozenset({Contact.Kind.ANTENATAL_BOOKING, Contact.Kind.ANTENATAL})
MEN = (
    Relationship.Kind.BIRTH_FATHER,
    Relationship.Kind.MOTHERS_PARTNER,
    Relationship.Kind.MALE_CARER,
    Relationship.Kind.HOUSEHOLD_ADULT,
)
NOT_KNOWN = "not_known"  # the father or male carer: not known (no record named)


class RecordingInvalid(Invalid):
    """The fact was not written: `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class RecordingRefused(Refused):
    """The access decision refused (the message is its reason)."""


@dataclass(frozen=True)
class Man:
    """A man recorded around the child, as the recording form offers him."""

    reference: str  # his person reference
    record: int  # the record a fact points at
    label: str


@dataclass
class Recorded:
    kind: str
    fact: Any
    subject: Subject
    alerts: list[Alert] = field(default_factory=list)  # open alerts resting on this fact
    prompts: list[Prompt] = field(default_factory=list)
    outcome: Outcome = field(default_factory=Outcome)


@dataclass(frozen=True)
class ContactDetails:
    occurred_on: date | None
    kind: str
    mother_seen: str
    father: str  # a man's person reference, or NOT_KNOWN
    father_seen: str
    father_not_seen_reason: str = ""


@dataclass(frozen=True)
class AssessmentDetails:
    occurred_on: date | None
    father: str
    father_involved: str
    father_not_involved_reason: str
    mother_checks_done: str
    father_checks_done: str


@dataclass(frozen=True)
class WasNotBroughtDetails:
    occurred_on: date | None
    service: str
    followed_up_on: date | None = None


@dataclass(frozen=True)
class InjuryDetails:
    occurred_on: date | None
    kind: str
    body_site: str
    mobility: str
    explanation: str


# --- who may record, and the men the form offers --------------------------------------------------


def may_record(user: User, purpose: str, subject: Subject) -> Decision:
    return decide(user, Action.RECORD_FACT, purpose, subject.ref)


def _about(subject: Subject) -> Q:
    pregnancies = [p.pk for p in subject.pregnancies]
    about = Q(pregnancy_id__in=pregnancies)
    if subject.person is not None:
        about |= Q(child__person=subject.person) | Q(pregnancy__child__person=subject.person)
    return about


def men_around(subject: Subject, user: User, decision: Decision) -> list[Man]:
    """The fathers, mothers' partners, male carers and household men recorded around the child
    (current today), one per person. At the flag level a user sees only the men their own
    agency records around the child (the household is not theirs to see); at the household
    level, every agency's. Shielded records' names are never shown without clearance."""
    today = clock.today()
    mothers = {p.mother.person_id for p in subject.pregnancies if p.mother.person_id}
    if subject.person is not None:
        mothers |= set(
            Pregnancy.objects.filter(child__person=subject.person).values_list(
                "mother__person_id", flat=True
            )
        )
    rows = (
        Relationship.objects.filter(_about(subject), kind__in=MEN, person__person__isnull=False)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .exclude(person__sex=Sex.FEMALE)
        .exclude(person__person_id__in=[m for m in mothers if m])
        .select_related("person__person")
        .order_by("pk")
    )
    own_agency = _agency_of(user)
    household = decision.level >= Level.HOUSEHOLD
    found: dict[int, tuple[Relationship, SourceRecord]] = {}
    for relationship in rows:
        record = relationship.person
        if not household and record.agency_id != own_agency:
            continue
        assert record.person_id is not None
        found.setdefault(record.person_id, (relationship, record))
    shields = shields_of(record.pk for _, record in found.values())
    clearance = cleared(user)
    men = []
    for relationship, record in found.values():
        values = redact(
            {"forename": record.forename, "surname": record.surname},
            shields.get(record.pk, set()),
            clearance=clearance,
        )
        name = " ".join(str(v) for v in (values["forename"], values["surname"]) if v)
        kind = relationship.kind.replace("_", " ")
        assert record.person is not None
        label = f"{name or 'Name not recorded'} ({kind})"
        men.append(Man(record.person.reference, record.pk, label))
    return men


def _agency_of(user: User) -> int | None:
    try:
        return author_of(user).agency.pk
    except AuthoringRefused:
        return None


# --- validation helpers ---------------------------------------------------------------------------


def _father(errors: dict[str, str], name: str, value: str, men: list[Man]) -> Man | None:
    if value == NOT_KNOWN:
        return None
    man = next((m for m in men if m.reference == value), None)
    if man is None:
        errors[name] = (
            "Choose who the father or male carer is: a man recorded around this child, or "
            "'not known'"
        )
    return man


# --- recording ------------------------------------------------------------------------------------


def record_contact(
    user: User, purpose: str, subject: Subject, details: ContactDetails, known: Errors = None
) -> Recorded:
    decision = _allowed(user, purpose, subject)
    errors: dict[str, str] = {}
    check_date(errors, "occurred_on", details.occurred_on, "contact", subject)
    check_choice(errors, "kind", details.kind, Contact.Kind.values, "Choose the kind of contact")
    if "kind" not in errors:
        if subject.unborn and details.kind in BORN_CONTACTS:
            errors["kind"] = "This child is not born yet: choose an antenatal contact"
        elif not subject.unborn and details.kind in UNBORN_CONTACTS:
            errors["kind"] = "This child is born: an antenatal contact is the mother's"
    check_choice(errors, "mother_seen", details.mother_seen, YES_NO_NOT_KNOWN,
                 "Say whether the mother was seen")
    man = _father(errors, "father", details.father, men_around(subject, user, decision))
    check_choice(errors, "father_seen", details.father_seen, YES_NO_NOT_KNOWN,
                 "Say whether the father or male carer was seen")
    check_text(errors, "father_not_seen_reason", details.father_not_seen_reason)
    if "father_seen" not in errors and reason_needed(
        details.father_seen, details.father_not_seen_reason
    ):
        errors["father_not_seen_reason"] = (
            "Say why the father or male carer was not seen (or why it is not known)"
        )
    _raise_if(errors, known)
    author = _author(user)
    day = _day(details.occurred_on)

    def build(child: SourceRecord | None, pregnancy: Pregnancy | None) -> Contact:
        return Contact(
            agency=author.agency,
            local_id=new_local_id(),
            occurred_on=day,
            child=child,
            pregnancy=pregnancy,
            kind=details.kind,
            practitioner=author.practitioner,
            mother_seen=details.mother_seen,
            father_id=man.record if man else None,
            father_seen=details.father_seen,
            father_not_seen_reason=(
                "" if details.father_seen == YesNoNA.YES else details.father_not_seen_reason.strip()
            ),
        )

    recorded = _write(user, purpose, subject, CONTACT, build, extra_records=[man] if man else [])
    return recorded


def record_pre_birth_assessment(
    user: User, purpose: str, subject: Subject, details: AssessmentDetails, known: Errors = None
) -> Recorded:
    decision = _allowed(user, purpose, subject)
    errors: dict[str, str] = {}
    check_date(errors, "occurred_on", details.occurred_on, "assessment", subject)
    man = _father(errors, "father", details.father, men_around(subject, user, decision))
    check_choice(errors, "father_involved", details.father_involved, YES_NO_NOT_KNOWN,
                 "Say whether the father or male carer was involved in the assessment")
    check_text(errors, "father_not_involved_reason", details.father_not_involved_reason)
    if "father_involved" not in errors and reason_needed(
        details.father_involved, details.father_not_involved_reason
    ):
        errors["father_not_involved_reason"] = (
            "Say why the father or male carer was not involved (or why it is not known)"
        )
    check_choice(errors, "mother_checks_done", details.mother_checks_done, YES_NO,
                 "Say whether background checks were made on the mother")
    check_choice(errors, "father_checks_done", details.father_checks_done, YES_NO,
                 "Say whether background checks were made on the father or male carer")
    _raise_if(errors, known)
    author = _author(user)
    day = _day(details.occurred_on)

    def build(child: SourceRecord | None, pregnancy: Pregnancy | None) -> Assessment:
        return Assessment(
            agency=author.agency,
            local_id=new_local_id(),
            occurred_on=day,
            child=child,
            pregnancy=pregnancy,
            kind=Assessment.Kind.PRE_BIRTH,
            father_involved=details.father_involved,
            father_not_involved_reason=(
                "" if details.father_involved == YesNoNA.YES
                else details.father_not_involved_reason.strip()
            ),
            mother_checks_done=details.mother_checks_done,
            father_checks_done=details.father_checks_done,
            practitioner=author.practitioner,
        )

    return _write(user, purpose, subject, ASSESSMENT, build, extra_records=[man] if man else [])


def record_was_not_brought(
    user: User, purpose: str, subject: Subject, details: WasNotBroughtDetails, known: Errors = None
) -> Recorded:
    _allowed(user, purpose, subject)
    errors: dict[str, str] = {}
    check_born(errors, subject, "was not brought to an appointment")
    check_date(errors, "occurred_on", details.occurred_on, "appointment", subject)
    check_choice(errors, "service", details.service, Appointment.Service.values,
                 "Choose the service the appointment was with")
    check_date(errors, "followed_up_on", details.followed_up_on, "follow-up", subject,
               required=False)
    if (
        "followed_up_on" not in errors
        and details.followed_up_on is not None
        and details.occurred_on is not None
        and details.followed_up_on < details.occurred_on
    ):
        errors["followed_up_on"] = "The follow-up must be on or after the appointment"
    _raise_if(errors, known)
    author = _author(user)
    day = _day(details.occurred_on)

    def build(child: SourceRecord | None, pregnancy: Pregnancy | None) -> Appointment:
        assert child is not None
        return Appointment(
            agency=author.agency,
            local_id=new_local_id(),
            occurred_on=day,
            subject=child,
            service=details.service,
            outcome=Appointment.Outcome.WAS_NOT_BROUGHT,
            followed_up_on=details.followed_up_on,
        )

    return _write(user, purpose, subject, WAS_NOT_BROUGHT, build)


def record_injury(
    user: User, purpose: str, subject: Subject, details: InjuryDetails, known: Errors = None
) -> Recorded:
    _allowed(user, purpose, subject)
    errors: dict[str, str] = {}
    check_born(errors, subject, "has an injury observed")
    check_date(errors, "occurred_on", details.occurred_on, "injury", subject)
    check_choice(errors, "kind", details.kind, Injury.Kind.values, "Choose the kind of injury")
    check_text(errors, "body_site", details.body_site, required="Enter where on the body it is",
               limit=MAX_BODY_SITE)
    check_choice(errors, "mobility", details.mobility, MOBILITIES,
                 "Choose the child's mobility (non-mobile, rolling, crawling, cruising or walking)")
    check_text(errors, "explanation", details.explanation,
               required="Enter the explanation given (if none was given, say so)")
    _raise_if(errors, known)
    author = _author(user)
    day = _day(details.occurred_on)

    def build(child: SourceRecord | None, pregnancy: Pregnancy | None) -> Injury:
        assert child is not None
        return Injury(
            agency=author.agency,
            local_id=new_local_id(),
            occurred_on=day,
            child=child,
            kind=details.kind,
            body_site=details.body_site.strip(),
            mobility=details.mobility,
            explanation=details.explanation.strip(),
            practitioner=author.practitioner,
        )

    return _write(user, purpose, subject, INJURY, build)


def _allowed(user: User, purpose: str, subject: Subject) -> Decision:
    decision = may_record(user, purpose, subject)
    if not decision.allowed:
        raise RecordingRefused(decision.reason)
    return decision


def _author(user: User) -> Author:
    try:
        return author_of(user)
    except AuthoringRefused as error:
        raise RecordingInvalid({"author": str(error)}) from None


def _day(value: date | None) -> date:
    assert value is not None  # validated
    return value


def _raise_if(errors: dict[str, str], known: Errors) -> None:
    """Refuse with every field's reason; `known`: what the face already found wrong with a field
    (a date it could not read), which says more than the service's own reason."""
    errors = {**errors, **(known or {})}
    if errors:
        raise RecordingInvalid(errors)


def _write(
    user: User,
    purpose: str,
    subject: Subject,
    kind: str,
    build: Any,
    *,
    extra_records: Iterable[Man] = (),
) -> Recorded:
    author = _author(user)
    child: SourceRecord | None = None
    pregnancy: Pregnancy | None = None
    if subject.person is not None:
        try:
            child = record_of(subject.person, author.agency)
        except AuthoringRefused as error:
            raise RecordingInvalid({"child": str(error)}) from None
    else:
        own = [p for p in subject.pregnancies if p.agency_id == author.agency.pk]
        pregnancy = (own or list(subject.pregnancies))[0]
    with transaction.atomic():
        fact = build(child, pregnancy)
        fact.full_clean(exclude=["batch"])
        fact.save()
    records = {m.record for m in extra_records}
    if child is not None:
        records.add(child.pk)
    # the rules for this child's family, at once (the pregnancies that stood for it included)
    scope = Scope(frozenset(records), frozenset(p.pk for p in subject.pregnancies))
    outcome = evaluate_after_write(scope)
    return Recorded(kind, fact, subject, *alerts_and_prompts(kind, fact, subject), outcome)


def alerts_and_prompts(kind: str, fact: Any, subject: Subject) -> tuple[list[Alert], list[Prompt]]:
    """The open alerts resting on this fact, and the prompts of the procedures it touches (each
    with its alerts' explanations), for the confirmation."""
    alerts = resting_on(fact, subject)
    return alerts, prompts_for(touched(kind, fact, subject), alerts)


def touched(kind: str, fact: Any, subject: Subject) -> list[str]:
    """The procedures this fact calls to mind, whether or not a rule raised an alert (a reason
    recorded may answer the rule; the practitioner is still reminded of the procedure)."""
    if kind == CONTACT:
        rule = RULES_BY_ID.get("father-seen-at-mandated-contact")
        mandated = parameters_for(rule)["mandated_contacts"] if rule else []
        if fact.kind in mandated and fact.father_seen != YesNoNA.YES:
            return ["father-seen-at-mandated-contact"]
    elif kind == ASSESSMENT:
        if (
            fact.father_involved != YesNoNA.YES
            or fact.father_checks_done != YesNoNA.YES
            or fact.mother_checks_done != YesNo.YES
        ):
            return ["pre-birth-assessment-father"]
    elif kind == WAS_NOT_BROUGHT:
        return ["was-not-brought"]
    elif kind == INJURY:
        rule = RULES_BY_ID.get("non-mobile-injury")
        under = parameters_for(rule)["non_mobile_under_days"] if rule else 182
        born = date_of_birth(subject)
        young = born is not None and (fact.occurred_on - born).days < under
        if fact.mobility == Mobility.NON_MOBILE or young:
            return ["non-mobile-injury"]
    return []


def written_here(kind: str, fact_id: int, subject: Subject, user: User) -> Any | None:
    """A fact of this kind written in Seen by the user's agency about this child (for the
    confirmation page), else None."""
    model = MODELS.get(kind)
    agency = _agency_of(user)
    if model is None or agency is None:
        return None
    fact = model._default_manager.filter(pk=fact_id, agency_id=agency, local_id__startswith="seen-")
    found = fact.first()
    if found is None:
        return None
    column = "subject" if model is Appointment else "child"
    record = getattr(found, f"{column}_id")
    pregnancy = getattr(found, "pregnancy_id", None)
    ours = {p.pk for p in subject.pregnancies}
    if (
        record is not None
        and subject.person is not None
        and SourceRecord.objects.filter(pk=record, person=subject.person).exists()
    ):
        return found
    if pregnancy is not None and pregnancy in ours:
        return found
    return None
