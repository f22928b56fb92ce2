"""Who may use the record routes (merged into tests/access/test_matrix.py).

The pages: no role has a relationship with the world's child, so every signed-in user is
refused (403) and the signed-out sent to sign in; the confirmation of a recorded fact likewise
(the world's fact is the extract's new-birth contact). 200 with a relationship is tested in
tests/web/test_record_pages.py.

The API: the matrix world's child is in each body; no role has a relationship with it, so every
signed-in user is refused (403) and the signed-out get 401. An extract is submitted by an agency
system only (Action.SUBMIT_EXTRACT), for its own agency: the matrix's agency-system account
belongs to no agency, so it is refused too (tests/api/test_facts_api.py sends one that does)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ANONYMOUS = "anonymous"


def _page(who: str) -> int:
    return 302 if who == ANONYMOUS else 403


def _api(who: str) -> int:
    return 401 if who == ANONYMOUS else 403


# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    ("GET", "children/<str:reference>/contacts/new/"): _page,
    ("GET", "children/<str:reference>/assessments/new/"): _page,
    ("GET", "children/<str:reference>/was-not-brought/new/"): _page,
    ("GET", "children/<str:reference>/injuries/new/"): _page,
    ("GET", "children/<str:reference>/recorded/<slug:kind>/<int:fact_id>/"): _page,
    ("POST", "api/facts/contacts"): _api,
    ("POST", "api/facts/assessments"): _api,
    ("POST", "api/facts/was-not-brought"): _api,
    ("POST", "api/facts/injuries"): _api,
    ("POST", "api/facts/extracts"): _api,
}
# route suffix -> the JSON body a POST is sent with (the child filled in by extend)
BODIES: dict[str, dict[str, Any]] = {
    "facts/contacts": {
        "occurred_on": "2025-06-12",
        "kind": "new_birth",
        "mother_seen": "yes",
        "father_seen": "no",
        "father_not_seen_reason": "at work",
    },
    "facts/assessments": {
        "occurred_on": "2025-05-01",
        "father_involved": "yes",
        "mother_checks_done": "yes",
        "father_checks_done": "yes",
    },
    "facts/was-not-brought": {"occurred_on": "2025-06-12", "service": "gp"},
    "facts/injuries": {
        "occurred_on": "2025-06-12",
        "kind": "bruise",
        "body_site": "arm",
        "mobility": "non_mobile",
        "explanation": "none given",
    },
}


def extend(world: dict[str, Any]) -> None:
    """Name the world's child in every body (the dicts are shared with the matrix's BODIES),
    and a fact for the confirmation page."""
    from seen.facts.models import Contact

    for body in BODIES.values():
        body["child"] = world["reference"]
    world["kind"] = "contact"
    world["fact_id"] = Contact.objects.get(local_id="C1").pk
