"""Who may use the review routes (merged into tests/access/test_matrix.py): clerical review of
uncertain links is for MASH practitioners and safeguarding leads (docs/access.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seen.access.models import Role

REVIEWERS = {Role.MASH_PRACTITIONER, Role.SAFEGUARDING_LEAD}


def _reviewers(who: str) -> int:
    """Signed out: to sign in; reviewers see the page; every other account is refused."""
    return 302 if who == "anonymous" else 200 if who in REVIEWERS else 403


# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    ("GET", "review/"): _reviewers,  # the next pair of the queue (the world's review-band pair)
    ("GET", "review/pairs/<int:pair_id>/"): _reviewers,
    # the recent identity decisions, and one of them (the world's decision to undo)
    ("GET", "review/decisions/"): _reviewers,
    ("GET", "review/decisions/<int:decision_id>/"): _reviewers,
}
# route suffix -> the JSON body a POST is sent with
BODIES: dict[str, dict[str, Any]] = {}


def extend(world: dict[str, Any]) -> None:
    """Add what these routes need to the matrix's world (keys their routes name): the world's
    review-band pair is `pair_id` already, and its decision to undo `decision_id`."""
