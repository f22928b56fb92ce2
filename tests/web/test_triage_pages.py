"""The MASH triage page: shown to MASH with the child's contact under triage (and the basis
recorded), refused and audited otherwise; open with a RAG rating, mark each check done with its
result, and the decision refused until every check is done; each check with what Seen holds
from its agency and whom to call, the partnership's agencies once, the deadline in words and
overdue marked; a bad POST is a 400 with an error summary."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client

from seen.access.models import Role, Shield
from seen.areas.models import Agency
from seen.audit.models import AuditEvent
from seen.core import clock
from seen.facts.models import Conviction
from seen.people.models import Person, SourceRecord
from seen.triage.models import Triage
from tests.fixtures.partnership import NOW, make_user, signed_in_client
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
    # 5 local kinds in each of 2 areas, police, probation and adult mental health once
    assert "Triage opened" in page and page.count("To do") == 13 and "Quillbrook" in page
    refused = client.post(
        _url(baby), {"step": "decide", "decision": "child_in_need", "reason": "the father"}
    )
    text = refused.content.decode()
    assert refused.status_code == 400 and "There is a problem" in text
    assert "Still to do: Police across the partnership" in text and "GP in Quillbrook" in text
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
    assert writes.count() == 1 + 13 + 1


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


def _card(page: str, check_id: int) -> str:
    """One check's card on the page."""
    start = page.index(f'id="check-{check_id}"')
    end = page.find('class="govuk-summary-card"', start + 1)
    return page[start : end if end > 0 else len(page)]


def _opened(baby: Person, mash: Any, **form: str) -> tuple[Client, Triage]:
    client = signed_in_client(mash)
    assert client.post(_url(baby), {"step": "open", **form}).status_code == 303
    return client, Triage.objects.get()


def test_each_check_shows_what_seen_holds_and_whom_to_call(baby: Person, mash: Any) -> None:
    Agency.objects.filter(code="POL").update(duty_phone="01632 960123")
    client, triage = _opened(baby, mash)
    police = triage.checks.get(agency_kind="police")
    page = client.get(_url(baby)).content.decode()
    card = _card(page, police.pk)
    assert "Police: Partnership Police" in card
    assert "Partnership Police duty line: " in card and "01632 960123" in card
    assert "The father known as Bob Taner, born 2 November 1995" in card
    assert "4 March 2021: Conviction (the father): domestic abuse" in card
    probation = _card(page, triage.checks.get(agency_kind="probation").pk)
    assert "Partnership Probation duty line: Seen holds no number" in probation
    nowhere = _card(page, triage.checks.get(agency_kind="gp", area__name="Quillbrook").pk)
    assert "Seen holds no agency for this check: find whom to call locally" in nowhere
    assert "Nothing from this agency about the child" in nowhere
    # the result's box filled in with it, to confirm or add to
    box = card[card.index(f'id="result-{police.pk}"') :]
    assert box.split(">", 1)[1].startswith("Seen holds:")
    conviction = Conviction.objects.get(local_id="CV1")
    read = AuditEvent.objects.filter(action="read", object_type="triage").last()
    assert read is not None and read.disclosed is not None
    assert f"conviction:{conviction.pk}" in read.disclosed["held"]["facts"]
    assert "Duty line, Partnership Police" in read.disclosed["held"]["contacts"]


def test_a_check_marked_done_as_filled_in_keeps_what_seen_held(baby: Person, mash: Any) -> None:
    client, triage = _opened(baby, mash)
    police = triage.checks.get(agency_kind="police")
    page = client.get(_url(baby)).content.decode()
    box = _card(page, police.pk).split(f'id="result-{police.pk}"', 1)[1]
    filled = box.split(">", 1)[1].split("</textarea>", 1)[0]
    done = client.post(
        _url(baby), {"step": "check", "check": str(police.pk), "result": html.unescape(filled)}
    )
    assert done.status_code == 303
    police.refresh_from_db()
    assert police.done and "Bob Taner" in police.result and "conviction" in police.result


def test_the_partnerships_agencies_are_checked_once(baby: Person, mash: Any) -> None:
    client, _ = _opened(baby, mash)
    page = client.get(_url(baby)).content.decode()
    assert page.count("Across the partnership") == 1
    assert page.count("Police: Partnership Police") == 1
    assert page.count("Probation: Partnership Probation") == 1
    assert 'aria-label="Mark done: Police across the partnership"' in page
    assert "Police in " not in page


def test_a_shielded_record_is_not_on_the_page(baby: Person, mash: Any) -> None:
    Shield.objects.create(
        record=SourceRecord.objects.get(local_id="P77"),
        scope=Shield.Scope.RECORD,
        reason=Shield.Reason.DOMESTIC_ABUSE_RISK,
        created_at=clock.now(),
    )
    client, _ = _opened(baby, mash)
    page = client.get(_url(baby)).content.decode()
    assert "Taner" not in page and "[shielded] (a shielded record)" in page


def test_the_decision_is_due_in_words_and_an_overdue_triage_is_marked(
    baby: Person, mash: Any
) -> None:
    """The fixture's alert is high: red, due the next working day, Monday at the time the
    triage opened on Friday."""
    client = signed_in_client(mash)
    before = client.get(_url(baby)).content.decode()
    assert 'value="red" checked' in before  # the alert's severity suggests the rating
    assert client.post(_url(baby), {"step": "open"}).status_code == 303
    opened = client.get(_url(baby)).content.decode()
    assert "The decision is due by 9am on 14 July 2025" in opened
    assert "by 9am on 14 July 2025" in opened and "Overdue" not in opened
    clock.set_now(NOW.replace(day=14, minute=1))
    late = client.get(_url(baby)).content.decode()
    assert "govuk-tag--red" in late and "Overdue" in late
    read = AuditEvent.objects.filter(action="read", object_type="triage").last()
    assert read is not None and read.disclosed is not None
    assert read.disclosed["due"].startswith("2025-07-14T09:00")


def test_mash_rates_the_triage_on_opening(baby: Person, mash: Any) -> None:
    client, triage = _opened(baby, mash, rag="amber")
    assert triage.rag == "amber"
    page = client.get(_url(baby)).content.decode()
    assert "Amber" in page and "by 9am on 16 July 2025" in page


@pytest.mark.parametrize(
    "rag", ["purple", "Red", "r" * 300, "<script>alert(1)</script>", "red\r\n", "' OR 1=1 --"]
)
def test_a_rating_that_is_not_one_is_a_400(baby: Person, mash: Any, rag: str) -> None:
    response = signed_in_client(mash).post(_url(baby), {"step": "open", "rag": rag})
    text = response.content.decode()
    assert response.status_code == 400 and "Select red, amber or green" in text
    assert 'href="#rag"' in text and 'id="rag"' in text
    assert "<script>alert(1)</script>" not in text
    assert not Triage.objects.exists()
