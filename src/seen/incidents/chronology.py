"""The chronology for a rapid review: for a notified child, every fact from every agency and
area in time order with its source, and what each agency knew and when.

The facts are the child's case-file timeline (seen.casefile.childfile: the family read as the
rules read it, facts ordered across agencies and areas, shielded values replaced at the
viewer's own clearance), taken in date order with each fact's source (the agency, its area and
its own identifier for the row) and when it reached Seen (the ingest batch that brought it; a
fact written in Seen itself says so). What each agency knew is what it recorded and when it
reached Seen, with when its practitioners looked at the child in Seen, from the audit log
(seen.audit.reports.who_looked): refusals, and looks for a review or an audit or at the
notification itself, are not an agency knowing the child and are left out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from seen.access.policy import Decision
from seen.areas.models import Agency
from seen.audit.reports import who_looked
from seen.casefile.childfile import CaseFile, Entry, _Household, flags_of
from seen.casefile.subjects import Subject
from seen.incidents.models import Incident
from seen.rules.world import FACT_TYPES, Fact


@dataclass(frozen=True)
class Row:
    """One fact in the chronology."""

    on: date
    agency: str
    area: str
    what: str
    detail: str
    about: str
    source: str  # the agency's own identifier for the row, or "written in Seen"
    reached: datetime | None  # when it reached Seen (None: written in Seen, or not known)

    @property
    def reached_text(self) -> str:
        if self.reached is not None:
            return self.reached.date().isoformat()
        return "written in Seen" if self.source.startswith("written in Seen") else "not known"


@dataclass(frozen=True)
class Look:
    """A practitioner of an agency looking at (or writing about) the child in Seen."""

    at: str  # ISO 8601, as the audit log holds it
    role: str
    action: str
    what: str
    purpose: str


@dataclass
class AgencyKnew:
    agency: str
    recorded: list[Row] = field(default_factory=list)
    looked: list[Look] = field(default_factory=list)

    @property
    def first_known(self) -> date | None:
        days = [r.on for r in self.recorded] + [date.fromisoformat(k.at[:10]) for k in self.looked]
        return min(days, default=None)


@dataclass
class Chronology:
    reference: str
    names: list[str]
    dob: date | None
    incidents: list[Incident]
    rows: list[Row]
    agencies: list[AgencyKnew]

    def disclosed(self) -> dict[str, Any]:
        """What the audit entry records as shown."""
        return {
            "incidents": [i.pk for i in self.incidents],
            "facts": len(self.rows),
            "agencies": [a.agency for a in self.agencies],
        }


class _Keeping(_Household):
    """The case file's household assembly, keeping each timeline entry's fact (its source)."""

    def __init__(self, subject: Subject, viewer: Any, file: CaseFile) -> None:
        super().__init__(subject, viewer, file)
        self.kept: list[tuple[Fact, Entry]] = []

    def _entry(self, fact: Fact) -> Entry:
        entry = super()._entry(fact)
        self.kept.append((fact, entry))
        return entry


def _reached(facts: list[Fact]) -> dict[tuple[str, int], datetime | None]:
    """When each fact reached Seen: its ingest batch's end (else start); one query per type."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for fact in facts:
        wanted[fact.type].append(fact.id)
    found: dict[tuple[str, int], datetime | None] = {}
    for kind, ids in wanted.items():
        rows = FACT_TYPES[kind]._default_manager.filter(pk__in=ids).values_list(
            "pk", "batch__finished_at", "batch__started_at"
        )
        found.update({(kind, pk): finished or started for pk, finished, started in rows})
    return found


def chronology(subject: Subject, decision: Decision, viewer: Any) -> Chronology:
    """The chronology of a born child with a notification, at the decision's level."""
    if not decision.allowed:
        raise PermissionError(decision.reason)
    assert subject.person is not None
    file = CaseFile(
        reference=subject.reference,
        unborn=False,
        level=decision.level,
        reason=decision.reason,
        flags=flags_of(subject),
    )
    household = _Keeping(subject, viewer, file)
    household.assemble()
    facts = [fact for fact, _ in household.kept]
    reached = _reached(facts)
    rows = sorted(
        (
            Row(
                on=entry.on,
                agency=entry.agency,
                area=entry.area,
                what=entry.what,
                detail=entry.detail,
                about=entry.about,
                source=_source(fact, entry),
                reached=reached.get(fact.ref),
            )
            for fact, entry in household.kept
        ),
        key=lambda r: (r.on, r.agency, r.what, r.source),
    )
    return Chronology(
        reference=subject.reference,
        names=file.names,
        dob=file.dob,
        incidents=list(Incident.objects.filter(child=subject.person).order_by("learned_on", "pk")),
        rows=rows,
        agencies=_agencies(rows, subject),
    )


def _source(fact: Fact, entry: Entry) -> str:
    local = str(fact.get("local_id") or "")
    if local.startswith("seen-"):
        return f"written in Seen by {entry.agency}"
    return f"{entry.agency}, their record {local}" if local else entry.agency


# looks that are not an agency knowing the child: the review and audit themselves, and the
# notification's own pages
NOT_KNOWING_PURPOSES = frozenset({"review", "audit"})
NOT_KNOWING_OBJECTS = frozenset(
    {"incident", "incident_form", "incidents", "chronology", "chronologies"}
)


def _agencies(rows: list[Row], subject: Subject) -> list[AgencyKnew]:
    assert subject.person is not None
    knew: dict[str, AgencyKnew] = {}
    for row in rows:
        knew.setdefault(row.agency, AgencyKnew(row.agency)).recorded.append(row)
    names = dict(Agency.objects.values_list("code", "name"))
    for entry in who_looked(subject.person):
        if (
            entry["outcome"] != "allowed"
            or not entry["agency"]
            or entry["purpose"] in NOT_KNOWING_PURPOSES
            or entry["object_type"] in NOT_KNOWING_OBJECTS
        ):
            continue
        agency = str(names.get(entry["agency"]) or entry["agency"])
        knew.setdefault(agency, AgencyKnew(agency)).looked.append(
            Look(
                at=str(entry["at"]),
                role=str(entry["role"]).replace("_", " "),
                action=str(entry["action"]).replace("_", " "),
                what=str(entry["object_type"]).replace("_", " "),
                purpose=str(entry["purpose"]).replace("_", " "),
            )
        )
    return sorted(knew.values(), key=lambda a: (a.first_known or date.max, a.agency))
