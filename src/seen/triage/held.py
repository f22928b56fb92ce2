"""What Seen already holds for each check of a triage, so that MASH confirms it with the agency,
or adds to it, rather than typing it again: the facts each agency sent about the child and about
the adults around the child (their history: police incidents, convictions, findings of fact,
probation, MARAC, mental health), the records it holds of each of them (the name as that agency
holds it), and whom to call there (the practitioners named on those facts or responsible for
the child, then the agency's duty line).

The family is the rules' own read model (seen.casefile.childfile.family_of), as on the child's
page, and only at the household level. The viewer's shielding is applied as the case file
applies it (seen.casefile.shielding): a fact naming a shielded record says only that, a
shielded record's name is not shown, and a shielded address is written nowhere, free text
included."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from seen.access.policy import Decision, Level
from seen.access.shielding import SHIELDED
from seen.areas.models import Practitioner
from seen.casefile.childfile import ABOUT, ADULT_HISTORY, KIND_LABELS, KIND_ORDER, family_of
from seen.casefile.describe import FACT_NAMES, describe
from seen.casefile.flags import Contact
from seen.casefile.shielding import Shielding, Viewer
from seen.casefile.subjects import Subject
from seen.core import clock
from seen.core.errors import Refused
from seen.people.models import Residence, SourceRecord
from seen.rules.world import AgencyInfo, Child, Fact, World
from seen.triage.models import TriageCheck

# the fact columns naming a practitioner whom MASH may call about what the fact says
PRACTITIONER_COLUMNS = ("practitioner", "lead_practitioner", "key_worker")
DUTY_LINE = "duty line"  # the role of an agency's own number among whom to call


@dataclass(frozen=True)
class HeldFact:
    """One fact an agency sent Seen, in words, as the viewer may see it."""

    on: date
    what: str
    detail: str
    about: str
    agency: str
    fact: tuple[str, int]

    def line(self) -> str:
        return f"{self.on.day} {self.on:%B %Y}, {self.what.lower()} ({self.about}): {self.detail}"


@dataclass(frozen=True)
class HeldRecord:
    """A record an agency holds of the child or of an adult around the child."""

    who: str
    name: str
    dob: date | None
    agency: str
    record: int


@dataclass
class Held:
    """What Seen holds for one check, and whom to call."""

    facts: list[HeldFact] = field(default_factory=list)
    records: list[HeldRecord] = field(default_factory=list)
    call: list[Contact] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.facts or self.records)

    def summary(self, limit: int) -> str:
        """The result's box filled in from what Seen holds, for MASH to confirm or add to,
        within `limit` characters (what does not fit is counted, not cut mid-line)."""
        if not self.anything:
            return ""
        lines = ["Seen holds:"]
        lines += [f"- {r.who} known as {r.name} ({r.agency})" for r in self.records]
        lines += [f"- {f.line()}" for f in self.facts]
        kept: list[str] = []
        for n, line in enumerate(lines):
            after = len(lines) - n - 1
            tail = [f"- and {after} more held in Seen"] if after else []
            if len("\n".join([*kept, line, *tail])) > limit:
                # the line before this one made room for this count
                kept.append(f"- and {after + 1} more held in Seen")
                break
            kept.append(line)
        return "\n".join(kept)


@dataclass
class Holdings:
    """What Seen holds, check by check; what it holds from agencies no check covers (an
    emergency department, housing), so that nothing it holds is left out of the triage."""

    by_check: dict[int, Held] = field(default_factory=dict)
    elsewhere: list[HeldFact] = field(default_factory=list)

    def of(self, check: TriageCheck) -> Held:
        return self.by_check.get(check.pk, Held())

    def disclosed(self) -> dict[str, Any]:
        """What the audit entry records as shown: every fact and record, and the contacts."""
        helds = list(self.by_check.values())
        facts = {f.fact for h in helds for f in h.facts} | {f.fact for f in self.elsewhere}
        return {
            "facts": sorted(f"{kind}:{pk}" for kind, pk in facts),
            "records": sorted({r.record for h in helds for r in h.records}),
            "contacts": sorted({f"{c.name}, {c.agency}" for h in helds for c in h.call}),
        }


def holdings(
    subject: Subject, decision: Decision, viewer: Viewer, checks: Sequence[TriageCheck]
) -> Holdings:
    """What Seen holds for each of `checks`, at the household level only."""
    if not decision.allowed or decision.level < Level.HOUSEHOLD:
        raise Refused(decision.reason or "what agencies hold needs the household level")
    found = Holdings(by_check={c.pk: Held() for c in checks})
    family = family_of(subject, clock.today())
    if family is not None:
        _Reader(viewer, *family).sort_into(found, checks)
    for check in checks:
        _add_duty_line(found.of(check), check)
    return found


def _matches(info: AgencyInfo, check: TriageCheck) -> bool:
    """The agency answers for the check: its kind, and its area (or the partnership)."""
    if info.kind != check.agency_kind:
        return False
    return check.area is None or info.area is None or info.area == check.area.code


def _add_duty_line(held: Held, check: TriageCheck) -> None:
    agency = check.agency
    if agency is not None:
        duty = Contact("Duty line", DUTY_LINE, agency.name, agency.duty_phone)
        if duty not in held.call:
            held.call.append(duty)


class _Reader:
    """The child's family as the viewer may see it, put check by check."""

    def __init__(self, viewer: Viewer, world: World, child: Child) -> None:
        self.world = world
        self.child = child
        self.who = _who_of_persons(child)
        wanted = [r for r, p in world.person_of_record.items() if p in self.who]
        self.records: dict[int, dict[str, Any]] = {
            row["pk"]: dict(row)
            for row in SourceRecord.objects.filter(pk__in=wanted).values(
                "pk",
                "agency_id",
                "forename",
                "middle_names",
                "surname",
                "dob",
                "postcode",
                "address",
            )
        }
        residences = [
            dict(r)
            for r in Residence.objects.filter(person_id__in=list(self.records)).values(
                "person", "address", "postcode"
            )
        ]
        self.shielding = Shielding.load(viewer, self.records, residences)
        self.practitioners: dict[int, Practitioner] = {}

    # what describe() asks of its caller (seen.casefile.describe.Describer)

    def record_label(self, record: int) -> str:
        who = self.who.get(self.world.person_of_record.get(record, -record), "someone")
        row = self.records.get(record)
        return f"{who} ({self._name(record, row)})" if row is not None else who

    def practitioner(self, pk: int | None) -> str:
        worker = self.practitioners.get(pk or 0)
        if worker is None:
            return ""
        return f"{worker.name} ({worker.get_role_display()}, {worker.agency.name})"

    # -- reading --

    def _name(self, record: int, row: dict[str, Any]) -> str:
        if self.shielding.any_record_shielded([record]):
            return SHIELDED
        parts = (row.get("forename"), row.get("middle_names"), row.get("surname"))
        return " ".join(str(p) for p in parts if p) or "name not recorded"

    def _facts(self) -> list[Fact]:
        """The child's facts and the adults' history (as the case file reads them)."""
        child = self.child
        mine = self.world.about(child)
        adults = sorted(p for p in self.who if p != child.person)
        theirs = {
            f.ref: f
            for adult in adults
            for f in self.world.of_person(adult, *ADULT_HISTORY)
            if f.child_key != child.key
        }
        return [*mine, *theirs.values()]

    def _held_fact(self, fact: Fact) -> HeldFact:
        records = [fact[c] for c in ABOUT if fact.get(c)]
        if self.shielding.any_record_shielded(records):
            detail = f"{SHIELDED} (a shielded record)"
        else:
            detail = describe(fact.type, fact.row, self)
        about_person = next((fact.persons[c] for c in ABOUT if c in fact.persons), None)
        about = "the unborn child"  # a fact naming no one is about the pregnancy
        if about_person is not None:
            about = self.who.get(about_person, "someone")
        return HeldFact(
            on=fact.occurred_on,
            what=FACT_NAMES.get(fact.type, fact.type),
            detail=detail,
            about=about,
            agency=self.world.agencies[fact["agency"]].name,
            fact=fact.ref,
        )

    def sort_into(self, found: Holdings, checks: Sequence[TriageCheck]) -> None:
        facts = self._facts()
        self._load_practitioners(facts)
        agencies = self.world.agencies
        for fact in sorted(facts, key=lambda f: (f.occurred_on, f.type, f.id), reverse=True):
            held = self._held_fact(fact)
            owners = [c for c in checks if _matches(agencies[fact["agency"]], c)]
            if not owners:
                found.elsewhere.append(held)
            for check in owners:
                found.of(check).facts.append(held)
                for column in PRACTITIONER_COLUMNS:
                    self._add_worker(found.of(check), fact.get(column))
        for record, row in sorted(self.records.items()):
            info = agencies[row["agency_id"]]
            person = self.world.person_of_record.get(record, -record)
            shown = HeldRecord(
                who=self.who.get(person, "someone"),
                name=self._name(record, row),
                dob=None if self.shielding.any_record_shielded([record]) else row["dob"],
                agency=info.name,
                record=record,
            )
            for check in checks:
                if _matches(info, check):
                    found.of(check).records.append(shown)
        for duty in self.child.duties:
            worker = self.practitioners.get(duty.practitioner)
            if worker is None or not duty.holds_on(self.world.today):
                continue
            for check in checks:
                if _matches(agencies[worker.agency_id], check):
                    self._add_worker(found.of(check), worker.pk)
        for check in checks:
            found.of(check).records.sort(key=lambda r: (_order_of(r.who), r.agency, r.record))

    def _load_practitioners(self, facts: Iterable[Fact]) -> None:
        ids = {f.get(c) for f in facts for c in PRACTITIONER_COLUMNS}
        ids |= {d.practitioner for d in self.child.duties}
        self.practitioners = {
            p.pk: p
            for p in Practitioner.objects.filter(pk__in=[i for i in ids if i]).select_related(
                "agency"
            )
        }

    def _add_worker(self, held: Held, pk: int | None) -> None:
        worker = self.practitioners.get(pk or 0)
        if worker is None:
            return
        contact = Contact(
            worker.name,
            worker.get_role_display(),
            worker.agency.name,
            worker.phone or worker.agency.duty_phone,
        )
        if contact not in held.call:
            held.call.append(contact)


def _who_of_persons(child: Child) -> dict[int, str]:
    """person -> who they are to the child: "the child", "the father", "the mother's partner"
    (the first of their relationships in the case file's order)."""
    kinds: dict[int, list[str]] = defaultdict(list)
    for adult in child.adults:
        kinds[adult.person].append(adult.kind)
    who = {
        person: "the " + KIND_LABELS.get(min(held, key=_kind_rank), "adult around the child")
        for person, held in kinds.items()
    }
    if child.person is not None:
        who[child.person] = "the child"
    return who


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _order_of(who: str) -> int:
    labels = ["the child", *("the " + KIND_LABELS[k] for k in KIND_ORDER)]
    return labels.index(who) if who in labels else len(labels)
