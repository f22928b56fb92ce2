"""Who may use the FHIR face (merged into tests/access/test_matrix.py): every route needs a
signed-in user (401 otherwise, as an OperationOutcome). The CareTeam and AuditEvent searches
pass the one decision for checking a child presenting now (purpose unscheduled care) before the
search is read: only an ED or urgent-care clinician gets past it (sent here with no identifier:
400), everyone else 403 whatever they send. The CapabilityStatement and Seen's CodeSystem hold
no personal data (200 to anyone signed in, as the API's OpenAPI document); anything else under
the base is a 404. tests/fhir covers each interaction with a real search."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seen.access.models import Role


def _search(who: str) -> int:
    return 401 if who == "anonymous" else 400 if who == Role.ED_CLINICIAN else 403


def _signed_in(status: int) -> Callable[[str], int]:
    return lambda who: 401 if who == "anonymous" else status


# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    ("GET", "fhir/R4/CareTeam"): _search,
    ("GET", "fhir/R4/AuditEvent"): _search,
    ("GET", "fhir/R4/metadata"): _signed_in(200),
    ("GET", "fhir/R4/CodeSystem/<str:code_system_id>"): _signed_in(200),
    ("GET", "fhir/R4/"): _signed_in(404),
    ("GET", "fhir/R4/<path:fhir_path>"): _signed_in(404),
}
BODIES: dict[str, dict[str, Any]] = {}


def extend(world: dict[str, Any]) -> None:
    """Seen's CodeSystem, and a resource type the face does not serve."""
    world["code_system_id"] = "seen-flag"
    world["fhir_path"] = "Patient"
