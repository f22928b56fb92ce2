"""Who may use the person routes (merged into tests/access/test_matrix.py).

An adult is seen through the children around them; in the matrix's world no user has a
relationship with any child, so the father's page refuses every role (403) and the signed-out
go to sign-in. links/ and merge/ are POST-only: a GET leads back to the page (303); their POSTs
are tested in tests/web/test_person_page.py and tests/web/test_person_merge.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ANONYMOUS = "anonymous"
NO_PROFILE = "no profile"

# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    ("GET", "people/<str:person_reference>/"): lambda who: 302 if who == ANONYMOUS else 403,
    ("GET", "people/<str:person_reference>/links/"): lambda who: (
        302 if who == ANONYMOUS else 403 if who == NO_PROFILE else 303
    ),
    # the merge of a possible same person: POST-only as links/ (its POSTs: test_person_merge)
    ("GET", "people/<str:person_reference>/merge/"): lambda who: (
        302 if who == ANONYMOUS else 403 if who == NO_PROFILE else 303
    ),
}
# route suffix -> the JSON body a POST is sent with
BODIES: dict[str, dict[str, Any]] = {}


def extend(world: dict[str, Any]) -> None:
    """The father (F1): an adult around the child, with no relationship of any user."""
    from seen.people.models import SourceRecord

    father = SourceRecord.objects.get(local_id="F1").person
    assert father is not None
    world["person_reference"] = father.reference
