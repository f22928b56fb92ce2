"""The partnership's learning measures: how often the practice the national review asked for
happens, per area (the child's) and per quarter (the date of the fact), from the hub's own data.

Each measure is one or more parts, each a numerator over a denominator. They are read from the
same world the rules read (`seen.rules.world.World`: children born and unborn, the adults around
each, every fact by child and by person, records resolved to persons by linkage) and, for alerts,
from `seen.rules.models.Alert`. Where a procedure's rule has a threshold (the follow-up window
for a missed appointment, the age under which a baby counts as non-mobile), the measure uses the
partnership's value of the same parameter, so the dashboard and the alerts agree.

Only counts leave this module: no child, adult or record is named in what it returns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from seen.rules.procedures.non_mobile_injury import NonMobileInjury
from seen.rules.procedures.was_not_brought import WasNotBrought
from seen.rules.world import Child, Fact, World

NOT_KNOWN_AREA = "not-known"
PARTNERSHIP = "all"  # the partnership as a whole, in totals


@dataclass(frozen=True)
class Part:
    key: str
    label: str  # what the numerator counts, as a sentence fragment
    of: str  # what the denominator counts


@dataclass(frozen=True)
class Measure:
    slug: str
    title: str
    definition: str  # how it is counted, for the page and the CSV's readers
    finding: str  # the review's finding it answers
    parts: tuple[Part, ...]

    def part(self, key: str) -> Part:
        return next(p for p in self.parts if p.key == key)


MANDATED_CONTACTS = {
    "antenatal": "antenatal (pre-birth) contact",
    "new_birth": "new birth visit",
    "six_to_eight_weeks": "6-8 week review",
    "one_year": "1 year review",
}

MEASURES: tuple[Measure, ...] = (
    Measure(
        "fathers-seen",
        "Fathers seen at mandated health-visiting contacts",
        "Mandated health-visiting contacts (an antenatal contact by a health-visiting service, "
        "the new birth visit, the 6-8 week and the 1 year reviews) where the father or male carer "
        "was seen, of those where there is a father or male carer (seen, not seen or not known; "
        "'not applicable' left out). The 2½ year review is not among the contacts Seen receives.",
        "Access to universal services 7-8; Invisible fathers 23; Recommendation 5",
        tuple(
            Part(kind, f"father seen at the {label}", f"{label}s with a father or male carer")
            for kind, label in MANDATED_CONTACTS.items()
        ),
    ),
    Measure(
        "pre-birth-assessments",
        "Pre-birth assessments involving the father and checking both parents",
        "Pre-birth assessments started in the period: those that involved the father or male "
        "carer (of those where there is one), and those with background checks done on both "
        "parents (of those where checks on a father apply).",
        "Policies and procedures 19",
        (
            Part("father-involved", "involved the father", "pre-birth assessments with a father"),
            Part(
                "both-checked",
                "checked both parents' backgrounds",
                "pre-birth assessments where both parents could be checked",
            ),
        ),
    ),
    Measure(
        "was-not-brought",
        '"Was not brought" followed up in time',
        "Appointments a baby was not brought to (or the mother missed while pregnant with the "
        "baby), followed up by the named practitioner, or answered by a referral, within the "
        "was-not-brought procedure's follow-up window (the rule's follow_up_within_days, 7 days "
        "unless the partnership has set another). Misses whose window is still open and not yet "
        "followed up are not counted until it closes.",
        "Policies and procedures 20",
        (Part("in-time", "followed up in time", "missed appointments due a follow-up"),),
    ),
    Measure(
        "non-mobile-injury",
        "Injuries on non-mobile babies referred the same day",
        "Bruises and other injuries recorded on a baby who is non-mobile (recorded so, or younger "
        "than the non-mobile-injury rule's non_mobile_under_days, 6 months) referred to children's "
        "social care, and for a paediatric assessment when the rule requires it, within the "
        "rule's referral_within_days (0: the same day). Bruises are shown apart as well.",
        "Policies and procedures 18",
        (
            Part("bruising", "bruising referred the same day", "bruises on non-mobile babies"),
            Part("any-injury", "injury referred the same day", "injuries on non-mobile babies"),
        ),
    ),
    Measure(
        "programme-completion",
        "Programmes in plans completed",
        "Programmes named in a plan (domestic-abuse perpetrator, parenting, mental health, "
        "substance misuse), counted in the quarter of their first event: completed, of those "
        "started; and completed, of those ended (completed or withdrawn).",
        "Domestic abuse 11; Recommendation 10",
        (
            Part("of-started", "completed", "programmes started"),
            Part("of-ended", "completed", "programmes ended (completed or withdrawn)"),
        ),
    ),
    Measure(
        "alerts",
        "Alerts answered by their deadline, and escalations",
        "Alerts raised in the period: answered by a person (acknowledged, an action recorded, "
        "escalated or closed) by their deadline, of those whose deadline has passed or that were "
        "answered (alerts that new facts resolved before anyone answered are left out); and "
        "escalated, of all alerts raised.",
        "Strategic leadership 7-8",
        (
            Part("answered", "answered by the deadline", "alerts due an answer"),
            Part("escalated", "escalated", "alerts raised"),
        ),
    ),
    Measure(
        "men-across-areas",
        "Men linked across areas",
        "Men (fathers, mothers' partners, male carers and other male household adults) around a "
        "baby or unborn child, counted once per area and quarter of the child's birth (or "
        "expected date): those whose linked records place them in more than one area (where "
        "they have lived, the areas of the agencies holding facts about them, and the areas of "
        "the other children they are around).",
        "Information sharing 4-5; Invisible fathers 28",
        (Part("linked", "linked to more than one area", "men around a baby"),),
    ),
)
MEASURES_BY_SLUG: dict[str, Measure] = {m.slug: m for m in MEASURES}


# -- periods ----------------------------------------------------------------------------------


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def parse_quarter(text: str) -> str | None:
    """'2025-Q3' (any case, surrounding spaces) -> '2025-Q3'; anything else -> None."""
    text = text.strip().upper()
    if len(text) != 7 or text[4:6] != "-Q" or not text[:4].isdigit() or text[6] not in "1234":
        return None
    if not 1900 <= int(text[:4]) <= 2200:
        return None
    return text


# -- where a child is -------------------------------------------------------------------------

Spans = dict[int, list[tuple[date | None, date | None, str]]]


class Placement:
    """The area a child belongs to on a day: the child's own residence then (else its latest),
    else the mother's (an unborn child lives where its mother does), else the area of the
    agencies that know the child; "not-known" when none."""

    def __init__(self, world: World, residences: Spans | None = None) -> None:
        self.world = world
        self.residences = residences or {}

    @classmethod
    def from_database(cls, world: World) -> Placement:
        from seen.people.models import Residence

        spans: Spans = defaultdict(list)
        rows = Residence.objects.filter(area__isnull=False).values_list(
            "person_id", "start", "end", "area__code"
        )
        for record, start, end, area in rows:
            person = world.person_of_record.get(record, -record)
            spans[person].append((start, end, area))
        return cls(world, dict(spans))

    def area(self, child: Child, day: date) -> str:
        for person in (child.person, child.mother):
            if person is None:
                continue
            spans = self.residences.get(person)
            if spans:
                current = [
                    a for s, e, a in spans if (s is None or s <= day) and (e is None or day <= e)
                ]
                if current:
                    return sorted(current)[0]
                latest = max(spans, key=lambda span: span[0] or date.min)
                return latest[2]
            areas = self.world.residence_areas.get(person)
            if areas:
                return sorted(areas)[0]
        return sorted(child.areas)[0] if child.areas else NOT_KNOWN_AREA


# -- counting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """One cell: a measure's part in one area and quarter."""

    measure: str
    part: str
    area: str
    period: str
    numerator: int
    denominator: int


@dataclass(frozen=True)
class _Seen:
    part: str
    child: Child
    day: date
    hit: bool
    key: Any = None  # counted once per cell (a man around two babies in one area and quarter)


@dataclass(frozen=True)
class Tally:
    counts: list[Count]
    first_day: date | None  # the earliest day a measure counted (the data's first day)


def compute(
    world: World,
    placement: Placement | None = None,
    *,
    alerts: Iterable[Mapping[str, Any]] = (),
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    now: datetime | None = None,
) -> list[Count]:
    """Every measure's counts per area and quarter (`tally`'s counts)."""
    return tally(world, placement, alerts=alerts, parameters=parameters, now=now).counts


def tally(
    world: World,
    placement: Placement | None = None,
    *,
    alerts: Iterable[Mapping[str, Any]] = (),
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    now: datetime | None = None,
) -> Tally:
    """Every measure's counts per area and quarter, and the first day counted. `alerts`: rows
    of Alert with `child_key`, `raised_at`, `deadline`, `escalated_at`, `answered_at` (the
    first answer by a person) and `resolved_unanswered` (new facts closed it before anyone
    answered). `parameters`: rule id -> the partnership's values (defaults where absent)."""
    placement = placement or Placement(world)
    parameters = parameters or {}
    wnb = {**WasNotBrought.defaults, **parameters.get(WasNotBrought.id, {})}
    nmi = {**NonMobileInjury.defaults, **parameters.get(NonMobileInjury.id, {})}
    sources: dict[str, Iterable[_Seen]] = {
        "fathers-seen": _fathers_seen(world),
        "pre-birth-assessments": _pre_birth(world),
        "was-not-brought": _was_not_brought(world, wnb),
        "non-mobile-injury": _non_mobile_injury(world, nmi),
        "programme-completion": _programmes(world),
        "alerts": _alerts(world, alerts, now),
        "men-across-areas": _men_across_areas(world, placement),
    }
    cells: dict[tuple[str, str, str, str], list[int]] = {}
    counted: set[tuple[Any, ...]] = set()
    first_day: date | None = None
    for slug, seen in sources.items():
        for item in seen:
            first_day = item.day if first_day is None else min(first_day, item.day)
            cell = (slug, item.part, placement.area(item.child, item.day), quarter_of(item.day))
            if item.key is not None:
                if (*cell, item.key) in counted:
                    continue
                counted.add((*cell, item.key))
            tally = cells.setdefault(cell, [0, 0])
            tally[0] += int(item.hit)
            tally[1] += 1
    return Tally([Count(*cell, n, d) for cell, (n, d) in sorted(cells.items())], first_day)


def _children(world: World) -> Iterator[Child]:
    return iter(sorted(world.children.values(), key=lambda c: c.key))


def _fathers_seen(world: World) -> Iterator[_Seen]:
    for child in _children(world):
        for contact in world.about(child, "contact"):
            kind = contact["kind"]
            if kind not in MANDATED_CONTACTS or contact.occurred_on > world.today:
                continue
            if kind == "antenatal" and _agency_kind(world, contact) != "health_visiting":
                continue  # the midwife's antenatal contacts are not the mandated HV contact
            if contact["father_seen"] == "not_applicable":
                continue
            yield _Seen(kind, child, contact.occurred_on, contact["father_seen"] == "yes")


def _agency_kind(world: World, fact: Fact) -> str:
    agency = world.agencies.get(fact.get("agency"))
    return agency.kind if agency is not None else ""


def _pre_birth(world: World) -> Iterator[_Seen]:
    for child in _children(world):
        for assessment in world.about(child, "assessment"):
            if assessment["kind"] != "pre_birth" or assessment.occurred_on > world.today:
                continue
            day = assessment.occurred_on
            if assessment["father_involved"] != "not_applicable":
                yield _Seen("father-involved", child, day, assessment["father_involved"] == "yes")
            if assessment["father_checks_done"] != "not_applicable":
                both = (
                    assessment["mother_checks_done"] == "yes"
                    and assessment["father_checks_done"] == "yes"
                )
                yield _Seen("both-checked", child, day, both)


def _was_not_brought(world: World, params: Mapping[str, Any]) -> Iterator[_Seen]:
    within = timedelta(days=params["follow_up_within_days"])
    today = world.today
    for child in _children(world):
        referrals = [
            r.occurred_on
            for r in world.about(child, "referral")
            if r["kind"] in params["referral_kinds"]
        ]
        for miss in _appointments(world, child, params):
            if miss["outcome"] not in ("was_not_brought", "did_not_attend"):
                continue
            due = miss.occurred_on + within
            followed: date | None = miss["followed_up_on"]
            answered = [d for d in [followed, *referrals] if d and miss.occurred_on <= d <= today]
            in_time = any(d <= due for d in answered)
            if not in_time and today <= due:
                continue  # its window is still open
            yield _Seen("in-time", child, miss.occurred_on, in_time)


def _appointments(world: World, child: Child, params: Mapping[str, Any]) -> list[Fact]:
    """The child's appointments, and the mother's own while pregnant with the child (as the
    was-not-brought rule reads them)."""
    found = {a.id: a for a in world.about(child, "appointment") if a.occurred_on <= world.today}
    due = child.expected or child.dob
    if child.mother is not None and due is not None:
        begun = due - timedelta(days=params["pregnancy_days"])
        ended = child.dob or due
        for a in world.of_person(child.mother, "appointment", column="subject"):
            if begun <= a.occurred_on < ended and a.occurred_on <= world.today:
                found.setdefault(a.id, a)
    return sorted(found.values(), key=lambda a: (a.occurred_on, a.id))


def _non_mobile_injury(world: World, params: Mapping[str, Any]) -> Iterator[_Seen]:
    needed = {"childrens_social_care"}
    if params["require_paediatric_assessment"]:
        needed.add("paediatric_assessment")
    for child in _children(world):
        referrals = world.about(child, "referral")
        for injury in world.about(child, "injury"):
            on = injury.occurred_on
            if on > world.today:
                continue
            age = child.age_days(on)
            young = age is not None and age < params["non_mobile_under_days"]
            if not (injury["mobility"] == "non_mobile" or young):
                continue
            end = on + timedelta(days=params["referral_within_days"])
            made = {r["kind"] for r in referrals if on <= r.occurred_on <= end}
            referred = needed <= made
            yield _Seen("any-injury", child, on, referred)
            if injury["kind"] == "bruise":
                yield _Seen("bruising", child, on, referred)


def _programmes(world: World) -> Iterator[_Seen]:
    plan_child: dict[int, Child] = {}
    for child in _children(world):
        for plan in world.about(child, "plan"):
            plan_child[plan.id] = child
    steps: dict[tuple[Any, str], list[Fact]] = defaultdict(list)
    seen_ids: set[int] = set()
    for facts in world.facts_by_person.values():
        for event in facts:
            if event.type != "programmeevent" or event.id in seen_ids:
                continue
            seen_ids.add(event.id)
            if event.get("plan") in plan_child and event.occurred_on <= world.today:
                steps[(event["agency"], event["programme_ref"])].append(event)
    for events in steps.values():
        events.sort(key=lambda e: (e.occurred_on, e.id))
        first = events[0]
        child = plan_child[first["plan"]]
        statuses = {e["status"] for e in events}
        completed = "completed" in statuses
        yield _Seen("of-started", child, first.occurred_on, completed)
        if completed or "withdrawn" in statuses:
            yield _Seen("of-ended", child, first.occurred_on, completed)


def _alerts(
    world: World, alerts: Iterable[Mapping[str, Any]], now: datetime | None
) -> Iterator[_Seen]:
    for alert in alerts:
        child = world.children.get(alert["child_key"])
        if child is None:
            continue
        raised: datetime = alert["raised_at"]
        day = raised.date()
        escalated = alert["escalated_at"] is not None
        yield _Seen("escalated", child, day, escalated)
        answered: datetime | None = alert["answered_at"]
        deadline: datetime = alert["deadline"]
        if answered is None and (alert["resolved_unanswered"] or (now and now <= deadline)):
            continue  # resolved by new facts, or not yet due
        yield _Seen("answered", child, day, answered is not None and answered <= deadline)


MEN = ("birth_father", "mothers_partner", "male_carer", "household_adult")


def _men_across_areas(world: World, placement: Placement) -> Iterator[_Seen]:
    areas_of: dict[int, set[str]] = {}
    children_around = world.children_around

    def areas(person: int) -> set[str]:
        if person not in areas_of:
            found = set(world.residence_areas.get(person, set()))
            for fact in world.facts_by_person.get(person, []):
                agency = world.agencies.get(fact.get("agency"))
                if agency is not None and agency.area:
                    found.add(agency.area)
            for other in children_around.get(person, []):
                when = other.dob or other.expected
                if when is not None:
                    found.add(placement.area(other, when))
            found.discard(NOT_KNOWN_AREA)
            areas_of[person] = found
        return areas_of[person]

    for child in _children(world):
        when = child.dob or child.expected
        if when is None or when > world.today + timedelta(days=280):
            continue
        for adult in child.adults:
            if adult.kind not in MEN:
                continue
            if adult.kind == "household_adult" and world.sex_of_person.get(adult.person) != "male":
                continue
            yield _Seen("linked", child, when, len(areas(adult.person)) > 1, key=adult.person)
