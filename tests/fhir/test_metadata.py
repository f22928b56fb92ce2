"""`GET /fhir/R4/metadata` (the CapabilityStatement), `GET /fhir/R4/CodeSystem/seen-flag`
(Seen's codes for its flags), and CP-IS's own published examples read by the same validation
as every resource Seen serves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from seen.casefile.flags import ADULT_HISTORY, OPEN_ALERT, PLAN_FLAGS
from seen.fhir.terms import FLAG_CONCEPTS
from seen.people.models import Person
from tests.fhir.validation import fhir_json, outcome, validated

pytestmark = pytest.mark.django_db

CP_IS_EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "datasets" / "cp-is"


def test_the_capability_statement_lists_the_interactions(
    flagged: Person, ed_client: Client
) -> None:
    statement = fhir_json(ed_client.get("/fhir/R4/metadata"))
    assert statement["resourceType"] == "CapabilityStatement"
    assert statement["fhirVersion"] == "4.0.1" and "application/fhir+json" in statement["format"]
    (rest,) = statement["rest"]
    served = {r["type"]: [i["code"] for i in r["interaction"]] for r in rest["resource"]}
    assert served == {
        "CareTeam": ["search-type"],
        "AuditEvent": ["search-type"],
        "CodeSystem": ["read"],
    }
    assert statement["implementation"]["url"] == "http://testserver/fhir/R4/"


def test_the_code_system_names_every_flag_seen_shows(flagged: Person, ed_client: Client) -> None:
    system = fhir_json(ed_client.get("/fhir/R4/CodeSystem/seen-flag"))
    assert system["url"] == "http://testserver/fhir/R4/CodeSystem/seen-flag"
    codes = {c["code"] for c in system["concept"]}
    assert system["count"] == len(codes) == len(system["concept"])
    kinds = {*PLAN_FLAGS.values(), ADULT_HISTORY, OPEN_ALERT}
    assert codes == {FLAG_CONCEPTS[kind].code for kind in kinds}
    assert {"child-in-need-plan", "early-help-plan", "adult-relevant-history"} <= codes


def test_another_code_system_or_resource_is_a_404_outcome(
    flagged: Person, ed_client: Client
) -> None:
    assert "seen-flag" in outcome(ed_client.get("/fhir/R4/CodeSystem/snomed"), 404)
    for path in ("/fhir/R4/Patient", "/fhir/R4/CareTeam/plan-1", "/fhir/R4/", "/fhir/R4/x/y"):
        assert "CareTeam" in outcome(ed_client.get(path), 404), path


@pytest.mark.parametrize(
    "example", ["cpis-careteam-bundle-01.json", "cpis-auditevent-bundle-01.json"]
)
def test_cp_is_s_examples_parse_with_the_same_validation(example: str) -> None:
    bundle = json.loads((CP_IS_EXAMPLES / example).read_text(encoding="utf-8"))
    model = validated(bundle)
    assert model.type == "searchset" and model.entry
    kinds = {type(entry.resource).__name__ for entry in model.entry}
    assert kinds == {"CareTeam"} or kinds == {"AuditEvent", "PractitionerRole"}


def test_cp_is_s_care_team_has_the_shape_seen_answers() -> None:
    """The elements of CP-IS's CareTeam are among those Seen writes, with the same codes."""
    example = json.loads((CP_IS_EXAMPLES / "cpis-careteam-bundle-01.json").read_text())
    team = example["entry"][0]["resource"]
    assert {"category", "name", "subject", "telecom", "period"} <= set(team)
    assert team["category"][0]["coding"][0]["code"] == "342191000000101"
    assert [t["use"] for t in team["telecom"]] == ["work", "mobile"]
