"""`GET /fhir/R4/CareTeam?patient:identifier=…`: a child's flags shaped as CP-IS's CareTeams,
every resource validated with fhir.resources (R4B); the lead practitioner told when
`IsUnscheduledAccessEvent: true`, not when false, both audited; never the detail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from seen.access.models import Notification
from seen.areas.models import Practitioner
from seen.audit.models import AuditEvent
from seen.casefile.flags import flags_for
from seen.core import clock
from seen.facts.models import Plan
from seen.fhir.terms import FLAG_CONCEPTS, NHS_NUMBER, SNOMED
from seen.linkage import decisions
from seen.people.models import Person, Pregnancy, SourceRecord
from seen.rules.models import Alert
from tests.fhir.conftest import DUTY_PHONE, MOTHER_NHS, WORKER_PHONE, search
from tests.fhir.validation import fhir_json
from tests.fixtures.partnership import BABY_NHS, NOW

pytestmark = pytest.mark.django_db

FLAG_SYSTEM = "http://testserver/fhir/R4/CodeSystem/seen-flag"


def _codes(team: dict[str, Any], system: str) -> list[str]:
    return [c["code"] for cat in team["category"] for c in cat["coding"] if c["system"] == system]


def _teams(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    bundle = fhir_json(response)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "searchset"
    assert bundle["total"] == len(bundle["entry"])
    assert bundle["link"] == [
        {
            "relation": "self",
            "url": f"http://testserver/fhir/R4/CareTeam?patient:identifier={NHS_NUMBER}|"
            + bundle["link"][0]["url"].rsplit("|", 1)[1],
        }
    ]
    for entry in bundle["entry"]:
        assert entry["search"] == {"mode": "match"}
        team = entry["resource"]
        assert entry["fullUrl"] == f"http://testserver/fhir/R4/CareTeam/{team['id']}"
    return [entry["resource"] for entry in bundle["entry"]]


def test_a_child_protection_plan_is_cp_is_s_care_team(numbers: Person, ed_client: Client) -> None:
    (team,) = _teams(search(ed_client, "CareTeam", BABY_NHS))
    assert _codes(team, SNOMED) == ["342191000000101"]
    assert _codes(team, FLAG_SYSTEM) == ["child-protection-plan"]
    assert team["status"] == "active" and team["id"].startswith("plan-")
    assert team["name"] == "Quarry Vale Local Authority"
    assert team["telecom"] == [
        {"system": "phone", "value": WORKER_PHONE, "use": "work"},
        {"system": "phone", "value": DUTY_PHONE, "use": "mobile"},
    ]
    assert team["period"] == {"start": "2025-06-20"}
    assert team["subject"]["identifier"] == {"system": NHS_NUMBER, "value": BABY_NHS}
    assert team["participant"] == [
        {"role": [{"text": "social worker"}], "member": {"display": "Sol Worker"}}
    ]
    assert team["managingOrganization"] == [{"display": "Quarry Vale Children's Social Care"}]


def test_the_plan_s_end_is_its_period_s_end(numbers: Person, ed_client: Client) -> None:
    Plan.objects.filter(local_id="PL1").update(end=NOW.date() + timedelta(days=30))
    (team,) = _teams(search(ed_client, "CareTeam", BABY_NHS))
    assert team["period"] == {"start": "2025-06-20", "end": "2025-08-10"}
    Plan.objects.filter(local_id="PL1").update(end=NOW.date() - timedelta(days=1))
    assert _teams(search(ed_client, "CareTeam", BABY_NHS)) == []  # ended: no flag, no team


def test_the_detail_is_never_shown(numbers: Person, ed_client: Client) -> None:
    text = search(ed_client, "CareTeam", BABY_NHS).content.decode()
    for detail in ("Neglect", "Tanner", "QA1", "2025-06-01", "Hollis Jade", "Jade"):
        assert detail not in text


def test_true_tells_the_lead_practitioner_and_is_audited(
    numbers: Person, ed_client: Client
) -> None:
    _teams(search(ed_client, "CareTeam", BABY_NHS, "true"))
    told = Notification.objects.get()
    assert told.to.local_id == "SW1" and told.child == numbers
    entry = AuditEvent.objects.get(action="read", object_type="child_flags")
    assert entry.subject == numbers.reference and entry.purpose == "unscheduled_care"
    assert entry.via == "api" and entry.username == "u-ed_clinician-ED1"
    assert entry.disclosed["lead_told"] == 1 and entry.disclosed["unscheduled_access_event"]
    assert entry.disclosed["flags"] == ["child protection plan"]


def test_false_is_a_silent_read_still_audited(numbers: Person, ed_client: Client) -> None:
    assert _teams(search(ed_client, "CareTeam", BABY_NHS, "False"))
    assert not Notification.objects.exists()
    entry = AuditEvent.objects.get(action="read", object_type="child_flags")
    assert entry.subject == numbers.reference
    assert entry.disclosed["lead_told"] == 0
    assert entry.disclosed["unscheduled_access_event"] is False


def test_every_flag_of_the_flags_service_is_a_care_team(numbers: Person, ed_client: Client) -> None:
    """Child in need, Early Help and an adult around the child with a relevant history, in
    Seen's own codes; the categories answered are exactly the flags the look-up shows."""
    plan = Plan.objects.get(local_id="PL1")
    for kind, local_id in ((Plan.Kind.CHILD_IN_NEED, "PL8"), (Plan.Kind.EARLY_HELP, "PL9")):
        Plan.objects.create(
            agency=plan.agency,
            local_id=local_id,
            occurred_on=NOW.date() - timedelta(days=5),
            child=plan.child,
            kind=kind,
            information_sharing_plan="yes",
        )
    officer = Practitioner.objects.get(local_id="PO1")
    Practitioner.objects.filter(pk=officer.pk).update(phone="01632 960555")
    Alert.objects.create(
        rule_id="man-with-relevant-history",
        rule_version=1,
        key=f"{numbers.pk}:history",
        child_key=f"child:{numbers.pk}",
        child=numbers,
        explanation="A man with a domestic abuse conviction in 2021 lives with the baby.",
        severity="high",
        raised_at=NOW,
        deadline=NOW + timedelta(days=2),
        owner_role="police_public_protection_officer",
        owner_practitioner=officer,
        routed_because="the agency that holds the history",
    )
    response = search(ed_client, "CareTeam", BABY_NHS, "false")
    teams = _teams(response)
    codes = [code for team in teams for code in _codes(team, FLAG_SYSTEM)]
    assert codes == [
        "child-protection-plan",
        "child-in-need-plan",
        "early-help-plan",
        "adult-relevant-history",
        "open-safeguarding-alert",
    ]
    kinds = flags_for(numbers).kinds
    assert codes == [FLAG_CONCEPTS[kind].code for kind in kinds]
    history = teams[3]
    assert _codes(history, SNOMED) == []
    assert history["participant"][0]["member"] == {"display": "Pat Officer"}
    assert {"system": "phone", "value": "01632 960555", "use": "work"} in history["telecom"]
    text = response.content.decode()
    for detail in ("conviction", "domestic abuse", "2021", "man-with-relevant-history"):
        assert detail not in text, detail


def test_a_looked_after_child_is_cp_is_s_looked_after(numbers: Person, ed_client: Client) -> None:
    Plan.objects.filter(local_id="PL1").update(kind=Plan.Kind.LOOKED_AFTER)
    (team,) = _teams(search(ed_client, "CareTeam", BABY_NHS))
    assert _codes(team, SNOMED) == ["764841000000100"]
    assert _codes(team, FLAG_SYSTEM) == ["looked-after"]


def test_an_unborn_child_is_found_by_the_mother_s_nhs_number(
    unborn: Pregnancy, ed_client: Client
) -> None:
    father, mother = SourceRecord.objects.filter(local_id__in=["M1", "F1"]).order_by("local_id")
    decisions.reject(mother, father, user=None, reason="two people")  # every record a person
    response = search(ed_client, "CareTeam", MOTHER_NHS)
    (team,) = _teams(response)
    assert _codes(team, SNOMED) == ["818901000000100"]
    assert _codes(team, FLAG_SYSTEM) == ["pre-birth-plan"]
    assert team["subject"]["identifier"] == {"system": NHS_NUMBER, "value": MOTHER_NHS}
    assert team["subject"]["display"] == "Jade Hollis"  # what confirms the mother
    entry = AuditEvent.objects.get(action="read", subject=f"U{unborn.pk}")
    assert entry.disclosed["subjects"] == [SourceRecord.objects.get(local_id="M1").person.reference]
    # as on every face: a notification names a born child, so before birth no one is told
    assert not Notification.objects.exists()


def test_a_child_with_no_flag_has_an_empty_bundle(numbers: Person, ed_client: Client) -> None:
    Plan.objects.filter(local_id="PL1").update(occurred_on=clock.today() + timedelta(days=1))
    assert _teams(search(ed_client, "CareTeam", BABY_NHS)) == []
    assert AuditEvent.objects.get(action="read").disclosed["flags"] == []
