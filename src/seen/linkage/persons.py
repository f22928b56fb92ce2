"""Turning clusters of records into persons whose references never change.

A cluster keeps the existing person that holds most of its records (the older person on a tie),
so a re-run after new records arrive renumbers nobody. Records that change person get a new
LinkDecision (the old one is closed, never deleted); a person left with no records points to
where its records went (`merged_into`), so an old reference still leads somewhere."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from seen.core.inserts import insert_rows
from seen.people.models import LinkDecision, Person, SourceRecord

_IN_BATCH = 10_000  # ids per IN (...) query: SQLite allows at most 32,766 variables

# (record id) -> (method, match probability or None, evidence) for the decision row
Explain = Callable[[int, list[int]], tuple[str, float | None, dict[str, Any]]]


@dataclass
class Assignment:
    persons_created: int = 0
    records_moved: int = 0
    persons_merged: int = 0
    person_of: dict[int, int] = field(default_factory=dict)  # record id -> person id


def next_reference_number() -> int:
    last = Person.objects.order_by("-reference").values_list("reference", flat=True).first()
    return int(last[1:]) + 1 if last else 1


def reference_for(number: int) -> str:
    return f"P{number:08d}"


def assign_persons(clusters: dict[int, int], *, explain: Explain, now: datetime) -> Assignment:
    """Give every clustered record a person, keeping existing persons wherever possible."""
    current = (
        dict(SourceRecord.objects.filter(pk__in=list(clusters)).values_list("pk", "person_id"))
        if len(clusters) <= _IN_BATCH
        else dict(SourceRecord.objects.values_list("pk", "person_id"))
    )
    members: dict[int, list[int]] = defaultdict(list)
    for record, key in clusters.items():
        members[key].append(record)

    keeper = _choose_keepers(members, current)
    revived = _revive_emptied(members, keeper, current)
    result = Assignment()
    with transaction.atomic():
        Person.objects.filter(pk__in=revived).update(merged_into=None)
        number = next_reference_number()
        new_persons = []
        for key in sorted(members):
            if key not in keeper:
                new_persons.append(Person(reference=reference_for(number)))
                number += 1
        created = Person.objects.bulk_create(new_persons)
        if created and created[0].pk is None:  # backends that do not return ids
            references = [p.reference for p in new_persons]
            created = [
                person
                for start in range(0, len(references), _IN_BATCH)
                for person in Person.objects.filter(
                    reference__in=references[start : start + _IN_BATCH]
                ).order_by("reference")
            ]
        fresh = iter(created)
        for key in sorted(members):
            if key not in keeper:
                keeper[key] = next(fresh).pk
        result.persons_created = len(created)

        moves: list[tuple[int, int]] = []
        decisions: list[dict[str, Any]] = []
        for key, records in members.items():
            person = keeper[key]
            for record in records:
                result.person_of[record] = person
                if current.get(record) == person:
                    continue
                moves.append((person, record))
                method, probability, evidence = explain(record, records)
                decisions.append(
                    {
                        "record_id": record,
                        "person_id": person,
                        "method": method,
                        "match_probability": probability,
                        "evidence": evidence,
                        "reason": "",
                        "decided_at": now,
                    }
                )
        _apply_moves(moves, decisions, now)
        result.records_moved = len(moves)
        result.persons_merged = _mark_emptied(current, result.person_of)
    return result


def _choose_keepers(
    members: dict[int, list[int]], current: Mapping[int, int | None]
) -> dict[int, int]:
    """Each cluster keeps the person holding most of its records; a person keeps one cluster."""
    offers = []
    for key, records in members.items():
        counts: Counter[int] = Counter()
        for record in records:
            person = current.get(record)
            if person is not None:
                counts[person] += 1
        for person, count in counts.items():
            offers.append((-count, person, key))
    keeper: dict[int, int] = {}
    taken: set[int] = set()
    for _negative_count, person, key in sorted(offers):
        if key in keeper or person in taken:
            continue
        keeper[key] = person
        taken.add(person)
    return keeper


def _revive_emptied(
    members: dict[int, list[int]], keeper: dict[int, int], current: Mapping[int, int | None]
) -> list[int]:
    """A cluster with no person of its own takes back the person its records last had, if that
    person now holds nothing (for example after a merge is undone): its reference comes back."""
    unkept = [key for key in sorted(members) if key not in keeper]
    if not unkept:
        return []
    # Only records that had a person before can have one to go back to (none, on a first run).
    records = [r for key in unkept for r in members[key] if current.get(r) is not None]
    kept = set(keeper.values())
    last_other: dict[int, int] = {}  # record -> the latest person it had that is not kept now
    for start in range(0, len(records), _IN_BATCH):
        for record, person in (
            LinkDecision.objects.filter(record_id__in=records[start : start + _IN_BATCH])
            .order_by("decided_at", "pk")
            .values_list("record_id", "person_id")
        ):
            if person not in kept:
                last_other[record] = person
    candidates = set(last_other.values())
    holding: set[int] = set()
    ordered = sorted(candidates)
    for start in range(0, len(ordered), _IN_BATCH):
        holding |= set(
            SourceRecord.objects.filter(
                person_id__in=ordered[start : start + _IN_BATCH]
            ).values_list("person_id", flat=True)
        )
    revived = []
    for key in unkept:
        previous = Counter(last_other[r] for r in members[key] if r in last_other)
        for person, _count in sorted(previous.items(), key=lambda item: (-item[1], item[0])):
            if person in candidates and person not in holding:
                keeper[key] = person
                candidates.discard(person)
                revived.append(person)
                break
    return revived


def _apply_moves(
    moves: list[tuple[int, int]], decisions: list[dict[str, Any]], now: datetime
) -> None:
    if not moves:
        return
    record_ids = [record for _person, record in moves]
    table = SourceRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET person_id = %s WHERE id = %s", moves)
    for start in range(0, len(record_ids), 10_000):
        LinkDecision.objects.filter(
            record_id__in=record_ids[start : start + 10_000], superseded_at__isnull=True
        ).update(superseded_at=now)
    insert_rows(LinkDecision, decisions)


def _mark_emptied(before: Mapping[int, int | None], after: Mapping[int, int]) -> int:
    """Persons who lost every record point to the person most of their records joined."""
    went: dict[int, Counter[int]] = defaultdict(Counter)
    for record, old in before.items():
        if old is not None and after.get(record, old) != old:
            went[old][after[record]] += 1
    if not went:
        return 0
    emptied = sorted(went)
    still_held: set[int] = set()
    for start in range(0, len(emptied), _IN_BATCH):
        still_held |= set(
            SourceRecord.objects.filter(
                person_id__in=emptied[start : start + _IN_BATCH]
            ).values_list("person_id", flat=True)
        )
    merged = 0
    for old, destinations in went.items():
        if old in still_held:
            continue
        target = min(destinations.items(), key=lambda item: (-item[1], item[0]))[0]
        Person.objects.filter(pk=old).update(merged_into_id=target)
        merged += 1
    return merged
