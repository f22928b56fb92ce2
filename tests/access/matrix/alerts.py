"""Who may use the alerts routes (merged into tests/access/test_matrix.py).

The world's alert is about the world's child and owned by its named midwife, whom no user of
the matrix is: so no one may open or act on it (a safeguarding lead answers for every alert,
but the access decision still needs an escalation to them or break glass), while the inbox is
every case role's (empty for them here)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from seen.access.models import Role
from seen.access.policy import CASE_ROLES
from seen.areas.models import Agency, Practitioner
from seen.core import clock
from seen.people.models import Person
from seen.rules.models import Alert, AlertEvent

ANONYMOUS = "anonymous"


def _inbox_page(who: str) -> int:
    return 302 if who == ANONYMOUS else 200 if who in CASE_ROLES else 403


def _inbox_api(who: str) -> int:
    return 401 if who == ANONYMOUS else 200 if who in CASE_ROLES else 403


def _oversight_page(who: str) -> int:
    return 302 if who == ANONYMOUS else 200 if who == Role.SAFEGUARDING_LEAD else 403


def _nobody_page(who: str) -> int:
    return 302 if who == ANONYMOUS else 403


def _nobody_api(who: str) -> int:
    return 401 if who == ANONYMOUS else 403


# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    # the inbox: a case role's own alerts; the other roles and an account without one refused
    ("GET", "alerts/"): _inbox_page,
    # the partnership's alerts: the safeguarding lead's oversight (each alert opens as above)
    ("GET", "alerts/partnership/"): _oversight_page,
    # one alert: its owner (or the lead it was escalated to) with the child's access decision;
    # no one here (steps are POSTs to the same address: tests/web/test_alert_pages.py)
    ("GET", "alerts/<int:alert_id>/"): _nobody_page,
    ("GET", "api/alerts/"): _inbox_api,
    ("GET", "api/alerts/{alert_id}"): _nobody_api,
    ("POST", "api/alerts/{alert_id}/acknowledge"): _nobody_api,
    ("POST", "api/alerts/{alert_id}/action"): _nobody_api,
    ("POST", "api/alerts/{alert_id}/escalate"): _nobody_api,
    ("POST", "api/alerts/{alert_id}/close"): _nobody_api,
}
# route suffix -> the JSON body a POST is sent with (valid bodies: the refusal is the access's)
BODIES: dict[str, dict[str, Any]] = {
    "alerts/{alert_id}/acknowledge": {"note": "seen it"},
    "alerts/{alert_id}/action": {"action": "referral_made", "note": "referred to MASH"},
    "alerts/{alert_id}/escalate": {"reason": "no answer from the team"},
    "alerts/{alert_id}/close": {"outcome": "enquiry opened"},
}


def extend(world: dict[str, Any]) -> None:
    """An open alert on the world's child, owned by its midwife (no matrix user): alert_id."""
    child = Person.objects.get(reference=world["reference"])
    midwife = Practitioner.objects.get(local_id="MW1")
    now = clock.now()
    alert = Alert.objects.create(
        rule_id="matrix-rule",
        rule_version=1,
        key=f"matrix:{child.pk}",
        child_key=f"child:{child.pk}",
        child=child,
        facts=[],
        people=[],
        explanation="An alert for the access matrix.",
        severity="high",
        raised_at=now,
        deadline=now + timedelta(hours=4),
        owner_agency=Agency.objects.get(code="QAV-MAT"),
        owner_role="midwife",
        owner_practitioner=midwife,
        routed_because="the child's named midwife",
    )
    AlertEvent.objects.create(alert=alert, kind=AlertEvent.Kind.RAISED, at=now, by="Seen")
    world["alert_id"] = alert.pk
