"""The mandated health-visiting contacts a practitioner owes: for each baby on their caseload,
the Healthy Child Programme's new birth visit (by day 14) and 6-8 week review (by week 8) that
are past due and not recorded. Shown on the home page ("what you owe")."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db.models import Q

from seen.facts.models import Contact
from seen.people.models import Responsibility, SourceRecord

# contact kind -> days after birth by which it is due
DUE_BY_DAYS: dict[str, int] = {
    Contact.Kind.NEW_BIRTH: 14,
    Contact.Kind.SIX_TO_EIGHT_WEEKS: 56,
}
UNDER_ONE = 365
LIMIT = 200


@dataclass(frozen=True)
class ContactDue:
    child: str  # the child's reference
    kind: str  # the contact's label
    due: date
    days_late: int


SOON_DAYS = 14  # a contact due within this many days is shown as coming due


def mandated_contacts(babies: dict[int, date | None], today: date) -> dict[int, list[ContactDue]]:
    """For each baby (person -> date of birth), the mandated contacts not yet recorded that are
    overdue or due within SOON_DAYS (`days_late` negative: days to go). One query."""
    done = set(
        Contact.objects.filter(
            child__person_id__in=list(babies), kind__in=list(DUE_BY_DAYS)
        ).values_list("child__person_id", "kind")
    )
    labels = dict(Contact.Kind.choices)
    owed: dict[int, list[ContactDue]] = {}
    for person, born in babies.items():
        if born is None or (today - born).days > UNDER_ONE:
            continue
        for kind, days in DUE_BY_DAYS.items():
            due = born + timedelta(days=days)
            if (due - today).days <= SOON_DAYS and (person, kind) not in done:
                owed.setdefault(person, []).append(
                    ContactDue("", labels[kind], due, (today - due).days)
                )
    return owed


def overdue_contacts(practitioner_id: int, today: date) -> list[ContactDue]:
    """Two queries: the babies under one on this practitioner's current caseload, then the
    mandated contacts recorded for them (by any agency): those past due (`mandated_contacts`)."""
    current = Q(end__isnull=True) | Q(end__gte=today)
    babies = {
        person: (reference, born)
        for person, reference, born in SourceRecord.objects.filter(
            pk__in=Responsibility.objects.filter(current, practitioner_id=practitioner_id)
            .exclude(child__isnull=True)
            .values("child_id"),
            person__isnull=False,
            dob__gt=today - timedelta(days=UNDER_ONE),
        ).values_list("person_id", "person__reference", "dob")[:LIMIT]
    }
    due = mandated_contacts({person: born for person, (_, born) in babies.items()}, today)
    owed = [
        replace(contact, child=babies[person][0])
        for person, contacts in due.items()
        for contact in contacts
        if contact.days_late > 0  # past due, not coming due
    ]
    return sorted(owed, key=lambda c: (c.due, c.child))
