"""The caseload page: the children a practitioner is responsible for today, with what confirms
each (name, date of birth and age), the mandated contacts due, the open alerts, a link to the
child that opens; refused to roles without a caseload; the read audited with each child."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from seen.access import services
from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.core import clock
from seen.people.models import Person
from tests.fixtures.alerts import make_alert
from tests.fixtures.partnership import NOW, make_user, signed_in_client

pytestmark = pytest.mark.django_db


def test_a_health_visitor_sees_her_caseload_and_each_child_opens(flagged: Person) -> None:
    make_alert(flagged)
    clock.set_now(NOW + timedelta(days=10))  # 21 July 2025: the 6 to 8 week review is near
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = client.get("/caseload/")
    assert response.status_code == 200
    page = response.content.decode()
    row = page[page.index(f'id="row-{flagged.reference}"') :]
    assert "Leo Hollis" in row and "1 June 2025" in row and "1 month" in row
    assert "week" in row and "due 27 July 2025" in row  # the 6 to 8 week review
    assert "your role: health visitor" in row
    cells = re.findall(r'govuk-table__cell--numeric">\s*(\d+)\s*<', row[: row.index("</tr>")])
    assert cells == ["1"]  # the open alert about the baby
    link = f'href="/children/{flagged.reference}/"'
    assert link in row
    assert client.get(f"/children/{flagged.reference}/").status_code == 200
    event = AuditEvent.objects.filter(object_type="caseload").get()
    assert event.disclosed["children"] == [flagged.reference]


def test_her_caseload_gives_the_household_once_she_records_the_lawful_basis(
    flagged: Person,
) -> None:
    visitor = make_user(Role.HEALTH_VISITOR, "HV1")
    client = signed_in_client(visitor)
    page = client.get("/caseload/").content.decode()
    step = f'href="/children/{flagged.reference}/?purpose=direct_care#basis"'
    assert step in page and "Record the lawful basis" in page
    child = client.get(f"/children/{flagged.reference}/").content.decode()
    assert 'id="basis"' in child and "at the flag level" in child
    services.record_basis(visitor, flagged, "direct_care", "consent")
    child = client.get(f"/children/{flagged.reference}/").content.decode()
    assert "at the household level" in child
    assert step not in client.get("/caseload/").content.decode()


def test_a_practitioner_with_no_child_today_is_told_so(flagged: Person) -> None:
    page = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV2")).get("/caseload/")
    assert page.status_code == 200 and "No child is recorded" in page.content.decode()


@pytest.mark.parametrize("role", [Role.POLICE_OFFICER, Role.ED_CLINICIAN, Role.STRATEGIC_LEADER])
def test_roles_without_a_caseload_are_refused(flagged: Person, role: str) -> None:
    response = signed_in_client(make_user(role, agency="QAV-HV")).get("/caseload/")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(outcome="denied", object_type="caseload").exists()
