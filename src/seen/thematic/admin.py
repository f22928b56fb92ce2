"""Reviews are kept on their pages (audited); the admin lists them and the codebook read-only,
for the system's own checks, and shows no case material (no excerpt, no dataset row)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from seen.thematic.models import Review, Theme


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(_ReadOnly):
    list_display = ("pk", "title", "kind", "created_at")
    fields = ("title", "kind", "created_by_name", "created_at")
    readonly_fields = fields


@admin.register(Theme)
class ThemeAdmin(_ReadOnly):
    list_display = ("order", "code", "name", "group")
    fields = ("code", "name", "description", "group", "order")
    readonly_fields = fields
