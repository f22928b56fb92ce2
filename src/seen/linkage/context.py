"""Relationship context: what an agency records around a person, as evidence of who he is.

A mother names the father of her pregnancy at booking, often by his first name only
("partner: Jon"), with no address or telephone of his own. What Seen already knows around that
record is evidence his name alone is not:

- `family_postcode`, `family_phone`: the home of the family he is named in (the postcode and
  phone of the child's record, or of the pregnancy's mother). Another record of his at that
  home agrees with it (the model's `family_home` comparison; a man who lives elsewhere simply
  does not gain). Used only where his record holds no postcode (phone) of its own
  (seen.linkage.prepare), so the home is never counted twice.
- `parent_on`: the first date he is named as a baby's or pregnancy's parent or partner, or a
  mother's pregnancy was booked. A record born less than twelve years before that is not his
  (seen.linkage.exclusions): a baby named after his father is not the father.

The rule is applied to stored records here (`seen link`, the incremental match); the benchmark
applies the same rule to the synthetic partnership's files (seen.bench.linkage_datasets), and
the independent evaluation set writes it as an agency would (seen.evalset).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from seen.people.models import Pregnancy, Relationship

# the kinds of relationship that make someone a parent or a parent's partner
PARENT_KINDS = (
    Relationship.Kind.BIRTH_MOTHER,
    Relationship.Kind.BIRTH_FATHER,
    Relationship.Kind.MOTHERS_PARTNER,
    Relationship.Kind.MALE_CARER,
)
PREGNANCY_DAYS = 280


def context_of(records: Collection[int] | QuerySet[Any] | None = None) -> dict[int, dict[str, Any]]:
    """record id -> {family_postcode, family_phone, parent_on} for the records (ids, or a
    queryset of them; all if None) that any relationship or pregnancy names; the others have
    no context."""
    relationships = Relationship.objects.exclude(kind=Relationship.Kind.SIBLING)
    pregnancies = Pregnancy.objects.all()
    if records is not None:
        relationships = relationships.filter(person_id__in=records)
        pregnancies = pregnancies.filter(mother_id__in=records)
    found: dict[int, dict[str, Any]] = {}

    def note(record: int, postcode: str, phone: str, on: date | None) -> None:
        context = found.setdefault(
            record, {"family_postcode": None, "family_phone": None, "parent_on": None}
        )
        # of several families, the first in order: one answer whatever the order of the rows
        for key, value in (("family_postcode", postcode), ("family_phone", phone)):
            if value and (context[key] is None or value < context[key]):
                context[key] = value
        if on is not None and (context["parent_on"] is None or on < context["parent_on"]):
            context["parent_on"] = on

    rows = relationships.values_list(
        "person_id",
        "kind",
        "asserted_on",
        "child__postcode",
        "child__phone",
        "pregnancy__mother__postcode",
        "pregnancy__mother__phone",
    )
    for (
        person,
        kind,
        asserted_on,
        child_postcode,
        child_phone,
        mother_postcode,
        mother_phone,
    ) in rows.iterator(chunk_size=20_000):
        note(
            person,
            child_postcode or mother_postcode or "",
            child_phone or mother_phone or "",
            asserted_on if kind in PARENT_KINDS else None,
        )
    for mother, booked_on, expected in pregnancies.values_list(
        "mother_id", "booked_on", "expected_date"
    ).iterator(chunk_size=20_000):
        started = booked_on or (expected - timedelta(days=PREGNANCY_DAYS) if expected else None)
        note(mother, "", "", started)
    return found
