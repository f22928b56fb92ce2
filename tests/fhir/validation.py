"""Every resource the FHIR face answers is read back with fhir.resources' R4B models (the
package has no module for R4 itself, 4.0.1; R4B, 4.3.0, has the same CareTeam, AuditEvent,
PractitionerRole, CapabilityStatement, CodeSystem, Bundle and OperationOutcome for what Seen
writes), and its required codes checked against their value sets, which the models do not."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from fhir.resources.R4B import get_fhir_model_class

from seen.fhir.responses import FHIR_JSON

# the codes a required binding allows, for the elements Seen writes (the models take any code)
REQUIRED_CODES = {
    ("Bundle", "type"): {"searchset"},
    ("CareTeam", "status"): {"proposed", "active", "suspended", "inactive", "entered-in-error"},
    ("ContactPoint", "use"): {"home", "work", "temp", "old", "mobile"},
    ("ContactPoint", "system"): {"phone", "fax", "email", "pager", "url", "sms", "other"},
    ("AuditEvent", "action"): {"C", "R", "U", "D", "E"},
    ("AuditEvent", "outcome"): {"0", "4", "8", "12"},
    ("OperationOutcome", "severity"): {"fatal", "error", "warning", "information"},
}


def validated(resource: dict[str, Any]) -> Any:
    """The resource as its R4B model, refusing anything the model refuses (an unknown element,
    a bad id, date or reference), and each required code checked."""
    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    _check_codes(resource)
    for entry in resource.get("entry", []):  # each resource of a Bundle on its own as well
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
        _check_codes(entry["resource"])
    return model


def _check(kind: str, element: str, value: Any) -> None:
    if value is not None:  # an optional element left out (CP-IS's examples leave some)
        assert value in REQUIRED_CODES[(kind, element)], f"{kind}.{element} {value!r}"


def _check_codes(resource: dict[str, Any]) -> None:
    kind = resource["resourceType"]
    for element in ("type", "status", "action", "outcome"):
        if (kind, element) in REQUIRED_CODES:
            _check(kind, element, resource.get(element))
    for point in resource.get("telecom", []):
        _check("ContactPoint", "use", point.get("use"))
        _check("ContactPoint", "system", point.get("system"))
    for issue in resource.get("issue", []):
        _check("OperationOutcome", "severity", issue.get("severity"))


def fhir_json(response: HttpResponse) -> dict[str, Any]:
    """The answer's resource, validated: it is FHIR JSON, never stored by a cache."""
    assert response["Content-Type"].startswith(FHIR_JSON), response["Content-Type"]
    assert "no-store" in response.get("Cache-Control", ""), "a FHIR answer was cacheable"
    resource = json.loads(response.content)
    validated(resource)
    return resource


def outcome(response: HttpResponse, status: int) -> str:
    """The OperationOutcome of an error with this status, validated: its reason."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    resource = fhir_json(response)
    assert resource["resourceType"] == "OperationOutcome"
    issue = resource["issue"][0]
    assert issue["severity"] == "error" and issue["code"]
    return str(issue["diagnostics"])
