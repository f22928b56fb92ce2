"""Who may open the caseload page (merged into tests/access/test_matrix.py): the roles with a
caseload (midwives, health visitors, GPs, personal advisers, social workers, Early Help key
workers), for the care purposes they declare; each row is then the child's own decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seen.access.policy import CASELOAD_ROLES


def _caseload(who: str) -> int:
    return 302 if who == "anonymous" else 200 if who in CASELOAD_ROLES else 403


# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {("GET", "caseload/"): _caseload}
BODIES: dict[str, dict[str, Any]] = {}


def extend(world: dict[str, Any]) -> None:
    """The route names nothing."""
