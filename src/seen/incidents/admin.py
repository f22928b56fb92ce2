"""Notifications are recorded on their pages (audited); the admin lists them read-only, without
their description, for the system's own checks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from seen.incidents.models import Incident


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("pk", "learned_on", "notified_on", "rapid_review_on")
    fields = ("learned_on", "notified_on", "rapid_review_on")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
