"""MASH triage: open a triage for a child, work out the checks (one per agency kind for every
area the child and the adults around the child are or were linked to), mark each done with its
result, and record the decision only once every check is done.

The areas come from where each adult has lived (residences, across all the records linkage
puts in the same person) and from the areas of the agencies that hold their records, so the
father known to another area's police or health visitors is checked there too. Addresses under
a shield are never read, as in the rules (seen.rules.world): not even their area."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Q

from seen.access.models import Role, Shield
from seen.access.policy import profile_of
from seen.areas.models import Agency, Area
from seen.casefile.subjects import Subject
from seen.core import clock
from seen.core.errors import Invalid
from seen.people.models import Relationship, Residence, SourceRecord
from seen.rules.models import Alert
from seen.triage.models import Triage, TriageCheck

User = AbstractBaseUser | AnonymousUser | None

# the agency kinds MASH consults, in the order the page lists them
CHECK_KINDS: tuple[str, ...] = (
    Agency.Kind.POLICE,
    Agency.Kind.CHILDRENS_SOCIAL_CARE,
    Agency.Kind.HEALTH_VISITING,
    Agency.Kind.MIDWIFERY,
    Agency.Kind.GP,
    Agency.Kind.PROBATION,
    Agency.Kind.ADULT_MENTAL_HEALTH,
    Agency.Kind.EARLY_HELP,
)
KIND_NAMES: dict[str, str] = {
    Agency.Kind.POLICE: "Police",
    Agency.Kind.CHILDRENS_SOCIAL_CARE: "Children's social care",
    Agency.Kind.HEALTH_VISITING: "Health visiting",
    Agency.Kind.MIDWIFERY: "Midwifery",
    Agency.Kind.GP: "GP",
    Agency.Kind.PROBATION: "Probation",
    Agency.Kind.ADULT_MENTAL_HEALTH: "Adult mental health",
    Agency.Kind.EARLY_HELP: "Early Help and education",
}
WHO: dict[str, str] = {
    Relationship.Kind.BIRTH_MOTHER: "the mother",
    Relationship.Kind.BIRTH_FATHER: "the father",
    Relationship.Kind.MOTHERS_PARTNER: "the mother's partner",
    Relationship.Kind.HOUSEHOLD_ADULT: "a household adult",
    Relationship.Kind.MALE_CARER: "a male carer",
}
WHY_LENGTH = 300


class TriageRefused(Invalid):
    """The step cannot be taken; `errors` are (field, message) for the page's error summary."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def check_name(check: TriageCheck) -> str:
    return f"{KIND_NAMES.get(check.agency_kind, check.agency_kind)} in {check.area.name}"


# ---- the areas to check ------------------------------------------------------------------


@dataclass
class AreaLink:
    area: Area
    why: set[str] = field(default_factory=set)

    @property
    def because(self) -> str:
        text = "; ".join(sorted(self.why))
        return text if len(text) <= WHY_LENGTH else text[: WHY_LENGTH - 1] + "…"


def _about(subject: Subject) -> Q:
    pregnancies = [p.pk for p in subject.pregnancies]
    about = Q(pregnancy_id__in=pregnancies)
    if subject.person is not None:
        about |= Q(child__person=subject.person)
    return about


def adults_around(subject: Subject) -> dict[int, str]:
    """source record -> who the adult is to the child ("the father", ...): every record of each
    adult recorded around the child, the records linkage puts in the same person included."""
    named: dict[int, str] = {}
    for record, kind in Relationship.objects.filter(_about(subject)).values_list(
        "person_id", "kind"
    ):
        if kind in WHO:
            named.setdefault(record, WHO[kind])
    for pregnancy in subject.pregnancies:
        named.setdefault(pregnancy.mother_id, WHO[Relationship.Kind.BIRTH_MOTHER])
    persons = dict(
        SourceRecord.objects.filter(pk__in=named, person__isnull=False).values_list(
            "pk", "person_id"
        )
    )
    who_of_person = {persons[r]: who for r, who in named.items() if r in persons}
    for record, person in SourceRecord.objects.filter(
        person_id__in=who_of_person
    ).values_list("pk", "person_id"):
        named.setdefault(record, who_of_person[person])
    return named


def areas_linked(subject: Subject) -> list[AreaLink]:
    """Every area the child, and each adult around the child, is or was linked to, and why."""
    child = "the unborn child" if subject.unborn else "the child"
    who: dict[int, str] = adults_around(subject)
    if subject.person is not None:
        for record in SourceRecord.objects.filter(person=subject.person).values_list(
            "pk", flat=True
        ):
            who[record] = child
    links: dict[int, AreaLink] = {}
    areas = {a.pk: a for a in Area.objects.all()}

    def add(area_id: int | None, why: str) -> None:
        if area_id is None or area_id not in areas:
            return
        links.setdefault(area_id, AreaLink(areas[area_id])).why.add(why)

    for pregnancy in subject.pregnancies:
        add(pregnancy.agency.area_id, f"{child} is known to {pregnancy.agency.name}")
    for record, agency_name, area in SourceRecord.objects.filter(pk__in=who).values_list(
        "pk", "agency__name", "agency__area_id"
    ):
        add(area, f"{who[record]} is known to {agency_name}")
    shielded = Shield.objects.filter(lifted_at__isnull=True).values("record_id")
    lived = (
        Residence.objects.filter(person_id__in=who, area__isnull=False)
        .exclude(person_id__in=shielded)
        .values_list("person_id", "area_id")
    )
    for record, area in lived:
        add(area, f"{who[record]} lives or has lived here")
    return sorted(links.values(), key=lambda link: link.area.name)


def _agency_for(kind: str, area: Area, agencies: Iterable[Agency]) -> Agency | None:
    """The agency of this kind in the area, else one serving several areas (police, probation)."""
    candidates = [a for a in agencies if a.kind == kind]
    local = [a for a in candidates if a.area_id == area.pk]
    shared = [a for a in candidates if a.area_id is None]
    chosen = sorted(local, key=lambda a: a.code) or sorted(shared, key=lambda a: a.code)
    return chosen[0] if chosen else None


def ensure_checks(triage: Triage, subject: Subject) -> list[TriageCheck]:
    """Add a check for every (area, agency kind) not yet held: an area found since the triage
    opened (a record newly linked to the father) needs its checks too. Never removes one."""
    if not triage.decided:
        links = areas_linked(subject)
        mash = triage.agency
        own = mash.area if mash is not None else None
        if mash is not None and own is not None and own.pk not in {a.area.pk for a in links}:
            # a child Seen places nowhere is still checked where the MASH holding it works
            links.append(AreaLink(own, {f"the triage is held by {mash.name}"}))
        agencies = list(Agency.objects.filter(kind__in=CHECK_KINDS))
        held = set(triage.checks.values_list("area_id", "agency_kind"))
        new = [
            TriageCheck(
                triage=triage,
                area=link.area,
                agency_kind=kind,
                agency=_agency_for(kind, link.area, agencies),
                why=link.because,
            )
            for link in links
            for kind in CHECK_KINDS
            if (link.area.pk, kind) not in held
        ]
        TriageCheck.objects.bulk_create(new)
    return checks_of(triage)


def checks_of(triage: Triage) -> list[TriageCheck]:
    order = {kind: n for n, kind in enumerate(CHECK_KINDS)}
    checks = list(triage.checks.select_related("area", "agency", "done_by"))
    return sorted(checks, key=lambda c: (c.area.name, order.get(c.agency_kind, 99)))


# ---- the triage --------------------------------------------------------------------------


def triages_of(subject: Subject) -> list[Triage]:
    """The child's triages, newest first."""
    return list(
        Triage.objects.filter(_triage_about(subject))
        .select_related("opened_by", "decided_by", "agency")
        .order_by("-opened_at", "-pk")
    )


def _triage_about(subject: Subject) -> Q:
    about = Q(pregnancy_id__in=[p.pk for p in subject.pregnancies])
    if subject.person is not None:
        about |= Q(child=subject.person)
    return about


def open_triage_of(subject: Subject) -> Triage | None:
    return (
        Triage.objects.filter(_triage_about(subject), decision="").order_by("-opened_at").first()
    )


def open_triage(user: User, subject: Subject) -> Triage:
    """Open a triage of the child (one open at a time), with its checks."""
    profile = profile_of(user)
    if profile is None:
        raise TriageRefused([("step", "you are not signed in with a role in Seen")])
    with transaction.atomic():
        if open_triage_of(subject) is not None:
            raise TriageRefused([("step", "a triage of this child is already open")])
        alert_about = Q(pregnancy_id__in=[p.pk for p in subject.pregnancies])
        if subject.person is not None:
            alert_about |= Q(child=subject.person)
        alert = (
            Alert.objects.filter(alert_about, owner_role=Role.MASH_PRACTITIONER)
            .exclude(status=Alert.Status.CLOSED)
            .filter(owner_agency_id=profile.agency_id)
            .order_by("raised_at")
            .first()
        )
        triage = Triage.objects.create(
            child=subject.person,
            pregnancy=None if subject.person is not None else subject.pregnancies[0],
            child_reference=subject.reference,
            alert=alert,
            opened_by_id=profile.user_id,
            agency_id=profile.agency_id,
            opened_at=clock.now(),
        )
        ensure_checks(triage, subject)
    return triage


def mark_done(user: User, triage: Triage, check_id: int, result: str) -> TriageCheck:
    profile = profile_of(user)
    if profile is None:
        raise TriageRefused([("step", "you are not signed in with a role in Seen")])
    check = triage.checks.select_related("area").filter(pk=check_id).first()
    if check is None:
        raise TriageRefused([("checks", "Choose a check of this triage")])
    field_name = f"result-{check.pk}"
    if triage.decided:
        raise TriageRefused([(field_name, "the triage is decided: its checks are closed")])
    if check.done:
        raise TriageRefused([(field_name, f"{check_name(check)} is already done")])
    if not result.strip():
        raise TriageRefused(
            [(field_name, f"Write the result of the check ({check_name(check)}) to mark it done")]
        )
    check.result = result.strip()
    check.done_by_id = profile.user_id
    check.done_at = clock.now()
    check.save(update_fields=["result", "done_by", "done_at"])
    return check


def outstanding(checks: Iterable[TriageCheck]) -> list[TriageCheck]:
    return [c for c in checks if not c.done]


def record_decision(
    user: User, triage: Triage, subject: Subject, decision: str, reason: str
) -> Triage:
    """The decision, only once every check is done (the checks are brought up to date first,
    so an area found since the triage opened is checked before anything is decided)."""
    profile = profile_of(user)
    if profile is None:
        raise TriageRefused([("step", "you are not signed in with a role in Seen")])
    if triage.decided:
        raise TriageRefused([("decision", "the triage is already decided")])
    errors: list[tuple[str, str]] = []
    waiting = outstanding(ensure_checks(triage, subject))
    if waiting:
        names = ", ".join(check_name(c) for c in waiting)
        errors.append(
            ("checks", f"The decision needs every check done first. Still to do: {names}")
        )
    if decision not in Triage.Decision.values:
        errors.append(("decision", "Choose the decision"))
    if not reason.strip():
        errors.append(("reason", "Give the reason for the decision"))
    if errors:
        raise TriageRefused(errors)
    triage.decision = decision
    triage.reason = reason.strip()
    triage.decided_by_id = profile.user_id
    triage.decided_at = clock.now()
    triage.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
    return triage


def checks_by_area(checks: Iterable[TriageCheck]) -> dict[str, list[TriageCheck]]:
    grouped: dict[str, list[TriageCheck]] = defaultdict(list)
    for check in checks:
        grouped[check.area.name].append(check)
    return dict(grouped)
