"""A child's case file, assembled once for every face (the child page, the chronology and
`GET /api/children/{reference}`): the people around the baby, each with whether and when a
practitioner has seen them ("not known" is a gap, shown as one); the plans and their programmes
with engagement; the alerts with their explanations and lifecycle; and a timeline of facts
across agencies and areas, each with its source.

What is assembled follows the access decision: at the FLAG level only the flags and whom to
call (seen.casefile.flags); the household only at the HOUSEHOLD level. Shielded addresses and
records are replaced before anything leaves this module (seen.casefile.shielding).

The family is the rules' own (seen.rules.world.World, scoped to the child's records and
pregnancies): the child, the adults around it and every fact about them are exactly what a rule
reads about the same baby, in a fixed number of indexed queries, plus names, addresses,
practitioners, shields and alerts: the number of queries does not grow with the size of the
family or of the partnership."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import Q

from seen.access.policy import Decision, Level
from seen.access.shielding import SHIELDED
from seen.areas.models import Area, Practitioner
from seen.casefile.describe import FACT_NAMES, address_of, choice, describe, distinct
from seen.casefile.flags import PLAN_FLAGS, Contact, Flags, child_flags
from seen.casefile.shielding import Shielding, Viewer
from seen.casefile.subjects import Subject
from seen.casefile.views import (
    AlertStep,
    AlertView,
    CaseFile,
    Entry,
    PersonAround,
    PlanView,
    Programme,
    Seen,
)
from seen.core import clock
from seen.core.errors import Refused
from seen.facts import models as facts
from seen.people.models import Relationship, Residence, SourceRecord
from seen.rules.loading import load_world
from seen.rules.models import Alert
from seen.rules.world import Child, Fact, Scope, World

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


def family_of(subject: Subject, today: date) -> tuple[World, Child] | None:
    """The rules' world scoped to this child's family, and the child in it; None for a child no
    agency has recorded anything about yet."""
    person = subject.person
    records = (
        frozenset(SourceRecord.objects.filter(person=person).values_list("pk", flat=True))
        if person is not None
        else frozenset()
    )
    pregnancies = frozenset(p.pk for p in subject.pregnancies)
    if not records and not pregnancies:
        return None
    world = load_world(today, Scope(records=records, pregnancies=pregnancies))
    key = world.child_of_person.get(person.pk) if person is not None else None
    key = key or next(
        (world.child_of_pregnancy[p] for p in sorted(pregnancies) if p in world.child_of_pregnancy),
        None,
    )
    return (world, world.children[key]) if key is not None else None


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
        raise Refused(decision.reason)
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
    """The household level of one child's case file, assembled from the child's family."""

    def __init__(self, subject: Subject, viewer: Viewer, file: CaseFile) -> None:
        self.subject = subject
        self.viewer = viewer
        self.file = file
        self.today = clock.today()
        self.people: list[PersonAround] = []

    def record_label(self, record: int) -> str:
        return self.label(self.world.person_of_record.get(record, -record))

    def assemble(self) -> None:
        family = family_of(self.subject, self.today)
        if family is None:  # a child no agency has recorded anything about yet
            return
        self.world, child = family
        self.agencies = self.world.agencies
        self.child = child
        adults = {a.person for a in child.adults if a.person != child.person}
        self._load_records(self._records_of(child, adults))
        self._load_names()
        file = self.file
        mine = [self.records[r] for r in sorted(child.records) if r in self.records]
        file.names = distinct(self._name(r) for r in mine)
        file.dob = child.dob
        file.expected = child.expected if child.unborn else None
        file.areas = sorted({self.area_names.get(a, a) for a in child.areas})
        child_facts = self.world.about(child)
        self.people = file.people = self._people(child, child_facts)
        adult_facts = list(
            {
                f.ref: f
                for adult in sorted(adults)
                for f in self.world.of_person(adult, *ADULT_HISTORY)
                if f.child_key != child.key
            }.values()
        )
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

    def _records_of(self, child: Child, adults: set[int]) -> dict[int, dict[str, Any]]:
        """The child's and the adults' records with what the page shows of them (the world
        holds records of persons possibly the same as theirs too: those are not shown)."""
        persons = adults | ({child.person} if child.person is not None else set())
        wanted = [r for r, p in self.world.person_of_record.items() if p in persons]
        return {
            row["pk"]: dict(row)
            for row in SourceRecord.objects.filter(pk__in=wanted).values(*RECORD_FIELDS)
        }

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
                addresses.append(address_of(row))
            for record in records:
                for residence in self.residences.get(record["pk"], []):
                    if residence["end"] is not None and residence["end"] < self.today:
                        continue
                    visible = self.shielding.record(record["pk"], residence)
                    addresses.append(address_of(visible))
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
            dobs = distinct(str(r["dob"]) for r in shown if r.get("dob"))
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
                    names=distinct(self._name(r) for r in records),
                    dob=", ".join(dobs) or None,
                    addresses=distinct(a for a in addresses if a),
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
                programme=choice(facts.ProgrammeEvent, "programme", first["programme"]),
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
            fact=fact.ref,
            local_id=str(fact.get("local_id") or ""),
        )


# ---- small helpers -----------------------------------------------------------------------


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

