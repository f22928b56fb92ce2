"""Which child a page or an API call is about, from the reference in its address.

A born child is its person reference (`P00000042`); an unborn child, before any agency has
recorded the baby, is `U` and the id of one of its pregnancy rows (`U317`). Which of a mother's
pregnancies are one unborn child is seen.rules.world.unborn_children, the rules' own grouping;
once any of them has a baby, the baby's reference is the child's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from seen.access.policy import ChildRef
from seen.core.errors import NotFound
from seen.people.models import Person, Pregnancy
from seen.rules.world import unborn_children

# what a child reference looks like; anything else is refused before any query
CHILD_REFERENCE = r"^(P[0-9]{1,19}|U[0-9]{1,18})$"
_PATTERN = re.compile(CHILD_REFERENCE)


class NoSuchChild(NotFound):
    """The reference names no child Seen holds (the message says so, for a 404)."""


@dataclass(frozen=True)
class Subject:
    reference: str  # the canonical reference (a born child's, once there is a baby)
    ref: ChildRef  # what seen.access.policy.decide is asked about
    person: Person | None  # the baby, once born
    pregnancies: tuple[Pregnancy, ...]  # the pregnancy rows that stood for the unborn child

    @property
    def unborn(self) -> bool:
        return self.person is None


def resolve_child(reference: str) -> Subject:
    if not _PATTERN.match(reference):
        raise NoSuchChild(f"{reference!r} is not a child reference (P… for a child, U… unborn)")
    if reference.startswith("P"):
        person = Person.objects.filter(reference=reference).first()
        if person is None:
            raise NoSuchChild(f"no child {reference}")
        while person.merged_into_id is not None:  # a merged person's old reference still works
            person = Person.objects.get(pk=person.merged_into_id)
        pregnancies = tuple(Pregnancy.objects.filter(child__person=person).order_by("pk"))
        return Subject(person.reference, ChildRef(person=person.pk), person, pregnancies)
    pregnancy = Pregnancy.objects.select_related("mother").filter(pk=int(reference[1:])).first()
    if pregnancy is None:
        raise NoSuchChild(f"no unborn child {reference}")
    # the same rule as the rules' world: the mother's pregnancies grouped into unborn children
    mother = pregnancy.mother.person_id
    hers = (
        Pregnancy.objects.filter(mother__person_id=mother)
        if mother
        else Pregnancy.objects.filter(mother_id=pregnancy.mother_id)  # an unlinked mother
    )
    ids = next(
        child
        for child in unborn_children(hers.values_list("pk", "expected_date"))
        if pregnancy.pk in child
    )
    group = tuple(
        Pregnancy.objects.filter(pk__in=ids)
        .select_related("child__person")
        .order_by("expected_date", "pk")
    )
    born = next((p.child.person for p in group if p.child and p.child.person), None)
    if born is not None:
        return resolve_child(born.reference)
    by_id = tuple(sorted(group, key=lambda p: p.pk))
    return Subject(f"U{by_id[0].pk}", ChildRef(pregnancies=tuple(p.pk for p in by_id)), None, by_id)
