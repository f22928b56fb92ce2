"""The rows that stand for one child: its source records (every agency's record of the baby, as
linkage has joined them) and its pregnancy rows (before birth, and the pregnancy that became
it). Facts, relationships and responsibilities about the child point at one or the other.

Filter with `about_child(rows)` (ids in a list), never with `Q(child__person=...) |
Q(pregnancy__child__person=...)`: PostgreSQL cannot use an index for an OR across joins and
scans every record instead (a second rather than a millisecond at 10,000 births)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from seen.people.models import Pregnancy, SourceRecord


@dataclass(frozen=True)
class ChildRows:
    records: tuple[int, ...]
    pregnancies: tuple[int, ...]


def child_rows(person: int | None, pregnancies: Iterable[int] = ()) -> ChildRows:
    """Two indexed queries: the person's records, then the pregnancies that became one of them."""
    records = (
        tuple(SourceRecord.objects.filter(person_id=person).values_list("pk", flat=True))
        if person
        else ()
    )
    carried = set(pregnancies)
    if records:
        carried |= set(
            Pregnancy.objects.filter(child_id__in=records).values_list("pk", flat=True)
        )
    return ChildRows(records, tuple(sorted(carried)))


def about_child(rows: ChildRows, child: str = "child", pregnancy: str = "pregnancy") -> Q:
    """Rows whose `child` is one of the child's records or whose `pregnancy` is one of its
    pregnancies (field names for models that call them otherwise)."""
    about = Q(pk__in=[])
    if rows.records:
        about |= Q(**{f"{child}_id__in": rows.records})
    if rows.pregnancies:
        about |= Q(**{f"{pregnancy}_id__in": rows.pregnancies})
    return about
