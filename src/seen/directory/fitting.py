"""The services in the directory that fit a parent, for one child: who a service is for against
the parent's sex and relationship to the child, where it works against where the parent lives,
the ages it takes, and the procedure the practitioner is answering.

A parent is read from Seen's records (`parent_for`): the sex the records agree on, what the
parent is to the child (birth father, mother's partner, male carer, …, as Relationship holds
it), the areas of the current residences (a shielded record's addresses are never read, as the
rules never read them) and the age. `judge` weighs one service against the parent, in words:
why it fits, what rules it out, and what may not suit (daytime only, a wait not stated).
`fitting` gives the active services that fit, those serving the procedure first, then those
open evenings or at weekends (a working parent's), then the shortest wait. Queries only: nothing
is written here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from seen.access.models import Shield
from seen.casefile.subjects import Subject
from seen.core import clock
from seen.core.procedures import title_of
from seen.directory.models import Audience, Service
from seen.people.models import Person, Relationship, Residence, Sex, SourceRecord

Kind = Relationship.Kind

# who each relationship to the child makes a man, and a woman, in the directory's audiences
MAN_AUDIENCES: dict[str, frozenset[str]] = {
    Kind.BIRTH_FATHER: frozenset({Audience.FATHERS, Audience.MALE_CARERS, Audience.COUPLES}),
    Kind.MOTHERS_PARTNER: frozenset({Audience.MALE_CARERS, Audience.COUPLES}),
    Kind.MALE_CARER: frozenset({Audience.MALE_CARERS}),
    Kind.HOUSEHOLD_ADULT: frozenset({Audience.MALE_CARERS}),
}
WOMAN_AUDIENCES: dict[str, frozenset[str]] = {
    Kind.BIRTH_MOTHER: frozenset({Audience.MOTHERS, Audience.COUPLES}),
    Kind.MOTHERS_PARTNER: frozenset({Audience.MOTHERS, Audience.COUPLES}),
    Kind.HOUSEHOLD_ADULT: frozenset({Audience.MOTHERS}),
}
RELATION_WORDS: dict[str, str] = {
    Kind.BIRTH_FATHER: "the birth father",
    Kind.BIRTH_MOTHER: "the birth mother",
    Kind.MOTHERS_PARTNER: "the mother's partner",
    Kind.MALE_CARER: "a male carer",
    Kind.HOUSEHOLD_ADULT: "an adult in the household",
}
AUDIENCE_WORDS: dict[str, str] = {
    Audience.FATHERS: "fathers",
    Audience.MALE_CARERS: "male carers",
    Audience.MOTHERS: "mothers",
    Audience.COUPLES: "couples",
}
DAYS = {"MO": "Mon", "TU": "Tue", "WE": "Wed", "TH": "Thu", "FR": "Fri", "SA": "Sat", "SU": "Sun"}
NO_WAIT = 10**6  # a wait not stated sorts after every stated one


@dataclass(frozen=True)
class Parent:
    """A parent as the fitting reads them from Seen's records."""

    reference: str
    sex: str  # Sex.MALE or Sex.FEMALE, "" when the records do not say or disagree
    relations: frozenset[str]  # Relationship kinds to the child
    areas: frozenset[int]  # the areas of the current, unshielded residences
    age: int | None

    @property
    def man(self) -> bool:
        if self.sex:
            return self.sex == Sex.MALE
        return Kind.BIRTH_MOTHER not in self.relations  # a man's relationship, sex not recorded

    @property
    def pronoun(self) -> str:
        return "he" if self.man else "she"

    @property
    def possessive(self) -> str:
        return "his" if self.man else "her"

    @property
    def objective(self) -> str:
        return "him" if self.man else "her"

    def audiences(self) -> dict[str, str]:
        """The audiences that admit this parent, each with the relationship that admits them."""
        table = MAN_AUDIENCES if self.man else WOMAN_AUDIENCES
        found: dict[str, str] = {}
        for relation in _in_order(self.relations):
            for audience in table.get(relation, frozenset()):
                found.setdefault(audience, relation)
        return found


def _in_order(relations: frozenset[str]) -> list[str]:
    """The relationships, the closest first (a birth father before a household adult)."""
    known = list(RELATION_WORDS)
    return sorted((r for r in relations if r in RELATION_WORDS), key=known.index)


@dataclass(frozen=True)
class Fit:
    """One service weighed against a parent, in words."""

    service: Service
    reasons: tuple[str, ...]  # why it fits
    against: tuple[str, ...]  # what rules it out (empty: it fits)
    caveats: tuple[str, ...]  # what may not suit ("Daytime only")
    for_procedure: bool
    who: str
    when: str
    where: str
    wait: str

    @property
    def fits(self) -> bool:
        return not self.against

    @property
    def out_of_hours(self) -> bool:
        return self.service.evenings or self.service.weekends


# --- the parent -----------------------------------------------------------------------------------


def _about(subject: Subject) -> Q:
    about = Q(pregnancy_id__in=[p.pk for p in subject.pregnancies])
    if subject.person is not None:
        about |= Q(child__person=subject.person) | Q(pregnancy__child__person=subject.person)
    return about


def parent_for(person: Person, subject: Subject, today: date | None = None) -> Parent:
    """The parent as their records hold them, for this child (current relationships only)."""
    today = today or clock.today()
    records = list(SourceRecord.objects.filter(person=person).values_list("pk", "sex", "dob"))
    ids = [pk for pk, _, _ in records]
    sexes = {sex for _, sex, _ in records if sex in (Sex.MALE, Sex.FEMALE)}
    relations = frozenset(
        Relationship.objects.filter(_about(subject), person_id__in=ids)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values_list("kind", flat=True)
    )
    shielded = set(
        Shield.objects.filter(record_id__in=ids, lifted_at__isnull=True).values_list(
            "record_id", flat=True
        )
    )
    areas = frozenset(
        Residence.objects.filter(person_id__in=[pk for pk in ids if pk not in shielded])
        .filter(Q(end__isnull=True) | Q(end__gte=today), area__isnull=False)
        .values_list("area_id", flat=True)
    )
    return Parent(
        person.reference,
        next(iter(sexes)) if len(sexes) == 1 else "",
        relations,
        areas,
        _age([dob for _, _, dob in records if dob is not None], today),
    )


def _age(dates: list[date], today: date) -> int | None:
    """The age from the date of birth most of the records hold (the earliest of a tie)."""
    if not dates:
        return None
    counts = Counter(dates)
    born = min(counts, key=lambda d: (-counts[d], d))
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# --- one service ----------------------------------------------------------------------------------


def when_text(service: Service) -> str:
    """Its days and hours in words: "Tue, Thu 18:00 to 20:00; Sat 10:00 to 12:00"."""
    parts = []
    for schedule in service.schedules or []:
        if not isinstance(schedule, dict):
            continue
        days = ", ".join(DAYS.get(str(d), str(d)) for d in schedule.get("days") or [])
        opens, closes = schedule.get("opens_at") or "", schedule.get("closes_at") or ""
        hours = f"{opens} to {closes}" if opens and closes else opens or closes
        text = " ".join(p for p in (days, hours) if p) or str(schedule.get("description") or "")
        if text:
            parts.append(text)
    return "; ".join(parts) or "Hours not stated"


def where_text(service: Service) -> str:
    names = [a.name for a in service.areas.all()]
    return ", ".join(sorted(names)) if names else "The whole partnership"


def wait_text(service: Service) -> str:
    if service.wait_days is None:
        return "Wait not stated"
    days = service.wait_days
    return f"Usually {days} day{'s' if days != 1 else ''} to a first session"


def who_text(service: Service) -> str:
    who = [AUDIENCE_WORDS.get(a, str(a)) for a in service.audiences or []]
    ages = _ages_text(service)
    return (", ".join(who).capitalize() or "Anyone") + (f" ({ages})" if ages else "")


def _ages_text(service: Service) -> str:
    low, high = service.min_age, service.max_age
    if low is not None and high is not None:
        return f"aged {low} to {high}"
    if low is not None:
        return f"aged {low} and over"
    if high is not None:
        return f"aged up to {high}"
    return ""


def judge(
    service: Service, parent: Parent, procedure: str = "", *, name_areas: bool = False
) -> Fit:
    """Whether the service fits the parent, and why, in words. `name_areas`: name the areas
    where the parent lives (for a viewer who sees the household; else "where he lives")."""
    he, his, him = parent.pronoun, parent.possessive, parent.objective
    reasons: list[str] = []
    against: list[str] = []
    caveats: list[str] = []
    if service.status != Service.Status.ACTIVE:
        against.append(f"It is {service.status}")
    # who it is for
    admits = parent.audiences()
    offered = [a for a in service.audiences or [] if a in admits]
    if not _in_order(parent.relations):
        against.append(f"Seen holds no current relationship of {his} with this child")
    elif offered:
        audience = offered[0]
        reasons.append(
            f"For {AUDIENCE_WORDS[audience]}: {he} is {RELATION_WORDS[admits[audience]]}"
        )
    else:
        wanted = ", ".join(AUDIENCE_WORDS.get(a, str(a)) for a in service.audiences or [])
        relation = RELATION_WORDS[_in_order(parent.relations)[0]]
        against.append(f"It is for {wanted or 'no one named'}; {he} is {relation}")
    # where it works
    served = {a.pk: a.name for a in service.areas.all()}
    if not served:
        reasons.append("Serves the whole partnership")
    elif parent.areas & served.keys():
        names = sorted(served[a] for a in parent.areas & served.keys())
        lives = ", ".join(names) if name_areas else ""
        reasons.append(f"Serves where {he} lives" + (f" ({lives})" if lives else ""))
    elif parent.areas:
        against.append(f"Serves only {', '.join(sorted(served.values()))}, not where {he} lives")
    else:
        caveats.append(
            f"Serves only {', '.join(sorted(served.values()))}: Seen holds no current address "
            f"for {him}, check where {he} lives"
        )
    # ages
    ages = _ages_text(service)
    if ages and parent.age is None:
        caveats.append(f"It takes parents {ages}: {his} age is not recorded")
    elif ages and parent.age is not None:
        low, high = service.min_age, service.max_age
        if (low is not None and parent.age < low) or (high is not None and parent.age > high):
            against.append(f"It takes parents {ages}; {he} is {parent.age}")
    # the procedure
    for_procedure = bool(procedure) and procedure in (service.procedures or [])
    if for_procedure:
        reasons.append(f"Serves the procedure: {title_of(procedure)}")
    # hours, wait and how to refer
    if service.evenings and service.weekends:
        reasons.append("Open evenings and weekends")
    elif service.evenings:
        reasons.append("Open evenings")
    elif service.weekends:
        reasons.append("Open at weekends")
    elif service.schedules:
        caveats.append(f"Daytime only: if {he} works, check {he} can go")
    else:
        caveats.append("Its hours are not stated")
    if service.wait_days is None:
        caveats.append("Its wait is not stated")
    if not service.professional_referral:
        caveats.append(f"It takes self-referrals only: give {him} its details as well")
    return Fit(
        service,
        tuple(reasons),
        tuple(against),
        tuple(caveats),
        for_procedure,
        who_text(service),
        when_text(service),
        where_text(service),
        wait_text(service),
    )


def order(fit: Fit) -> tuple[bool, bool, int, str, int]:
    """Those serving the procedure first, then evenings or weekends, then the shortest wait."""
    wait = fit.service.wait_days
    return (
        not fit.for_procedure,
        not fit.out_of_hours,
        NO_WAIT if wait is None else wait,
        fit.service.name,
        fit.service.pk,
    )


# when the parent can come, as the practitioner knows it: any time, or only out of working hours
HOURS = {"": "any time", "evenings": "evenings", "weekends": "weekends"}


def fitting(
    parent: Parent, procedure: str = "", *, name_areas: bool = False, hours: str = ""
) -> list[Fit]:
    """The active services that fit the parent, in the order a practitioner should read them;
    `hours` ("evenings", "weekends"): only those open then, for a parent who can come only then."""
    if hours not in HOURS:
        raise ValueError(f"hours is one of {sorted(HOURS)}, not {hours!r}")
    services = Service.objects.filter(status=Service.Status.ACTIVE).prefetch_related("areas")
    if hours:
        services = services.filter(**{hours: True})
    fits = [judge(s, parent, procedure, name_areas=name_areas) for s in services]
    return sorted((f for f in fits if f.fits), key=order)


def services_for(
    person: Person,
    subject: Subject,
    procedure: str = "",
    *,
    name_areas: bool = False,
    hours: str = "",
) -> list[Fit]:
    """The services that fit this person as a parent of this child."""
    parent = parent_for(person, subject)
    return fitting(parent, procedure, name_areas=name_areas, hours=hours)
