"""Who may use the serious incident routes (merged into tests/access/test_matrix.py): the list
of notifications and the blank form are the safeguarding lead's (Action.LIST_INCIDENTS), the
list of chronologies the reviewers' and leads' (Action.LIST_CHRONOLOGIES, for the purpose of
review). Every route about one child or one notification is decided about the child
(RECORD_INCIDENT, VIEW_CHRONOLOGY): in the matrix's world no user has a relationship with the
child and no rapid review is shared, so they are refused to every role, the lead included (the
side door of issue 13: recording a notification opened the chronology); tests/web/
test_incident_pages.py opens them through a relationship and a shared review. The world's
child has a notification, so its chronology exists."""

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
def _about_the_child(who: str) -> int:
    """No relationship with the child in this world: refused to every role."""
    return 302 if who == "anonymous" else 403


MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    ("GET", "incidents/"): _lead_only,  # listing only the notifications the lead may open
    ("GET", "incidents/new/"): _lead_only,
    ("GET", "incidents/<int:incident_id>/"): _about_the_child,
    ("GET", "children/<str:reference>/incidents/new/"): _about_the_child,
    ("GET", "children/<str:reference>/chronology/"): _about_the_child,
    ("GET", "chronologies/"): _reviewers,  # listing only the chronologies they may open
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
