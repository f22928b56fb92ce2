"""Who may use the referral routes (merged into tests/access/test_matrix.py).

No role has a relationship with the world's child, so the referral's page and both API
operations refuse every signed-in user (403; the signed-out: sign-in, or 401), whatever the
role: a referral is decided about its child. The API's {reference} is the world's child's
reference, which names no referral: refused as a child without a relationship is, as for a
referral Seen holds. "Refer him to a service" without the child it is for (?child=) is a 400
for everyone with a role: there is no child to decide about. "Your referrals" is for the roles
that record facts about a child (they are the ones who refer): 200, with nothing in it here;
any other role is refused. 200 with a relationship is tested in tests/web/test_referral_pages.py
and tests/api/test_referrals_api.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seen.access.policy import CHILD_ACTION_ROLES, Action

ANONYMOUS = "anonymous"
NO_PROFILE = "no profile"
REFERRERS = CHILD_ACTION_ROLES[Action.RECORD_FACT]


def _page(who: str) -> int:
    return 302 if who == ANONYMOUS else 403


def _api(who: str) -> int:
    return 401 if who == ANONYMOUS else 403


# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    ("GET", "people/<str:person_reference>/refer/"): lambda who: (
        302 if who == ANONYMOUS else 403 if who == NO_PROFILE else 400
    ),
    ("GET", "referrals/"): lambda who: (
        302 if who == ANONYMOUS else 200 if who in REFERRERS else 403
    ),
    ("GET", "referrals/<str:key>/"): _page,
    ("GET", "api/referrals/{reference}"): _api,
    ("POST", "api/referrals/{reference}/uptake"): _api,
}
# route suffix -> the JSON body a POST is sent with
BODIES: dict[str, dict[str, Any]] = {
    "/uptake": {"status": "contacted", "occurred_on": "2025-06-12"},
}


def extend(world: dict[str, Any]) -> None:
    """A referral of the world's father, for its child, to a service of the directory."""
    from datetime import date

    from seen.areas.models import Agency
    from seen.directory.models import Service
    from seen.facts.models import ServiceReferral
    from seen.people.models import SourceRecord

    group = Service.objects.create(
        oruk_id="matrix-dads",
        name="Dads' group",
        organisation="Matrix",
        kind="parenting",
        audiences=["fathers"],
    )
    referral = ServiceReferral.objects.create(
        agency=Agency.objects.get(code="QAV-MAT"),
        local_id="seen-matrix-referral",
        occurred_on=date(2025, 6, 10),
        subject=SourceRecord.objects.get(local_id="F1"),
        child=SourceRecord.objects.get(local_id="B1"),
        service=group,
        reason="Asked for support",
        basis="consent",
    )
    world["key"] = referral.local_id
