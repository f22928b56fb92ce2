"""Who may use the serious incident routes (merged into tests/access/test_matrix.py): recording
a notification, the list of notifications with their clocks and one notification with its
steps are the safeguarding lead's (Action.RECORD_INCIDENT); a notified child's chronology is
for reviewers and safeguarding leads, for the purpose of review, which the page declares
(Action.VIEW_CHRONOLOGY). The world's child has a notification, so its chronology exists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model

from seen.access.models import Role
from seen.core import clock
from seen.incidents.models import Incident
from seen.people.models import Person


def _lead_only(who: str) -> int:
    return 302 if who == "anonymous" else 200 if who == Role.SAFEGUARDING_LEAD else 403


def _reviewers(who: str) -> int:
    if who == "anonymous":
        return 302
    return 200 if who in (Role.REVIEWER, Role.SAFEGUARDING_LEAD) else 403


# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    ("GET", "incidents/"): _lead_only,
    ("GET", "incidents/new/"): _lead_only,
    ("GET", "incidents/<int:incident_id>/"): _lead_only,
    ("GET", "children/<str:reference>/incidents/new/"): _lead_only,
    ("GET", "children/<str:reference>/chronology/"): _reviewers,
    ("GET", "chronologies/"): _reviewers,
}
# route suffix -> the JSON body a POST is sent with
BODIES: dict[str, dict[str, Any]] = {}


def extend(world: dict[str, Any]) -> None:
    """A notification about the world's child (`incident_id`)."""
    child = Person.objects.get(reference=world["reference"])
    recorder = get_user_model().objects.create_user("matrix-incident-recorder")
    today = clock.today()
    incident = Incident.objects.create(
        child=child,
        occurred_on=today,
        learned_on=today,
        description="a notifiable incident",
        recorded_at=clock.now(),
        recorded_by=recorder,
        recorded_by_name=recorder.get_username(),
    )
    world["incident_id"] = incident.pk
