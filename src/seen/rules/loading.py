"""Reading the rules' world from the database (seen.rules.world): `load_world(today)` the whole
partnership, a table at a time; `load_world(today, scope)` the families of the given records and
pregnancies (their persons, the children they are or are around, every adult around those
children, and the persons possibly the same as any of them), the facts in one query."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    F,
    JSONField,
    Model,
    Q,
    Value,
)
from django.db.models.functions import JSONObject

from seen.access.models import Shield
from seen.areas.models import Agency
from seen.directory.models import Service
from seen.incidents.models import Incident
from seen.linkage.models import CandidatePair
from seen.people.models import Pregnancy, Relationship, Residence, Responsibility, SourceRecord
from seen.rules.world import (
    FACT_TYPES,
    PERSON_COLUMNS,
    POSSIBLE_MATCH_FLOOR,
    Adult,
    AgencyInfo,
    Child,
    Duty,
    Fact,
    IncidentClock,
    Scope,
    ServiceInfo,
    World,
    unborn_children,
)


def load_world(today: date, scope: Scope | None = None) -> World:
    """The world as of `today`: the whole partnership, or the families in `scope`."""
    return _Loader(today, scope).load()


def _person(person_of_record: dict[int, int], record: int | None) -> int | None:
    if record is None:
        return None
    return person_of_record.get(record, -record)  # unlinked: the record stands for itself


class _Loader:
    def __init__(self, today: date, scope: Scope | None) -> None:
        self.today = today
        self.scope = scope
        self.family: set[int] = set()  # scoped: the persons of the families in scope
        self.unlinked: set[int] = set()  # scoped: their records not linked to a person yet
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
            persons = self._family_persons()
            records = SourceRecord.objects.filter(
                Q(person__in=persons) | Q(pk__in=self.scope.records | self.unlinked)
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
            services={
                pk: ServiceInfo(name, kind, within)
                for pk, name, kind, within in Service.objects.values_list(
                    "pk", "name", "kind", "contact_within_days"
                )
            },
        )

    def _incidents(self, child_of_person: dict[int, str]) -> dict[str, list[IncidentClock]]:

        rows = (
            Incident.objects.all()
            if self.scope is None
            else Incident.objects.filter(child__in=list(child_of_person))
        )
        found: dict[str, list[IncidentClock]] = defaultdict(list)
        for pk, child, learned, notified, reviewed in rows.order_by("pk").values_list(
            "pk", "child_id", "learned_on", "notified_on", "rapid_review_on"
        ):
            if child in child_of_person:
                found[child_of_person[child]].append(IncidentClock(pk, learned, notified, reviewed))
        return dict(found)

    def _possible_matches(self) -> dict[int, list[tuple[int, float]]]:

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
        persons: set[int] = set()
        for record, person in SourceRecord.objects.filter(
            pk__in=child_records | set(adults)
        ).values_list("pk", "person_id"):
            if person is None:  # not linked yet: the record stands for itself
                self.unlinked.add(record)
            else:
                persons.add(person)
        self.family = persons | start | {-record for record in self.unlinked}
        return self.family | self._possibly_the_same(self.family)

    def _possibly_the_same(self, persons: set[int]) -> set[int]:
        """Persons in the review band with the family's people: their records and facts are
        read too, so a rule can say "possibly the same man" in a scoped run as in a whole one."""

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
            row_of = {row[0]: row for row in rows}
            groups += [
                [row_of[pk] for pk in child]
                for child in unborn_children((row[0], row[3]) for row in rows)
            ]
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
        rows = self._scoped_rows(child_of_pregnancy) if self.scope else self._all_rows()
        for type_name, row in rows:
            if row["occurred_on"] > self.today:  # not yet known "now" (replays)
                continue
            record_columns = RECORD_COLUMNS_OF[type_name]
            persons = {c: p for c in record_columns if (p := _person(person, row[c])) is not None}
            child_key = None
            if "child" in persons and persons["child"] in child_of_person:
                child_key = child_of_person[persons["child"]]
            elif row.get("pregnancy") in child_of_pregnancy:
                child_key = child_of_pregnancy[row["pregnancy"]]
            elif persons.get("subject") in child_of_person:  # appointments, ED
                child_key = child_of_person[persons["subject"]]
            yield Fact(type_name, row["id"], row, persons, child_key)

    def _all_rows(self) -> Iterable[tuple[str, dict[str, Any]]]:
        """Every fact of every table, a table at a time."""
        for type_name, model in FACT_TYPES.items():
            columns = [f.name for f in model._meta.concrete_fields]
            names = [c + "_id" if model._meta.get_field(c).is_relation else c for c in columns]
            for values in model._default_manager.values_list(*names).iterator(chunk_size=20_000):
                yield type_name, dict(zip(columns, values, strict=True))

    def _scoped_rows(
        self, child_of_pregnancy: dict[int, str]
    ) -> Iterable[tuple[str, dict[str, Any]]]:
        """The facts naming a record of the families in scope, or one of their pregnancies, in
        ONE query: a UNION ALL over the fact tables, each row as a JSON object of its columns
        (decoded back to dates and lists here), so that one family costs a fixed number of
        queries however many kinds of fact it has."""
        records = set(self.person_of_record)
        parts = []
        for type_name, model in FACT_TYPES.items():
            columns = [f for f in model._meta.concrete_fields if f.name not in NOT_READ]
            names = {f.name: f.attname for f in columns}
            condition = Q(pk__in=[])
            for column in RECORD_COLUMNS_OF[type_name]:
                condition |= Q(**{f"{column}_id__in": records})
            if "pregnancy" in names and child_of_pregnancy:
                condition |= Q(pregnancy_id__in=list(child_of_pregnancy))
            rows = model._default_manager.filter(condition, occurred_on__lte=self.today)
            parts.append(
                rows.values_list(
                    Value(type_name, output_field=CharField()),
                    JSONObject(**{name: F(attname) for name, attname in names.items()}),
                )
            )
        first, *rest = parts
        for type_name, data in first.union(*rest, all=True):
            model = FACT_TYPES[type_name]
            yield type_name, _decoded(model, data if isinstance(data, dict) else json.loads(data))


# the columns a scoped read leaves out of a fact's row (the load's bookkeeping, not the fact)
NOT_READ = frozenset({"version", "row_hash", "batch"})
# each fact type's columns that name a source record
RECORD_COLUMNS_OF: dict[str, tuple[str, ...]] = {
    type_name: tuple(
        c for c in PERSON_COLUMNS if c in {f.name for f in model._meta.concrete_fields}
    )
    for type_name, model in FACT_TYPES.items()
}


def _decoded(model: type[Model], data: dict[str, Any]) -> dict[str, Any]:
    """A fact's row from its JSON object: dates and times back from text, JSON columns from
    text where the database (SQLite) nested them as text."""
    row = dict(data)
    for column in model._meta.concrete_fields:
        value = row.get(column.name)
        if value is None:
            continue
        if isinstance(column, DateTimeField) and isinstance(value, str):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            row[column.name] = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        elif isinstance(column, DateField) and isinstance(value, str):
            row[column.name] = date.fromisoformat(value[:10])
        elif isinstance(column, JSONField) and isinstance(value, str):
            row[column.name] = json.loads(value)
    return row


def _commonest(values: list[str]) -> str:
    known = [v for v in values if v in ("male", "female")]
    if not known:
        return "not_known"
    return max(set(known), key=known.count)
