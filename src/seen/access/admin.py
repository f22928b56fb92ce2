"""Staff profiles in Django's admin, for the system administrator: who holds which role, in
which agency, as which practitioner, with or without shielding clearance. No case data here."""

from __future__ import annotations

from django.contrib import admin

from seen.access.models import StaffProfile


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "agency", "practitioner", "shielding_clearance")
    list_filter = ("role", "shielding_clearance")
    search_fields = ("user__username", "user__email")
    # ids, not drop-downs of every practitioner and agency of the partnership
    raw_id_fields = ("user", "agency", "practitioner")
