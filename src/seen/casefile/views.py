"""What the case file shows, as the child page and `GET /api/children/{reference}` render it:
the people around the baby with whether they have been seen, plans and programmes, alerts with
their lifecycle, and the timeline. Plain data, every value already shielded for its viewer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from seen.access.policy import Level
from seen.casefile.flags import Contact, Flags


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
    fact: tuple[str, int]  # (type, id): which fact, for the chronology's source and timing
    local_id: str  # the agency's own identifier of the row ("seen-…" when written in Seen)


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
