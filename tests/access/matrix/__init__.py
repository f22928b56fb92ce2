"""The access matrix, one module per page family: each has MATRIX, BODIES and extend(world)."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

FAMILIES = ["child", "person", "alerts", "record", "triage", "plans", "review", "audit_pages",
            "thematic", "incidents", "learning", "caseload", "fhir",
            "directory", "referrals"]


def families() -> list[ModuleType]:
    return [import_module(f"{__name__}.{name}") for name in FAMILIES]
