"""Who may use the child routes (merged into tests/access/test_matrix.py).

In the matrix's world no user has a relationship with the child, so the child page refuses
every role (403, break glass offered to case roles), and the signed-out go to sign-in. The
POST-only addresses (basis/, break-glass/) answer a GET by leading back to the page (303); their
POSTs are tested in tests/web/test_child_page.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ANONYMOUS = "anonymous"
NO_PROFILE = "no profile"


def _page(who: str) -> int:
    return 302 if who == ANONYMOUS else 403


def _post_only(who: str) -> int:
    return 302 if who == ANONYMOUS else 403 if who == NO_PROFILE else 303


# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    ("GET", "children/<str:reference>/"): _page,
    ("GET", "children/<str:reference>/basis/"): _post_only,
    ("GET", "children/<str:reference>/break-glass/"): _post_only,
    # the case file: no relationship in this world, so 403 for every role
    ("GET", "api/children/{reference}"): lambda who: 401 if who == ANONYMOUS else 403,
}
# route suffix -> the JSON body a POST is sent with
BODIES: dict[str, dict[str, Any]] = {}


def extend(world: dict[str, Any]) -> None:
    """Add what these routes need to the matrix's world (keys their routes name): the child's
    `reference` is there already."""
