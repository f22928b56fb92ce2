"""Who may use the partnership learning routes (merged into tests/access/test_matrix.py): the
dashboard, a measure over time and the CSV are for those who may view aggregates, the form to
record what leaders say for those who may state the partnership's view: strategic leaders and
safeguarding leads, for the purpose "strategic" the pages declare."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seen.access.models import Role

LEADERS = {Role.STRATEGIC_LEADER, Role.SAFEGUARDING_LEAD}


def _leaders(who: str) -> int:
    return 302 if who == "anonymous" else 200 if who in LEADERS else 403


# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    ("GET", "learning/"): _leaders,
    ("GET", "learning/export.csv"): _leaders,
    ("GET", "learning/statements/new/"): _leaders,
    ("GET", "learning/<slug:measure>/"): _leaders,
}
# route suffix -> the JSON body a POST is sent with
BODIES: dict[str, dict[str, Any]] = {}


def extend(world: dict[str, Any]) -> None:
    """A measure that exists, for `learning/<slug:measure>/`."""
    world["measure"] = "fathers-seen"
