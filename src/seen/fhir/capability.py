"""What the face says of itself: the CapabilityStatement (`GET /fhir/R4/metadata`) and Seen's
CodeSystem of flags (`GET /fhir/R4/CodeSystem/seen-flag`), each its canonical URL under the
FHIR base the request reached."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from seen.fhir.search import PATIENT_IDENTIFIER, UNSCHEDULED_HEADER
from seen.fhir.terms import FHIR_VERSION, FLAG_CODE_SYSTEM_ID, FLAG_CONCEPTS, NHS_NUMBER

Resource = dict[str, Any]
PUBLISHED = "2026-12-06"  # when this statement of the face last changed
FORMATS = ["application/fhir+json", "json"]
SECURITY = (
    "Sign in to Seen (its session). Every search passes Seen's one access decision for "
    "checking a child, with the purpose unscheduled care (a child presenting in the caller's "
    "setting now), and is audited; a caller who may not check a child presenting now is "
    "refused (403) whatever the NHS number."
)
PATIENT_SEARCH = {
    "name": "patient",
    "definition": "http://hl7.org/fhir/SearchParameter/clinical-patient",
    "type": "reference",
    "documentation": f"Only as {PATIENT_IDENTIFIER}={NHS_NUMBER}|{{NHS number}}: one NHS number, "
    "ten digits with a valid check digit. An unborn child is found by the mother's NHS number.",
}


def flag_system(base: str) -> str:
    """The canonical URL of Seen's CodeSystem of flags: where it is published."""
    return f"{base}CodeSystem/{FLAG_CODE_SYSTEM_ID}"


def capability_statement(base: str) -> Resource:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": PUBLISHED,
        "publisher": settings.SEEN_PARTNERSHIP_NAME,
        "kind": "instance",
        "software": {"name": "Seen"},
        "implementation": {
            "description": "Seen: the safeguarding hub's CP-IS-compatible FHIR face",
            "url": base,
        },
        "fhirVersion": FHIR_VERSION,
        "format": FORMATS,
        "rest": [
            {
                "mode": "server",
                "security": {"cors": False, "description": SECURITY},
                "resource": [
                    {
                        "type": "CareTeam",
                        "documentation": "A child's flags, one CareTeam for each plan and for "
                        "each other flag. Send the header "
                        f"{UNSCHEDULED_HEADER}: true (the child's lead practitioners are "
                        "told, as CP-IS tells the local authority) or false (a silent read, "
                        "still audited).",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": [PATIENT_SEARCH],
                    },
                    {
                        "type": "AuditEvent",
                        "documentation": "Who looked: the unscheduled-care looks at a flagged "
                        "child, newest first, each PractitionerRole included.",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": [PATIENT_SEARCH],
                    },
                    {
                        "type": "CodeSystem",
                        "documentation": f"{FLAG_CODE_SYSTEM_ID}: Seen's codes for its flags.",
                        "interaction": [{"code": "read"}],
                    },
                ],
            }
        ],
    }


def flag_code_system(base: str) -> Resource:
    return {
        "resourceType": "CodeSystem",
        "id": FLAG_CODE_SYSTEM_ID,
        "url": flag_system(base),
        "version": "1",
        "name": "SeenFlag",
        "title": "Seen's flags about a child",
        "status": "active",
        "date": PUBLISHED,
        "publisher": settings.SEEN_PARTNERSHIP_NAME,
        "description": "The flags Seen shows about a child at the flag level: that each "
        "exists, never its detail. CP-IS's SNOMED CT categories are given beside these codes "
        "where CP-IS has one.",
        "caseSensitive": True,
        "content": "complete",
        "count": len(FLAG_CONCEPTS),
        "concept": [
            {"code": c.code, "display": c.display, "definition": c.definition}
            for c in FLAG_CONCEPTS.values()
        ],
    }
