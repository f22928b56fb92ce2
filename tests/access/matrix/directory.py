"""Who may use the directory of services routes (merged into tests/access/test_matrix.py): the
list and one service, as pages and through the API, for every practitioner role and the
partnership's leaders (VIEW_DIRECTORY); not the reviewer, the data-protection officer, the
system administrator or an agency's system. Signed out: the pages send to sign in, the API 401."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seen.access.models import Role
from seen.access.policy import CASE_ROLES

READERS = CASE_ROLES | {Role.STRATEGIC_LEADER}
SERVICE_ID = "5c1e2f3a-4b5d-4e6f-8a7b-9c0d1e2f3a4b"


def _page(who: str) -> int:
    return 302 if who == "anonymous" else 200 if who in READERS else 403


def _api(who: str) -> int:
    return 401 if who == "anonymous" else 200 if who in READERS else 403


# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {
    ("GET", "services/"): _page,
    ("GET", "services/<str:service_id>/"): _page,
    ("GET", "api/services"): _api,
    ("GET", "api/services/{service_id}"): _api,
}
# route suffix -> the JSON body a POST is sent with
BODIES: dict[str, dict[str, Any]] = {}


def extend(world: dict[str, Any]) -> None:
    """One service in the directory, for the routes that name one."""
    from seen.directory.models import Service

    Service.objects.get_or_create(
        oruk_id=SERVICE_ID,
        defaults={
            "name": "Matrix Dads' Group",
            "organisation": "Matrix Early Help",
            "kind": "parenting",
            "audiences": ["fathers"],
            "url": "https://directory.example/matrix",
        },
    )
    world["service_id"] = SERVICE_ID
