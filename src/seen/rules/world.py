"""What the rules read: the children (born, and unborn as pregnancies), the adults around each,
and every fact about them or about those adults, from every agency and area, as of "now".

Facts name source records; a rule needs persons, so every record is read as the person linkage
put it in (a record not yet linked stands for itself). A pregnancy is held once per agency that
refers to it; the pregnancies of one mother due within POSSIBLE_SAME_PREGNANCY_DAYS of each other
are one unborn child, and once any of them has a baby, that baby is the child.

`World.load()` reads the whole partnership (for `seen rules run`); `World.load(scope)` reads only
the families of the given records and pregnancies (for one arriving fact), so that a rule gives
the same findings either way."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.db.models import Model, Q

from seen.areas.models import Agency
from seen.facts.models import FACT_MODELS
from seen.people.models import Pregnancy, Relationship, Residence, Responsibility, SourceRecord

POSSIBLE_SAME_PREGNANCY_DAYS = 60
# Pairs of records in the clerical-review band at or above this probability are "possibly the
# same person" to the rules (a rule then sets its own, higher, bar).
POSSIBLE_MATCH_FLOOR = 0.5
# Fact columns that name a source record, and so a person.
PERSON_COLUMNS = ("child", "subject", "father", "perpetrator", "victim")


def fact_type(model: type[Model]) -> str:
    return model._meta.model_name or model.__name__.lower()


FACT_TYPES: dict[str, type[Model]] = {fact_type(m): m for m in FACT_MODELS}


@dataclass(frozen=True)
class AgencyInfo:
    code: str
    name: str
    kind: str
    area: str | None  # area code; None for agencies serving several areas
    duty_phone: str


@dataclass(frozen=True)
class Adult:
    """An adult around a child, as one agency recorded it."""

    person: int
    kind: str  # Relationship.Kind
    agency: str
    area: str | None
    asserted_on: date | None
    start: date | None
    end: date | None


@dataclass(frozen=True)
class Duty:
    """A practitioner's responsibility for a child or pregnancy (named midwife, health visitor,
    GP, lead practitioner, key worker, social worker, personal adviser)."""

    role: str  # Responsibility.Role
    practitioner: int
    start: date
    end: date | None

    def holds_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


@dataclass
class Child:
    """A baby, or an unborn child before any agency has recorded the baby."""

    key: str  # "child:<person id>" or "pregnancy:<lowest pregnancy id>"
    person: int | None
    records: set[int] = field(default_factory=set)
    pregnancies: set[int] = field(default_factory=set)
    mother: int | None = None
    dob: date | None = None
    expected: date | None = None
    adults: list[Adult] = field(default_factory=list)
    areas: set[str] = field(default_factory=set)  # areas of the agencies that know the child
    duties: list[Duty] = field(default_factory=list)  # who is responsible for the child

    @property
    def unborn(self) -> bool:
        return self.person is None

    def age_days(self, on: date) -> int | None:
        return (on - self.dob).days if self.dob else None

    def men_around(self, on: date | None = None) -> list[Adult]:
        """Birth fathers, mothers' partners, male carers and household men, current on `on`."""
        kinds = {"birth_father", "mothers_partner", "male_carer", "household_adult"}
        return [
            a
            for a in self.adults
            if a.kind in kinds
            and a.person != self.mother
            and (
                on is None
                or ((a.start is None or a.start <= on) and (a.end is None or a.end >= on))
            )
        ]

    def fathers(self) -> list[Adult]:
        return [a for a in self.adults if a.kind == "birth_father"]


@dataclass
class Fact:
    """One fact row as a plain mapping, with its type and the persons its records stand for."""

    type: str
    id: int
    row: dict[str, Any]
    persons: dict[str, int]  # column -> person (for PERSON_COLUMNS that are set)
    child_key: str | None  # the child it is about, if any

    def __getitem__(self, name: str) -> Any:
        return self.row[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.row.get(name, default)

    @property
    def occurred_on(self) -> date:
        value: date = self.row["occurred_on"]
        return value

    @property
    def ref(self) -> tuple[str, int]:
        return (self.type, self.id)


@dataclass(frozen=True)
class IncidentClock:
    """A serious incident notification about a child, as the statutory-clock rule reads it."""

    id: int
    learned_on: date
    notified_on: date | None
    rapid_review_on: date | None


@dataclass
class World:
    today: date
    agencies: dict[int, AgencyInfo]
    person_of_record: dict[int, int]
    sex_of_person: dict[int, str]
    children: dict[str, Child]
    child_of_person: dict[int, str]
    child_of_pregnancy: dict[int, str]
    facts_by_child: dict[str, list[Fact]]
    facts_by_person: dict[int, list[Fact]]
    residence_areas: dict[int, set[str]]  # person -> areas they have lived in
    # person -> (another person, match probability): review-band pairs awaiting a decision
    possible_matches: dict[int, list[tuple[int, float]]] = field(default_factory=dict)
    # children whose whole family is loaded (a scoped World also holds possible matches' people)
    complete: frozenset[str] | None = None
    # child key -> the serious incident notifications about that (born) child
    incidents: dict[str, list[IncidentClock]] = field(default_factory=dict)

    # ---- reading -------------------------------------------------------------------------

    def about(self, child: Child, *types: str) -> list[Fact]:
        facts = self.facts_by_child.get(child.key, [])
        return [f for f in facts if not types or f.type in types]

    def of_person(self, person: int, *types: str, column: str | None = None) -> list[Fact]:
        """Facts naming this person (in `column` only, if given)."""
        facts = self.facts_by_person.get(person, [])
        return [
            f
            for f in facts
            if (not types or f.type in types)
            and (column is None or f.persons.get(column) == person)
        ]

    def agency(self, agency_id: int) -> AgencyInfo:
        return self.agencies[agency_id]

    @cached_property
    def children_around(self) -> dict[int, list[Child]]:
        """person -> the children (born or unborn) they are recorded around, built once."""
        around: dict[int, list[Child]] = defaultdict(list)
        for child in self.children.values():
            for person in {a.person for a in child.adults}:
                around[person].append(child)
        return dict(around)

    # ---- loading -------------------------------------------------------------------------

    @classmethod
    def load(cls, today: date, scope: Scope | None = None) -> World:
        return _Loader(today, scope).load()


@dataclass(frozen=True)
class Scope:
    """The families to read: those of these source records and pregnancies."""

    records: frozenset[int] = frozenset()
    pregnancies: frozenset[int] = frozenset()


def _person(person_of_record: dict[int, int], record: int | None) -> int | None:
    if record is None:
        return None
    return person_of_record.get(record, -record)  # unlinked: the record stands for itself


class _Loader:
    def __init__(self, today: date, scope: Scope | None) -> None:
        self.today = today
        self.scope = scope
        self.family: set[int] = set()  # scoped: the persons of the families in scope
        self.scope_pregnancies: set[int] = set()

    def load(self) -> World:
        agencies = {
            a["pk"]: AgencyInfo(a["code"], a["name"], a["kind"], a["area__code"], a["duty_phone"])
            for a in Agency.objects.values("pk", "code", "name", "kind", "area__code", "duty_phone")
        }
        self.agencies = agencies
        if self.scope is None:
            records = SourceRecord.objects.all()
        else:
            records = SourceRecord.objects.filter(
                Q(person__in=self._family_persons()) | Q(pk__in=self.scope.records)
            )
        person_of_record: dict[int, int] = {}
        sex_votes: dict[int, list[str]] = defaultdict(list)
        dob_of_record: dict[int, date | None] = {}
        record_agency: dict[int, int] = {}
        for pk, person, sex, dob, agency in records.values_list(
            "pk", "person_id", "sex", "dob", "agency_id"
        ):
            person = person if person is not None else -pk
            person_of_record[pk] = person
            sex_votes[person].append(sex)
            dob_of_record[pk] = dob
            record_agency[pk] = agency
        self.person_of_record = person_of_record
        sex_of_person = {p: _commonest(v) for p, v in sex_votes.items()}
        children, child_of_person, child_of_pregnancy = self._children(dob_of_record, record_agency)
        facts_by_child: dict[str, list[Fact]] = defaultdict(list)
        facts_by_person: dict[int, list[Fact]] = defaultdict(list)
        for fact in self._facts(child_of_person, child_of_pregnancy):
            if fact.child_key:
                facts_by_child[fact.child_key].append(fact)
            for person in set(fact.persons.values()):
                facts_by_person[person].append(fact)
        for key, facts in facts_by_child.items():  # the maternity unit's date of birth
            births = [f for f in facts if f.type == "birth"]
            if births and children[key].person is not None:
                children[key].dob = min(f.occurred_on for f in births)
        for facts in (*facts_by_child.values(), *facts_by_person.values()):
            facts.sort(key=lambda f: (f.occurred_on, f.type, f.id))
        self._duties(children, child_of_person, child_of_pregnancy)
        residence_areas: dict[int, set[str]] = defaultdict(set)
        for record, area in self._residences().values_list("person_id", "area__code"):
            if area and record in person_of_record:
                residence_areas[person_of_record[record]].add(area)
        possible = self._possible_matches()
        complete = None
        if self.scope is not None:
            complete = frozenset(
                key
                for key, child in children.items()
                if (child.person is not None and child.person in self.family)
                or (child.mother is not None and child.mother in self.family)
                or child.pregnancies & self.scope_pregnancies
            )
        return World(
            today=self.today,
            agencies=agencies,
            person_of_record=person_of_record,
            sex_of_person=sex_of_person,
            children=children,
            child_of_person=child_of_person,
            child_of_pregnancy=child_of_pregnancy,
            facts_by_child=dict(facts_by_child),
            facts_by_person=dict(facts_by_person),
            residence_areas=dict(residence_areas),
            possible_matches=possible,
            incidents=self._incidents(child_of_person),
            complete=complete,
        )

    def _incidents(self, child_of_person: dict[int, str]) -> dict[str, list[IncidentClock]]:
        from seen.incidents.models import Incident

        rows = Incident.objects.all() if self.scope is None else Incident.objects.filter(
            child__in=list(child_of_person)
        )
        found: dict[str, list[IncidentClock]] = defaultdict(list)
        for pk, child, learned, notified, reviewed in rows.order_by("pk").values_list(
            "pk", "child_id", "learned_on", "notified_on", "rapid_review_on"
        ):
            if child in child_of_person:
                found[child_of_person[child]].append(
                    IncidentClock(pk, learned, notified, reviewed)
                )
        return dict(found)

    def _possible_matches(self) -> dict[int, list[tuple[int, float]]]:
        from seen.linkage.models import CandidatePair

        review = Q(band=CandidatePair.Band.REVIEW, match_probability__gte=POSSIBLE_MATCH_FLOOR)
        pairs: Iterable[tuple[int, int, float]]
        if self.scope is None:
            pairs = CandidatePair.objects.filter(review).values_list(
                "record_l_id", "record_r_id", "match_probability"
            )
        else:  # by record (indexed), then the band (see _possibly_the_same)
            records = list(self.person_of_record)
            pairs = [
                (left, right, probability)
                for lookup in ("record_l__in", "record_r__in")
                for left, right, probability, band in CandidatePair.objects.filter(
                    **{lookup: records}
                ).values_list("record_l_id", "record_r_id", "match_probability", "band")
                if band == CandidatePair.Band.REVIEW and probability >= POSSIBLE_MATCH_FLOOR
            ]
        possible: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for left, right, probability in pairs:
            a, b = _person(self.person_of_record, left), _person(self.person_of_record, right)
            if a is not None and b is not None and a != b:
                possible[a].append((b, probability))
                possible[b].append((a, probability))
        return {p: sorted(set(v), key=lambda m: -m[1]) for p, v in possible.items()}

    # The persons of the families in scope: the records' persons; the children they are, or
    # are around; and every adult around those children.
    def _family_persons(self) -> set[int]:
        assert self.scope is not None
        start = set(
            SourceRecord.objects.filter(
                pk__in=self.scope.records, person__isnull=False
            ).values_list("person_id", flat=True)
        )
        start_records = set(
            SourceRecord.objects.filter(
                Q(person__in=start) | Q(pk__in=self.scope.records)
            ).values_list("pk", flat=True)
        )
        pregnancies = set(self.scope.pregnancies)
        pregnancies |= set(
            Pregnancy.objects.filter(
                Q(mother__in=start_records) | Q(child__in=start_records)
            ).values_list("pk", flat=True)
        )
        around = Relationship.objects.filter(
            Q(person__in=start_records) | Q(child__in=start_records) | Q(pregnancy__in=pregnancies)
        ).exclude(kind=Relationship.Kind.SIBLING)
        child_records = set(start_records)
        for child, pregnancy in around.values_list("child_id", "pregnancy_id"):
            if child:
                child_records.add(child)
            if pregnancy:
                pregnancies.add(pregnancy)
        for mother, child in Pregnancy.objects.filter(pk__in=pregnancies).values_list(
            "mother_id", "child_id"
        ):
            child_records.add(mother)
            if child:
                child_records.add(child)
        # every pregnancy of the mothers found, so a pregnancy held by another agency joins
        mothers = set(
            SourceRecord.objects.filter(pk__in=child_records, person__isnull=False).values_list(
                "person_id", flat=True
            )
        )
        pregnancies |= set(
            Pregnancy.objects.filter(mother__person__in=mothers).values_list("pk", flat=True)
        )
        self.scope_pregnancies = pregnancies
        adults = Relationship.objects.filter(
            Q(child__in=child_records) | Q(pregnancy__in=pregnancies)
        ).values_list("person_id", flat=True)
        persons = set(
            SourceRecord.objects.filter(
                pk__in=child_records | set(adults), person__isnull=False
            ).values_list("person_id", flat=True)
        )
        self.family = persons | start
        return self.family | self._possibly_the_same(self.family)

    def _possibly_the_same(self, persons: set[int]) -> set[int]:
        """Persons in the review band with the family's people: their records and facts are
        read too, so a rule can say "possibly the same man" in a scoped run as in a whole one."""
        from seen.linkage.models import CandidatePair

        records = list(SourceRecord.objects.filter(person__in=persons).values_list("pk", flat=True))
        # by record (indexed) only; band and probability are checked here, since SQLite would
        # otherwise walk the (band, probability) index over every review pair
        rows = [
            *CandidatePair.objects.filter(record_l__in=records).values_list(
                "band", "match_probability", "record_r__person_id"
            ),
            *CandidatePair.objects.filter(record_r__in=records).values_list(
                "band", "match_probability", "record_l__person_id"
            ),
        ]
        pairs = [
            (person,)
            for band, probability, person in rows
            if band == CandidatePair.Band.REVIEW and probability >= POSSIBLE_MATCH_FLOOR
        ]
        return {p for pair in pairs for p in pair if p is not None}

    def _duties(
        self,
        children: dict[str, Child],
        child_of_person: dict[int, str],
        child_of_pregnancy: dict[int, str],
    ) -> None:
        rows = Responsibility.objects.all()
        if self.scope is not None:
            rows = rows.filter(
                Q(child__in=self.person_of_record.keys())
                | Q(pregnancy__in=child_of_pregnancy.keys())
            )
        for record, pregnancy, role, practitioner, start, end in rows.values_list(
            "child_id", "pregnancy_id", "role", "practitioner_id", "start", "end"
        ):
            person = _person(self.person_of_record, record)
            key = child_of_person.get(person) if person is not None else None
            key = key or child_of_pregnancy.get(pregnancy or 0)
            if key is not None:
                children[key].duties.append(Duty(role, practitioner, start, end))

    def _pregnancies(self) -> Any:
        rows = Pregnancy.objects.all()
        if self.scope is not None:
            rows = rows.filter(
                Q(pk__in=self.scope_pregnancies) | Q(mother__in=self.person_of_record.keys())
            )
        return rows

    def _residences(self) -> Any:
        from seen.access.models import Shield

        # a shielded record's addresses never reach an alert, not even as the area they are in
        shielded = Shield.objects.filter(lifted_at__isnull=True).values("record_id")
        rows = Residence.objects.exclude(person__in=shielded)
        if self.scope is not None:
            rows = rows.filter(person__in=self.person_of_record.keys())
        return rows

    def _relationships(self, child_records: set[int], pregnancies: set[int]) -> Any:
        rows = Relationship.objects.exclude(kind=Relationship.Kind.SIBLING)
        if self.scope is not None:
            rows = rows.filter(Q(child__in=child_records) | Q(pregnancy__in=pregnancies))
        return rows

    def _children(
        self, dob_of_record: dict[int, date | None], record_agency: dict[int, int]
    ) -> tuple[dict[str, Child], dict[int, str], dict[int, str]]:
        person = self.person_of_record
        pregnancies = list(
            self._pregnancies().values_list(
                "pk", "mother_id", "child_id", "expected_date", "agency_id"
            )
        )
        # one unborn child: a mother's pregnancies due within the window of each other
        by_mother: dict[int | None, list[tuple[Any, ...]]] = defaultdict(list)
        for row in pregnancies:
            by_mother[_person(person, row[1])].append(row)
        groups: list[list[tuple[Any, ...]]] = []
        for rows in by_mother.values():
            rows.sort(key=lambda r: r[3])
            mothers_groups: list[list[tuple[Any, ...]]] = []
            for row in rows:
                near = mothers_groups and (
                    (row[3] - mothers_groups[-1][-1][3]).days <= POSSIBLE_SAME_PREGNANCY_DAYS
                )
                if near:
                    mothers_groups[-1].append(row)
                else:
                    mothers_groups.append([row])
            groups.extend(mothers_groups)
        children: dict[str, Child] = {}
        child_of_person: dict[int, str] = {}
        child_of_pregnancy: dict[int, str] = {}
        agencies = self.agencies

        def child_for_person(p: int) -> Child:
            key = f"child:{p}"
            if key not in children:
                children[key] = Child(key=key, person=p)
                child_of_person[p] = key
            return children[key]

        for group in groups:
            baby_records = [r[2] for r in group if r[2] is not None]
            if baby_records:
                child = child_for_person(_person(person, baby_records[0]) or 0)
            else:
                key = f"pregnancy:{min(r[0] for r in group)}"
                child = children.setdefault(key, Child(key=key, person=None))
            for pk, mother, _baby, expected, agency in group:
                child.pregnancies.add(pk)
                child.mother = child.mother or _person(person, mother)
                child.expected = min(filter(None, [child.expected, expected]))
                child_of_pregnancy[pk] = child.key
                if agencies[agency].area:
                    child.areas.add(agencies[agency].area or "")
        child_records: set[int] = {r for g in groups for r in (x[2] for x in g) if r is not None}
        relationships = list(
            self._relationships(
                set(person) if self.scope is not None else set(), set(child_of_pregnancy)
            ).values_list(
                "person_id",
                "child_id",
                "pregnancy_id",
                "kind",
                "agency_id",
                "asserted_on",
                "start",
                "end",
            )
        )
        for adult, child_record, pregnancy, kind, agency, asserted, start, end in relationships:
            if child_record is not None:
                child = child_for_person(_person(person, child_record) or 0)
                child_records.add(child_record)
            elif pregnancy in child_of_pregnancy:
                child = children[child_of_pregnancy[pregnancy]]
            else:
                continue
            info = agencies[agency]
            adult_person = _person(person, adult)
            if adult_person is None:
                continue
            child.adults.append(
                Adult(adult_person, kind, info.code, info.area, asserted, start, end)
            )
            if kind == Relationship.Kind.BIRTH_MOTHER and child.mother is None:
                child.mother = adult_person
        for record in child_records:
            p = _person(person, record)
            if p is None or f"child:{p}" not in children:
                continue
            child = children[f"child:{p}"]
            child.records.add(record)
        dob_votes: dict[str, list[date]] = defaultdict(list)
        for record, p in person.items():  # every record of a child person, and its date of birth
            key = f"child:{p}"
            if key in children:
                children[key].records.add(record)
                dob = dob_of_record.get(record)
                if dob:
                    dob_votes[key].append(dob)
                area = agencies[record_agency[record]].area
                if area:
                    children[key].areas.add(area)
        for key, votes in dob_votes.items():  # the date most agencies hold (a Birth overrides)
            children[key].dob = max(sorted(set(votes)), key=votes.count)
        for child in children.values():  # the mother is around her child as its birth mother
            if child.mother is not None and not any(a.person == child.mother for a in child.adults):
                child.adults.append(
                    Adult(child.mother, Relationship.Kind.BIRTH_MOTHER, "", None, None, None, None)
                )
        return children, child_of_person, child_of_pregnancy

    def _facts(
        self, child_of_person: dict[int, str], child_of_pregnancy: dict[int, str]
    ) -> Iterable[Fact]:
        person = self.person_of_record
        records = set(person)
        for type_name, model in FACT_TYPES.items():
            columns = [f.name for f in model._meta.concrete_fields]
            record_columns = [c for c in PERSON_COLUMNS if c in columns]
            rows = model._default_manager.all()
            if self.scope is not None:
                condition = Q(pk__in=[])
                for column in record_columns:
                    condition |= Q(**{f"{column}__in": records})
                if "pregnancy" in columns:
                    condition |= Q(pregnancy__in=child_of_pregnancy.keys())
                rows = rows.filter(condition)
            names = [c + "_id" if model._meta.get_field(c).is_relation else c for c in columns]
            for values in rows.values_list(*names):
                row = dict(zip(columns, values, strict=True))
                if row["occurred_on"] > self.today:  # not yet known "now" (replays)
                    continue
                persons = {
                    c: p for c in record_columns if (p := _person(person, row[c])) is not None
                }
                child_key = None
                if "child" in persons and persons["child"] in child_of_person:
                    child_key = child_of_person[persons["child"]]
                elif row.get("pregnancy") in child_of_pregnancy:
                    child_key = child_of_pregnancy[row["pregnancy"]]
                elif persons.get("subject") in child_of_person:  # appointments, ED
                    child_key = child_of_person[persons["subject"]]
                yield Fact(type_name, row["id"], row, persons, child_key)


def _commonest(values: list[str]) -> str:
    known = [v for v in values if v in ("male", "female")]
    if not known:
        return "not_known"
    return max(set(known), key=known.count)
