"""The person page's offer of a merge: a possible same person (a record of another person that a
candidate pair joins to one of this person's) shown with its evidence and a link to the pair
on the review page, to MASH and safeguarding leads at the household level only; the merge with
a reason through the identity decisions' service, audited, and undone from the review pages,
which gives both persons back; hostile posts a 400 naming the field, never a merge."""

from __future__ import annotations

import re
from typing import Any

import pytest

from seen.access import services
from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.core import clock
from seen.linkage import decisions
from seen.linkage.models import CandidatePair, ClericalDecision, LinkRun
from seen.linkage.resolve import recluster
from seen.people.models import Person, SourceRecord
from tests.fixtures.partnership import make_user, signed_in_client
from tests.web.test_person_page import _mash_with_triage

pytestmark = pytest.mark.django_db

MERGE_REASON = "Same date of birth and phone; the police spelled his name two ways"


def _father() -> Person:
    father = SourceRecord.objects.get(local_id="F1").person
    assert father is not None
    return father


def _pair(a: SourceRecord, b: SourceRecord, probability: float, band: str = "review") -> Any:
    run = LinkRun.objects.create(
        kind=LinkRun.Kind.BATCH,
        auto_link_threshold=0.99,
        review_threshold=0.5,
        started_at=clock.now(),
    )
    left, right = sorted([a.pk, b.pk])
    pair = CandidatePair.objects.create(
        record_l_id=left,
        record_r_id=right,
        match_probability=probability,
        match_weight=2.0,
        evidence={"forename": 1.5, "surname": 3.0},
        levels={"surname": "same surname"},
        band=band,
        run=run,
    )
    recluster(run)
    return pair


def _another_police_record(local_id: str = "P90", forename: str = "Rob") -> SourceRecord:
    """A police record of the father that Seen holds as another person."""
    police = SourceRecord.objects.get(local_id="P77")
    return SourceRecord.objects.create(
        agency=police.agency, local_id=local_id, forename=forename, surname="Tanner", sex="male"
    )


@pytest.fixture
def possible(baby: Person) -> dict[str, Any]:
    """The father (F1 and P77) and a police record P90, another person, in the review band
    with his maternity record."""
    other = _another_police_record()
    pair = _pair(SourceRecord.objects.get(local_id="F1"), other, 0.8)
    other.refresh_from_db()
    assert other.person is not None and other.person != _father()
    return {"baby": baby, "pair": pair, "other": other.person, "record": other}


def _merge(client: Any, reference: str, **sent: str) -> Any:
    return client.post(f"/people/{reference}/merge/", {"purpose": "mash_triage", **sent})


def test_mash_sees_the_possible_same_person_with_the_evidence(possible: dict[str, Any]) -> None:
    client = signed_in_client(_mash_with_triage(possible["baby"]))
    father, other, pair = _father(), possible["other"], possible["pair"]
    response = client.get(f"/people/{father.reference}/?purpose=mash_triage")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Possible same person: {other.reference}" in text
    assert f'href="/review/pairs/{pair.pk}/?purpose=mash_triage"' in text
    assert "Partnership Police record P90: Rob Tanner" in text and "80.0% likely" in text
    assert "the same last name" in text and "+3.0 for" in text
    assert 'action="/people/' + father.reference + '/merge/"' in text
    event = AuditEvent.objects.get(action="read", object_type="person")
    assert event.disclosed["possible_same"] == [other.reference]
    assert other.reference in event.disclosed["subjects"]


def test_merging_from_the_person_page_merges_and_is_audited(possible: dict[str, Any]) -> None:
    mash = _mash_with_triage(possible["baby"])
    client = signed_in_client(mash)
    father, other, pair = _father(), possible["other"], possible["pair"]
    response = _merge(client, father.reference, pair=str(pair.pk), reason=MERGE_REASON)
    assert response.status_code == 303, response.content.decode()[:2000]
    assert response["Location"] == f"/people/{father.reference}/?done=merge&purpose=mash_triage"
    decision = ClericalDecision.objects.get(kind="merge")
    assert decision.decided_by_id == mash.pk and decision.reason == MERGE_REASON
    assert possible["record"].__class__.objects.get(local_id="P90").person_id == father.pk
    assert Person.objects.get(pk=other.pk).merged_into_id == father.pk
    write = AuditEvent.objects.get(action="write", object_type="clerical_decision")
    assert write.object_id == str(decision.pk) and write.subject == father.reference
    assert write.disclosed["persons"] == [father.reference, other.reference]
    assert write.disclosed["pair"] == pair.pk
    # the page after it: the banner, the offer to undo it (once), and no offer of a merge left
    text = client.get(response["Location"]).content.decode()
    assert "The identity decision (merge) is recorded" in text
    assert f'href="/review/decisions/{decision.pk}/"' in text and "Undo this merge" in text
    assert "Possible same person" not in text
    again = client.get(response["Location"]).content.decode()
    assert "Undo this merge" not in again


def test_undoing_the_merge_gives_both_persons_back(possible: dict[str, Any]) -> None:
    client = signed_in_client(_mash_with_triage(possible["baby"]))
    father, other, pair = _father(), possible["other"], possible["pair"]
    _merge(client, father.reference, pair=str(pair.pk), reason=MERGE_REASON)
    decision = ClericalDecision.objects.get(kind="merge")
    listed = client.get("/review/decisions/").content.decode()
    assert f'id="decision-{decision.pk}"' in listed and "Merge: two persons made one" in listed
    page = client.get(f"/review/decisions/{decision.pk}/").content.decode()
    assert "Undo the decision" in page and father.reference in page
    undone = client.post(
        f"/review/decisions/{decision.pk}/", {"reason": "The police record is his cousin"}
    )
    assert undone.status_code == 303
    assert undone["Location"] == f"/review/decisions/{decision.pk}/"
    decision.refresh_from_db()
    assert decision.undone_at is not None and decision.undone_reason.startswith("The police")
    record = SourceRecord.objects.get(local_id="P90")
    assert record.person_id == other.pk and _father().pk == father.pk  # each its own reference
    assert Person.objects.get(pk=other.pk).merged_into_id is None
    write = AuditEvent.objects.filter(action="write", object_type="clerical_decision").last()
    assert write is not None and write.disclosed["undo"] is True
    text = client.get(undone["Location"]).content.decode()
    assert f"Decision {decision.pk} is undone" in text and "Undo the decision" not in text
    # and the page offers the possible same person again
    text = client.get(f"/people/{father.reference}/?purpose=mash_triage").content.decode()
    assert f"Possible same person: {other.reference}" in text


def test_a_role_without_the_right_gets_no_offer_and_a_403(possible: dict[str, Any]) -> None:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    services.record_basis(worker, possible["baby"], "direct_care", "consent")
    client = signed_in_client(worker)
    father, pair = _father(), possible["pair"]
    text = client.get(f"/people/{father.reference}/").content.decode()
    assert "Conviction" in text  # the household level: he sees the history
    assert "Possible same person" not in text and "/merge/" not in text
    assert possible["other"].reference not in text
    response = client.post(
        f"/people/{father.reference}/merge/", {"pair": str(pair.pk), "reason": MERGE_REASON}
    )
    assert response.status_code == 403
    assert not ClericalDecision.objects.filter(kind="merge").exists()
    assert AuditEvent.objects.filter(action="denied", object_type="clerical_decision").exists()
    # the health visitor sees the father at the flag level: no offer, and refused too
    visitor = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1"))
    text = visitor.get(f"/people/{father.reference}/").content.decode()
    assert "Possible same person" not in text
    refused = visitor.post(
        f"/people/{father.reference}/merge/", {"pair": str(pair.pk), "reason": MERGE_REASON}
    )
    assert refused.status_code == 403
    assert not ClericalDecision.objects.filter(kind="merge").exists()


def test_a_get_of_the_merge_address_leads_back_to_the_page(possible: dict[str, Any]) -> None:
    client = signed_in_client(_mash_with_triage(possible["baby"]))
    response = client.get(f"/people/{_father().reference}/merge/?purpose=mash_triage")
    assert response.status_code == 303
    assert response["Location"] == f"/people/{_father().reference}/?purpose=mash_triage"


def _elsewhere() -> int:
    """A pair that does not involve the father: the mother and a record of another woman."""
    mother = SourceRecord.objects.get(local_id="M1")
    woman = SourceRecord.objects.create(
        agency=mother.agency, local_id="M9", forename="Jade", surname="Hollins", sex="female"
    )
    return int(_pair(mother, woman, 0.75).pk)


@pytest.mark.parametrize(
    ("sent", "field", "message"),
    [
        ({"pair": "999999"}, "merge-pair", "Select the person who is the same as this one"),
        ({"pair": "elsewhere"}, "merge-pair", "Select the person who is the same as this one"),
        ({"pair": "1" * 300}, "merge-pair", "Select the person who is the same as this one"),
        ({"pair": ""}, "merge-pair", "Select the person who is the same as this one"),
        ({"reason": ""}, "merge-reason", "Enter why they are the same person"),
        ({"reason": "   "}, "merge-reason", "Enter why they are the same person"),
        ({"reason": "x" * (decisions.REASON_MAX + 1)}, "merge-reason", "2,000 characters"),
    ],
)
def test_a_hostile_merge_is_a_400_naming_the_field(
    possible: dict[str, Any], sent: dict[str, str], field: str, message: str
) -> None:
    client = signed_in_client(_mash_with_triage(possible["baby"]))
    if sent.get("pair") == "elsewhere":
        sent = {"pair": str(_elsewhere())}
    form = {"pair": str(possible["pair"].pk), "reason": MERGE_REASON, **sent}
    response = _merge(client, _father().reference, **form)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'href="#{field}"' in body and message in body
    summary = body.split("govuk-error-summary")[1].split("</div>")[0]
    assert "x" * 300 not in summary and "1" * 300 not in summary  # what was sent, never echoed
    assert not ClericalDecision.objects.filter(kind="merge").exists()
    assert not AuditEvent.objects.filter(action="write", object_type="clerical_decision")


def test_a_nul_or_a_long_reason(possible: dict[str, Any]) -> None:
    client = signed_in_client(_mash_with_triage(possible["baby"]))
    pair = str(possible["pair"].pk)
    nul = _merge(client, _father().reference, pair=pair, reason="same man\x00")
    assert nul.status_code == 400  # refused before any page (seen.web.hostile_input)
    assert not ClericalDecision.objects.filter(kind="merge").exists()
    # 300 characters is a reason like any other, within the service's limit
    done = _merge(client, _father().reference, pair=pair, reason="y" * 300)
    assert done.status_code == 303
    assert ClericalDecision.objects.get(kind="merge").reason == "y" * 300


def test_a_person_decided_to_be_someone_else_is_not_offered(possible: dict[str, Any]) -> None:
    """A practitioner said the police's P77 is not the man of P90: a merge of the two persons
    would override that, so none is offered, and one forged is refused."""
    mash = _mash_with_triage(possible["baby"])
    client = signed_in_client(mash)
    p77 = SourceRecord.objects.get(local_id="P77")
    decisions.reject(p77, possible["record"], user=mash, reason="a cousin, different man")
    text = client.get(f"/people/{_father().reference}/?purpose=mash_triage").content.decode()
    assert "Possible same person" not in text
    response = _merge(client, _father().reference, pair=str(possible["pair"].pk), reason="x")
    assert response.status_code == 400
    assert not ClericalDecision.objects.filter(kind="merge").exists()


def test_a_held_back_automatic_link_is_offered_too(baby: Person) -> None:
    """A pair in the automatic-link band Seen held back (two valid NHS numbers) is a likely
    duplicate: offered as well."""
    other = _another_police_record("P91", "Robert")
    SourceRecord.objects.filter(local_id="F1").update(nhs_number="9990000026")
    SourceRecord.objects.filter(pk=other.pk).update(nhs_number="9990000018")
    _pair(SourceRecord.objects.get(local_id="F1"), other, 0.9999, band="link")
    other.refresh_from_db()
    assert other.person is not None and other.person != _father()
    client = signed_in_client(_mash_with_triage(baby))
    text = client.get(f"/people/{_father().reference}/?purpose=mash_triage").content.decode()
    assert f"Possible same person: {other.person.reference}" in text
    assert re.search(r"99\.99\d% likely", text)
