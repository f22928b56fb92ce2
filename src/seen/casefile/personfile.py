"""An adult's file, for the person page (/people/<reference>/): seen through the children around
them (seen.access.policy.decide_person), each child at the viewer's own decision for it.

- each child and household the adult is linked to, across areas: the child's details where the
  viewer sees its household, its flags and whom to call at the flag level, and otherwise only
  that a child exists in area X and whom to call (the duty team there), never the detail;
- the adult's relevant history (convictions, police incidents, probation, MARAC, mental health,
  findings of fact, care-leaver status, programmes) at the household level only;
- the source records linked into this person (agency, area, names and date of birth as each
  agency recorded them, shield-aware) with the evidence for each link (seen.people.LinkDecision),
  and the pairs in the review band, for those who decide identity (MASH, safeguarding leads)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q

from seen.access.policy import ChildRef, Level, PersonDecision
from seen.access.shielding import SHIELDED
from seen.areas.models import Agency, Practitioner
from seen.casefile.childfile import flags_of
from seen.casefile.describe import FACT_NAMES, address_of, describe, distinct
from seen.casefile.flags import Contact
from seen.casefile.shielding import Shielding, Viewer
from seen.casefile.subjects import Subject
from seen.casefile.views import Entry
from seen.core import clock
from seen.core.errors import NotFound
from seen.facts import models as facts
from seen.linkage.models import CandidatePair
from seen.people.about import child_rows
from seen.people.models import (
    LinkDecision,
    Person,
    Pregnancy,
    Relationship,
    Residence,
    SourceRecord,
)
from seen.rules.loading import load_world
from seen.rules.world import Scope, fact_type

PERSON_REFERENCE = re.compile(r"^P[0-9]{1,19}$")
# the history an adult's page shows at the household level: the facts of these kinds naming him
HISTORY_TYPES = frozenset(
    fact_type(model)
    for model in (
        facts.Conviction,
        facts.PoliceIncident,
        facts.ProbationSupervision,
        facts.MaracCase,
        facts.MentalHealth,
        facts.FindingOfFact,
        facts.CareLeaverStatus,
        facts.ProgrammeEvent,
    )
)
RELATION_LABELS: dict[str, str] = {
    Relationship.Kind.BIRTH_MOTHER: "mother",
    Relationship.Kind.BIRTH_FATHER: "father",
    Relationship.Kind.MOTHERS_PARTNER: "mother's partner",
    Relationship.Kind.HOUSEHOLD_ADULT: "household adult",
    Relationship.Kind.MALE_CARER: "male carer",
    Relationship.Kind.SIBLING: "sibling",
}


class NoSuchPerson(NotFound):
    """The reference names no person Seen holds (the message says so, for a 404)."""


def resolve_person(reference: str) -> Person:
    if not PERSON_REFERENCE.match(reference):
        raise NoSuchPerson(f"{reference!r} is not a person reference (P and digits)")
    person = Person.objects.filter(reference=reference).first()
    if person is None:
        raise NoSuchPerson(f"no person {reference}")
    while person.merged_into_id is not None:  # a merged person's old reference still works
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def is_a_child(person: Person) -> bool:
    """A baby (a pregnancy's child, or the child of a relationship): its page is the child's."""
    return (
        Pregnancy.objects.filter(child__person=person).exists()
        or Relationship.objects.filter(child__person=person).exists()
    )


@dataclass
class ChildAround:
    reference: str | None  # only where the viewer may see the child
    relation: list[str]  # what this adult is to the child
    allowed: bool
    level: Level
    reason: str
    needs_basis: bool
    unborn: bool
    areas: list[str]
    flags: list[str] = field(default_factory=list)
    call: list[Contact] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # household level only
    dob: date | None = None
    expected: date | None = None

    @property
    def household(self) -> bool:
        return self.allowed and self.level >= Level.HOUSEHOLD


@dataclass(frozen=True)
class LinkView:
    method: str
    match_probability: float | None
    evidence: dict[str, Any]
    decided_by: str
    reason: str
    decided_at: datetime


@dataclass
class RecordView:
    id: int
    agency: str
    area: str
    local_id: str
    names: str
    dob: date | str  # a string when not recorded or shielded
    sex: str
    addresses: list[str]
    shielded: bool  # something of it is hidden from this viewer
    person: str | None = None
    link: LinkView | None = None


@dataclass(frozen=True)
class PairView:
    id: int
    mine: int  # this person's record
    other: RecordView
    match_probability: float
    evidence: dict[str, Any]


@dataclass
class PersonFile:
    reference: str
    level: Level
    reason: str
    children: list[ChildAround]
    names: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    records: list[RecordView] = field(default_factory=list)
    history: list[Entry] = field(default_factory=list)
    pairs: list[PairView] = field(default_factory=list)

    @property
    def household(self) -> bool:
        return self.level >= Level.HOUSEHOLD

    def disclosed(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "level": "household" if self.household else "flag",
            "children": [c.reference or f"a child in {', '.join(c.areas)}" for c in self.children],
        }
        if self.household:
            shown |= {
                "records": [r.id for r in self.records],
                "facts": len(self.history),
                "pairs": [p.id for p in self.pairs],
            }
        return shown


def person_file(
    person: Person, decision: PersonDecision, viewer: Viewer, *, with_pairs: bool = False
) -> PersonFile:
    if not decision.allowed:
        raise PermissionError(decision.reason)
    file = PersonFile(
        reference=person.reference,
        level=decision.level,
        reason=decision.reason,
        children=_children(person, decision, viewer),
    )
    if file.household:
        _Adult(person, viewer, file).assemble(with_pairs)
    return file


# ---- the children around the adult ---------------------------------------------------------


def _children(person: Person, decision: PersonDecision, viewer: Viewer) -> list[ChildAround]:
    relation: dict[ChildRef, list[str]] = defaultdict(list)
    rows = Relationship.objects.filter(person__person=person).values_list(
        "child__person_id", "pregnancy_id", "pregnancy__child__person_id", "kind"
    )
    by_pregnancy = {
        p for ref in decision.children for p in ref.pregnancies
    }  # unborn children by any of their pregnancies

    def ref_for(child: int | None, pregnancy: int | None) -> ChildRef | None:
        if child:
            return ChildRef(person=child)
        for ref in decision.children:
            if pregnancy in ref.pregnancies:
                return ref
        return None

    for child, pregnancy, baby, kind in rows:
        ref = ref_for(child or baby, pregnancy if pregnancy in by_pregnancy else None)
        if ref is not None and RELATION_LABELS.get(kind, kind) not in relation[ref]:
            relation[ref].append(RELATION_LABELS.get(kind, kind))
    for baby, pregnancy in Pregnancy.objects.filter(mother__person=person).values_list(
        "child__person_id", "pk"
    ):
        ref = ref_for(baby, pregnancy)
        if ref is not None and "mother" not in relation[ref]:
            relation[ref].insert(0, "mother")
    persons = Person.objects.in_bulk([r.person for r in decision.children if r.person])
    pregnancies = Pregnancy.objects.in_bulk(
        [p for r in decision.children for p in r.pregnancies]
    )
    out = []
    for ref, child_decision in decision.children.items():
        born = persons.get(ref.person) if ref.person else None
        unborn = born is None
        reference = born.reference if born else f"U{min(ref.pregnancies)}"
        areas = _areas_of(ref)
        around = ChildAround(
            reference=reference if child_decision.allowed else None,
            relation=relation.get(ref, []),
            allowed=child_decision.allowed,
            level=child_decision.level,
            reason=child_decision.reason,
            needs_basis=child_decision.needs_basis,
            unborn=unborn,
            areas=areas,
        )
        if child_decision.allowed:
            held = tuple(pregnancies[p] for p in ref.pregnancies if p in pregnancies)
            subject = Subject(reference, ref, born, held)
            flags = flags_of(subject, viewer)
            around.flags, around.call = flags.kinds, flags.call
            if child_decision.level >= Level.HOUSEHOLD:
                _child_details(around, ref, viewer)
        else:
            around.call = _duty_in(areas, ref)
        out.append(around)
    out.sort(key=lambda c: (not c.allowed, c.reference or "", c.areas))
    return out


def _child_records(ref: ChildRef) -> Any:
    if ref.person:
        return SourceRecord.objects.filter(person_id=ref.person)
    return SourceRecord.objects.none()


def _areas_of(ref: ChildRef) -> list[str]:
    """The areas of the agencies that know the child (its records, its pregnancies)."""
    names = set(
        _child_records(ref)
        .exclude(agency__area__isnull=True)
        .values_list("agency__area__name", flat=True)
    )
    rows = child_rows(ref.person, ref.pregnancies)  # ids, not an OR across a join
    pregnancies = Pregnancy.objects.filter(pk__in=rows.pregnancies).exclude(
        agency__area__isnull=True
    )
    names |= set(pregnancies.values_list("agency__area__name", flat=True))
    return sorted(n for n in names if n)


def _duty_in(areas: list[str], ref: ChildRef) -> list[Contact]:
    """Whom to call about a child the viewer may not see: the duty team of children's social
    care in its area (else the duty number of an agency that knows the child). Says nothing of
    the child beyond its existence."""
    duty = Agency.objects.filter(
        kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, area__name__in=areas
    ).order_by("name")
    found = [
        Contact("duty team", "children's social care duty", a.name, a.duty_phone) for a in duty
    ]
    if found:
        return found
    agency_ids = set(_child_records(ref).values_list("agency_id", flat=True))
    agency_ids |= set(
        Pregnancy.objects.filter(pk__in=ref.pregnancies).values_list("agency_id", flat=True)
    )
    return [
        Contact("duty team", "duty", a.name, a.duty_phone)
        for a in Agency.objects.filter(pk__in=agency_ids).order_by("name")
    ]


def _child_details(around: ChildAround, ref: ChildRef, viewer: Viewer) -> None:
    rows = {
        r["pk"]: dict(r)
        for r in _child_records(ref).values(
            "pk", "forename", "surname", "dob", "postcode", "address"
        )
    }
    shielding = Shielding.load(viewer, rows)
    shown = [shielding.record(pk, row) for pk, row in rows.items()]
    around.names = distinct(
        SHIELDED
        if SHIELDED in (r["forename"], r["surname"])
        else f"{r['forename']} {r['surname']}".strip()
        for r in shown
    )
    dobs = [r["dob"] for r in shown if isinstance(r["dob"], date)]
    around.dob = max(set(dobs), key=dobs.count) if dobs else None
    if ref.pregnancies:
        around.expected = (
            Pregnancy.objects.filter(pk__in=ref.pregnancies)
            .order_by("expected_date")
            .values_list("expected_date", flat=True)
            .first()
        )


# ---- the adult's own records and history ---------------------------------------------------


class _Adult:
    def __init__(self, person: Person, viewer: Viewer, file: PersonFile) -> None:
        self.person = person
        self.viewer = viewer
        self.file = file
        self.today = clock.today()
        self.mine: set[int] = set()
        self.residence_areas: set[str] = set()
        self.practitioners: dict[int, Practitioner] = {}

    # what describe() needs
    def record_label(self, record: int) -> str:
        return "this person" if record in self.mine else "another person"

    def practitioner(self, pk: int | None) -> str:
        worker = self.practitioners.get(pk or 0)
        return f"{worker.name} ({worker.get_role_display()})" if worker else ""

    def assemble(self, with_pairs: bool) -> None:
        records = list(
            SourceRecord.objects.filter(person=self.person)
            .select_related("agency__area")
            .order_by("agency__code", "local_id")
        )
        self.mine = {r.pk for r in records}
        pairs: list[CandidatePair] = []
        if with_pairs:
            pairs = [
                p
                for p in CandidatePair.objects.filter(
                    Q(record_l__in=self.mine) | Q(record_r__in=self.mine),
                    band=CandidatePair.Band.REVIEW,
                ).select_related(
                    "record_l__agency__area",
                    "record_r__agency__area",
                    "record_l__person",
                    "record_r__person",
                )
                if not (p.record_l_id in self.mine and p.record_r_id in self.mine)
            ]
        others = {
            (p.record_r if p.record_l_id in self.mine else p.record_l) for p in pairs
        }
        every = [*records, *others]
        values = {r.pk: {"postcode": r.postcode, "address": r.address} for r in every}
        residences: dict[int, list[dict[str, Any]]] = defaultdict(list)
        rows: list[dict[str, Any]] = [
            dict(r)
            for r in Residence.objects.filter(person__in=list(values)).values(
                "person", "address", "postcode", "area__name", "end"
            )
        ]
        for row in rows:
            residences[row["person"]].append(row)
        self.shielding = Shielding.load(self.viewer, values, rows)
        links = {
            d.record_id: d
            for d in LinkDecision.objects.filter(
                record__in=self.mine, superseded_at__isnull=True
            ).select_related("decided_by")
        }
        views = [self._record(r, residences[r.pk], links.get(r.pk)) for r in records]
        self.file.records = views
        self.file.names = distinct(v.names for v in views if v.names != SHIELDED)
        self.file.areas = sorted({v.area for v in views if v.area} | self.residence_areas)
        self.file.pairs = [
            PairView(
                id=p.pk,
                mine=p.record_l_id if p.record_l_id in self.mine else p.record_r_id,
                other=self._other(p, residences),
                match_probability=p.match_probability,
                evidence=p.evidence,
            )
            for p in sorted(pairs, key=lambda p: -p.match_probability)
        ]
        self._history()

    def _other(
        self, pair: CandidatePair, residences: dict[int, list[dict[str, Any]]]
    ) -> RecordView:
        other: SourceRecord = pair.record_r if pair.record_l_id in self.mine else pair.record_l
        return self._record(other, residences[other.pk], None)

    def _record(
        self, record: SourceRecord, residences: Iterable[dict[str, Any]], link: LinkDecision | None
    ) -> RecordView:
        values = {
            "forename": record.forename,
            "middle_names": record.middle_names,
            "surname": record.surname,
            "dob": record.dob,
            "sex": record.sex,
            "postcode": record.postcode,
            "address": record.address,
        }
        shown = self.shielding.record(record.pk, values)
        names = [shown["forename"], shown["middle_names"], shown["surname"]]
        name = SHIELDED if SHIELDED in names else " ".join(n for n in names if n) or "not recorded"
        addresses = [address_of(shown)]
        for residence in residences:
            if residence["end"] is not None and residence["end"] < self.today:
                continue
            visible = self.shielding.record(record.pk, residence)
            addresses.append(address_of(visible))
            if (
                record.pk in self.mine
                and residence["area__name"]
                and SHIELDED not in (visible.get("postcode"), visible.get("address"))
            ):
                self.residence_areas.add(residence["area__name"])
        hidden = bool(self.shielding.scopes(record.pk)) and not self.shielding.clearance
        agency = record.agency
        return RecordView(
            id=record.pk,
            agency=agency.name,
            area=agency.area.name if agency.area else "",
            local_id=record.local_id,
            names=name,
            dob=shown["dob"] if shown["dob"] else "not recorded",
            sex=str(shown["sex"]).replace("_", " "),
            addresses=distinct(a for a in addresses if a),
            shielded=hidden or SHIELDED in addresses,
            person=record.person.reference if record.person else None,
            link=LinkView(
                method=link.get_method_display(),
                match_probability=link.match_probability,
                evidence=link.evidence or {},
                decided_by=link.decided_by.get_username() if link.decided_by else "Seen",
                reason=link.reason,
                decided_at=link.decided_at,
            )
            if link
            else None,
        )

    def _history(self) -> None:
        """The adult's history as the rules read it: the World scoped to his records (one read
        model, seen.rules.loading), his facts of the HISTORY_TYPES."""
        world = load_world(self.today, Scope(records=frozenset(self.mine)))
        found = [
            (fact.type, fact.row)
            for fact in world.facts_by_person.get(self.person.pk, [])
            if fact.type in HISTORY_TYPES
        ]
        self.practitioners = {
            p.pk: p
            for p in Practitioner.objects.filter(
                pk__in=[row.get("practitioner") for _, row in found if row.get("practitioner")]
            )
        }
        agencies = Agency.objects.select_related("area").in_bulk(
            {row["agency"] for _, row in found}
        )
        entries = []
        for kind, row in found:
            records = [row[c] for c in ("subject", "victim", "perpetrator") if row.get(c)]
            agency = agencies[row["agency"]]
            hidden = self.shielding.any_record_shielded(records)
            entries.append(
                Entry(
                    on=row["occurred_on"],
                    type=kind,
                    what=_what(kind),
                    detail=(
                        f"{SHIELDED} (a shielded record)" if hidden else describe(kind, row, self)
                    ),
                    about="this person",
                    agency=agency.name,
                    area=agency.area.name if agency.area else "",
                    fact=(kind, row["id"]),
                    local_id=str(row.get("local_id") or ""),
                )
            )
        self.file.history = sorted(entries, key=lambda e: (e.on, e.type), reverse=True)


def _what(kind: str) -> str:
    return FACT_NAMES.get(kind, kind)
