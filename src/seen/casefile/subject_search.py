"""Finding the person a subject-access request is about, for the data-protection officer, who
then chooses one: by NHS number (every person holding it: the look-up "Check a child" makes,
seen.casefile.lookup.find_children), or by name and date of birth: every person with a record
holding each detail given (a last name also among a record's earlier last names) and, given a
last name and a date of birth, the person the linkage model links them to (the same look-up),
so that a baby held as "Baby Hollis" at maternity and "Leo Hollis" by the GP is found either
way. Each person found comes with what confirms them (name, date of birth, postcode district:
seen.casefile.lookup.identity_of, shield-aware)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Lower

from seen.casefile.lookup import Details, Identity, LookupError_, Viewer, find_children, identity_of
from seen.people.models import Person, SourceRecord

MAX_FOUND = 50  # listed at most; more asks the officer to narrow the search
PREVIOUS_SURNAMES_SEPARATOR = ";"  # as the extract format writes them (docs/extract-format.md)


@dataclass(frozen=True)
class Found:
    """The persons the details match, each with their identity, by reference."""

    persons: list[tuple[Person, Identity]]
    more: bool  # more than MAX_FOUND matched
    near_matches: bool  # the linkage model was asked too (else only exact matches)


def find_persons(details: Details, viewer: Viewer) -> Found:
    """The persons matching the details. An NHS number that is not one raises LookupError_;
    the caller's form checks it first."""
    near = False
    if details.nhs_number.strip():
        ids = {person.pk for person in find_children(Details(nhs_number=details.nhs_number))}
    else:
        ids = _exact(details)
        if details.surname.strip() and details.dob:
            try:
                ids |= {person.pk for person in find_children(details)}
                near = True
            except LookupError_:
                pass  # no linkage model yet: the exact matches are all there is
    persons = list(Person.objects.filter(pk__in=ids).order_by("reference")[: MAX_FOUND + 1])
    return Found(
        [(person, identity_of(person, viewer)) for person in persons[:MAX_FOUND]],
        more=len(persons) > MAX_FOUND,
        near_matches=near,
    )


def _exact(details: Details) -> set[int]:
    """The persons with a record holding every detail given: first and last name as written
    (any case), the last name also among the earlier ones, the date of birth."""
    forename, surname = details.forename.strip().lower(), details.surname.strip().lower()
    if not (forename or surname or details.dob):
        return set()
    records = SourceRecord.objects.filter(person__isnull=False)
    if details.dob:
        records = records.filter(dob=details.dob)
    if forename:
        records = records.annotate(forename_lower=Lower("forename")).filter(forename_lower=forename)
    if surname:
        records = records.annotate(surname_lower=Lower("surname")).filter(
            Q(surname_lower=surname) | Q(previous_surnames__icontains=surname)
        )
    found = set()
    for person, held, previous in records.values_list("person_id", "surname", "previous_surnames"):
        earlier = {name.strip().lower() for name in previous.split(PREVIOUS_SURNAMES_SEPARATOR)}
        if not surname or held.lower() == surname or surname in earlier:
            found.add(person)
    return found
