"""Shielding: an address (or a whole record) that must not reach anyone without clearance —
a refuge, a domestic-abuse risk, an adoption. Every face that shows a source record's values
passes them through `redact` here, the one place the rule is applied; a shielded value is
replaced, never shown, exported or echoed in an error."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from seen.access.models import Shield
from seen.access.policy import profile_of

SHIELDED = "[shielded]"
ADDRESS_FIELDS = frozenset({"postcode", "address", "postcode_district", "postcode_sector"})
# a whole-record shield leaves only what says a record exists and who holds it
RECORD_KEEPS = frozenset({"record", "id", "pk", "agency", "local_id", "person"})


def cleared(viewer: AbstractBaseUser | AnonymousUser | None) -> bool:
    profile = profile_of(viewer)
    return bool(profile and profile.shielding_clearance)


def shields_of(record_ids: Iterable[int]) -> dict[int, set[str]]:
    """record id -> the scopes shielded ("address", "record"), in one query."""
    found: dict[int, set[str]] = {}
    rows = Shield.objects.filter(record_id__in=list(record_ids), lifted_at__isnull=True)
    for record, scope in rows.values_list("record_id", "scope"):
        found.setdefault(record, set()).add(scope)
    return found


def redact(values: Mapping[str, Any], scopes: set[str], *, clearance: bool) -> dict[str, Any]:
    """A copy of one record's values with what its shields cover replaced."""
    if clearance or not scopes:
        return dict(values)
    if Shield.Scope.RECORD in scopes:
        return {k: (v if k in RECORD_KEEPS else SHIELDED) for k, v in values.items()}
    return {k: (SHIELDED if k in ADDRESS_FIELDS else v) for k, v in values.items()}
