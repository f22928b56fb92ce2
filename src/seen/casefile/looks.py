"""The audit entries about a person: who has looked at them (`who_looked`: the entries naming
them), and every display of their data (`seen_by`, for the subject-access report).

Every face writes one entry per look (seen.access.auditing), naming the person it is about as
its `subject`, and the other persons it showed in its `disclosed` summary: by reference (a
child's page lists the `people` around the child, a list of alerts its `children`, a pair its
`subjects`, a recording form the `men` it offers, the home page the `contacts_due`), or by
record id (the `adults` a plans page names, the candidate `pairs` of the review queue). Two
displays of a child show the adults around the child without listing them: its chronology (page
and downloads: every fact about the child and the adults around them) and its MASH triage page
(each area an adult is known in, and why). `seen_by` counts those too, for the adults around the
child now (cautious: a look before the adult was recorded around the child is counted as well).

These functions read; they decide nothing about who may call them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Q

from seen.audit.models import AuditEvent, Outcome
from seen.linkage.models import CandidatePair
from seen.people.models import Person, Pregnancy, Relationship, SourceRecord
from seen.rules.world import unborn_children

Row = dict[str, Any]

# the keys of `disclosed` that list persons by reference, as the faces write them
NAMING_KEYS = ("subjects", "children", "people", "men", "contacts_due")
# the ones who_looked has always read (the chronology's "what each agency knew" reads it)
LOOKED_KEYS = ("subjects", "children", "people")
# displays of a child that show the adults around the child without listing them
SHOWS_ADULTS_AROUND = ("chronology", "triage")
DISPLAYS = ("read", "export")  # the actions that show data (a write or a refusal shows none)
# how an entry came to be counted (`through` in a seen_by row)
ABOUT = "about"  # the person is its subject, or the object it read
NAMED = "named"  # the person is among the persons it lists
AROUND = "around"  # a display of a child the person is around
LISTED = "listed"  # the person's record is among the records or pairs it lists


def merged_into(person: Person) -> list[Person]:
    """The person and every person whose records were merged into it (at any remove)."""
    found = {person.pk: person}
    frontier = [person.pk]
    while frontier:
        merged = [
            p for p in Person.objects.filter(merged_into_id__in=frontier) if p.pk not in found
        ]
        found.update((p.pk, p) for p in merged)
        frontier = [p.pk for p in merged]
    return list(found.values())


def _text(moment: datetime | date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def entry_row(event: AuditEvent) -> Row:
    """One audit entry as the reports give it."""
    return {
        "seq": event.seq,
        "at": _text(event.at),
        "user": event.username,
        "role": event.role,
        "agency": event.agency,
        "purpose": event.purpose,
        "action": event.action,
        "via": event.via,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "subject": event.subject,
        "disclosed": event.disclosed,
        "outcome": event.outcome,
        "reason": event.reason,
    }


def naming(references: Iterable[str], keys: Iterable[str] = LOOKED_KEYS) -> Q:
    """Entries about any of these references: as their subject, or among the persons a look
    listed under one of `keys`. Person references are of one width, so a reference found in a
    list's text is that reference (an unborn child's `U…` is not: seen_by checks exactly)."""
    references = list(references)
    about = Q(subject__in=references)
    for reference in references:
        for key in keys:
            about |= Q(**{f"disclosed__{key}__icontains": reference})
    return about


def who_looked(person: Person) -> list[Row]:
    """Every audit entry about the person (under any reference merged into theirs), oldest
    first: who, in which role and agency, for what purpose, when, and what they were shown."""
    references = [p.reference for p in merged_into(person)]
    return [
        entry_row(event)
        for event in AuditEvent.objects.filter(naming(references)).order_by("seq").iterator()
    ]


class _Person:
    """What marks an entry as a display of one person's data: their references (merged ones,
    and the unborn child they were), their records, the candidate pairs naming those records,
    and the children they are around."""

    def __init__(self, person: Person) -> None:
        persons = merged_into(person)
        self.records = set(
            SourceRecord.objects.filter(person_id__in=[p.pk for p in persons]).values_list(
                "pk", flat=True
            )
        )
        became = Pregnancy.objects.filter(child_id__in=self.records).values_list("pk", flat=True)
        self.references = {p.reference for p in persons} | _unborn(became)
        self.pairs = set(
            CandidatePair.objects.filter(
                Q(record_l_id__in=self.records) | Q(record_r_id__in=self.records)
            ).values_list("pk", flat=True)
        )
        self.children = _children_around(self.records) - self.references

    def narrowed(self) -> Q:
        """A query that finds every entry `through` may count (and some it will not)."""
        found = naming(self.references, NAMING_KEYS) | Q(object_id__in=self.references)
        if self.children:
            found |= Q(
                object_type__in=SHOWS_ADULTS_AROUND,
                action__in=DISPLAYS,
                subject__in=self.children,
            )
        if self.records:
            found |= Q(disclosed__has_key="adults")
        if self.pairs:
            found |= Q(disclosed__has_key="pairs")
        return found

    def through(self, event: AuditEvent) -> str:
        """How the entry showed this person's data, or "" when it did not."""
        if event.subject in self.references or event.object_id in self.references:
            return ABOUT
        disclosed = event.disclosed if isinstance(event.disclosed, dict) else {}
        for key in NAMING_KEYS:
            if self.references & _strings(disclosed.get(key)):
                return NAMED
        if (
            event.object_type in SHOWS_ADULTS_AROUND
            and event.action in DISPLAYS
            and event.subject in self.children
            and event.outcome == Outcome.ALLOWED
        ):
            return f"{AROUND}:{event.subject}"
        if self.records & _ids(disclosed.get("adults")) or self.pairs & _ids(
            disclosed.get("pairs")
        ):
            return LISTED
        return ""


def _strings(value: Any) -> set[str]:
    return {str(item) for item in value} if isinstance(value, list) else set()


def _ids(value: Any) -> set[int]:
    return {item for item in value if isinstance(item, int)} if isinstance(value, list) else set()


def _unborn(pregnancies: Iterable[int]) -> set[str]:
    """The `U…` references an unborn child of these pregnancy rows was shown under: every row
    grouped with them into one unborn child (seen.rules.world.unborn_children, as
    seen.casefile.subjects reads a reference)."""
    wanted = set(pregnancies)
    if not wanted:
        return set()
    mothers = Pregnancy.objects.filter(pk__in=wanted).values_list("mother_id", "mother__person_id")
    theirs = Q(pk__in=[])
    for record, person in mothers:
        theirs |= Q(mother__person_id=person) if person else Q(mother_id=record)
    rows = Pregnancy.objects.filter(theirs).values_list("pk", "expected_date", "mother_id")
    by_mother: dict[int, list[tuple[int, date]]] = {}
    for pk, expected, mother in rows:
        by_mother.setdefault(mother, []).append((pk, expected))
    found: set[str] = set()
    for hers in by_mother.values():
        for child in unborn_children(hers):
            if wanted & set(child):
                found |= {f"U{pk}" for pk in child}
    return found


def _children_around(records: set[int]) -> set[str]:
    """The references of the children these records are around: as a mother (her pregnancies),
    or through a relationship to a child or to a pregnancy; before birth the unborn child's
    `U…` references, after it the baby's too."""
    if not records:
        return set()
    named = set(
        Relationship.objects.filter(person_id__in=records, pregnancy__isnull=False).values_list(
            "pregnancy_id", flat=True
        )
    ) | set(Pregnancy.objects.filter(mother_id__in=records).values_list("pk", flat=True))
    child_records = set(
        Relationship.objects.filter(person_id__in=records, child__isnull=False).values_list(
            "child_id", flat=True
        )
    ) | {
        child
        for child in Pregnancy.objects.filter(pk__in=named).values_list("child_id", flat=True)
        if child is not None
    }
    born = SourceRecord.objects.filter(pk__in=child_records, person__isnull=False).values_list(
        "person__reference", flat=True
    )
    return set(born) | _unborn(named)


def seen_by(person: Person) -> list[Row]:
    """Every display of the person's data, oldest first: the entries naming them (as
    who_looked finds them, and under every key a face lists persons by), the displays of a child
    they are around that showed the adults around it, and the lists naming their records. Each
    row says `through` which: "about", "named", "around:<child's reference>" or "listed"."""
    wanted = _Person(person)
    rows = []
    for event in AuditEvent.objects.filter(wanted.narrowed()).order_by("seq").iterator():
        through = wanted.through(event)
        if through:
            rows.append({**entry_row(event), "through": through})
    return rows


def look_line(row: Row) -> str:
    """One audit entry about a person, as a line of text (`seen audit who-looked`)."""
    who = row["user"] or "(system)"
    where = ", ".join(part for part in (row["role"], row["agency"]) if part)
    disclosed = row["disclosed"]
    shown = ", ".join(disclosed) if isinstance(disclosed, list) else _summary_text(disclosed)
    line = (
        f"{row['at']} {who} ({where}) {row['action']} {row['object_type']} {row['object_id']}"
        f" via {row['via']} for {row['purpose']}"
    )
    if shown:
        line += f"; shown: {shown}"
    if row["outcome"] != "allowed":
        line += f"; {row['outcome']}: {row['reason']}"
    return line


def _summary_text(disclosed: Any) -> str:
    if isinstance(disclosed, dict):
        return ", ".join(
            f"{key} {', '.join(map(str, value)) if isinstance(value, list) else value}"
            for key, value in disclosed.items()
        )
    return str(disclosed) if disclosed else ""
