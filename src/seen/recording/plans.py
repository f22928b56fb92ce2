"""Plans, programmes and conferences written in Seen by a practitioner (seen.recording.authoring):
start a plan, record a programme event (referred, a session attended or missed, completed,
withdrawn), step a plan down (child protection to child in need, child in need to Early Help)
with its checklist, and record a conference with who was invited and who came.

Each write is checked the way the partnership's rules check it, so a practitioner is told at
the keyboard rather than by an alert later:
- step-down (seen.rules.procedures.step_down): the new plan names a key worker, has an
  information-sharing plan in place and a review date;
- conference-invitations (seen.rules.procedures.conference_invitations): the conference
  invites the father (or male carer) when a man is known around the child, the GP and housing,
  each as the partnership has set the rule; leaving one out needs the reason, which is kept.
After each write the rules run for the child's family, so an alert the new fact answers
resolves and one it calls for appears."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Q

from seen.access.policy import profile_of
from seen.areas.models import Practitioner
from seen.core import clock
from seen.facts.models import Conference, ConferenceRole, Plan, ProgrammeEvent, YesNo
from seen.people.models import Person, Pregnancy, Relationship, SourceRecord
from seen.recording.authoring import Author, AuthoringRefused, author_of, new_local_id, record_of

User = AbstractBaseUser | AnonymousUser | None

# a step-down goes one step: from the plan's kind to the next lighter one
STEP_DOWN_TO: dict[str, str] = {
    Plan.Kind.CHILD_PROTECTION: Plan.Kind.CHILD_IN_NEED,
    Plan.Kind.CHILD_IN_NEED: Plan.Kind.EARLY_HELP,
}
PLAN_NAMES: dict[str, str] = {
    Plan.Kind.EARLY_HELP: "Early Help plan",
    Plan.Kind.CHILD_IN_NEED: "child in need plan",
    Plan.Kind.CHILD_PROTECTION: "child protection plan",
    Plan.Kind.LOOKED_AFTER: "looked-after plan",
    Plan.Kind.PRE_BIRTH: "pre-birth plan",
}
# the plans a practitioner starts here (looked-after plans come from the agencies' systems)
STARTABLE = (
    Plan.Kind.EARLY_HELP,
    Plan.Kind.CHILD_IN_NEED,
    Plan.Kind.CHILD_PROTECTION,
    Plan.Kind.PRE_BIRTH,
)
ROLE_NAMES: dict[str, str] = {
    ConferenceRole.FATHER: "the father",
    ConferenceRole.MALE_CARER: "the male carer",
    ConferenceRole.GP: "the GP",
    ConferenceRole.HOUSING: "housing",
}
MEN = (
    Relationship.Kind.BIRTH_FATHER,
    Relationship.Kind.MALE_CARER,
    Relationship.Kind.MOTHERS_PARTNER,
)
RELATION_NAMES: dict[str, str] = {
    Relationship.Kind.BIRTH_MOTHER: "mother",
    Relationship.Kind.BIRTH_FATHER: "father",
    Relationship.Kind.MOTHERS_PARTNER: "mother's partner",
    Relationship.Kind.HOUSEHOLD_ADULT: "household adult",
    Relationship.Kind.MALE_CARER: "male carer",
}
# the people a plan's key worker may be
KEY_WORKER_ROLES = (Practitioner.Role.SOCIAL_WORKER, Practitioner.Role.EARLY_HELP_KEY_WORKER)


class Child(Protocol):
    """The child a write is about: born (a person) or unborn (its pregnancy rows)."""

    @property
    def person(self) -> Person | None: ...

    @property
    def pregnancies(self) -> tuple[Pregnancy, ...]: ...


class PlanningRefused(AuthoringRefused):
    """`errors` are (field, message), for the page's error summary; the message joins them."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


# ---- reading -------------------------------------------------------------------------------


def _about(child: Child) -> Q:
    about = Q(pregnancy_id__in=[p.pk for p in child.pregnancies])
    if child.person is not None:
        about |= Q(child__person=child.person) | Q(pregnancy__child__person=child.person)
    return about


def plans_of(child: Child) -> list[Plan]:
    """The child's plans, newest first."""
    return list(
        Plan.objects.filter(_about(child))
        .select_related("agency", "lead_practitioner", "key_worker")
        .order_by("-occurred_on", "-pk")
    )


def current(plan: Plan, today: date | None = None) -> bool:
    day = today or clock.today()
    return plan.occurred_on <= day and (plan.end is None or plan.end >= day)


@dataclass
class Programme:
    """One programme (its events share programme_ref): who attends, and how they engage."""

    ref: str
    programme: str
    participant: SourceRecord
    plan: Plan | None
    events: list[ProgrammeEvent] = field(default_factory=list)

    @property
    def attended(self) -> int:
        return sum(1 for e in self.events if e.status == ProgrammeEvent.Status.ATTENDED)

    @property
    def missed(self) -> int:
        return sum(1 for e in self.events if e.status == ProgrammeEvent.Status.MISSED)

    @property
    def status(self) -> str:
        return self.events[-1].status if self.events else ""

    @property
    def name(self) -> str:
        return ProgrammeEvent.Programme(self.programme).label


def programmes_of(plans: list[Plan]) -> list[Programme]:
    events = (
        ProgrammeEvent.objects.filter(plan__in=plans)
        .select_related("subject", "plan", "agency")
        .order_by("occurred_on", "pk")
    )
    found: dict[str, Programme] = {}
    for event in events:
        programme = found.setdefault(
            event.programme_ref,
            Programme(event.programme_ref, event.programme, _record(event.subject), event.plan),
        )
        programme.events.append(event)
    return list(found.values())


def _record(record: object) -> SourceRecord:
    assert isinstance(record, SourceRecord)
    return record


def conferences_of(child: Child) -> list[Conference]:
    return list(
        Conference.objects.filter(_about(child))
        .select_related("agency")
        .order_by("-occurred_on", "-pk")
    )


def adults_around(child: Child) -> list[tuple[SourceRecord, str]]:
    """The adults recorded around the child (the record an agency holds, and who they are to
    the child): who a programme can be for."""
    about = Q(pregnancy_id__in=[p.pk for p in child.pregnancies])
    if child.person is not None:
        about |= Q(child__person=child.person)
    seen: dict[int, tuple[SourceRecord, str]] = {}
    rows = (
        Relationship.objects.filter(about)
        .exclude(kind=Relationship.Kind.SIBLING)
        .select_related("person", "person__agency")
        .order_by("pk")
    )
    for row in rows:
        seen.setdefault(row.person_id, (row.person, RELATION_NAMES.get(row.kind, row.kind)))
    for pregnancy in child.pregnancies:
        mother = SourceRecord.objects.select_related("agency").get(pk=pregnancy.mother_id)
        seen.setdefault(mother.pk, (mother, RELATION_NAMES[Relationship.Kind.BIRTH_MOTHER]))
    return list(seen.values())


def man_known_around(child: Child) -> bool:
    about = Q(pregnancy_id__in=[p.pk for p in child.pregnancies])
    if child.person is not None:
        about |= Q(child__person=child.person)
    return Relationship.objects.filter(about, kind__in=MEN).exists()


def key_workers() -> list[Practitioner]:
    return list(
        Practitioner.objects.filter(role__in=KEY_WORKER_ROLES)
        .select_related("agency")
        .order_by("name", "pk")
    )


# ---- writing -------------------------------------------------------------------------------


def _author(user: User) -> Author:
    return author_of(user)


def _subject_of(child: Child, author: Author) -> tuple[SourceRecord | None, Pregnancy | None]:
    """Where a fact about the child points: the child's record, or (unborn) a pregnancy row,
    the author's agency's own if it holds one."""
    if child.person is not None:
        return record_of(child.person, author.agency), None
    if not child.pregnancies:
        raise AuthoringRefused("the child has no record to write to")
    own = [p for p in child.pregnancies if p.agency_id == author.agency.pk]
    return None, (own or list(child.pregnancies))[0]


def _run_rules(child: Child) -> None:
    from seen.rules.arrivals import evaluate_after_write
    from seen.rules.world import Scope

    records: frozenset[int] = frozenset()
    if child.person is not None:
        records = frozenset(
            SourceRecord.objects.filter(person=child.person).values_list("pk", flat=True)
        )
    evaluate_after_write(Scope(records, frozenset(p.pk for p in child.pregnancies)))


def _checklist(
    key_worker: Practitioner | None,
    information_sharing_plan: str,
    review_date: date | None,
    start: date | None,
) -> list[tuple[str, str]]:
    errors = []
    if key_worker is None:
        errors.append(("key_worker", "Name the key worker"))
    if information_sharing_plan != YesNo.YES:
        errors.append(
            ("information_sharing_plan", "Put an information-sharing plan in place first")
        )
    if review_date is None:
        errors.append(("review_date", "Set a review date"))
    elif start is not None and review_date < start:
        errors.append(("review_date", "The review date must be on or after the plan's start"))
    return errors


def start_plan(
    user: User,
    child: Child,
    *,
    kind: str,
    start: date | None,
    category_of_abuse: str = "",
    key_worker: Practitioner | None = None,
    review_date: date | None = None,
    information_sharing_plan: str = YesNo.NOT_KNOWN,
) -> Plan:
    author = _author(user)
    errors: list[tuple[str, str]] = []
    if kind not in STARTABLE:
        errors.append(("kind", "Choose the kind of plan"))
    elif kind == Plan.Kind.PRE_BIRTH and child.person is not None:
        errors.append(("kind", "A pre-birth plan is for an unborn child"))
    if start is None:
        errors.append(("start", "Enter the date the plan starts"))
    if kind == Plan.Kind.CHILD_PROTECTION and not category_of_abuse.strip():
        errors.append(("category_of_abuse", "A child protection plan needs its category of abuse"))
    if information_sharing_plan not in YesNo.values:
        errors.append(
            ("information_sharing_plan", "Say whether there is an information-sharing plan")
        )
    if review_date is not None and start is not None and review_date < start:
        errors.append(("review_date", "The review date must be on or after the plan's start"))
    if errors:
        raise PlanningRefused(errors)
    assert start is not None
    record, pregnancy = _subject_of(child, author)
    with transaction.atomic():
        plan = Plan.objects.create(
            agency=author.agency,
            local_id=new_local_id(),
            occurred_on=start,
            child=record,
            pregnancy=pregnancy,
            kind=kind,
            category_of_abuse=category_of_abuse.strip(),
            lead_practitioner=author.practitioner,
            key_worker=key_worker,
            review_date=review_date,
            information_sharing_plan=information_sharing_plan,
        )
    _run_rules(child)
    return plan


def record_programme_event(
    user: User,
    child: Child,
    *,
    plan: Plan | None,
    participant: SourceRecord | None,
    programme: str,
    status: str,
    on: date | None,
) -> ProgrammeEvent:
    """One step of a programme; the events of one participant's programme under one plan share
    a programme reference (a new one when the first event is recorded)."""
    author = _author(user)
    errors: list[tuple[str, str]] = []
    plans = {p.pk for p in plans_of(child)}
    adults = {record.pk for record, _ in adults_around(child)}
    if plan is None or plan.pk not in plans:
        errors.append(("plan", "Choose one of the child's plans"))
    if participant is None or participant.pk not in adults:
        errors.append(("participant", "Choose who attends the programme"))
    if programme not in ProgrammeEvent.Programme.values:
        errors.append(("programme", "Choose the programme"))
    if status not in ProgrammeEvent.Status.values:
        errors.append(("status", "Choose what happened"))
    if on is None:
        errors.append(("on", "Enter the date"))
    elif on > clock.today():
        errors.append(("on", "The date cannot be in the future"))
    if errors:
        raise PlanningRefused(errors)
    assert plan is not None and participant is not None and on is not None
    earlier = (
        ProgrammeEvent.objects.filter(plan=plan, subject=participant, programme=programme)
        .order_by("occurred_on", "pk")
        .values_list("programme_ref", "status")
    )
    ref = ""
    for programme_ref, step in earlier:
        ref = programme_ref
        if step in (ProgrammeEvent.Status.COMPLETED, ProgrammeEvent.Status.WITHDRAWN):
            ref = ""  # a finished programme: a new referral starts another
    with transaction.atomic():
        event = ProgrammeEvent.objects.create(
            agency=author.agency,
            local_id=new_local_id(),
            occurred_on=on,
            subject=participant,
            plan=plan,
            programme_ref=ref or new_local_id(),
            programme=programme,
            status=status,
        )
    _run_rules(child)
    return event


def step_down(
    user: User,
    child: Child,
    *,
    plan: Plan | None,
    on: date | None,
    key_worker: Practitioner | None,
    information_sharing_plan: str,
    review_date: date | None,
) -> Plan:
    """A new, lighter plan stepped down from `plan` (child protection to child in need, child
    in need to Early Help), with the checklist the partnership requires: a key worker named,
    an information-sharing plan in place and a review date set. The plan stepped down from
    ends the day before, when Seen wrote it (an agency's own plan is ended by its extract)."""
    author = _author(user)
    errors: list[tuple[str, str]] = []
    if plan is None or plan.pk not in {p.pk for p in plans_of(child)}:
        errors.append(("plan", "Choose the plan to step down from"))
    elif plan.kind not in STEP_DOWN_TO:
        name = PLAN_NAMES.get(plan.kind, "plan")
        errors.append(("plan", f"A {name} cannot be stepped down here"))
    elif not current(plan):
        errors.append(("plan", "The plan has ended: only a current plan steps down"))
    if on is None:
        errors.append(("on", "Enter the date of the step-down"))
    elif plan is not None and on < plan.occurred_on:
        errors.append(("on", "The step-down cannot be before the plan began"))
    errors += _checklist(key_worker, information_sharing_plan, review_date, on)
    if errors:
        raise PlanningRefused(errors)
    assert plan is not None and on is not None
    record, pregnancy = _subject_of(child, author)
    with transaction.atomic():
        new = Plan.objects.create(
            agency=author.agency,
            local_id=new_local_id(),
            occurred_on=on,
            child=record,
            pregnancy=pregnancy,
            kind=STEP_DOWN_TO[plan.kind],
            lead_practitioner=author.practitioner,
            key_worker=key_worker,
            review_date=review_date,
            stepped_down_from=plan.local_id,
            information_sharing_plan=information_sharing_plan,
        )
        if plan.local_id.startswith("seen-") and plan.end is None:
            plan.end = on
            plan.save(update_fields=["end"])
    _run_rules(child)
    return new


def must_invite(child: Child) -> list[str]:
    """Whom this conference must invite, as the conference-invitations rule is set: 'father'
    stands for the father or male carer (only when a man is known around the child, unless the
    partnership has said always)."""
    from seen.rules.parameters import parameters_for
    from seen.rules.procedures.conference_invitations import ConferenceInvitations

    params = parameters_for(ConferenceInvitations())
    roles: list[str] = []
    for role in params["must_invite"]:
        if role in (ConferenceRole.FATHER, ConferenceRole.MALE_CARER):
            if params["father_only_when_known"] and not man_known_around(child):
                continue
            role = ConferenceRole.FATHER
        if role not in roles:
            roles.append(role)
    return roles


def invited_role(role: str, invited: set[str]) -> bool:
    if role == ConferenceRole.FATHER:
        return bool(invited & {ConferenceRole.FATHER, ConferenceRole.MALE_CARER})
    return role in invited


def record_conference(
    user: User,
    child: Child,
    *,
    kind: str,
    on: date | None,
    invited: list[str],
    attended: list[str],
    left_out: dict[str, str],
) -> Conference:
    """A conference with its invitations and attendance by role; whom it must invite and did
    not needs the reason, kept beside it (seen.triage.models.LeftOut)."""
    from seen.triage.models import LeftOut

    author = _author(user)
    errors: list[tuple[str, str]] = []
    if kind not in Conference.Kind.values:
        errors.append(("kind", "Choose the kind of conference"))
    elif kind == Conference.Kind.PRE_BIRTH and child.person is not None:
        errors.append(("kind", "A pre-birth conference is for an unborn child"))
    if on is None:
        errors.append(("on", "Enter the date of the conference"))
    unknown = [r for r in [*invited, *attended] if r not in ConferenceRole.values]
    if unknown:
        errors.append(("invited", "Choose roles from the list"))
    invited_set, attended_set = set(invited), set(attended)
    if attended_set - invited_set:
        errors.append(("attended", "Only those invited can be recorded as attending"))
    if on is not None and on > clock.today() and attended_set:
        errors.append(("attended", "Attendance is recorded once the conference has been held"))
    reasons: dict[str, str] = {}
    for role in must_invite(child):
        if invited_role(role, invited_set):
            continue
        reason = (left_out.get(role) or "").strip()
        if not reason:
            errors.append(
                (f"reason_{role}", f"Invite {ROLE_NAMES.get(role, role)}, or say why not")
            )
        reasons[role] = reason
    if errors:
        raise PlanningRefused(errors)
    assert on is not None
    record, pregnancy = _subject_of(child, author)
    now = clock.now()
    with transaction.atomic():
        conference = Conference.objects.create(
            agency=author.agency,
            local_id=new_local_id(),
            occurred_on=on,
            child=record,
            pregnancy=pregnancy,
            kind=kind,
            invited=sorted(invited_set, key=ConferenceRole.values.index),
            attended=sorted(attended_set, key=ConferenceRole.values.index),
        )
        LeftOut.objects.bulk_create(
            LeftOut(
                conference=conference,
                role=role,
                reason=reason,
                recorded_by_id=_user_id(user),
                recorded_at=now,
            )
            for role, reason in reasons.items()
        )
    _run_rules(child)
    return conference


def awaiting_attendance(child: Child, user: User) -> list[Conference]:
    """Conferences written in Seen by the user's agency, held, with no attendance recorded."""
    profile = profile_of(user)
    if profile is None or profile.agency_id is None:
        return []
    return [
        c
        for c in conferences_of(child)
        if c.local_id.startswith("seen-")
        and c.agency_id == profile.agency_id
        and c.occurred_on <= clock.today()
        and not c.attended
    ]


def record_attendance(
    user: User, child: Child, *, conference: Conference | None, attended: list[str]
) -> Conference:
    """Who came to a conference recorded here before it was held (the rule asks for it within
    days of the conference)."""
    author = _author(user)
    errors: list[tuple[str, str]] = []
    if conference is None or conference.pk not in {c.pk for c in awaiting_attendance(child, user)}:
        errors.append(("conference", "Choose a conference your agency recorded, once held"))
    elif not attended:
        errors.append(("attended", "Choose who attended"))
    elif set(attended) - set(conference.invited):
        errors.append(("attended", "Only those invited can be recorded as attending"))
    if errors:
        raise PlanningRefused(errors)
    assert conference is not None and conference.agency_id == author.agency.pk
    conference.attended = sorted(set(attended), key=ConferenceRole.values.index)
    conference.save(update_fields=["attended"])
    _run_rules(child)
    return conference


def left_out_of(conferences: list[Conference]) -> dict[int, list[tuple[str, str]]]:
    from seen.triage.models import LeftOut

    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in LeftOut.objects.filter(conference__in=conferences).order_by("pk"):
        found[row.conference_id].append((ROLE_NAMES.get(row.role, row.role), row.reason))
    return dict(found)


def _user_id(user: User) -> int:
    profile = profile_of(user)
    if profile is None:
        raise AuthoringRefused("you are not signed in with a role in Seen")
    return profile.user_id
