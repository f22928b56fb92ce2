"""Changes to who may see what are audit events in Seen's chain, whichever path made them.

A staff profile's role, agency, practitioner and shielding clearance, and a user's is_active,
is_staff and is_superuser, decide what a user reaches. Every change to them (in the admin, by a
command such as `seen demo-users`, through the ORM) is recorded here from the models' own
signals (and from `StaffProfile.objects.update()`), as action "write" on object type
"staff_profile" or "user", disclosing each field's old and new value (codes and flags, no
personal data) and who made the change: the user named by `acting_as` (the admin names the
signed-in administrator), else the system.

A new user is recorded when created staff or superuser; an ordinary new user reaches nothing
until a staff profile is made for them, which is recorded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save

from seen.access.models import PROFILE_ACCESS_FIELDS, StaffProfile, profiles_updated
from seen.areas.models import Agency, Practitioner
from seen.audit.log import record
from seen.audit.models import Via

USER_ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser")
PURPOSE = "administration"

# who is making changes now, and through which face: set by the admin for its requests
_acting: ContextVar[tuple[Any, str] | None] = ContextVar("seen_access_acting", default=None)
# the values a row held before the save under way, by model and primary key
_BEFORE = "_seen_access_before"


@contextmanager
def acting_as(user: Any, via: str = Via.PAGE) -> Iterator[None]:
    """Changes made inside are recorded as made by `user` through `via`."""
    token = _acting.set((user, via))
    try:
        yield
    finally:
        _acting.reset(token)


def actor() -> tuple[Any, str]:
    """(user, via) making changes now: the system through a command unless named."""
    return _acting.get() or (None, Via.COMMAND)


def _agency(pk: Any) -> str | None:
    if pk is None:
        return None
    return Agency.objects.filter(pk=pk).values_list("code", flat=True).first() or str(pk)


def _practitioner(pk: Any) -> str | None:
    # the practitioner as their agency knows them (agency code / local id), not by name
    if pk is None:
        return None
    row = Practitioner.objects.filter(pk=pk).values_list("agency__code", "local_id").first()
    return f"{row[0]}/{row[1]}" if row else str(pk)


def shown(field: str, value: Any) -> Any:
    """A profile or user field's value as the audit entry shows it."""
    if field == "agency":
        return _agency(value)
    if field == "practitioner":
        return _practitioner(value)
    return value


def profile_values(profile: StaffProfile) -> dict[str, Any]:
    """The access fields of a profile in hand, as raw values (ids for agency, practitioner)."""
    return {
        "role": profile.role,
        "agency": profile.agency_id,
        "practitioner": profile.practitioner_id,
        "shielding_clearance": profile.shielding_clearance,
    }


def stored_profiles(pks: list[Any]) -> dict[Any, dict[str, Any]]:
    """The access fields of the profiles stored under these primary keys, by key."""
    rows = StaffProfile.objects.filter(pk__in=pks).values("pk", *PROFILE_ACCESS_FIELDS)
    return {row.pop("pk"): row for row in rows}


def changed(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, Any]:
    """{field: {"old": …, "new": …}} for each field that differs, as the audit entry shows them
    (None stands for a row that did not exist, or no longer does)."""
    fields = list((after or before or {}).keys())
    return {
        name: {
            "old": shown(name, before[name]) if before else None,
            "new": shown(name, after[name]) if after else None,
        }
        for name in fields
        if (before or {}).get(name) != (after or {}).get(name) or not before or not after
    }


def audit_change(object_type: str, pk: Any, username: str, changes: dict[str, Any]) -> None:
    """One audit entry for a change to who may see what."""
    if not changes:
        return
    user, via = actor()
    record(
        user=user,
        action="write",
        via=via,
        purpose=PURPOSE,
        object_type=object_type,
        object_id=str(pk),
        disclosed={"user": username, "changes": changes},
    )


def _watched(update_fields: Any, names: tuple[str, ...]) -> bool:
    # a save naming its fields (last_login on sign-in, a password upgraded) touches no access
    return update_fields is None or bool(
        set(update_fields) & {*names, "agency_id", "practitioner_id"}
    )


def _profile_before(
    sender: Any, instance: StaffProfile, update_fields: Any = None, **_: Any
) -> None:
    if _watched(update_fields, PROFILE_ACCESS_FIELDS):
        before = stored_profiles([instance.pk]).get(instance.pk) if instance.pk else None
        setattr(instance, _BEFORE, before)


def _profile_after(
    sender: Any, instance: StaffProfile, update_fields: Any = None, **_: Any
) -> None:
    if not hasattr(instance, _BEFORE):
        return
    before = getattr(instance, _BEFORE)
    delattr(instance, _BEFORE)
    audit_change(
        "staff_profile",
        instance.pk,
        _username(instance.user_id),
        changed(before, profile_values(instance)),
    )


def _profile_removed(sender: Any, instance: StaffProfile, **_: Any) -> None:
    audit_change(
        "staff_profile",
        instance.pk,
        _username(instance.user_id),
        changed(profile_values(instance), None),
    )


def _username(user_id: Any) -> str:
    model = get_user_model()
    found = model._default_manager.filter(pk=user_id).values_list(model.USERNAME_FIELD, flat=True)
    return str(found.first() or user_id)


def _user_values(user: Any) -> dict[str, Any]:
    return {name: getattr(user, name) for name in USER_ACCESS_FIELDS}


def _user_before(sender: Any, instance: Any, update_fields: Any = None, **_: Any) -> None:
    if not _watched(update_fields, USER_ACCESS_FIELDS):
        return
    stored = (
        sender._default_manager.filter(pk=instance.pk).values(*USER_ACCESS_FIELDS).first()
        if instance.pk
        else None
    )
    setattr(instance, _BEFORE, stored)


def _user_after(sender: Any, instance: Any, created: bool = False, **_: Any) -> None:
    if not hasattr(instance, _BEFORE):
        return
    before = getattr(instance, _BEFORE)
    delattr(instance, _BEFORE)
    after = _user_values(instance)
    if before is None and not (after["is_staff"] or after["is_superuser"]):
        return  # an ordinary new user: no access until a profile is made (recorded then)
    audit_change("user", instance.pk, instance.get_username(), changed(before, after))


def audit_profile_update(
    before: dict[Any, dict[str, Any]], users: dict[Any, Any], **_signal: Any
) -> None:
    """After StaffProfile.objects.update(): one entry per profile whose access fields changed
    (`before`: their values by primary key, read before the update; `users`: their user ids)."""
    after = stored_profiles(list(before))
    for pk, values in before.items():
        audit_change("staff_profile", pk, _username(users[pk]), changed(values, after.get(pk)))


def connect() -> None:
    """Called once, from the app's ready()."""
    user_model: type[Model] = get_user_model()
    uid = "seen.access.changes"
    pre_save.connect(_profile_before, sender=StaffProfile, dispatch_uid=f"{uid}.profile.pre")
    post_save.connect(_profile_after, sender=StaffProfile, dispatch_uid=f"{uid}.profile.post")
    post_delete.connect(_profile_removed, sender=StaffProfile, dispatch_uid=f"{uid}.profile.del")
    profiles_updated.connect(
        audit_profile_update, sender=StaffProfile, dispatch_uid=f"{uid}.profile.update"
    )
    pre_save.connect(_user_before, sender=user_model, dispatch_uid=f"{uid}.user.pre")
    post_save.connect(_user_after, sender=user_model, dispatch_uid=f"{uid}.user.post")
