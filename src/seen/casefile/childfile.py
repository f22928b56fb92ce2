"""A child's case file, assembled once for every face (the child page and
`GET /api/children/{reference}`): the people around the baby, each with whether and when a
practitioner has seen them ("not known" is a gap, shown as one); the plans and their programmes
with engagement; the alerts with their explanations and lifecycle; and a timeline of facts
across agencies and areas, each with its source.

What is assembled follows the access decision: at the FLAG level only the flags and whom to
call (seen.casefile.flags); the household only at the HOUSEHOLD level. Shielded addresses and
records are replaced before anything leaves this module (`Shielding`, over
seen.access.shielding): a shielded address is hidden wherever the same address is held, so
another agency's copy of a refuge's postcode cannot leak it.

The family is read as the rules read it (seen.rules.world: records stand for their persons, a
mother's pregnancies held by several agencies are one unborn child), in a fixed number of
indexed queries (`_Family`; the facts of every table in one UNION ALL), plus names, addresses,
practitioners, shields and alerts: the number of queries does not grow with the size of the
family or of the partnership."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    F,
    JSONField,
    Model,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import JSONObject

from seen.access.policy import Decision, Level
from seen.access.shielding import (
    ADDRESS_FIELDS,
    SHIELDED,
    ShieldedAddresses,
    cleared,
    redact,
    redact_text,
    shields_of,
)
from seen.areas.models import Agency, Area, Practitioner
from seen.casefile.flags import PLAN_FLAGS, Contact, Flags, child_flags
from seen.casefile.subjects import Subject
from seen.core import clock
from seen.facts import models as facts
from seen.people.models import Pregnancy, Relationship, Residence, Responsibility, SourceRecord
from seen.rules.models import Alert
from seen.rules.world import (
    FACT_TYPES,
    PERSON_COLUMNS,
    POSSIBLE_SAME_PREGNANCY_DAYS,
    Adult,
    AgencyInfo,
    Child,
    Duty,
    Fact,
)

Viewer = AbstractBaseUser | AnonymousUser | None

KIND_LABELS: dict[str, str] = {
    Relationship.Kind.BIRTH_MOTHER: "mother",
    Relationship.Kind.BIRTH_FATHER: "father",
    Relationship.Kind.MOTHERS_PARTNER: "mother's partner",
    Relationship.Kind.HOUSEHOLD_ADULT: "household adult",
    Relationship.Kind.MALE_CARER: "male carer",
}
KIND_ORDER = list(KIND_LABELS)
# the fact columns that name a person, in the order that says whom a fact is about
ABOUT = ("child", "subject", "victim", "perpetrator", "father")
# facts about an adult that are their history (shown at the household level); an adult's other
# facts appear only when they are about this child
ADULT_HISTORY = frozenset(
    {
        "policeincident",
        "conviction",
        "findingoffact",
        "probationsupervision",
        "maraccase",
        "mentalhealth",
        "careleaverstatus",
        "programmeevent",
        "edattendance",
    }
)
FACT_NAMES: dict[str, str] = {
    "birth": "Birth",
    "neonatalstay": "Neonatal stay",
    "contact": "Contact",
    "appointment": "Appointment",
    "injury": "Injury",
    "referral": "Referral",
    "edattendance": "ED attendance",
    "policeincident": "Police incident",
    "conviction": "Conviction",
    "findingoffact": "Finding of fact",
    "probationsupervision": "Probation",
    "maraccase": "MARAC",
    "mentalhealth": "Mental health",
    "plan": "Plan",
    "programmeevent": "Programme",
    "assessment": "Assessment",
    "conference": "Conference",
    "careleaverstatus": "Care leaver",
    "cryingfeedingconcern": "Crying or feeding concern",
}


# ---- shielding ---------------------------------------------------------------------------


def _norm(value: Any) -> str:
    return re.sub(r"\s+", "", str(value or "")).upper()


class Shielding:
    """What this viewer may see of a set of records: each record's shields, and every address
    or postcode a shield covers (hidden wherever the same value is held, and wherever free text
    writes it)."""

    def __init__(
        self, clearance: bool, shields: dict[int, set[str]], hidden: Iterable[str] = ()
    ) -> None:
        self.clearance = clearance
        self.shields = shields
        held = [str(h) for h in hidden if h]
        self.hidden = {_norm(h) for h in held}
        self.addresses = ShieldedAddresses(() if clearance else held)

    @classmethod
    def load(
        cls,
        viewer: Viewer,
        records: Mapping[int, Mapping[str, Any]],
        residences: Iterable[Mapping[str, Any]] = (),
    ) -> Shielding:
        """`records`: record id -> its values (postcode, address); `residences`: rows with
        person (the record), postcode and address. One query (the shields)."""
        shields = shields_of(records)
        hidden: set[str] = set()
        for record, scopes in shields.items():
            if scopes:
                values = records.get(record, {})
                hidden |= {str(values.get("postcode") or ""), str(values.get("address") or "")}
        for row in residences:
            if shields.get(row["person"]):
                hidden |= {str(row.get("postcode") or ""), str(row.get("address") or "")}
        return cls(cleared(viewer), shields, hidden)

    def scopes(self, record: int | None) -> set[str]:
        return self.shields.get(record, set()) if record is not None else set()

    def record(self, record: int | None, values: Mapping[str, Any]) -> dict[str, Any]:
        """One record's (or one of its residences') values as the viewer may see them."""
        shown = redact(values, self.scopes(record), clearance=self.clearance)
        if not self.clearance:
            for key in ADDRESS_FIELDS & shown.keys():
                if shown[key] and _norm(shown[key]) in self.hidden:
                    shown[key] = SHIELDED
        return shown

    def value(self, value: str) -> str:
        """An address or postcode held outside a record (a police incident's postcode)."""
        if not self.clearance and value and _norm(value) in self.hidden:
            return SHIELDED
        return value

    def text(self, value: str) -> str:
        """Free text (a reason, a note, a description) with every shielded address written in
        it replaced (seen.access.shielding.redact_text)."""
        return redact_text(value, self.addresses, clearance=self.clearance)

    def any_record_shielded(self, records: Iterable[int]) -> bool:
        return not self.clearance and any(
            "record" in self.shields.get(r, set()) for r in records
        )


# ---- what the page and the API show -------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """Whether any practitioner has seen this person (at a contact about the child)."""

    status: str  # "seen", "not seen", "not known"
    on: date | None = None
    by: str = ""  # the agency
    why_not: str = ""


@dataclass
class PersonAround:
    person: int  # the person id (negative: a record not yet linked, standing for itself)
    reference: str | None  # the person page's reference (None for an unlinked record)
    kinds: list[str]
    names: list[str]
    dob: str | None
    addresses: list[str]
    areas: list[str]
    recorded_by: list[str]  # the agencies that recorded the relationship
    seen: Seen


@dataclass(frozen=True)
class Programme:
    ref: str
    programme: str
    person: str  # whose programme
    events: list[tuple[date, str]]
    engagement: str


@dataclass
class PlanView:
    id: int
    kind: str
    start: date
    end: date | None
    category: str
    lead: str
    key_worker: str
    review_date: date | None
    agency: str
    current: bool
    programmes: list[Programme] = field(default_factory=list)


@dataclass(frozen=True)
class AlertStep:
    at: datetime
    kind: str
    by: str
    note: str


@dataclass
class AlertView:
    id: int
    rule: str
    severity: str
    status: str
    open: bool
    explanation: str
    raised_at: datetime
    deadline: datetime
    owner: str
    escalated_to: str
    outcome: str
    steps: list[AlertStep]


@dataclass(frozen=True)
class Entry:
    """One fact on the timeline."""

    on: date
    type: str
    what: str
    detail: str
    about: str
    agency: str
    area: str


@dataclass
class CaseFile:
    reference: str
    unborn: bool
    level: Level
    reason: str
    flags: Flags
    names: list[str] = field(default_factory=list)
    dob: date | None = None
    expected: date | None = None
    areas: list[str] = field(default_factory=list)
    people: list[PersonAround] = field(default_factory=list)
    plans: list[PlanView] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)  # not under any plan
    alerts: list[AlertView] = field(default_factory=list)
    timeline: list[Entry] = field(default_factory=list)
    responsible: list[Contact] = field(default_factory=list)

    @property
    def household(self) -> bool:
        return self.level >= Level.HOUSEHOLD

    def disclosed(self) -> dict[str, Any]:
        """What the audit entry records as shown."""
        if not self.household:
            return {"level": "flag", "flags": self.flags.kinds, "contacts": len(self.flags.call)}
        return {
            "level": "household",
            "flags": self.flags.kinds,
            "people": [p.reference or f"record:{-p.person}" for p in self.people],
            "plans": [p.id for p in self.plans],
            "alerts": [a.id for a in self.alerts],
            "facts": len(self.timeline),
        }


# ---- flags --------------------------------------------------------------------------------


def flags_of(subject: Subject, viewer: Viewer = None) -> Flags:
    """The flags and whom to call, born or unborn (an unborn child's plans and alerts point at
    its pregnancies); shown to `viewer` (an ED clinician's look tells the lead: flags.py)."""
    person = subject.person.pk if subject.person is not None else None
    pregnancies = [p.pk for p in subject.pregnancies]
    return child_flags(subject.reference, person, pregnancies, viewer=viewer)


def _contact(worker: Practitioner) -> Contact:
    agency = worker.agency
    return Contact(
        worker.name, worker.get_role_display(), agency.name, worker.phone or agency.duty_phone
    )


def _add(contacts: list[Contact], contact: Contact) -> None:
    if contact not in contacts:
        contacts.append(contact)


# ---- the case file ------------------------------------------------------------------------


def case_file(subject: Subject, decision: Decision, viewer: Viewer) -> CaseFile:
    """The child's case file at the level `decision` allows (nothing when it allows nothing)."""
    if not decision.allowed:
        raise PermissionError(decision.reason)
    file = CaseFile(
        reference=subject.reference,
        unborn=subject.unborn,
        level=decision.level,
        reason=decision.reason,
        flags=flags_of(subject, viewer),
    )
    if decision.level >= Level.HOUSEHOLD:
        _Household(subject, viewer, file).assemble()
    return file


class _Household:
    def __init__(self, subject: Subject, viewer: Viewer, file: CaseFile) -> None:
        self.subject = subject
        self.viewer = viewer
        self.file = file
        self.today = clock.today()
        self.people: list[PersonAround] = []

    def record_label(self, record: int) -> str:
        return self.label(self.family.person_of_record.get(record, -record))

    def assemble(self) -> None:
        family = _Family.load(self.subject, self.today)
        if family is None:  # a child no agency has recorded anything about yet
            return
        self.family = family
        self.agencies = family.agencies
        child = family.child
        self.child = child
        adults = {a.person for a in child.adults if a.person != child.person}
        self._load_records(family.records)
        self._load_names()
        file = self.file
        mine = [self.records[r] for r in sorted(child.records) if r in self.records]
        file.names = _distinct(self._name(r) for r in mine)
        file.dob = child.dob
        file.expected = child.expected if child.unborn else None
        file.areas = sorted({self.area_names.get(a, a) for a in child.areas})
        child_facts = [f for f in family.facts if f.child_key is not None]
        self.people = file.people = self._people(child, child_facts)
        adult_facts = [
            f
            for f in family.facts
            if f.child_key is None
            and f.type in ADULT_HISTORY
            and adults & set(f.persons.values())
        ]
        everything = [*child_facts, *adult_facts]
        self._load_practitioners(everything)
        self._plans(child_facts, adult_facts)
        self._alerts(child)
        file.responsible = self._responsible(child)
        file.timeline = sorted(
            (self._entry(f) for f in everything),
            key=lambda e: (e.on, e.type),
            reverse=True,
        )

    # -- loading (a fixed number of queries) --

    def _load_records(self, records: dict[int, dict[str, Any]]) -> None:
        self.records = records
        self.records_of: dict[int, list[int]] = defaultdict(list)
        for pk, row in sorted(self.records.items()):
            self.records_of[row["person_id"] or -pk].append(pk)
        residences: list[dict[str, Any]] = [
            dict(r)
            for r in Residence.objects.filter(person_id__in=list(self.records)).values(
                "person", "address", "postcode", "area__code", "start", "end"
            )
        ]
        self.residences: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for residence in residences:
            self.residences[residence["person"]].append(residence)
        self.shielding = Shielding.load(self.viewer, self.records, residences)

    def _load_names(self) -> None:
        self.area_names = dict(Area.objects.values_list("code", "name"))
        self.agency_area = {
            pk: (info.name, self.area_names.get(info.area or "", ""))
            for pk, info in self.agencies.items()
        }

    def _load_practitioners(self, found: list[Fact]) -> None:
        ids = {f.get("practitioner") for f in found} | {f.get("lead_practitioner") for f in found}
        ids |= {f.get("key_worker") for f in found}
        ids |= {d.practitioner for d in self.child.duties}
        self.practitioners = {
            p.pk: p
            for p in Practitioner.objects.filter(pk__in=[i for i in ids if i]).select_related(
                "agency"
            )
        }

    # -- what the viewer sees of a person --

    def _name(self, row: Mapping[str, Any]) -> str:
        shown = self.shielding.record(row["pk"], row)
        parts = [shown.get("forename"), shown.get("middle_names"), shown.get("surname")]
        if SHIELDED in parts:
            return SHIELDED
        return " ".join(p for p in parts if p) or "name not recorded"

    def label(self, person: int | None) -> str:
        if person is None:
            return ""
        if self.child.person is not None and person == self.child.person:
            return "the child"
        names = [self._name(self.records[r]) for r in self.records_of.get(person, [])]
        shown = [n for n in names if n != SHIELDED]
        around = next((p for p in self.people if p.person == person), None)
        role = f" ({', '.join(around.kinds)})" if around else ""
        return (shown[0] if shown else SHIELDED if names else "someone") + role

    def _people(self, child: Any, child_facts: list[Fact]) -> list[PersonAround]:
        kinds: dict[int, list[str]] = defaultdict(list)
        recorded_by: dict[int, list[str]] = defaultdict(list)
        for adult in child.adults:
            if adult.person == child.person:
                continue
            if adult.kind not in kinds[adult.person]:
                kinds[adult.person].append(adult.kind)
            if adult.agency and adult.agency not in recorded_by[adult.person]:
                recorded_by[adult.person].append(adult.agency)
        seen = self._seen(child, child_facts)
        people = []
        for person, held in kinds.items():
            records = [self.records[r] for r in self.records_of.get(person, [])]
            shown = [self.shielding.record(r["pk"], r) for r in records]
            addresses: list[str] = []
            areas: set[str] = set()
            for row in shown:
                addresses.append(_address(row))
            for record in records:
                for residence in self.residences.get(record["pk"], []):
                    if residence["end"] is not None and residence["end"] < self.today:
                        continue
                    visible = self.shielding.record(record["pk"], residence)
                    addresses.append(_address(visible))
                    if residence["area__code"] and SHIELDED not in (
                        visible.get("postcode"),
                        visible.get("address"),
                    ):
                        code = residence["area__code"]
                        areas.add(self.area_names.get(code, code))
            for record in records:
                area = self.agency_area.get(record["agency_id"], ("", ""))[1]
                if area:
                    areas.add(area)
            dobs = _distinct(str(r["dob"]) for r in shown if r.get("dob"))
            reference = next(
                (r["person__reference"] for r in records if r["person__reference"]), None
            )
            people.append(
                PersonAround(
                    person=person,
                    reference=reference,
                    kinds=[
                        KIND_LABELS.get(k, k.replace("_", " "))
                        for k in sorted(held, key=_kind_order)
                    ],
                    names=_distinct(self._name(r) for r in records),
                    dob=", ".join(dobs) or None,
                    addresses=_distinct(a for a in addresses if a),
                    areas=sorted(areas),
                    recorded_by=recorded_by[person],
                    seen=seen.get(person, Seen("not known")),
                )
            )
        people.sort(key=lambda p: (_kind_order(_key_of(p.kinds[0])) if p.kinds else 99, p.person))
        return people

    def _seen(self, child: Any, child_facts: list[Fact]) -> dict[int, Seen]:
        """At contacts about the child: the mother seen or not; the father or male carer named
        on the contact seen or not. The latest "seen" wins; else the latest "not seen"."""
        found: dict[int, Seen] = {}

        def note(person: int | None, answer: str, fact: Fact, why: str = "") -> None:
            if person is None or answer not in ("yes", "no"):
                return
            agency = self.agencies[fact["agency"]].name
            now = Seen("seen", fact.occurred_on, agency) if answer == "yes" else Seen(
                "not seen", fact.occurred_on, agency, self.shielding.text(why)
            )
            before = found.get(person)
            if (
                before is None
                or (now.status == "seen" and before.status != "seen")
                or (now.status == before.status and (now.on or date.min) >= (before.on or date.min))
            ):
                found[person] = now

        for fact in child_facts:
            if fact.type != "contact":
                continue
            note(child.mother, fact["mother_seen"], fact)
            father = fact.persons.get("father")
            note(father, fact["father_seen"], fact, fact["father_not_seen_reason"])
        return found

    # -- plans and programmes --

    def _plans(self, child_facts: list[Fact], adult_facts: list[Fact]) -> None:
        plans = [f for f in child_facts if f.type == "plan"]
        views: dict[int, PlanView] = {}
        for plan in sorted(plans, key=lambda f: f.occurred_on, reverse=True):
            end = plan["end"]
            views[plan.id] = PlanView(
                id=plan.id,
                kind=PLAN_FLAGS.get(plan["kind"], plan["kind"]),
                start=plan.occurred_on,
                end=end,
                category=self.shielding.text(plan["category_of_abuse"]),
                lead=self.practitioner(plan["lead_practitioner"]),
                key_worker=self.practitioner(plan["key_worker"]),
                review_date=plan["review_date"],
                agency=self.agencies[plan["agency"]].name,
                current=end is None or end >= self.today,
            )
        events: dict[str, list[Fact]] = defaultdict(list)
        for fact in [*child_facts, *adult_facts]:
            if fact.type == "programmeevent":
                events[fact["programme_ref"]].append(fact)
        loose: list[Programme] = []
        for ref, steps in events.items():
            steps.sort(key=lambda f: (f.occurred_on, f.id))
            first = steps[0]
            programme = Programme(
                ref=ref,
                programme=_choice(facts.ProgrammeEvent, "programme", first["programme"]),
                person=self.label(first.persons.get("subject")),
                events=[(s.occurred_on, s["status"]) for s in steps],
                engagement=_engagement([s["status"] for s in steps]),
            )
            under = next((int(s["plan"]) for s in steps if s["plan"] in views), None)
            if under is not None:
                views[under].programmes.append(programme)
            else:
                loose.append(programme)
        self.file.plans = list(views.values())
        self.file.programmes = loose

    def practitioner(self, pk: int | None) -> str:
        worker = self.practitioners.get(pk or 0)
        if worker is None:
            return ""
        return f"{worker.name} ({worker.get_role_display()}, {worker.agency.name})"

    def _responsible(self, child: Any) -> list[Contact]:
        found: list[Contact] = []
        for duty in child.duties:
            if duty.holds_on(self.today) and duty.practitioner in self.practitioners:
                worker = self.practitioners[duty.practitioner]
                _add(found, _contact(worker))
        return found

    # -- alerts --

    def _alerts(self, child: Any) -> None:
        about = Q(pregnancy_id__in=list(child.pregnancies))
        if child.person is not None:
            about |= Q(child_id=child.person)
        alerts = (
            Alert.objects.filter(about)
            .select_related("owner_agency", "owner_practitioner", "escalated_to")
            .prefetch_related("events")
            .order_by("-raised_at", "-pk")
        )
        views = []
        for alert in alerts:
            owner = (
                alert.owner_practitioner.name
                if alert.owner_practitioner
                else f"{alert.owner_role.replace('_', ' ')}, {alert.owner_agency.name}"
                if alert.owner_agency
                else alert.owner_role.replace("_", " ")
            )
            views.append(
                AlertView(
                    id=alert.pk,
                    rule=alert.rule_id,
                    severity=str(alert.get_severity_display()).lower(),
                    status=str(alert.get_status_display()).lower(),
                    open=alert.open,
                    explanation=self.shielding.text(alert.explanation),
                    raised_at=alert.raised_at,
                    deadline=alert.deadline,
                    owner=owner,
                    escalated_to=alert.escalated_to.name if alert.escalated_to else "",
                    outcome=self.shielding.text(alert.outcome),
                    steps=[
                        AlertStep(
                            e.at,
                            str(e.get_kind_display()).lower(),
                            e.by,
                            self.shielding.text(e.note),
                        )
                        for e in alert.events.all()
                    ],
                )
            )
        views.sort(key=lambda a: (not a.open, -a.raised_at.timestamp()))
        self.file.alerts = views

    # -- the timeline --

    def _entry(self, fact: Fact) -> Entry:
        agency, area = self.agency_area.get(fact["agency"], ("", ""))
        about_person = next((fact.persons[c] for c in ABOUT if c in fact.persons), None)
        records = [fact[c] for c in ABOUT if fact.get(c)]
        if self.shielding.any_record_shielded(records):
            detail = f"{SHIELDED} (a shielded record)"
        else:
            detail = describe(fact.type, fact.row, self)
        return Entry(
            on=fact.occurred_on,
            type=fact.type,
            what=FACT_NAMES.get(fact.type, fact.type),
            detail=detail,
            about=self.label(about_person) if about_person is not None else "the unborn child",
            agency=agency,
            area=area,
        )


# ---- reading the family ----------------------------------------------------------------------


# fact types whose `subject` may be the child itself (an appointment, an ED attendance)
SUBJECT_IS_CHILD = frozenset({"appointment", "edattendance"})
RECORD_FIELDS = (
    "pk",
    "person_id",
    "person__reference",
    "agency_id",
    "local_id",
    "forename",
    "middle_names",
    "surname",
    "dob",
    "sex",
    "postcode",
    "address",
)


@dataclass
class _Family:
    """The child, the adults around it and every fact about any of them, read as the rules read
    them (seen.rules.world: records stand for the person linkage put them in; a mother's
    pregnancies due within POSSIBLE_SAME_PREGNANCY_DAYS of each other are one unborn child),
    in a fixed number of indexed queries: the child's records and pregnancies, the
    relationships, the family's records, one query per fact table, the responsibilities and the
    agencies."""

    child: Child
    agencies: dict[int, AgencyInfo]
    person_of_record: dict[int, int]
    records: dict[int, dict[str, Any]]
    facts: list[Fact]

    @classmethod
    def load(cls, subject: Subject, today: date) -> _Family | None:
        person = subject.person
        child_records: set[int] = (
            set(SourceRecord.objects.filter(person=person).values_list("pk", flat=True))
            if person is not None
            else set()
        )
        pregnancies = {p.pk: p for p in subject.pregnancies}
        if person is not None and pregnancies:  # the same pregnancy as other agencies hold it
            window = timedelta(days=POSSIBLE_SAME_PREGNANCY_DAYS)
            dates = [p.expected_date for p in pregnancies.values()]
            mothers = SourceRecord.objects.filter(
                pk__in={p.mother_id for p in pregnancies.values()}, person__isnull=False
            ).values("person_id")
            for other in Pregnancy.objects.filter(
                mother__person_id__in=Subquery(mothers),
                expected_date__gte=min(dates) - window,
                expected_date__lte=max(dates) + window,
            ).filter(Q(child__isnull=True) | Q(child_id__in=child_records)):
                pregnancies.setdefault(other.pk, other)
        if not child_records and not pregnancies:
            return None
        around = list(
            Relationship.objects.filter(
                Q(child_id__in=child_records) | Q(pregnancy_id__in=list(pregnancies))
            )
            .exclude(kind=Relationship.Kind.SIBLING)
            .values_list("person_id", "kind", "agency_id", "asserted_on", "start", "end")
        )
        mother_records = {p.mother_id for p in pregnancies.values()}
        adult_records = {row[0] for row in around} | mother_records
        linked = dict(
            SourceRecord.objects.filter(pk__in=adult_records).values_list("pk", "person_id")
        )
        persons = {p for p in linked.values() if p} | ({person.pk} if person else set())
        unlinked = {r for r, p in linked.items() if not p} | child_records
        records = {
            row["pk"]: dict(row)
            for row in SourceRecord.objects.filter(
                Q(person_id__in=persons) | Q(pk__in=unlinked)
            ).values(*RECORD_FIELDS)
        }
        person_of_record = {pk: row["person_id"] or -pk for pk, row in records.items()}
        agencies = {
            a["pk"]: AgencyInfo(a["code"], a["name"], a["kind"], a["area__code"], a["duty_phone"])
            for a in Agency.objects.values("pk", "code", "name", "kind", "area__code", "duty_phone")
        }

        def of(record: int | None) -> int | None:
            return None if record is None else person_of_record.get(record, -record)

        child = Child(
            key=f"child:{person.pk}" if person else f"pregnancy:{min(pregnancies)}",
            person=person.pk if person else None,
            records=child_records,
            pregnancies=set(pregnancies),
        )
        first = min(pregnancies.values(), key=lambda p: p.pk, default=None)
        child.mother = of(first.mother_id) if first else None
        child.expected = min((p.expected_date for p in pregnancies.values()), default=None)
        child.areas = {
            agencies[a].area or ""
            for a in [
                *(records[r]["agency_id"] for r in child_records if r in records),
                *(p.agency_id for p in pregnancies.values()),
            ]
            if agencies[a].area
        }
        for adult, kind, agency, asserted, start, end in around:
            info = agencies[agency]
            adult_person = of(adult)
            if adult_person is None:
                continue
            child.adults.append(
                Adult(adult_person, kind, info.code, info.area, asserted, start, end)
            )
            if kind == Relationship.Kind.BIRTH_MOTHER and child.mother is None:
                child.mother = adult_person
        if child.mother is not None and not any(a.person == child.mother for a in child.adults):
            child.adults.insert(
                0, Adult(child.mother, Relationship.Kind.BIRTH_MOTHER, "", None, None, None, None)
            )
        duties = Responsibility.objects.filter(
            Q(child_id__in=child_records) | Q(pregnancy_id__in=list(pregnancies))
        ).values_list("role", "practitioner_id", "start", "end")
        child.duties = [Duty(*row) for row in duties]
        facts = list(_facts(set(records), child_records, set(pregnancies), of, today))
        births = [f.occurred_on for f in facts if f.type == "birth" and f.child_key]
        dobs = [records[r]["dob"] for r in child_records if r in records and records[r]["dob"]]
        if person is not None:
            child.dob = min(births) if births else (
                max(sorted(set(dobs)), key=dobs.count) if dobs else None
            )
        return cls(child, agencies, person_of_record, records, facts)


# the columns to leave out of a fact's row (the load's bookkeeping, not the fact)
NOT_READ = frozenset({"version", "row_hash", "batch"})


def _facts(
    records: set[int],
    child_records: set[int],
    pregnancies: set[int],
    of: Any,
    today: date,
) -> Iterable[Fact]:
    """Every fact naming a record of the family or one of the child's pregnancies, in ONE query:
    a UNION ALL over the fact tables, each row as a JSON object of its columns (decoded back to
    dates and lists here); `child_key` set when the fact is about the child."""
    parts = []
    for type_name, model in FACT_TYPES.items():
        columns = [f for f in model._meta.concrete_fields if f.name not in NOT_READ]
        names = {f.name: f.attname for f in columns}
        condition = Q(pk__in=[])
        for column in PERSON_COLUMNS:
            if column in names:
                condition |= Q(**{f"{column}_id__in": records})
        if "pregnancy" in names and pregnancies:
            condition |= Q(pregnancy_id__in=pregnancies)
        rows = model._default_manager.filter(condition, occurred_on__lte=today)
        parts.append(
            rows.values_list(
                Value(type_name, output_field=CharField()),
                JSONObject(**{name: F(attname) for name, attname in names.items()}),
            )
        )
    first, *rest = parts
    for type_name, data in first.union(*rest, all=True):
        model = FACT_TYPES[type_name]
        row = _decoded(model, data if isinstance(data, dict) else json.loads(data))
        persons = {c: p for c in PERSON_COLUMNS if c in row and (p := of(row[c])) is not None}
        about = (
            row.get("child") in child_records
            or row.get("pregnancy") in pregnancies
            or (type_name in SUBJECT_IS_CHILD and row.get("subject") in child_records)
        )
        yield Fact(type_name, row["id"], row, persons, "child" if about else None)


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


# ---- describing a fact ---------------------------------------------------------------------


class Describer(Protocol):
    """What describe() needs: how to name the records and practitioners a fact mentions, and
    the viewer's shielding."""

    shielding: Shielding

    def record_label(self, record: int) -> str: ...

    def practitioner(self, pk: int | None) -> str: ...


def _choice(model: type[Model], name: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    choices = dict(getattr(model._meta.get_field(name), "choices", None) or [])
    plain = str(value).replace("_", " ")
    label = str(choices.get(value, plain))
    return plain if label.lower() == plain.lower() else label


def _yn(value: Any) -> str:
    return {"yes": "yes", "no": "no", "not_applicable": "not applicable"}.get(
        str(value), "not known"
    )


def describe(kind: str, row: Mapping[str, Any], names: Describer) -> str:
    """One fact in words (the viewer's shielding applied to what it names, and to its free
    text: a shielded address written in a reason or a description is replaced)."""
    return names.shielding.text(_describe(kind, row, names))


def _describe(kind: str, row: Mapping[str, Any], names: Describer) -> str:
    model = FACT_TYPES[kind]
    c = lambda name: _choice(model, name, row.get(name))  # noqa: E731
    by = names.practitioner(row.get("practitioner")) if "practitioner" in row else ""
    by_text = f"; by {by}" if by else ""
    if kind == "birth":
        weight = f", {row['birth_weight_grams']} g" if row.get("birth_weight_grams") else ""
        premature = " (premature)" if row["gestation_weeks"] < 37 else ""
        return f"born at {row['gestation_weeks']} weeks{premature}{weight}"
    if kind == "neonatalstay":
        out = f", discharged {row['discharged_on']:%d %B %Y}" if row.get("discharged_on") else ""
        level = f" ({row['level_of_care']})" if row.get("level_of_care") else ""
        return f"admitted to a neonatal unit{level}{out}"
    if kind == "contact":
        why = f" ({row['father_not_seen_reason']})" if row.get("father_not_seen_reason") else ""
        return (
            f"{c('kind')}: mother seen {_yn(row['mother_seen'])}; father or male carer seen "
            f"{_yn(row['father_seen'])}{why}{by_text}"
        )
    if kind == "appointment":
        up = row.get("followed_up_on")
        follow = f", followed up {up:%d %B %Y}" if up else ""
        return f"{c('service')} appointment: {c('outcome')}{follow}"
    if kind == "injury":
        site = f" ({row['body_site']})" if row.get("body_site") else ""
        said = f"; explanation: {row['explanation']}" if row.get("explanation") else ""
        return f"{c('kind')}{site}; mobility: {c('mobility')}{said}{by_text}"
    if kind == "referral":
        reason = f": {row['reason']}" if row.get("reason") else ""
        return f"referral ({c('kind')}){reason}"
    if kind == "edattendance":
        complaint = row.get("presenting_complaint") or "no complaint recorded"
        return f"{complaint}; injury {_yn(row['injury'])}"
    if kind == "policeincident":
        place = f"; at {names.shielding.value(row['postcode'])}" if row.get("postcode") else ""
        who = []
        for column in ("perpetrator", "victim"):
            if row.get(column):
                who.append(f"{column} {names.record_label(row[column])}")
        people = f"; {', '.join(who)}" if who else ""
        return (
            f"{c('kind')}; DASH risk {c('dash_level')}; child present "
            f"{_yn(row['child_present'])}{people}{place}"
        )
    if kind == "conviction":
        text = f": {row['description']}" if row.get("description") else ""
        return f"{c('offence_category')}{text}"
    if kind == "findingoffact":
        category = row.get("category_of_abuse") or "category not recorded"
        summary = f": {row['summary']}" if row.get("summary") else ""
        return f"{category}{summary}"
    if kind == "probationsupervision":
        until = f" until {row['end']:%d %B %Y}" if row.get("end") else ""
        return f"{row['order']}{until}; risk of serious harm {c('risk_of_serious_harm')}{by_text}"
    if kind == "maraccase":
        return f"MARAC case; safety plan {_yn(row['safety_plan'])}"
    if kind == "mentalhealth":
        text = f": {row['description']}" if row.get("description") else ""
        return f"{c('kind')}{text}; current {_yn(row['current'])}"
    if kind == "plan":
        category = f" ({row['category_of_abuse']})" if row.get("category_of_abuse") else ""
        end = f", ended {row['end']:%d %B %Y}" if row.get("end") else ""
        lead = names.practitioner(row.get("lead_practitioner"))
        return f"{PLAN_FLAGS.get(row['kind'], c('kind'))} started{category}{end}" + (
            f"; lead {lead}" if lead else ""
        )
    if kind == "programmeevent":
        return f"{c('programme')} programme: {c('status')}"
    if kind == "assessment":
        done = f", completed {row['completed_on']:%d %B %Y}" if row.get("completed_on") else ""
        return (
            f"{c('kind')} assessment{done}; father involved {_yn(row['father_involved'])}; "
            f"checks on mother {_yn(row['mother_checks_done'])}, on father "
            f"{_yn(row['father_checks_done'])}{by_text}"
        )
    if kind == "conference":
        invited = ", ".join(str(r).replace("_", " ") for r in row.get("invited") or []) or "none"
        came = ", ".join(str(r).replace("_", " ") for r in row.get("attended") or []) or "none"
        return f"{c('kind')} conference; invited: {invited}; attended: {came}"
    if kind == "careleaverstatus":
        return f"care leaver: {_yn(row['care_leaver'])}"
    if kind == "cryingfeedingconcern":
        return (
            f"{c('concern')}; ICON advice to mother {_yn(row['icon_advice_mother'])}, "
            f"to father {_yn(row['icon_advice_father'])}"
        )
    return ""


# ---- small helpers -----------------------------------------------------------------------


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _address(row: Mapping[str, Any]) -> str:
    parts = [str(row[k]) for k in ("address", "postcode") if row.get(k)]
    return SHIELDED if SHIELDED in parts else ", ".join(parts)


def _kind_order(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _key_of(label: str) -> str:
    return next((k for k, v in KIND_LABELS.items() if v == label), label)


def _engagement(statuses: list[str]) -> str:
    attended = statuses.count("attended")
    missed = statuses.count("missed")
    last = statuses[-1]
    state = {
        "completed": "completed",
        "withdrawn": "withdrawn",
        "referred": "referred, not started",
    }.get(last, "under way")
    return f"{state}: {attended} attended, {missed} missed"

