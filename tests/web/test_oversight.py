"""The safeguarding lead's view of the partnership's alerts (/alerts/partnership/): the
escalation overview, the filters, paging, her own alerts marked and openable and the others
neither showing their finding nor their child, hostile filters refused in words, and the read
audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.core import clock
from seen.people.models import Person
from seen.rules.models import Alert
from seen.rules.oversight import PAGE_SIZE
from tests.fixtures.alerts import make_alert
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _lead() -> Client:
    return signed_in_client(make_user(Role.SAFEGUARDING_LEAD, "SL1"))


def _shown(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr class="govuk-table__row" id="alert-(\d+)"', html)]


def test_the_lead_sees_every_agencys_alerts_with_the_owner_but_not_the_finding(
    baby: Person,
) -> None:
    hv = make_alert(baby, key="hv", why="The finding only its owner reads. More.")
    csc = make_alert(baby, owner=None, agency="QAV-CSC", role=Role.SOCIAL_WORKER, key="csc")
    mine = make_alert(baby, owner="SL1", agency="QAV-CSC", role=Role.SAFEGUARDING_LEAD, key="sl")
    response = _lead().get("/alerts/partnership/")
    assert response.status_code == 200
    html = response.content.decode()
    assert set(_shown(html)) == {hv.pk, csc.pk, mine.pk}
    assert "Hana Visitor" in html  # a named owner
    assert "Social workers, Quarry Vale Children&#39;s Social Care" in html  # a team's
    assert "Injury to a non-mobile baby" in html  # the rule in words, never its identifier
    assert ">non-mobile-injury<" not in html and "non-mobile-injury<br" not in html
    assert "The finding only its owner reads" not in html
    # her own: marked, linked to the alert, with its child; the others neither
    assert f'href="/alerts/{mine.pk}/"' in html and f'href="/alerts/{hv.pk}/"' not in html
    assert html.count(baby.reference) == 1 and "Yours" in html
    event = AuditEvent.objects.get(via="page", object_type="partnership_alerts")
    assert event.action == "read" and sorted(event.disclosed["alerts"]) == sorted(
        [hv.pk, csc.pk, mine.pk]
    )
    assert event.disclosed["children"] == [baby.reference]


def test_what_the_lead_is_shown_as_hers_she_can_open(baby: Person) -> None:
    mine = make_alert(baby, owner="SL1", agency="QAV-CSC", role=Role.SAFEGUARDING_LEAD, key="sl")
    client = _lead()
    html = client.get("/alerts/partnership/").content.decode()
    for href in re.findall(r'href="(/alerts/\d+/)"', html):
        assert client.get(href).status_code == 200, href
    assert f"/alerts/{mine.pk}/" in html


def test_filters_by_owner_severity_rule_and_status(baby: Person) -> None:
    hv = make_alert(baby, key="hv")
    late = make_alert(
        baby, owner=None, agency="QAV-CSC", role=Role.SOCIAL_WORKER, key="late", hours=-3
    )
    closed = make_alert(baby, key="closed", status=Alert.Status.CLOSED)
    client = _lead()

    def shown(query: str) -> set[int]:
        response = client.get(f"/alerts/partnership/?{query}")
        assert response.status_code == 200, response.content.decode()[:500]
        return set(_shown(response.content.decode()))

    assert shown("") == {hv.pk, late.pk}  # open by default
    assert shown("owner=QAV-CSC") == {late.pk}
    assert shown("status=overdue") == {late.pk}
    assert shown("status=closed") == {closed.pk}
    assert shown("status=all") == {hv.pk, late.pk, closed.pk}
    assert shown("severity=low") == set()
    assert shown("severity=same_day&area=QAV") == {hv.pk, late.pk}
    assert shown("area=partnership-wide") == set()
    assert shown("rule=non-mobile-injury&owner=QAV-HV") == {hv.pk}
    Alert.objects.filter(pk=late.pk).update(escalated_at=clock.now())
    assert shown("status=escalated") == {late.pk}


def test_the_escalation_overview_counts_each_agencys_open_overdue_and_escalated(
    baby: Person,
) -> None:
    make_alert(baby, key="a")
    make_alert(baby, key="b", hours=-2)
    make_alert(baby, key="c", status=Alert.Status.CLOSED)
    make_alert(baby, owner=None, agency="QAV-CSC", role=Role.SOCIAL_WORKER, key="d")
    html = _lead().get("/alerts/partnership/").content.decode()
    row = re.search(r'id="agency-QAV-HV">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r'numeric">(?:<a[^>]*>)?(\d+)', row.group(1))
    assert cells == ["2", "1", "0"]  # open, overdue (linked to the list), escalated
    assert "/alerts/partnership/?owner=QAV-HV&amp;status=overdue" in row.group(1)
    # the agency with the overdue alert comes first
    assert html.index('id="agency-QAV-HV"') < html.index('id="agency-QAV-CSC"')


def test_a_page_at_a_time(baby: Person) -> None:
    now = clock.now()
    for n in range(PAGE_SIZE + 3):
        alert = make_alert(baby, key=f"k{n}")
        Alert.objects.filter(pk=alert.pk).update(deadline=now + timedelta(hours=n + 1))
    client = _lead()
    first = client.get("/alerts/partnership/").content.decode()
    assert len(_shown(first)) == PAGE_SIZE and "page 1 of 2" in first
    assert 'href="/alerts/partnership/?page=2"' in first
    second = client.get("/alerts/partnership/?page=2").content.decode()
    assert len(_shown(second)) == 3 and set(_shown(first)).isdisjoint(_shown(second))
    past_the_end = client.get("/alerts/partnership/?page=99").content.decode()
    assert _shown(past_the_end) == _shown(second)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("area=NOWHERE", "Select an area from the list"),
        ("rule=%00", "Seen cannot use what was sent"),  # a NUL: the hostile-input guard's page
        ("rule=matrix-rule", "Select a rule from the list"),
        ("owner=" + "A" * 300, "Select an agency from the list"),
        ("severity=catastrophic", "Select a severity from the list"),
        ("status=mine", "Select which alerts to show"),
        ("page=0", "The page must be a number from 1 to 100,000"),
        ("page=two", "The page must be a number from 1 to 100,000"),
        ("page=9999999999999999999999", "The page must be a number from 1 to 100,000"),
    ],
)
def test_a_bad_filter_is_a_message_not_a_500(baby: Person, query: str, message: str) -> None:
    make_alert(baby)
    response = _lead().get(f"/alerts/partnership/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and ("There is a problem" in html or "%00" in query)
    assert _shown(html) == []


@pytest.mark.parametrize(
    "role", [Role.HEALTH_VISITOR, Role.STRATEGIC_LEADER, Role.MASH_PRACTITIONER]
)
def test_only_the_safeguarding_lead_oversees(baby: Person, role: str) -> None:
    make_alert(baby)
    worker = {"health_visitor": "HV1", "mash_practitioner": "MA1"}.get(role)
    client = signed_in_client(make_user(role, worker, None if worker else "QAV-CSC"))
    assert client.get("/alerts/partnership/").status_code == 403
    assert "Partnership alerts" not in client.get("/alerts/").content.decode()
