"""The clerical review queue: pairs in the review band, and automatic links an exclusion held
back (seen.linkage.clustering), that no decision has settled and whose records are not already
one person; most important first: a man around a baby, then anyone around a baby or pregnancy,
then the rest. A pair outweighed by both records' own links is not queued (`outweighed`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from seen.linkage.clustering import bits, conflict
from seen.linkage.exclusions import UNCORROBORATED, uncorroborated
from seen.linkage.models import CandidatePair
from seen.linkage.resolve import (
    corroboration_in_force,
    decisions_in_force,
    exclusions_in_force,
    identifiers_of_person,
)
from seen.people.models import Pregnancy, Relationship, Sex


@dataclass(frozen=True)
class ReviewItem:
    pair: CandidatePair
    priority: int  # 0 a man around a baby, 1 someone around a baby, 2 other
    why_first: str


PRIORITY_TEXT = {
    0: "a man linked to a baby or pregnancy",
    1: "an adult linked to a baby or pregnancy",
    2: "no link to a baby recorded",
}


def _around_a_baby(side: str) -> Q:
    relationship = Relationship.objects.filter(person=OuterRef(side)).exclude(
        kind=Relationship.Kind.SIBLING
    )
    pregnancy = Pregnancy.objects.filter(mother=OuterRef(side))
    return Q(Exists(relationship)) | Q(Exists(pregnancy))


def _with_priority(pairs: QuerySet[CandidatePair]) -> QuerySet[CandidatePair]:
    around = _around_a_baby("record_l") | _around_a_baby("record_r")
    male = Q(record_l__sex=Sex.MALE) | Q(record_r__sex=Sex.MALE)
    return pairs.annotate(
        priority=Case(
            When(around & male, then=Value(0)),
            When(around, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


def _queue() -> QuerySet[CandidatePair]:
    return (
        _with_priority(CandidatePair.objects.exclude(record_l__person=F("record_r__person")))
        .select_related("record_l", "record_r", "record_l__agency", "record_r__agency")
        .order_by("priority", "-match_probability", "pk")
    )


def priority_of(pair: CandidatePair) -> int:
    """Where this pair stands in the queue's order (0 first), whatever its band."""
    priorities = _with_priority(CandidatePair.objects.filter(pk=pair.pk)).values_list(  # type: ignore[misc]
        "priority", flat=True
    )
    return int(priorities.get())


def held_back_because(pair: CandidatePair) -> str | None:
    """Why a pair in the automatic-link band was not linked: what the records of the two
    persons hold that says they are different people (seen.linkage.exclusions). None for a
    pair in the review band, or one whose records are one person."""
    if pair.band != CandidatePair.Band.LINK:
        return None
    left, right = pair.record_l.person_id, pair.record_r.person_id
    if left is None or right is None or left == right:
        return None
    if corroboration_in_force() and uncorroborated(pair.evidence or {}):
        return UNCORROBORATED
    return conflict(
        identifiers_of_person(left), identifiers_of_person(right), exclusions_in_force()
    ) or ("linking them would join records a practitioner decided are different people")


# A pair whose two records are each linked to their own person far more strongly than to each
# other (by this many bits: a thousand times the odds) is not queued: it would ask a person to
# undo two confident links on weaker evidence. Most such pairs are a man named by his name only
# against another man of that name. Measured on the synthetic partnership and the independent
# set, no true pair was dropped at 10 bits (docs/linkage.md).
OUTWEIGHED_BITS = 10.0


def outweighed(probability: float, own_left: float | None, own_right: float | None) -> bool:
    """Whether a pair is outweighed: each record's strongest automatic link within its own
    person (None for a record alone) is OUTWEIGHED_BITS stronger than the pair."""
    return all(
        own is not None and bits(own) - bits(probability) >= OUTWEIGHED_BITS
        for own in (own_left, own_right)
    )


def strongest_own_links(records: Collection[int] | None = None) -> dict[int, float]:
    """record -> the probability of its strongest automatic link to a record of its own person
    (of every record, or of `records` only: one person's page asks about a few)."""
    strongest: dict[int, float] = {}
    links = CandidatePair.objects.filter(
        band=CandidatePair.Band.LINK, record_l__person=F("record_r__person")
    )
    if records is not None:
        links = links.filter(Q(record_l__in=records) | Q(record_r__in=records))
    rows = links.values_list("record_l_id", "record_r_id", "match_probability")
    for left, right, probability in rows.iterator(chunk_size=20_000):
        for record in (left, right):
            if records is None or record in records:
                strongest[record] = max(strongest.get(record, 0.0), probability)
    return strongest


def review_queue(limit: int | None = None) -> list[ReviewItem]:
    must, cannot, _ = decisions_in_force()
    settled = {tuple(sorted(p)) for p in must + cannot}
    own = strongest_own_links()
    items = []
    for pair in _queue().iterator():
        if (pair.record_l_id, pair.record_r_id) in settled:
            continue
        if outweighed(pair.match_probability, own.get(pair.record_l_id), own.get(pair.record_r_id)):
            continue
        priority = pair.priority  # type: ignore[attr-defined]
        items.append(ReviewItem(pair, priority, PRIORITY_TEXT[priority]))
        if limit is not None and len(items) >= limit:
            break
    return items
