"""The child page: each role and relationship at its level (household with a lawful basis, the
flags and the basis form without one, the flag level for a health visitor, 403 with break glass
without a relationship, sign-in when signed out), shielded addresses, a bad reference, bad
posts, the audit of every read and write, and a bounded number of queries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from seen.access import services
from seen.access.models import BreakGlass, Role, Share
from seen.audit.models import AuditEvent
from seen.people.models import Person, Pregnancy, SourceRecord
from seen.web import child as child_page
from tests.fixtures.casefile import alert_about, shield_address
from tests.fixtures.matrix import matrix_client
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _body(response: Any, reference: str) -> str:
    """A page's text with the reference it was asked for (and the CSRF token) taken out."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return text.replace(reference, "REF")


def _worker_with_basis(baby: Person) -> Any:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    services.record_basis(worker, baby, "direct_care", "consent")
    return worker


def test_the_lead_social_worker_with_a_basis_sees_the_household(baby: Person) -> None:
    alert = alert_about(baby)
    response = signed_in_client(_worker_with_basis(baby)).get(f"/children/{baby.reference}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Leo Hollis" in text and "Jade Hollis" in text and "Robert Tanner" in text
    assert "household level" in text and "People around the baby" in text
    assert re.search(r">\s*Not seen\s*<", text) and re.search(r">\s*Seen\s*<", text)
    assert "Conviction</strong>: domestic abuse" in text and "Partnership Police" in text
    father = SourceRecord.objects.get(local_id="F1").person
    assert father is not None and f'href="/people/{father.reference}/"' in text
    assert f'href="/alerts/{alert.pk}/"' in text and "not seen at the new birth visit" in text
    assert "<script" not in text
    event = AuditEvent.objects.get(action="read", object_type="child")
    assert event.subject == baby.reference and event.via == "page"
    assert event.disclosed["level"] == "household" and event.disclosed["alerts"] == [alert.pk]


def test_without_a_basis_the_social_worker_sees_flags_and_the_basis_form(
    baby: Person,
) -> None:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    client = signed_in_client(worker)
    text = client.get(f"/children/{baby.reference}/").content.decode()
    assert "child protection plan" in text and "Sol Worker" in text
    assert "Record the lawful basis" in text and f"/children/{baby.reference}/basis/" in text
    assert "Hollis" not in text and "Tanner" not in text  # the flag, not the household
    # a bad basis: 400 with the error summary naming the field
    bad = client.post(f"/children/{baby.reference}/basis/", {"basis": "because"})
    assert bad.status_code == 400
    assert "There is a problem" in bad.content.decode() and 'href="#basis"' in bad.content.decode()
    no_reason = client.post(
        f"/children/{baby.reference}/basis/", {"basis": "safeguarding_without_consent"}
    )
    assert no_reason.status_code == 400
    assert "why consent was not sought" in no_reason.content.decode()
    assert not Share.objects.exists()
    done = client.post(
        f"/children/{baby.reference}/basis/",
        {
            "basis": "safeguarding_without_consent",
            "why_no_consent": "asking would alert the father and place the baby at risk",
        },
    )
    assert done.status_code == 303 and done["Location"].endswith("done=basis")
    assert Share.objects.get().basis == "safeguarding_without_consent"
    assert AuditEvent.objects.filter(action="write", object_type="share").exists()
    after = client.get(done["Location"]).content.decode()
    assert "The lawful basis is recorded" in after and "Jade Hollis" in after


@pytest.mark.parametrize(
    ("form", "message", "href"),
    [
        ({}, "Select the lawful basis", "#basis"),
        ({"basis": "b" * 300}, "Select the lawful basis", "#basis"),
        (
            {"basis": "safeguarding_without_consent", "why_no_consent": "w " * 600},
            "1,000 characters or fewer",
            "#why_no_consent",
        ),
        (
            {"basis": "safeguarding_without_consent", "why_no_consent": "risk"},
            "Say why consent was not sought",
            "#why_no_consent",
        ),
    ],
)
def test_a_refused_basis_says_why_and_keeps_what_was_typed(
    baby: Person, form: dict[str, str], message: str, href: str
) -> None:
    client = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW1"))
    response = client.post(f"/children/{baby.reference}/basis/", form)
    text = response.content.decode()
    assert response.status_code == 400 and message in text
    assert f'href="{href}"' in text and f'id="{href[1:]}"' in text
    assert "<title>Error: " in text and "Jade Hollis" not in text
    if form.get("basis") == "safeguarding_without_consent":
        assert 'value="safeguarding_without_consent" checked' in text
        assert form["why_no_consent"].strip() in text
    assert not Share.objects.exists()
    assert not AuditEvent.objects.without_access_changes().filter(action="write").exists()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter why you need to see this child now"),
        ("   ", "Enter why you need to see this child now"),
        ("x" * 300, "at least a sentence"),
        ("the mother rang " * 70, "at most 1,000 characters"),
    ],
)
def test_a_refused_break_glass_reason_says_why_alike_for_any_reference(
    baby: Person, reason: str, message: str
) -> None:
    """The form's refusals come after the decision, so an unknown reference is told them
    exactly as a real child without a relationship is."""
    client = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV2"))
    answers = []
    for reference in ("P99999999", baby.reference):
        response = client.post(f"/children/{reference}/break-glass/", {"reason": reason})
        text = response.content.decode()
        assert response.status_code == 400 and message in text
        assert 'href="#reason"' in text and 'id="reason"' in text and "<title>Error: " in text
        answers.append(_body(response, reference))
    assert answers[0] == answers[1]
    assert not BreakGlass.objects.exists()


def test_a_health_visitor_with_the_caseload_sees_the_flag_level_until_the_lawful_basis(
    baby: Person,
) -> None:
    response = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1")).get(
        f"/children/{baby.reference}/"
    )
    text = response.content.decode()
    assert response.status_code == 200 and "flag level" in text
    assert "child protection plan" in text and "Sol Worker" in text
    assert "Hollis" not in text and "QA1" not in text
    # her caseload gives the household once she records the lawful basis: the form is offered
    assert "Record the lawful basis to see the household" in text


def test_without_a_relationship_403_offers_break_glass(baby: Person) -> None:
    visitor = make_user(Role.HEALTH_VISITOR, "HV2")
    client = signed_in_client(visitor)
    refused = client.get(f"/children/{baby.reference}/")
    text = refused.content.decode()
    assert refused.status_code == 403 and "no legitimate relationship" in text
    assert "Break glass" in text and "child protection plan" not in text
    assert AuditEvent.objects.get(action="denied").subject == baby.reference
    short = client.post(f"/children/{baby.reference}/break-glass/", {"reason": "need"})
    assert short.status_code == 400 and "at least a sentence" in short.content.decode()
    assert not BreakGlass.objects.exists()
    opened = client.post(
        f"/children/{baby.reference}/break-glass/",
        {"reason": "the mother rang the duty line in distress about the baby"},
    )
    assert opened.status_code == 303 and BreakGlass.objects.get().user_id == visitor.pk
    text = client.get(opened["Location"]).content.decode()
    assert "Break glass is open" in text and "child protection plan" in text


def test_roles_without_case_data_are_refused_and_cannot_break_glass(
    baby: Person,
) -> None:
    client = signed_in_client(make_user(Role.STRATEGIC_LEADER))
    refused = client.get(f"/children/{baby.reference}/")
    assert refused.status_code == 403 and "Break glass" not in refused.content.decode()
    tried = client.post(
        f"/children/{baby.reference}/break-glass/", {"reason": "a long enough reason to try"}
    )
    assert tried.status_code == 403 and not BreakGlass.objects.exists()


def test_signed_out_goes_to_sign_in(baby: Person) -> None:
    for url in ("", "basis/", "break-glass/"):
        response = Client().get(f"/children/{baby.reference}/{url}")
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    posted = Client().post(f"/children/{baby.reference}/basis/", {"basis": "consent"})
    assert posted.status_code == 302 and not Share.objects.exists()


def test_a_shielded_address_is_never_in_the_page_without_clearance(
    baby: Person,
) -> None:
    shield_address("M1")
    worker = _worker_with_basis(baby)
    text = signed_in_client(worker).get(f"/children/{baby.reference}/").content.decode()
    assert "QA1 2BC" not in text and "[shielded]" in text and "Jade Hollis" in text
    worker.staff_profile.shielding_clearance = True
    worker.staff_profile.save()
    cleared = get_user_model().objects.get(pk=worker.pk)
    assert (
        "QA1 2BC" in signed_in_client(cleared).get(f"/children/{baby.reference}/").content.decode()
    )


def test_what_is_not_a_reference_is_a_404_with_a_message(baby: Person) -> None:
    response = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW1")).get("/children/X12/")
    assert response.status_code == 404 and "not a child reference" in response.content.decode()


@pytest.mark.parametrize("unknown", ["P99999999", "U999"])
def test_an_unknown_reference_is_refused_as_a_child_without_a_relationship(
    baby: Person,
    unknown: str,
) -> None:
    """Issue 13, finding 12: a reference Seen holds no child under was a 404 ("No child …")
    where a real child without a relationship was a 403, which told whether the child exists.
    Now status, page (bar the reference as asked) and audit are the same; only a user who may
    see any child (an ED clinician, unscheduled care) is told there is no such child."""
    client = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW2"))  # no relationship with the baby
    real = client.get(f"/children/{baby.reference}/")
    missing = client.get(f"/children/{unknown}/")
    assert real.status_code == missing.status_code == 403
    assert _body(missing, unknown) == _body(real, baby.reference)
    assert 'name="reason"' in missing.content.decode()  # break glass offered alike
    denied = [
        (e.action, e.object_type, e.outcome, e.reason)
        for e in AuditEvent.objects.filter(action="denied").order_by("seq")
    ]
    assert len(denied) == 2 and denied[0] == denied[1]
    # the other child addresses answer alike
    for suffix, status in (("basis/", 303), ("break-glass/", 303)):
        assert client.get(f"/children/{unknown}/{suffix}").status_code == status
        assert client.get(f"/children/{baby.reference}/{suffix}").status_code == status
    # a sentence, then: the real child opens a reviewed session, the unknown one says none
    reason = "The mother has rung the duty line in distress about the baby tonight."
    tried = client.post(f"/children/{unknown}/break-glass/", {"reason": reason})
    assert tried.status_code == 400 and "Seen holds no child" in tried.content.decode()
    bad = "aaaaaaaaaa"  # a bad reason is told the same way for both
    answers = []
    for reference in (unknown, baby.reference):
        answer = client.post(f"/children/{reference}/break-glass/", {"reason": bad})
        assert answer.status_code == 400 and "at least a sentence" in answer.content.decode()
        answers.append(_body(answer, reference))
        # and a refusal break glass does not answer (a purpose the role may not declare)
        wrong = client.post(
            f"/children/{reference}/break-glass/?purpose=strategic", {"reason": reason}
        )
        assert wrong.status_code == 403
        answers.append(_body(wrong, reference))
    assert answers[0] == answers[2] and answers[1] == answers[3]
    # an ED clinician with a child presenting may see any child: told there is none
    doctor = signed_in_client(make_user(Role.ED_CLINICIAN, "ED1"))
    told = doctor.get(f"/children/{unknown}/", {"purpose": "unscheduled_care"})
    assert told.status_code == 404


def test_an_adults_reference_is_refused_as_a_child_would_be(baby: Person) -> None:
    """The child page leads an adult's reference to the person page only for a user who may
    see it; to anyone else it is the same refusal as an unknown reference."""
    father = SourceRecord.objects.get(local_id="F1").person
    assert father is not None
    stranger = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW2"))
    adult = stranger.get(f"/children/{father.reference}/")
    unknown = stranger.get("/children/P99999999/")
    assert adult.status_code == unknown.status_code == 403
    assert _body(adult, father.reference) == _body(unknown, "P99999999")
    lead = signed_in_client(_worker_with_basis(baby))
    assert lead.get(f"/children/{father.reference}/").status_code == 302


def test_a_purpose_seen_does_not_know_is_refused(baby: Person) -> None:
    client = signed_in_client(_worker_with_basis(baby))
    response = client.get(f"/children/{baby.reference}/", {"purpose": "curiosity"})
    assert response.status_code == 403
    assert "declare why you are looking" in response.content.decode()


def test_gets_of_the_post_only_addresses_lead_back_to_the_page(baby: Person) -> None:
    client = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW1"))
    for url in ("basis/", "break-glass/"):
        response = client.get(f"/children/{baby.reference}/{url}")
        assert response.status_code == 303
        assert response["Location"] == f"/children/{baby.reference}/"


def test_links_to_other_pages_only_where_they_exist() -> None:
    assert child_page.link_to("no-such-page", "P1") is None
    assert child_page.link_to("child", "P00000001") == "/children/P00000001/"
    assert child_page.alert_link(7) == "/alerts/7/"


def test_an_unborn_child_has_a_page(unborn: Pregnancy) -> None:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    response = signed_in_client(worker).get(f"/children/U{unborn.pk}/")
    text = response.content.decode()
    assert response.status_code == 200 and "Unborn child" in text and "pre-birth plan" in text
    assert "Record the lawful basis" in text and "Jade Hollis" not in text
    client = signed_in_client(worker)
    posted = client.post(f"/children/U{unborn.pk}/basis/", {"basis": "consent"})
    assert posted.status_code == 303 and Share.objects.get().pregnancy_id == unborn.pk
    household = client.get(posted["Location"]).content.decode()
    assert "household level" in household and "Jade Hollis" in household


def test_the_page_costs_a_bounded_number_of_queries(
    baby: Person,
    django_assert_max_num_queries: Any,
) -> None:
    alert_about(baby)
    client = signed_in_client(_worker_with_basis(baby))
    # the session, the decision, the case file's 31 (the family as the rules' world reads it),
    # the audit (its first entry costs more)
    with django_assert_max_num_queries(50):
        assert client.get(f"/children/{baby.reference}/").status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "no profile", *Role.values])
def test_the_child_and_person_matrix_entries_hold_with_real_references(
    who: str,
    matrix_world: dict[str, Any],
) -> None:
    """The matrix entries of these families, requested at the world's real child and person
    (tests/access/test_matrix.py formats `{name}` only; Django routes name `<str:name>`)."""
    from tests.access.matrix import child as child_matrix
    from tests.access.matrix import person as person_matrix

    client = matrix_client(who)
    wrong = []
    for (_method, route), policy in {**child_matrix.MATRIX, **person_matrix.MATRIX}.items():
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).format(**matrix_world)
        response = client.get(url)
        if response.status_code != policy(who):
            wrong.append((route, response.status_code, policy(who)))
    assert not wrong, wrong


def test_an_adult_s_reference_leads_to_the_person_page(baby: Person) -> None:
    mother = SourceRecord.objects.get(local_id="M1").person
    assert mother is not None
    response = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW1")).get(
        f"/children/{mother.reference}/"
    )
    assert response.status_code == 302 and response["Location"] == f"/people/{mother.reference}/"


def test_links_onwards_follow_the_role_and_level() -> None:
    from seen.access.policy import Level

    def names(role: str, level: Level) -> set[str]:
        return {text for _, text in child_page.record_links(role, level, "P00000001")}

    # whatever pages exist by now, a health visitor is never offered triage or plans, and a
    # social worker at the flag level not the plans
    assert not names(Role.HEALTH_VISITOR, Level.FLAG) & {"MASH triage", "Plans and programmes"}
    assert "Plans and programmes" not in names(Role.SOCIAL_WORKER, Level.FLAG)
    assert not names(Role.STRATEGIC_LEADER, Level.HOUSEHOLD)
    if child_page.link_to("plans", "P00000001"):
        assert "Plans and programmes" in names(Role.SOCIAL_WORKER, Level.HOUSEHOLD)
    # the serious incident and its chronology: the safeguarding lead's, not a social worker's,
    # and at the household level only (each is decided about the child, lawful basis recorded:
    # offered at the flag level before issue 13)
    review = {"Record a serious incident notification", "Chronology for a rapid review"}
    assert names(Role.SAFEGUARDING_LEAD, Level.HOUSEHOLD) >= review
    assert not names(Role.SAFEGUARDING_LEAD, Level.FLAG) & review
    assert not names(Role.SOCIAL_WORKER, Level.HOUSEHOLD) & review


def test_break_glass_opens_an_unborn_child_for_a_case_role(
    unborn: Pregnancy,
) -> None:
    """Without a relationship the page is refused with the break-glass form; a session opened
    on the unborn child (its pregnancy) opens the page, and waits for the lead's review."""
    from seen.access.models import BreakGlass

    client = signed_in_client(make_user(Role.SOCIAL_WORKER, "SW2"))
    response = client.get(f"/children/U{unborn.pk}/")
    assert response.status_code == 403 and 'name="reason"' in response.content.decode()
    opened = client.post(
        f"/children/U{unborn.pk}/break-glass/",
        {"reason": "The mother has presented at the front desk in distress tonight."},
    )
    assert opened.status_code == 303
    session = BreakGlass.objects.get()
    assert session.pregnancy_id == unborn.pk and session.child_reference == f"U{unborn.pk}"
    assert client.get(f"/children/U{unborn.pk}/").status_code == 200


def test_an_ed_look_at_the_child_page_tells_the_lead(baby: Person) -> None:
    """Issue 13, finding 5: the child page showed an ED clinician a flagged child without
    telling the lead practitioner (only the look-up and the flags API did). The flags service
    every face calls tells them now."""
    from seen.access.models import Notification

    doctor = signed_in_client(make_user(Role.ED_CLINICIAN, "ED1"))
    response = doctor.get(f"/children/{baby.reference}/", {"purpose": "unscheduled_care"})
    assert response.status_code == 200 and "child protection plan" in response.content.decode()
    [note] = Notification.objects.all()
    assert note.to.local_id == "SW1" and note.child == baby
    assert "looked up at Quarry Vale Hospital ED" in note.text
    assert not Notification.objects.exclude(pk=note.pk).exists()
    signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1")).get(f"/children/{baby.reference}/")
    assert Notification.objects.count() == 1  # a practitioner's own look tells no one
