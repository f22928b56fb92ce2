"""The persons who may be the same as one person: where the person page offers a merge.

A possible same person holds a record that a candidate pair joins to one of this person's
records: a pair in the review band, or an automatic link Seen held back (seen.linkage.review
queues both). As in the review queue, a pair a decision in force settles is not offered, nor one
the two records' own links outweigh; and a person a practitioner decided is someone else (a
cannot-link in force between a record of each) is not offered at all, since merging them would
contradict that decision. One entry per other person, its strongest pair first."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Q

from seen.linkage.models import CandidatePair
from seen.linkage.resolve import decisions_in_force
from seen.linkage.review import outweighed, strongest_own_links
from seen.people.models import Person, SourceRecord


@dataclass(frozen=True)
class PossibleSamePerson:
    person: Person  # the other person, as Seen holds them now
    pairs: tuple[CandidatePair, ...]  # between a record of each, strongest first

    @property
    def strongest(self) -> CandidatePair:
        return self.pairs[0]


def possible_same_persons(person: Person) -> list[PossibleSamePerson]:
    """The persons who may be `person`, the most likely first."""
    mine = set(SourceRecord.objects.filter(person=person).values_list("pk", flat=True))
    if not mine:
        return []
    pairs = list(
        CandidatePair.objects.filter(Q(record_l__in=mine) | Q(record_r__in=mine))
        .exclude(record_l__person=F("record_r__person"))
        .select_related(
            "record_l__agency", "record_r__agency", "record_l__person", "record_r__person"
        )
        .order_by("-match_probability", "pk")
    )
    must, cannot, _ = decisions_in_force()
    settled = {(min(a, b), max(a, b)) for a, b in must + cannot}
    kept_apart = {b if a in mine else a for a, b in cannot if (a in mine) != (b in mine)}
    apart_persons = set(
        SourceRecord.objects.filter(pk__in=kept_apart, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    own = strongest_own_links({r for p in pairs for r in (p.record_l_id, p.record_r_id)})
    by_person: dict[int, list[CandidatePair]] = defaultdict(list)
    others: dict[int, Person] = {}
    for pair in pairs:
        other = pair.record_r if pair.record_l_id in mine else pair.record_l
        if other.person is None or other.person_id in apart_persons:
            continue
        if (pair.record_l_id, pair.record_r_id) in settled:
            continue
        if outweighed(pair.match_probability, own.get(pair.record_l_id), own.get(pair.record_r_id)):
            continue
        others[other.person.pk] = other.person
        by_person[other.person.pk].append(pair)
    found = [PossibleSamePerson(others[pk], tuple(held)) for pk, held in by_person.items()]
    return sorted(found, key=lambda p: (-p.strongest.match_probability, p.person.reference))


def offered_pair(person: Person, pair_id: int) -> PossibleSamePerson | None:
    """The possible same person a pair offers for `person`, or None: a pair that does not join
    one of this person's records to a possible same person's is not an offer."""
    for possible in possible_same_persons(person):
        if any(pair.pk == pair_id for pair in possible.pairs):
            return possible
    return None
