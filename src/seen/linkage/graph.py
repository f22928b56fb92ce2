"""The graph every rule needs: which children an adult is linked to, and which adults are around
a child, across every agency and area, each link with its relationship, source and period.

Relationships are recorded between source records; persons come from linkage, so a man known to
the police under one spelling and to maternity under another is one adult here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from seen.people.about import about_child, child_rows
from seen.people.models import Person, Pregnancy, Relationship


@dataclass(frozen=True)
class Link:
    """One relationship between an adult and a child (or unborn child)."""

    adult_person_id: int | None
    adult_record_id: int
    child_person_id: int | None  # None for an unborn child not yet linked to a baby
    child_record_id: int | None
    pregnancy_id: int | None
    kind: str
    agency: str
    area: str | None  # area of the agency that recorded it
    asserted_on: date
    start: date | None
    end: date | None


def _links(relationships: QuerySet[Relationship]) -> list[Link]:
    rows = relationships.select_related(
        "person", "child", "pregnancy", "pregnancy__child", "agency", "agency__area"
    ).order_by("asserted_on", "pk")
    links = []
    for rel in rows:
        child = rel.child or (rel.pregnancy.child if rel.pregnancy else None)
        links.append(
            Link(
                adult_person_id=rel.person.person_id,
                adult_record_id=rel.person_id,
                child_person_id=child.person_id if child else None,
                child_record_id=child.pk if child else None,
                pregnancy_id=rel.pregnancy_id,
                kind=rel.kind,
                agency=rel.agency.code,
                area=rel.agency.area.code if rel.agency.area else None,
                asserted_on=rel.asserted_on,
                start=rel.start,
                end=rel.end,
            )
        )
    return links


def _mothers_of_pregnancies(pregnancies: QuerySet[Pregnancy]) -> list[Link]:
    """A pregnancy's mother is around the unborn child even where no relationship row says so."""
    links = []
    for pregnancy in pregnancies.select_related("mother", "child", "agency", "agency__area"):
        links.append(
            Link(
                adult_person_id=pregnancy.mother.person_id,
                adult_record_id=pregnancy.mother_id,
                child_person_id=pregnancy.child.person_id if pregnancy.child else None,
                child_record_id=pregnancy.child_id,
                pregnancy_id=pregnancy.pk,
                kind=Relationship.Kind.BIRTH_MOTHER,
                agency=pregnancy.agency.code,
                area=pregnancy.agency.area.code if pregnancy.agency.area else None,
                asserted_on=pregnancy.booked_on or pregnancy.expected_date,
                start=None,
                end=None,
            )
        )
    return links


def children_of(person: Person) -> list[Link]:
    """Every child and unborn child this person is linked to, in any agency or area."""
    adult_records = Q(person__person=person)
    relationships = Relationship.objects.filter(adult_records).exclude(
        kind=Relationship.Kind.SIBLING
    )
    pregnancies = Pregnancy.objects.filter(mother__person=person)
    return _links(relationships) + _mothers_of_pregnancies(pregnancies)


def adults_around(child: Person) -> list[Link]:
    """Every adult around this child, from relationships to the child or to the pregnancy
    that became the child."""
    rows = child_rows(child.pk)
    relationships = Relationship.objects.filter(about_child(rows)).exclude(
        kind=Relationship.Kind.SIBLING
    )
    pregnancies = Pregnancy.objects.filter(pk__in=rows.pregnancies)
    return _links(relationships) + _mothers_of_pregnancies(pregnancies)


def adults_around_pregnancy(pregnancy: Pregnancy) -> list[Link]:
    relationships = Relationship.objects.filter(pregnancy=pregnancy).exclude(
        kind=Relationship.Kind.SIBLING
    )
    return _links(relationships) + _mothers_of_pregnancies(
        Pregnancy.objects.filter(pk=pregnancy.pk)
    )
