"""The MASH triage page: shown to MASH with the child's contact under triage (and the basis
recorded), refused and audited otherwise; open, mark each check done with its result, and the
decision refused until every check is done; a bad POST is a 400 with an error summary."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.people.models import Person
from seen.triage.models import Triage
from tests.fixtures.partnership import make_user, signed_in_client
from tests.fixtures.triage import under_triage

pytestmark = pytest.mark.django_db


def _url(baby: Person) -> str:
    return f"/children/{baby.reference}/triage/"


def test_signed_out_goes_to_sign_in(baby: Person) -> None:
    response = Client().get(_url(baby))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_mash_sees_the_triage_and_the_read_is_audited(baby: Person, mash: Any) -> None:
    response = signed_in_client(mash).get(_url(baby))
    assert response.status_code == 200
    assert "Open a triage" in response.content.decode()
    event = AuditEvent.objects.filter(action="read", object_type="triage").get()
    assert event.subject == baby.reference and event.purpose == "mash_triage"


@pytest.mark.parametrize(
    ("role", "practitioner"),
    [(Role.HEALTH_VISITOR, "HV1"), (Role.SOCIAL_WORKER, "SW1"), (Role.MASH_PRACTITIONER, "MA1")],
)
def test_others_are_refused_and_the_refusal_is_audited(
    baby: Person, role: str, practitioner: str
) -> None:
    """A health visitor may not triage; the lead social worker is not MASH; MASH with no
    contact under triage has no relationship."""
    client = signed_in_client(make_user(role, practitioner))
    assert client.get(_url(baby)).status_code == 403
    assert client.post(_url(baby), {"step": "open"}).status_code == 403
    assert AuditEvent.objects.filter(action="denied", subject=baby.reference).count() == 2
    assert not Triage.objects.exists()


def test_mash_without_the_lawful_basis_is_told_to_record_it(baby: Person) -> None:
    under_triage(baby)
    response = signed_in_client(make_user(Role.MASH_PRACTITIONER, "MA1")).get(_url(baby))
    assert response.status_code == 403 and "lawful basis" in response.content.decode()


def test_from_the_alert_to_the_triage_through_the_lawful_basis(baby: Person) -> None:
    """MASH's day: the alert routed to the team links to the triage; the triage says where to
    record the lawful basis; once it is recorded there, the triage opens."""
    alert = under_triage(baby)
    client = signed_in_client(make_user(Role.MASH_PRACTITIONER, "MA1"))
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    link = re.search(r'id="triage-link" href="([^"]+)"', page)
    assert link is not None and link.group(1) == _url(baby)
    refused = client.get(link.group(1))
    assert refused.status_code == 403
    basis = re.search(r'id="record-basis" href="([^"]+)"', refused.content.decode())
    assert basis is not None
    assert basis.group(1) == f"/children/{baby.reference}/?purpose=mash_triage#basis"
    child_page = client.get(basis.group(1).split("#")[0]).content.decode()
    assert 'id="basis"' in child_page and "MASH triage" in child_page
    recorded = client.post(
        f"/children/{baby.reference}/basis/",
        {
            "purpose": "mash_triage",
            "basis": "safeguarding_without_consent",
            "why_no_consent": "seeking consent would alert the father and place the baby at risk",
        },
    )
    assert recorded.status_code == 303
    assert client.get(link.group(1)).status_code == 200


def test_an_unknown_child_is_refused_as_one_without_a_relationship(mash: Any) -> None:
    """A reference Seen holds no child under is refused as a child without a relationship is
    (it was a 404, which told whether a child exists: issue 13); what is not a reference is
    still a 404."""
    unknown = signed_in_client(mash).get("/children/P99999999/triage/")
    assert unknown.status_code == 403 and "no legitimate relationship" in unknown.content.decode()
    assert signed_in_client(mash).get("/children/nonsense/triage/").status_code == 404


def test_the_decision_is_refused_until_the_checks_are_done(baby: Person, mash: Any) -> None:
    client = signed_in_client(mash)
    opened = client.post(_url(baby), {"step": "open"})
    assert opened.status_code == 303 and opened["Location"] == _url(baby)
    page = client.get(_url(baby)).content.decode()
    assert "Triage opened" in page and page.count("To do") == 16 and "Quillbrook" in page
    refused = client.post(
        _url(baby), {"step": "decide", "decision": "child_in_need", "reason": "the father"}
    )
    text = refused.content.decode()
    assert refused.status_code == 400 and "There is a problem" in text
    assert "Still to do: Police in Quarry Vale" in text and "Police in Quillbrook" in text
    triage = Triage.objects.get()
    assert not triage.decided
    for check in triage.checks.all():
        done = client.post(
            _url(baby),
            {"step": "check", "check": str(check.pk), "result": "nothing held"},
        )
        assert done.status_code == 303
    decided = client.post(
        _url(baby), {"step": "decide", "decision": "child_in_need", "reason": "the father"}
    )
    assert decided.status_code == 303
    triage.refresh_from_db()
    assert triage.decision == "child_in_need" and triage.reason == "the father"
    page = client.get(_url(baby)).content.decode()
    assert "Child in need assessment (section 17)" in page
    writes = AuditEvent.objects.filter(action="write", subject=baby.reference)
    assert writes.count() == 1 + 16 + 1


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"step": "check", "check": "x", "result": "held"}, "Choose a check"),
        ({"step": "check", "check": "999999", "result": "held"}, "Choose a check"),
        ({"step": "check", "check": "9" * 25, "result": "held"}, "Choose a check"),
        ({"step": "check", "check": "-1", "result": "held"}, "Choose a check"),
        ({"step": "decide"}, "Open a triage first"),
        # (a NUL is refused before any page: tests/web/test_hostile_input.py)
    ],
)
def test_a_bad_post_is_a_400_with_an_error_summary(
    baby: Person, mash: Any, form: dict[str, str], message: str
) -> None:
    client = signed_in_client(mash)
    if form.get("step") == "check":
        client.post(_url(baby), {"step": "open"})
    response = client.post(_url(baby), form)
    text = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in text and message in text


@pytest.mark.parametrize("form", [{"step": "wander"}, {"step": "w" * 300}, {}])
def test_a_step_the_page_does_not_have_is_a_400(
    baby: Person, mash: Any, form: dict[str, str]
) -> None:
    """The page's forms are its steps (seen.web.gate): any other is refused before it."""
    response = signed_in_client(mash).post(_url(baby), form)
    assert response.status_code == 400
    assert "does not know the step" in response.content.decode()
    assert not Triage.objects.exists()


def test_a_check_needs_its_result(baby: Person, mash: Any) -> None:
    client = signed_in_client(mash)
    client.post(_url(baby), {"step": "open"})
    check = Triage.objects.get().checks.first()
    assert check is not None
    response = client.post(_url(baby), {"step": "check", "check": str(check.pk)})
    text = response.content.decode()
    assert response.status_code == 400 and "Enter the result of the check" in text
    assert f'href="#result-{check.pk}"' in text and f'id="result-{check.pk}"' in text
    check.refresh_from_db()
    assert not check.done


@pytest.mark.parametrize(
    ("form", "message", "href"),
    [
        ({"decision": "child_in_need", "reason": "x" * 5001}, "5,000 characters", "#reason"),
        ({"decision": "shrug", "reason": "the father"}, "Select the decision", "#decision"),
        ({"decision": "s" * 300, "reason": "the father"}, "Select the decision", "#decision"),
        ({"decision": "child_in_need", "reason": "  "}, "Enter the reason", "#reason"),
        ({"decision": "child_in_need", "reason": "the father"}, "Still to do", "#checks"),
    ],
)
def test_a_refused_decision_says_why_and_keeps_what_was_typed(
    baby: Person, mash: Any, form: dict[str, str], message: str, href: str
) -> None:
    client = signed_in_client(mash)
    client.post(_url(baby), {"step": "open"})
    response = client.post(_url(baby), {"step": "decide", **form})
    text = response.content.decode()
    assert response.status_code == 400 and message in text
    assert f'href="{href}"' in text and f'id="{href[1:]}"' in text
    assert "<title>Error: " in text
    if form["decision"] == "child_in_need":
        assert 'value="child_in_need" checked' in text
    assert not Triage.objects.get().decided


def test_a_check_result_too_long_is_refused_in_its_row(baby: Person, mash: Any) -> None:
    client = signed_in_client(mash)
    client.post(_url(baby), {"step": "open"})
    check = Triage.objects.get().checks.first()
    assert check is not None
    response = client.post(
        _url(baby), {"step": "check", "check": str(check.pk), "result": "y" * 5001}
    )
    text = response.content.decode()
    assert response.status_code == 400 and "5,000 characters or fewer" in text
    assert f'href="#result-{check.pk}"' in text and "y" * 5001 in text
    check.refresh_from_db()
    assert not check.done


def test_the_page_needs_no_javascript(baby: Person, mash: Any) -> None:
    client = signed_in_client(mash)
    client.post(_url(baby), {"step": "open"})
    text = client.get(_url(baby)).content.decode()
    assert "<script" not in text and 'method="post"' in text


def test_an_undeclared_purpose_is_refused(baby: Person, mash: Any) -> None:
    response = signed_in_client(mash).get(_url(baby) + "?purpose=curiosity")
    assert response.status_code == 403 and "declare why" in response.content.decode()
    assert AuditEvent.objects.get(action="denied").purpose == "undeclared"
