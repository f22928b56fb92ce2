"""A practitioner's caseload: the children (born, or unborn as a pregnancy) they are recorded as
responsible for today (seen.people.Responsibility), each with what confirms who the child is
(seen.casefile.lookup.identity_of), the mandated contacts due or overdue (seen.casefile
.contacts_due) and how many alerts about the child are open. The page shows each row only
where the access decision about that child allows it (seen.web.caseload)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from seen.access.policy import ChildRef
from seen.casefile.contacts_due import ContactDue, mandated_contacts
from seen.casefile.lookup import Identity, Viewer, age_of, identity_of
from seen.people.models import Person, Pregnancy, Responsibility
from seen.rules.models import Alert

LIMIT = 300  # a caseload longer than this is listed to this many, nearest due first


@dataclass
class CaseloadRow:
    reference: str  # P… born, U… unborn
    ref: ChildRef  # what the access decision is asked about
    identity: Identity
    responsibility: str  # health visitor, lead practitioner, …
    contacts: list[ContactDue] = field(default_factory=list)
    open_alerts: int = 0


def caseload_of(practitioner_id: int, viewer: Viewer, today: date) -> list[CaseloadRow]:
    current = Q(end__isnull=True) | Q(end__gte=today)
    duties = (
        Responsibility.objects.filter(current, practitioner_id=practitioner_id)
        .filter(Q(start__isnull=True) | Q(start__lte=today))
        .values_list("child__person_id", "pregnancy_id", "role")[:LIMIT]
    )
    born: dict[int, str] = {}
    unborn: dict[int, str] = {}
    for person, pregnancy, role in duties:
        if person is not None:
            born.setdefault(person, role)
        elif pregnancy is not None:
            unborn.setdefault(pregnancy, role)
    labels = {value: str(label).lower() for value, label in Responsibility.Role.choices}
    rows = []
    for child in Person.objects.filter(pk__in=born).order_by("reference"):
        identity = identity_of(child, viewer)
        rows.append(
            CaseloadRow(
                child.reference,
                ChildRef(person=child.pk),
                identity,
                labels.get(born[child.pk], born[child.pk]),
            )
        )
    for expecting in Pregnancy.objects.filter(pk__in=unborn, child__isnull=True).order_by("pk"):
        expected = expecting.expected_date
        rows.append(
            CaseloadRow(
                f"U{expecting.pk}",
                ChildRef(pregnancies=(expecting.pk,)),
                Identity("Unborn child", expected, age_of(expected, today), ""),
                labels.get(unborn[expecting.pk], unborn[expecting.pk]),
            )
        )
    due = mandated_contacts(
        {row.ref.person: row.identity.dob for row in rows if row.ref.person}, today
    )
    alerts = _open_alerts(rows)
    for row in rows:
        row.contacts = due.get(row.ref.person or 0, [])
        row.open_alerts = alerts.get(row.reference, 0)
    # the most pressing first: a contact overdue, then due soonest, then by reference
    return sorted(
        rows,
        key=lambda r: (min((c.due for c in r.contacts), default=date.max), r.reference),
    )


def _open_alerts(rows: list[CaseloadRow]) -> Counter[str]:
    """How many alerts are open about each child: about the baby, or the pregnancy it is."""
    persons = {row.ref.person: row.reference for row in rows if row.ref.person}
    pregnancies = {p: row.reference for row in rows for p in row.ref.pregnancies}
    open_alerts = Alert.objects.exclude(status=Alert.Status.CLOSED)
    about_baby = open_alerts.filter(child_id__in=persons).values_list("child_id", flat=True)
    about_pregnancy = open_alerts.filter(pregnancy_id__in=pregnancies).values_list(
        "pregnancy_id", flat=True
    )
    return Counter(persons[p] for p in about_baby) + Counter(
        pregnancies[p] for p in about_pregnancy if p is not None
    )
