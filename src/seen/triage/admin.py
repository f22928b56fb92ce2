"""Triages in Django's admin, read-only and without case detail: which triage, when, whether it
is decided and how many checks are done. Triages are opened, checked and decided only through
seen.triage.services (the triage page), where each step is decided and audited; the results of
the checks and the reasons for decisions are case data and are not shown here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from seen.triage.models import Triage


@admin.register(Triage)
class TriageAdmin(admin.ModelAdmin):
    list_display = ("pk", "opened_at", "decided", "checks_done")
    fields = ("opened_at", "decided_at")
    readonly_fields = ("opened_at", "decided_at")

    @admin.display(boolean=True)
    def decided(self, triage: Triage) -> bool:
        return triage.decided

    @admin.display(description="checks done")
    def checks_done(self, triage: Triage) -> str:
        checks = list(triage.checks.values_list("done_at", flat=True))
        return f"{sum(1 for d in checks if d is not None)} of {len(checks)}"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
