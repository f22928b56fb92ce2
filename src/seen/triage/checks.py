"""The checks of a MASH triage: one per agency kind the partnership consults, for every area the
child and the adults around the child are or were linked to; an agency serving the whole
partnership (a police force, probation, adult mental health) is checked once, not once per area.

The areas come from where each adult has lived (residences, across all the records linkage
puts in the same person) and from the areas of the agencies that hold their records, so the
father known to another area's health visitors is checked there too. Addresses under a shield
are never read, as in the rules (seen.rules.world): not even their area."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from seen.access.models import Shield
from seen.areas.models import Agency, Area
from seen.casefile.subjects import Subject
from seen.people.models import Relationship, Residence, SourceRecord
from seen.triage.models import Triage, TriageCheck

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
# the kinds that serve the whole partnership when Seen holds no agency of the kind to say
# otherwise (see partnership_wide)
PARTNERSHIP_KINDS: frozenset[str] = frozenset(
    {Agency.Kind.POLICE, Agency.Kind.PROBATION, Agency.Kind.ADULT_MENTAL_HEALTH}
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
ACROSS = "across the partnership"


def check_name(check: TriageCheck) -> str:
    kind = KIND_NAMES.get(check.agency_kind, check.agency_kind)
    return f"{kind} {ACROSS}" if check.area is None else f"{kind} in {check.area.name}"


# ---- the areas to check ------------------------------------------------------------------


@dataclass
class AreaLink:
    area: Area
    why: set[str] = field(default_factory=set)

    @property
    def because(self) -> str:
        return _bounded("; ".join(sorted(self.why)))


def _bounded(text: str) -> str:
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
    for record, person in SourceRecord.objects.filter(person_id__in=who_of_person).values_list(
        "pk", "person_id"
    ):
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


# ---- which agency answers a check ----------------------------------------------------------


def partnership_wide(agencies: Iterable[Agency]) -> frozenset[str]:
    """The kinds checked once for the whole partnership: those whose every agency in Seen
    serves several areas (has no area of its own); a kind Seen holds no agency of is so when
    it is one of PARTNERSHIP_KINDS. A partnership with a police force per area checks each."""
    with_area: dict[str, bool] = {}
    for agency in agencies:
        with_area[agency.kind] = with_area.get(agency.kind, False) or agency.area_id is not None
    return frozenset(
        kind
        for kind in CHECK_KINDS
        if (kind not in with_area and kind in PARTNERSHIP_KINDS)
        or (kind in with_area and not with_area[kind])
    )


def _agency_for(kind: str, area: Area | None, agencies: Iterable[Agency]) -> Agency | None:
    """The agency of this kind in the area, else one serving several areas; for a check across
    the partnership, one serving several areas."""
    candidates = [a for a in agencies if a.kind == kind]
    local = [a for a in candidates if area is not None and a.area_id == area.pk]
    shared = [a for a in candidates if a.area_id is None]
    chosen = sorted(local, key=lambda a: a.code) or sorted(shared, key=lambda a: a.code)
    return chosen[0] if chosen else None


# ---- the checks of a triage ----------------------------------------------------------------


def ensure_checks(triage: Triage, subject: Subject) -> list[TriageCheck]:
    """Add a check for every (area, agency kind) not yet held, and one for each kind serving
    the whole partnership: an area found since the triage opened (a record newly linked to the
    father) needs its checks too. Never removes one. A kind checked per area in a triage opened
    before it was checked once (any check of it held) gets no partnership check as well."""
    if not triage.decided:
        links = areas_linked(subject)
        mash = triage.agency
        own = mash.area if mash is not None else None
        if mash is not None and own is not None and own.pk not in {a.area.pk for a in links}:
            # a child Seen places nowhere is still checked where the MASH holding it works
            links.append(AreaLink(own, {f"the triage is held by {mash.name}"}))
        agencies = list(Agency.objects.filter(kind__in=CHECK_KINDS))
        wide = partnership_wide(agencies)
        held = set(triage.checks.values_list("area_id", "agency_kind"))
        held_kinds = {kind for _, kind in held}
        where = ", ".join(link.area.name for link in links)
        serves = _bounded(f"one agency serves every area the family is linked to: {where}")
        new = [
            TriageCheck(
                triage=triage,
                area=None,
                agency_kind=kind,
                agency=_agency_for(kind, None, agencies),
                why=serves if links else "one agency serves every area of the partnership",
            )
            for kind in CHECK_KINDS
            if kind in wide and kind not in held_kinds
        ]
        new += [
            TriageCheck(
                triage=triage,
                area=link.area,
                agency_kind=kind,
                agency=_agency_for(kind, link.area, agencies),
                why=link.because,
            )
            for link in links
            for kind in CHECK_KINDS
            if kind not in wide and (link.area.pk, kind) not in held
        ]
        TriageCheck.objects.bulk_create(new)
    return checks_of(triage)


def checks_of(triage: Triage) -> list[TriageCheck]:
    """The checks in the page's order: those across the partnership first, then area by area,
    each in CHECK_KINDS's order."""
    order = {kind: n for n, kind in enumerate(CHECK_KINDS)}
    checks = list(triage.checks.select_related("area", "agency", "done_by"))
    return sorted(checks, key=lambda c: (_area_name(c), order.get(c.agency_kind, 99)))


def _area_name(check: TriageCheck) -> str:
    """The area's name; "" (first) for a check across the partnership."""
    return check.area.name if check.area is not None else ""


def outstanding(checks: Iterable[TriageCheck]) -> list[TriageCheck]:
    return [c for c in checks if not c.done]


@dataclass
class CheckGroup:
    """The checks the page shows under one heading: across the partnership, or one area."""

    heading: str
    why: str
    checks: list[TriageCheck]


def grouped(checks: Iterable[TriageCheck]) -> list[CheckGroup]:
    """The checks (in checks_of's order) under their headings, in the same order."""
    groups: dict[int | None, CheckGroup] = {}
    for check in checks:
        area = check.area
        if area is None:
            group = groups.setdefault(None, CheckGroup("Across the partnership", check.why, []))
        else:
            group = groups.setdefault(area.pk, CheckGroup(area.name, check.why, []))
        group.checks.append(check)
    return list(groups.values())
