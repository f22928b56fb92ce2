"""The mandated contacts a health visitor owes, on the service and on the home page."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from seen.areas.models import Practitioner
from seen.audit.models import AuditEvent
from seen.casefile.contacts_due import overdue_contacts
from seen.core import clock
from seen.facts.models import Contact
from seen.people.models import Person
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db
LATER = timezone.make_aware(datetime(2025, 8, 10, 9, 0))  # the baby is ten weeks old


def test_the_six_to_eight_week_review_is_owed_once_past_due(baby: Person) -> None:
    visitor = Practitioner.objects.get(local_id="HV1")
    assert overdue_contacts(visitor.pk, clock.today()) == []  # 40 days old: nothing past due
    owed = overdue_contacts(visitor.pk, LATER.date())
    assert [(c.child, c.kind, c.due.isoformat(), c.days_late) for c in owed] == [
        (baby.reference, "6-8 week review", "2025-07-27", 14)
    ]  # the new birth visit was recorded (by the midwife's service): not owed
    assert overdue_contacts(Practitioner.objects.get(local_id="HV2").pk, LATER.date()) == []


def test_a_recorded_review_is_no_longer_owed(baby: Person) -> None:
    visitor = Practitioner.objects.get(local_id="HV1")
    first = Contact.objects.get(local_id="C1")
    Contact.objects.create(
        agency=visitor.agency,
        local_id="C2",
        occurred_on=LATER.date(),
        child=first.child,
        kind=Contact.Kind.SIX_TO_EIGHT_WEEKS,
        mother_seen="yes",
        father_seen="yes",
    )
    assert overdue_contacts(visitor.pk, LATER.date()) == []


def test_the_home_page_lists_them_for_the_health_visitor_and_audits_it(
    baby: Person,
) -> None:
    clock.set_now(LATER)
    html = signed_in_client(make_user("health_visitor", "HV1")).get("/").content.decode()
    table = html.split('id="contacts-due"', 1)[1].split("</table>", 1)[0]
    assert baby.reference in table and "6-8 week review" in table and ">14<" in table
    event = AuditEvent.objects.filter(object_type="alerts", via="page").latest("pk")
    assert event.disclosed["contacts_due"] == [baby.reference]
