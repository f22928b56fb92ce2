"""Who may use the plans routes (merged into tests/access/test_matrix.py): a child's plans are
seen at the household level of the child (the lead practitioner or key worker of a current
plan, MASH with a contact under triage, a safeguarding lead with an escalation; the lawful basis
recorded); recording a conference, like every write about plans, is for the lead practitioner
or a safeguarding lead. In the matrix's world no one has a relationship with the child."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _no_relationship(who: str) -> int:
    """Signed out: to sign in; every account is refused (no role, no case role, or no
    relationship with the world's child)."""
    return 302 if who == "anonymous" else 403


# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    ("GET", "children/<str:reference>/plans/"): _no_relationship,
    ("GET", "children/<str:reference>/conferences/new/"): _no_relationship,
}
# route suffix -> the JSON body a POST is sent with
BODIES: dict[str, dict[str, Any]] = {}


def extend(world: dict[str, Any]) -> None:
    """Add what these routes need to the matrix's world (keys their routes name): the world's
    child is `reference` already."""
