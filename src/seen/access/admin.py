"""Staff profiles, access grants and users in Django's admin, for the system administrator: who
holds which role, in which agency, as which practitioner, with or without shielding clearance.
No case data here.

A profile's access fields are read-only: they change through an access grant, asked for here
and in effect only once a second system administrator approves it (seen.access.grants).
Taking access away is at once: remove shielding clearance (an action on the list), delete the
profile, or make the user inactive. Every change made through these pages is audited in Seen's
chain as made by the signed-in administrator (seen.access.changes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from seen.access import grants
from seen.access.changes import acting_as
from seen.access.models import PROFILE_ACCESS_FIELDS, AccessGrant, Role, StaffProfile
from seen.audit.log import record
from seen.audit.models import Via


class RecordsTheAdministrator:
    """Every change made through these pages (a form, an action, a deletion) is recorded as
    made by the signed-in administrator."""

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with acting_as(request.user, Via.PAGE):
            return super().changeform_view(request, *args, **kwargs)  # type: ignore[misc]

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with acting_as(request.user, Via.PAGE):
            return super().changelist_view(request, *args, **kwargs)  # type: ignore[misc]

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with acting_as(request.user, Via.PAGE):
            return super().delete_view(request, *args, **kwargs)  # type: ignore[misc]


@admin.register(StaffProfile)
class StaffProfileAdmin(RecordsTheAdministrator, admin.ModelAdmin):
    list_display = ("user", "role", "agency", "practitioner", "shielding_clearance")
    list_filter = ("role", "shielding_clearance")
    search_fields = ("user__username", "user__email")
    # the access fields change only through an approved grant
    fields = ("user", *PROFILE_ACCESS_FIELDS, "change_access")
    readonly_fields = fields
    actions = ["remove_shielding_clearance"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a profile is made by an approved access grant

    @admin.display(description="change access")
    def change_access(self, profile: StaffProfile) -> str:
        url = reverse("admin:access_accessgrant_add") + f"?user={profile.user_id}"
        return format_html(
            '<a href="{}">Ask for a change</a> (a second system administrator approves it)', url
        )

    @admin.action(description="Remove shielding clearance (at once)", permissions=["change"])
    def remove_shielding_clearance(
        self, request: HttpRequest, queryset: QuerySet[StaffProfile]
    ) -> None:
        removed = sum(grants.remove_clearance(profile, request.user) for profile in queryset)
        self.message_user(request, f"shielding clearance removed from {removed} profile(s)")


class AccessGrantForm(forms.ModelForm):
    """The profile the user is to have, and why; refused here if it cannot be granted."""

    class Meta:
        model = AccessGrant
        fields = ("user", *PROFILE_ACCESS_FIELDS, "reason")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("user") is None or not data.get("role"):
            return data
        try:
            grants.check_request(
                data["user"],
                role=data["role"],
                agency=data.get("agency"),
                practitioner=data.get("practitioner"),
                shielding_clearance=bool(data.get("shielding_clearance")),
            )
        except grants.GrantRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return data


@admin.register(AccessGrant)
class AccessGrantAdmin(RecordsTheAdministrator, admin.ModelAdmin):
    form = AccessGrantForm
    list_display = ("pk", "user", "asked_for", "state", "requested_by", "decided_by")
    list_filter = ("state",)
    search_fields = ("user__username",)
    raw_id_fields = ("user", "agency", "practitioner")
    actions = ["approve", "refuse"]
    shown = (
        "user",
        "asked_for",
        "reason",
        "state",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    )

    @admin.display(description="changes asked for")
    def asked_for(self, grant: AccessGrant) -> str:
        return "; ".join(
            f"{name.replace('_', ' ')}: {change['old']} → {change['new']}"
            for name, change in grant.changes.items()
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.shown if obj is not None else super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.shown if obj is not None else ()

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # asked from a profile's page: start from the profile as it is
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        user = request.GET.get("user", "")
        profile = StaffProfile.objects.filter(user_id=user).first() if user.isdigit() else None
        if profile is not None:
            initial.update(
                role=profile.role,
                agency=profile.agency_id,
                practitioner=profile.practitioner_id,
                shielding_clearance=profile.shielding_clearance,
            )
        return initial

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a grant is a record of who asked and who decided

    def save_model(self, request: HttpRequest, obj: AccessGrant, form: Any, change: bool) -> None:
        if change:
            return  # a grant is never edited: it is approved or refused
        grant = grants.request(
            request.user,
            obj.user,
            role=obj.role,
            agency=obj.agency,
            practitioner=obj.practitioner,
            shielding_clearance=obj.shielding_clearance,
            reason=obj.reason,
        )
        obj.pk, obj.state, obj.changes = grant.pk, grant.state, grant.changes
        obj._state.adding = False
        if grant.state == AccessGrant.State.PENDING:
            self.message_user(
                request,
                f"access grant {grant.pk} is pending: it takes effect once a second system "
                "administrator approves it",
                messages.WARNING,
            )
        else:
            self.message_user(request, f"access grant {grant.pk}: access removed at once")

    def _decide(self, request: HttpRequest, queryset: QuerySet[AccessGrant], approve: bool) -> None:
        decide = grants.approve if approve else grants.refuse
        for grant in queryset:
            try:
                decide(grant, request.user)
            except grants.GrantRefused as refused:
                self.message_user(
                    request, f"access grant {grant.pk} not changed: {refused}", messages.ERROR
                )
            else:
                done = "approved: in effect now" if approve else "refused"
                self.message_user(request, f"access grant {grant.pk} {done}")

    @admin.action(description="Approve the selected requests", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[AccessGrant]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Refuse the selected requests", permissions=["change"])
    def refuse(self, request: HttpRequest, queryset: QuerySet[AccessGrant]) -> None:
        self._decide(request, queryset, approve=False)


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class SeenUserAdmin(RecordsTheAdministrator, UserAdmin):
    """Django's user admin, with the doors to another administrator's account closed: only a
    superuser makes a superuser or gives permissions one by one, and only a superuser changes
    (the password of) another superuser or system administrator, who could otherwise be
    impersonated to approve a grant. Changes to is_active, is_staff and is_superuser are
    audited (seen.access.changes), and so is a password set here."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def _guarded(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None or request.user.is_superuser or obj.pk == request.user.pk:
            return False
        role = StaffProfile.objects.filter(user=obj).values_list("role", flat=True).first()
        return bool(obj.is_superuser or role == Role.SYSTEM_ADMINISTRATOR)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not self._guarded(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not self._guarded(request, obj)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with acting_as(request.user, Via.PAGE):
            response = super().user_change_password(request, id, form_url)
        changed = request.method == "POST" and response.status_code == 302
        if changed and response["Location"].endswith("/change/"):
            user = User._default_manager.get(pk=id)
            record(
                user=request.user,
                action="write",
                via=Via.PAGE,
                purpose="administration",
                object_type="user",
                object_id=str(user.pk),
                disclosed={"user": user.get_username(), "changes": {"password": "set"}},
            )
        return response
