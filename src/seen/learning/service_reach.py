"""Did it reach the men? The partnership's services for parents, as the referrals to them and
their uptake show, and the gaps in what the directory offers each area.

Counted from the rules' read model (`seen.rules.loading.load_world`, scoped to the families of
the parents referred), not from the fact tables directly: a referral names one agency's record
of the parent and of the child, and only the world resolves those to persons and says how the
parent stands to the child (a father's social care record, the maternity unit's record naming
him the birth father). A referral is counted:

- in the quarter of its date, and the area of its child on that date (`measures.Placement`, as
  every measure places a child); the steps of its uptake count with their referral, whenever
  they happen;
- as a referral of a father or male carer when the parent is the child's birth father, the
  mother's partner or a male carer; of a mother when the parent is the child's mother. Any other
  parent (a grandparent, another household adult) and a referral whose child Seen does not hold
  as a child are not counted;
- contacted when the service has sent any step of its uptake (the days to first contact are
  from the referral to the earliest step, a step dated before the referral counting as the same
  day); attended when a session was attended or the service completed; completed; declined or
  dropped out when the service says so and the parent did not complete.

Only counts leave this module: no parent, child or record is named. What is shown passes through
`seen.learning.figures` as every measure does: a count from 1 to 4 is "fewer than 5" with its
rate withheld, a small complement protected, and a second area withheld where one could be read
off the partnership's total. A median of days rests on the people it is the median of, so it is
withheld as their count is: when fewer than 5 were contacted, or their count protects another
area's.

The gaps are read from the directory (`seen.directory.models.Service`) as it stands: only active
services count; a service with no areas serves the whole partnership."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from seen.directory.models import Audience, Service
from seen.facts.models import ProgrammeEvent, ServiceReferral, ServiceUptake
from seen.learning.figures import Figure, protected
from seen.learning.measures import PARTNERSHIP, Placement
from seen.learning.quarters import Coverage, Quarter
from seen.rules.loading import load_world
from seen.rules.world import Child, Fact, Scope, World

MEASURE = "service-reach"  # the name its rows carry in the CSV
FATHERS = "fathers"  # fathers and male carers
MOTHERS = "mothers"
GROUPS = (FATHERS, MOTHERS)
# how a parent stands to the child, as the relationships name it
MEN_KINDS = frozenset({"birth_father", "mothers_partner", "male_carer"})
# a service "for fathers": its audiences name fathers, male carers or couples
FOR_MEN = frozenset({Audience.FATHERS.value, Audience.MALE_CARERS.value, Audience.COUPLES.value})
ENDED_EARLY = frozenset({ServiceUptake.Status.DECLINED.value, ServiceUptake.Status.DROPPED_OUT})


# -- counting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReachCount:
    """One cell: the referrals of one group of parents to one service, in one area and quarter,
    and what became of them."""

    service: int
    group: str  # FATHERS or MOTHERS
    area: str
    period: str  # the referrals' quarter, "2025-Q3"
    referred: int
    contacted: int  # the service sent any step of the uptake
    attended: int  # at least one session (or completed)
    completed: int
    ended_early: int  # declined or dropped out, and did not complete
    # (days from referral to first contact, how many referrals): the spread a median is read from
    days_to_contact: tuple[tuple[int, int], ...] = ()


def role_of(child: Child, person: int) -> str | None:
    """The parent's group for this child: FATHERS, MOTHERS, or None (another adult, or none)."""
    if person == child.mother:
        return MOTHERS
    kinds = {a.kind for a in child.adults if a.person == person}
    if "birth_mother" in kinds:
        return MOTHERS
    if kinds & MEN_KINDS:
        return FATHERS
    return None


def count(world: World, placement: Placement | None = None) -> list[ReachCount]:
    """Every service's referrals per group, area and quarter, from the world's facts."""
    placement = placement or Placement(world)
    referrals: dict[int, Fact] = {}
    steps: dict[int, list[Fact]] = defaultdict(list)
    seen: set[tuple[str, int]] = set()
    for facts in (*world.facts_by_child.values(), *world.facts_by_person.values()):
        for fact in facts:
            if fact.ref in seen:
                continue
            seen.add(fact.ref)
            if fact.type == "servicereferral":
                referrals[fact.id] = fact
            elif fact.type == "serviceuptake":
                steps[fact["referral"]].append(fact)
    cells: dict[tuple[int, str, str, str], list[int]] = {}
    days: dict[tuple[int, str, str, str], Counter[int]] = defaultdict(Counter)
    for referral in sorted(referrals.values(), key=lambda f: f.id):
        child = world.children.get(referral.child_key or "")
        subject = referral.persons.get("subject")
        group = role_of(child, subject) if child is not None and subject is not None else None
        if child is None or group is None:
            continue
        on = referral.occurred_on
        cell = (referral["service"], group, placement.area(child, on), Quarter.of(on).code)
        tally = cells.setdefault(cell, [0, 0, 0, 0, 0])
        tally[0] += 1
        its_steps = steps.get(referral.id, [])
        if not its_steps:
            continue
        statuses = {s["status"] for s in its_steps}
        first = min(s.occurred_on for s in its_steps)
        completed = ServiceUptake.Status.COMPLETED in statuses
        tally[1] += 1
        tally[2] += int(completed or ServiceUptake.Status.ATTENDED in statuses)
        tally[3] += int(completed)
        tally[4] += int(not completed and bool(statuses & ENDED_EARLY))
        days[cell][max(0, (first - on).days)] += 1
    return [
        ReachCount(
            service,
            group,
            area,
            period,
            referred,
            contacted,
            attended,
            completed,
            ended_early,
            tuple(sorted(days[(service, group, area, period)].items())),
        )
        for (service, group, area, period), (
            referred,
            contacted,
            attended,
            completed,
            ended_early,
        ) in sorted(cells.items())
    ]


def counted(today: date) -> list[ReachCount]:
    """The counts from the database as of `today`: the world of the families of every parent
    referred (their records, children and pregnancies), read in one scoped load."""
    rows = ServiceReferral.objects.values_list("subject_id", "child_id", "pregnancy_id")
    records: set[int] = set()
    pregnancies: set[int] = set()
    for subject, child, pregnancy in rows:
        records.add(subject)
        if child is not None:
            records.add(child)
        if pregnancy is not None:
            pregnancies.add(pregnancy)
    if not records:
        return []
    world = load_world(today, Scope(frozenset(records), frozenset(pregnancies)))
    return count(world, Placement.from_database(world))


# -- the directory ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Offered:
    """A service of the directory, as the gaps and the list of services read it."""

    id: int
    name: str
    active: bool
    kind: str  # a ProgrammeEvent.Programme value
    audiences: frozenset[str]
    areas: frozenset[str]  # area codes; none: the whole partnership
    evenings: bool
    weekends: bool

    def serves(self, area: str | None) -> bool:
        """Serves the area (None: anywhere in the partnership)."""
        return area is None or not self.areas or area in self.areas

    @property
    def for_men(self) -> bool:
        return bool(self.audiences & FOR_MEN)

    @property
    def open_to_men(self) -> bool:
        """Every service but one for mothers only."""
        return not self.audiences or self.audiences - {Audience.MOTHERS.value} != set()


def directory() -> list[Offered]:
    """The directory's services, in name order."""
    areas: dict[int, set[str]] = defaultdict(set)
    for service, code in Service.areas.through.objects.values_list("service_id", "area__code"):
        areas[service].add(code)
    rows = Service.objects.values_list(
        "pk", "name", "status", "kind", "audiences", "evenings", "weekends"
    )
    return [
        Offered(
            pk,
            name,
            status == Service.Status.ACTIVE,
            kind,
            frozenset(audiences or ()),
            frozenset(areas.get(pk, ())),
            evenings,
            weekends,
        )
        for pk, name, status, kind, audiences, evenings, weekends in rows
    ]


@dataclass(frozen=True)
class Gap:
    key: str
    sentence: str  # "{area}" stands for the area's name
    filled_by: Callable[[Offered], bool]


GAPS: tuple[Gap, ...] = (
    # the review: antenatal and parenting sessions held in working hours, for mothers
    Gap(
        "evening-or-weekend",
        "{area} has no evening or weekend parenting service for fathers.",
        lambda s: (
            s.for_men
            and s.kind == ProgrammeEvent.Programme.PARENTING
            and (s.evenings or s.weekends)
        ),
    ),
    Gap(
        "perpetrator-programme",
        "{area} has no domestic-abuse perpetrator programme.",
        lambda s: s.kind == ProgrammeEvent.Programme.DOMESTIC_ABUSE_PERPETRATOR,
    ),
    Gap(
        "perinatal-mental-health",
        "{area} has no perinatal mental health service for fathers.",
        lambda s: s.kind == ProgrammeEvent.Programme.MENTAL_HEALTH and s.for_men,
    ),
)


@dataclass(frozen=True)
class AreaGaps:
    area: str  # code
    name: str
    gaps: list[str]  # sentences; none: no gap found


def gaps_by_area(
    services: Iterable[Offered], areas: dict[str, str], area: str | None = None
) -> list[AreaGaps]:
    """Each area's gaps (only `area`'s when given), in the order of `areas` (code -> name):
    a gap is there when no active service serving the area fills it."""
    active = [s for s in services if s.active]
    return [
        AreaGaps(
            code,
            name,
            [
                gap.sentence.format(area=name)
                for gap in GAPS
                if not any(gap.filled_by(s) and s.serves(code) for s in active)
            ],
        )
        for code, name in areas.items()
        if area is None or code == area
    ]


def without_men(
    counts: Iterable[ReachCount],
    services: Iterable[Offered],
    area: str | None,
    start: str | None,
    end: str | None,
) -> list[str]:
    """The active services open to men, serving the area, to which no father or male carer was
    referred in the area and quarters (None: all), by name."""
    reached = {
        c.service
        for c in _chosen(counts, area, start, end)
        if c.group == FATHERS and c.referred > 0
    }
    return [
        s.name
        for s in services
        if s.active and s.open_to_men and s.serves(area) and s.id not in reached
    ]


# -- what is shown ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    key: str
    label: str  # what is counted
    of: str  # what it is counted of


OF_FATHERS = "fathers and male carers referred"
# the referrals themselves are counts, not rates (`of` empty): a figure of n out of n
PARTS: tuple[Part, ...] = (
    Part("fathers-referred", "fathers and male carers referred", ""),
    Part("mothers-referred", "mothers referred", ""),
    Part("fathers-attended", "attended at least one session", OF_FATHERS),
    Part("fathers-completed", "completed", OF_FATHERS),
    Part("fathers-ended-early", "declined or dropped out", OF_FATHERS),
)
# its figure counts those contacted, the people the median rests on
MEDIAN = Part(
    "fathers-days-to-first-contact",
    "median days from referral to first contact",
    "fathers and male carers contacted",
)


@dataclass(frozen=True)
class Summed:
    """One service's counts summed over areas and quarters."""

    fathers: int = 0
    mothers: int = 0
    contacted: int = 0
    attended: int = 0
    completed: int = 0
    ended_early: int = 0
    days: tuple[tuple[int, int], ...] = ()

    def add(self, c: ReachCount) -> Summed:
        if c.group == MOTHERS:
            return replace(self, mothers=self.mothers + c.referred)
        spread = Counter(dict(self.days))
        spread.update(dict(c.days_to_contact))
        return Summed(
            self.fathers + c.referred,
            self.mothers,
            self.contacted + c.contacted,
            self.attended + c.attended,
            self.completed + c.completed,
            self.ended_early + c.ended_early,
            tuple(sorted(spread.items())),
        )

    def numbers(self, part: str) -> tuple[int, int]:
        """The part's numerator and denominator."""
        return {
            "fathers-referred": (self.fathers, self.fathers),
            "mothers-referred": (self.mothers, self.mothers),
            "fathers-attended": (self.attended, self.fathers),
            "fathers-completed": (self.completed, self.fathers),
            "fathers-ended-early": (self.ended_early, self.fathers),
            MEDIAN.key: (self.contacted, self.contacted),
        }[part]

    @property
    def median_days(self) -> float | None:
        """The median days to first contact of those contacted (None: none contacted)."""
        values = sorted(d for d, n in self.days for _ in range(n))
        if not values:
            return None
        middle = len(values) // 2
        if len(values) % 2:
            return float(values[middle])
        return (values[middle - 1] + values[middle]) / 2


def median_shown(summed: Summed, contacted: Figure) -> str:
    """The median in days; withheld as the count of those contacted is (`contacted`: their
    figure): "withheld (small numbers)" when it rests on 1 to 4 people, "withheld" when their
    count is withheld to protect another area's."""
    median = summed.median_days
    if median is None:
        return "none contacted"
    if contacted.small:
        return "withheld (small numbers)"
    if contacted.suppressed:
        return "withheld"
    return f"{median:g}"


@dataclass(frozen=True)
class ReachFigure:
    """A part of one service's reach in an area (or PARTNERSHIP) over some quarters, suppressed
    as the measures' figures are; for MEDIAN, the figure counts those contacted."""

    service: str
    part: Part
    figure: Figure
    median: str = ""  # MEDIAN's value as shown


def _chosen(
    counts: Iterable[ReachCount], area: str | None, start: str | None, end: str | None
) -> list[ReachCount]:
    return [
        c
        for c in counts
        if (area is None or c.area == area)
        and (start is None or c.period >= start)
        and (end is None or c.period <= end)
    ]


def figures_for(
    counts: Iterable[ReachCount], service: Offered, period: str, *, partial: bool = False
) -> dict[str, list[ReachFigure]]:
    """Area -> the service's figures there (PARTNERSHIP: the partnership's), summed over the
    counts given, each part's areas protected against their total as the measures' are."""
    summed: dict[str, Summed] = defaultdict(Summed)
    for c in counts:
        if c.service == service.id:
            summed[c.area] = summed[c.area].add(c)
            summed[PARTNERSHIP] = summed[PARTNERSHIP].add(c)
    shown_for: dict[str, list[ReachFigure]] = defaultdict(list)
    if not summed:
        return shown_for
    areas = sorted(a for a in summed if a != PARTNERSHIP)
    for part in (*PARTS, MEDIAN):

        def figure(area: str, part: Part = part) -> Figure:
            numerator, denominator = summed[area].numbers(part.key)
            return Figure(MEASURE, part.key, area, period, numerator, denominator, partial=partial)

        for f in protected([figure(a) for a in areas], figure(PARTNERSHIP)):
            median = median_shown(summed[f.area], f) if part is MEDIAN else ""
            shown_for[f.area].append(ReachFigure(service.name, part, f, median))
    return shown_for


@dataclass(frozen=True)
class ServiceRow:
    """One service on the dashboard: its figures over the quarters asked for, in one area or the
    partnership, and the quarters its referrals fell in."""

    service: str
    first: Quarter
    last: Quarter
    figures: dict[str, ReachFigure]  # part key -> figure

    def shown(self, part: str) -> str:
        found = self.figures[part]
        return found.median if found.part is MEDIAN else found.figure.numerator_shown


def by_service(
    counts: Iterable[ReachCount],
    services: Iterable[Offered],
    area: str | None,
    start: Quarter,
    end: Quarter,
    *,
    partial: bool = False,
) -> list[ServiceRow]:
    """A row per service with referrals of parents in the quarters (in the area, if given), by
    name. The area's figures are protected against the other areas', so a figure withheld in
    the partnership's table is withheld when one area is chosen too."""
    in_range = _chosen(counts, None, start.code, end.code)
    period = start.code if start == end else f"{start.code} to {end.code}"
    rows = []
    for service in services:
        figures = figures_for(in_range, service, period, partial=partial)
        mine = figures.get(area or PARTNERSHIP)
        if not mine:
            continue
        quarters = [
            q
            for c in in_range
            if c.service == service.id and (area is None or c.area == area)
            if (q := Quarter.parse(c.period)) is not None
        ]
        rows.append(
            ServiceRow(service.name, min(quarters), max(quarters), {f.part.key: f for f in mine})
        )
    return rows


def by_quarter(
    counts: Iterable[ReachCount],
    services: Iterable[Offered],
    coverage: Coverage | None = None,
) -> list[ReachFigure]:
    """Every service's figures per quarter, per area then the partnership (the CSV's rows); a
    quarter the data covers only part of marked partial."""
    counts = list(counts)
    found: list[ReachFigure] = []
    for service in services:
        for period in sorted({c.period for c in counts if c.service == service.id}):
            quarter = Quarter.parse(period)
            partial = coverage is not None and quarter is not None and coverage.partial(quarter)
            in_quarter = [c for c in counts if c.period == period]
            per_area = figures_for(in_quarter, service, period, partial=partial)
            order = sorted(per_area, key=lambda a: (a == PARTNERSHIP, a))
            found.extend(f for a in order for f in per_area[a])
    return found
