"""The alerts inbox and an alert's page: who answers for an alert and may open it (the owner,
the team it was routed to, the lead it was escalated to; never another practitioner), the
steps on it (acknowledge, record the action, escalate, close) with the reasons a step is
refused, and the audit of every read, step and refusal."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from seen.access.models import Role, StaffProfile
from seen.audit.models import AuditEvent
from seen.core import clock
from seen.ingest.loader import ingest_extract
from seen.linkage.models import LinkRun
from seen.linkage.resolve import recluster
from seen.people.models import Person, SourceRecord
from seen.rules.models import Alert
from tests.access.matrix import alerts as alerts_matrix
from tests.fixtures.alerts import make_alert
from tests.fixtures.matrix import EVERYONE, matrix_client
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _post(client: Client, alert: Alert, **form: str) -> Any:
    return client.post(f"/alerts/{alert.pk}/", form)


def _events(alert: Alert) -> list[str]:
    return list(alert.events.values_list("kind", flat=True))


# --- the inbox ---------------------------------------------------------------------------------


def test_signed_out_goes_to_sign_in(baby: Person) -> None:
    alert = make_alert(baby)
    for url in ("/alerts/", f"/alerts/{alert.pk}/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    response = Client().post(f"/alerts/{alert.pk}/", {"step": "acknowledge"})
    assert response.status_code == 302 and _events(alert) == ["raised"]


def test_the_inbox_lists_what_the_user_answers_for_overdue_first(baby: Person) -> None:
    later = make_alert(baby, key="later", hours=6, why="Due later. More words.")
    late = make_alert(baby, key="late", hours=-2, why="Overdue one. More words.")
    theirs = make_alert(baby, owner=None, agency="QAV-CSC", role=Role.MASH_PRACTITIONER, key="m")
    response = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1")).get("/alerts/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f'id="alert-{late.pk}"') < html.index(f'id="alert-{later.pk}"')
    assert f'id="alert-{theirs.pk}"' not in html
    assert "Overdue one." in html and "More words" not in html  # the first sentence only
    assert f'href="/alerts/{late.pk}/"' in html
    assert f"/children/{baby.reference}/" in html  # the child's page
    assert "Overdue" in html and "Same day" in html
    assert "11 July 2025, 7:00am" in html  # the overdue deadline, London time
    event = AuditEvent.objects.get(via="page", object_type="alerts")
    assert event.action == "read" and event.subject == baby.reference
    assert event.disclosed["alerts"] == [late.pk, later.pk]
    assert event.disclosed["children"] == [baby.reference]


def test_the_inbox_filters_open_overdue_and_closed(baby: Person) -> None:
    open_ = make_alert(baby, key="open", hours=6)
    late = make_alert(baby, key="late", hours=-2)
    closed = make_alert(baby, key="closed", status=Alert.Status.CLOSED)
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))

    def shown(show: str) -> set[int]:
        html = client.get(f"/alerts/?show={show}").content.decode()
        return {int(pk) for pk in re.findall(r'id="alert-(\d+)"', html)}

    assert shown("open") == {open_.pk, late.pk}
    assert shown("overdue") == {late.pk}
    assert shown("closed") == {closed.pk}
    bad = client.get("/alerts/?show=everything")
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "govuk-error-summary" in html and "Choose which alerts to show" in html
    assert f'id="alert-{open_.pk}"' not in html


@pytest.mark.parametrize("role", [Role.STRATEGIC_LEADER, Role.SYSTEM_ADMINISTRATOR, None])
def test_roles_that_answer_for_no_alerts_are_refused_the_inbox(
    baby: Person,
    role: str | None,
) -> None:
    make_alert(baby)
    user = get_user_model().objects.create_user(f"u-{role}")
    if role is not None:
        StaffProfile.objects.create(user=user, role=role)
    response = signed_in_client(user).get("/alerts/")
    assert response.status_code == 403 and "non-mobile" not in response.content.decode()
    assert AuditEvent.objects.without_access_changes().get().outcome == "denied"


def test_an_unknown_purpose_is_refused(baby: Person) -> None:
    make_alert(baby)
    response = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1")).get(
        "/alerts/?purpose=curiosity"
    )
    assert response.status_code == 403
    assert "declare why you are looking" in response.content.decode()


# --- the alert page ----------------------------------------------------------------------------


def test_the_owner_sees_the_alert_and_opening_it_marks_it_seen(baby: Person) -> None:
    alert = make_alert(baby)
    mother = SourceRecord.objects.get(local_id="M1").person
    response = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1")).get(f"/alerts/{alert.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The baby was bruised while not yet mobile." in html
    assert "Contact " in html and "2 June 2025" in html and "Quarry Vale Maternity" in html
    assert "no longer held" in html  # a fact since withdrawn
    assert mother is not None and f"/people/{mother.reference}/" in html
    assert "birth mother" in html
    assert "Hana Visitor" in html and "the child&#39;s named health visitor" in html.lower()
    assert f"/children/{baby.reference}/" in html
    for step in ("acknowledge", "action", "escalate", "close"):
        assert f'name="step" value="{step}"' in html
    assert "<script" not in html

    alert.refresh_from_db()
    assert alert.status == "seen" and _events(alert) == ["raised", "seen"]
    write, read = AuditEvent.objects.without_access_changes().order_by("seq")
    assert (write.action, write.object_type, write.subject) == ("write", "alert", baby.reference)
    assert write.disclosed["step"] == "seen"
    assert (read.action, read.object_type, read.object_id) == ("read", "alert", str(alert.pk))
    assert read.subject == baby.reference and read.outcome == "allowed"
    assert read.disclosed["people"] == [mother.reference]
    # seen once per user; each later view is a read in the audit log only
    signed_in_client(get_user_model().objects.get(username="u-health_visitor-HV1")).get(
        f"/alerts/{alert.pk}/"
    )
    assert _events(alert) == ["raised", "seen"]


def test_another_practitioner_is_refused_and_the_refusal_audited(baby: Person) -> None:
    alert = make_alert(baby)
    other = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW2"))
    response = other.get(f"/alerts/{alert.pk}/")
    assert response.status_code == 403
    assert "not yours to answer" in response.content.decode()
    assert "bruised" not in response.content.decode()
    event = AuditEvent.objects.without_access_changes().get()
    assert (event.action, event.outcome, event.subject) == ("denied", "denied", baby.reference)
    posted = _post(other, alert, step="acknowledge")
    assert posted.status_code == 403 and _events(alert) == ["raised"]
    assert AuditEvent.objects.filter(outcome="denied").count() == 2


def test_a_safeguarding_lead_needs_the_escalation_to_open_an_alert(baby: Person) -> None:
    alert = make_alert(baby)
    lead = signed_in_client(make_user(Role.SAFEGUARDING_LEAD, "SL1"))
    assert lead.get(f"/alerts/{alert.pk}/").status_code == 403  # answers, but no relationship
    owner = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    assert _post(owner, alert, step="escalate", reason="").status_code == 400
    response = _post(owner, alert, step="escalate", reason="no answer from the family in 2 days")
    assert response.status_code == 303
    alert.refresh_from_db()
    assert alert.escalated_to is not None and alert.escalated_to.local_id == "SL1"
    [event] = alert.events.filter(kind="escalated")
    assert event.by == "u-health_visitor-HV1" and "no answer from the family" in event.note
    page = lead.get(f"/alerts/{alert.pk}/")
    assert page.status_code == 200 and "Sam Lead" in page.content.decode()
    assert _events(alert)[-1] == "seen"  # the lead it was escalated to owns it now
    again = _post(owner, alert, step="escalate", reason="still nothing")
    assert again.status_code == 400 and "already escalated to Sam Lead" in again.content.decode()


def test_a_team_member_without_a_caseload_opens_the_teams_alert_as_its_owner(
    baby: Person,
) -> None:
    """Answering for an alert about a child is a relationship with it (the access policy's
    "answers_alert"): a health visitor whose team the alert was routed to may open it."""
    alert = make_alert(baby, owner=None)
    response = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV2")).get(f"/alerts/{alert.pk}/")
    assert response.status_code == 200
    read = AuditEvent.objects.get(action="read")
    assert read.reason == "answers_alert"


def test_a_mash_practitioner_opens_an_alert_routed_to_the_mash(baby: Person) -> None:
    alert = make_alert(baby, owner=None, agency="QAV-CSC", role=Role.MASH_PRACTITIONER)
    response = signed_in_client(make_user(Role.MASH_PRACTITIONER, "MA1")).get(
        f"/alerts/{alert.pk}/"
    )
    assert response.status_code == 200
    assert "mash_triage" in AuditEvent.objects.get(action="read").reason


def test_an_unknown_alert_is_a_404(baby: Person) -> None:
    response = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1")).get("/alerts/999999/")
    assert response.status_code == 404 and "no alert 999999" in response.content.decode()


# --- the steps ---------------------------------------------------------------------------------


def test_the_owner_acknowledges_records_the_action_and_closes(baby: Person) -> None:
    alert = make_alert(baby)
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = _post(client, alert, step="acknowledge", note="on it")
    assert response.status_code == 303
    assert response["Location"] == f"/alerts/{alert.pk}/?done=acknowledge"
    page = client.get(response["Location"]).content.decode()
    assert "govuk-notification-banner--success" in page and "You acknowledged the alert" in page
    response = _post(client, alert, step="action", action="referral_made", note="to MASH")
    assert response.status_code == 303
    assert _post(client, alert, step="close", outcome="enquiry opened").status_code == 303
    alert.refresh_from_db()
    assert alert.status == "closed" and alert.outcome == "enquiry opened"
    assert _events(alert) == ["raised", "acknowledged", "action", "closed"]  # seen: acknowledged
    action = alert.events.get(kind="action")
    assert action.action == "referral_made" and action.note == "to MASH"
    writes = AuditEvent.objects.filter(action="write", object_type="alert").order_by("seq")
    assert [w.disclosed["step"] for w in writes] == ["acknowledge", "action", "close"]
    assert {w.subject for w in writes} == {baby.reference}

    closed = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "This alert is closed" in closed and 'name="step"' not in closed
    assert "enquiry opened" in closed
    refused = _post(client, alert, step="acknowledge")
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "govuk-error-summary" in html and "This alert is closed" in html
    assert 'href="#steps"' in html
    assert _events(alert)[-1] == "closed"


@pytest.mark.parametrize(
    ("form", "message", "href"),
    [
        ({"step": "close", "outcome": "done"}, "Record the action taken before", "#close-outcome"),
        ({"step": "close", "outcome": " "}, "Enter the outcome of the alert", "#close-outcome"),
        ({"step": "close", "outcome": "x" * 201}, "200 characters or fewer", "#close-outcome"),
        ({"step": "close"}, "Enter the outcome of the alert", "#close-outcome"),
        (
            {"step": "action", "action": "no_further_action"},
            "No further action needs a reason",
            "#action-note",
        ),
        ({"step": "action"}, "Select the action taken", "#action-action"),
        ({"step": "action", "action": "shrug"}, "Select the action taken", "#action-action"),
        ({"step": "action", "action": "x" * 300}, "Select the action taken", "#action-action"),
        (
            {"step": "action", "action": "referral_made", "note": "x" * 5001},
            "5,000 characters or fewer",
            "#action-note",
        ),
        # a NUL in any field is refused before the page (tests/web/test_hostile_input.py)
        ({"step": "acknowledge", "note": "a\x07b"}, "control character", "#acknowledge-note"),
        ({"step": "acknowledge", "note": "x" * 5001}, "5,000 characters", "#acknowledge-note"),
        ({"step": "escalate", "reason": "  "}, "Enter why you are escalating", "#escalate-reason"),
        ({"step": "escalate"}, "Enter why you are escalating", "#escalate-reason"),
    ],
)
def test_a_refused_step_is_a_400_with_an_error_summary(
    baby: Person,
    form: dict[str, str],
    message: str,
    href: str,
) -> None:
    alert = make_alert(baby)
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = _post(client, alert, **form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert f'href="{href}"' in html and f'id="{href[1:]}"' in html
    assert "<title>Error: " in html
    assert set(_events(alert)) == {"raised"}
    assert not AuditEvent.objects.without_access_changes().filter(action="write").exists()


@pytest.mark.parametrize("form", [{"step": "dance"}, {"step": "x" * 300}, {}])
def test_a_step_the_page_does_not_have_is_a_400(baby: Person, form: dict[str, str]) -> None:
    """The page's forms are its steps (seen.web.gate): any other step is refused before it."""
    alert = make_alert(baby)
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = _post(client, alert, **form)
    assert response.status_code == 400
    assert "does not know the step" in response.content.decode()
    assert set(_events(alert)) == {"raised"}
    assert not AuditEvent.objects.without_access_changes().filter(action="write").exists()


def test_a_refused_step_keeps_what_was_typed(baby: Person) -> None:
    alert = make_alert(baby)
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = _post(client, alert, step="action", action="no_further_action", note="  ")
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'value="no_further_action"\s+checked', html)
    response = _post(client, alert, step="close", outcome="looked into <it>")
    html = response.content.decode()
    assert response.status_code == 400 and 'value="looked into &lt;it&gt;"' in html
    read = AuditEvent.objects.filter(action="read", object_type="alert").order_by("-seq")[0]
    assert read.disclosed["refused_step"] == "close"


def test_the_purpose_is_kept_through_a_step(baby: Person) -> None:
    alert = make_alert(baby)
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    page = client.get(f"/alerts/{alert.pk}/?purpose=safeguarding").content.decode()
    assert 'name="purpose" value="safeguarding"' in page
    response = _post(client, alert, step="acknowledge", purpose="safeguarding")
    assert response["Location"] == f"/alerts/{alert.pk}/?done=acknowledge&purpose=safeguarding"
    write = AuditEvent.objects.filter(action="write").order_by("-seq").first()
    assert write is not None and write.purpose == "safeguarding"


# --- the access matrix's entries for these routes -------------------------------------------


@pytest.fixture
def alerts_world(extract: Callable[..., Path]) -> dict[str, Any]:
    """The access matrix's world (tests.fixtures.matrix) as far as these routes need it."""
    ingest_extract(extract())
    recluster(
        LinkRun.objects.create(
            kind=LinkRun.Kind.BATCH,
            auto_link_threshold=0.99,
            review_threshold=0.5,
            started_at=clock.now(),
        )
    )
    child = SourceRecord.objects.get(local_id="B1").person
    assert child is not None
    world: dict[str, Any] = {"reference": child.reference}
    alerts_matrix.extend(world)
    return world


@pytest.mark.parametrize("who", EVERYONE)
def test_the_matrix_entries_hold_with_the_alert_in_the_address(
    who: str, alerts_world: dict[str, Any]
) -> None:
    """As the matrix test walks them, with Django's `<int:alert_id>` filled in too."""
    client = matrix_client(who)
    wrong = []
    for (method, route), policy in sorted(alerts_matrix.MATRIX.items()):
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).format(**alerts_world)
        if method == "GET":
            response = client.get(url)
        else:
            body = next(b for key, b in alerts_matrix.BODIES.items() if route.endswith(key))
            response = client.post(url, data=json.dumps(body), content_type="application/json")
        if response.status_code != policy(who):
            wrong.append((method, route, response.status_code, policy(who)))
    assert not wrong, f"{who}: (method, route, got, policy) {wrong}"
    alert = Alert.objects.get(pk=alerts_world["alert_id"])
    assert list(alert.events.values_list("kind", flat=True)) == ["raised"]
