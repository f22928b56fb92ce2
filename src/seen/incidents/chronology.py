"""The chronology for a rapid review: for a notified child, every fact from every agency and
area in time order with its source, and what each agency knew and when.

The facts are the child's case-file timeline (seen.casefile.childfile: the family read as the
rules read it, facts ordered across agencies and areas, shielded values replaced at the
viewer's own clearance), taken in date order with each fact's source (the agency, its area and
its own identifier for the row) and when it reached Seen (the ingest batch that brought it; a
fact written in Seen itself says so). What each agency knew is what it recorded and when it
reached Seen, with when its practitioners looked at the child in Seen, from the audit log
(seen.casefile.disclosure.who_looked): refusals, and looks for a review or an audit or at the
notification itself, are not an agency knowing the child and are left out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from seen.access.policy import Decision
from seen.areas.models import Agency
from seen.casefile.childfile import case_file
from seen.casefile.disclosure import who_looked
from seen.casefile.subjects import Subject
from seen.casefile.views import Entry
from seen.core.errors import Refused
from seen.core.models import LOCAL_ID_PREFIX
from seen.incidents.models import Incident
from seen.rules.world import FACT_TYPES


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


def _reached(facts: list[tuple[str, int]]) -> dict[tuple[str, int], datetime | None]:
    """When each fact reached Seen: its ingest batch's end (else start); one query per type."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for kind, pk in facts:
        wanted[kind].append(pk)
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
        raise Refused(decision.reason)
    assert subject.person is not None
    file = case_file(subject, decision, viewer)
    reached = _reached([entry.fact for entry in file.timeline])
    rows = sorted(
        (
            Row(
                on=entry.on,
                agency=entry.agency,
                area=entry.area,
                what=entry.what,
                detail=entry.detail,
                about=entry.about,
                source=_source(entry),
                reached=reached.get(entry.fact),
            )
            for entry in file.timeline
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


def _source(entry: Entry) -> str:
    local = entry.local_id
    if local.startswith(LOCAL_ID_PREFIX):
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
