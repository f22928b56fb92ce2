"""Who may use the audit pages (merged into tests/access/test_matrix.py): who looked at a child
(the child's lead practitioner, a safeguarding lead, the data-protection officer; no one in this
world leads the child's plan), subject access (the data-protection officer) and break-glass
reviews (safeguarding leads)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seen.access.models import Role


def _only(*roles: str) -> Callable[[str], int]:
    allowed = set(roles)
    return lambda who: 302 if who == "anonymous" else 200 if who in allowed else 403


# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    ("GET", "children/<str:reference>/who-looked/"): _only(
        Role.SAFEGUARDING_LEAD, Role.DATA_PROTECTION_OFFICER
    ),
    ("GET", "subject-access/"): _only(Role.DATA_PROTECTION_OFFICER),  # the form
    ("GET", "break-glass/"): _only(Role.SAFEGUARDING_LEAD),
}
# route suffix -> the JSON body a POST is sent with
BODIES: dict[str, dict[str, Any]] = {}


def extend(world: dict[str, Any]) -> None:
    """Add what these routes need to the matrix's world (keys their routes name): the child's
    `reference` is there already."""
