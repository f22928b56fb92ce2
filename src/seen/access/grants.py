"""Granting access needs a second person.

An administrator asks for a user's staff profile to change (role, agency, practitioner,
shielding clearance): the request is an `AccessGrant`, pending, and changes nothing. It takes
effect only when a different system administrator approves it: not the one who asked, and not
the user whose access it is, so nobody grants access to themselves and no one person makes a
user a social worker with shielding clearance. A request that only takes access away (clearance
removed, agency or practitioner cleared) takes effect at once: the safe direction needs no
second person. Every request and every decision is an audit event, and so is the change itself
(seen.access.changes).

Commands that set up the system (`seen demo-users`) change profiles directly, as the system, and
are audited as such; the admin offers only this way.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from seen.access.changes import acting_as, changed, stored_profiles
from seen.access.models import PROFILE_ACCESS_FIELDS, AccessGrant, Role, StaffProfile
from seen.areas.models import Agency, Practitioner
from seen.audit.log import record
from seen.audit.models import Via
from seen.core import clock
from seen.core.errors import Refused

# who approves: a system administrator other than the requester and the user concerned
APPROVER_ROLE = Role.SYSTEM_ADMINISTRATOR


class GrantRefused(Refused):
    """The request or the decision is not allowed; the message says why."""


def _current(user: Any) -> dict[str, Any] | None:
    profile = StaffProfile.objects.filter(user=user).values_list("pk", flat=True).first()
    return None if profile is None else stored_profiles([profile])[profile]


def _role_of(user: Any) -> str | None:
    return StaffProfile.objects.filter(user=user).values_list("role", flat=True).first()


def takes_away_only(before: dict[str, Any] | None, after: dict[str, Any]) -> bool:
    """Whether going from `before` to `after` only removes access: clearance taken off, agency
    or practitioner cleared, nothing else changed. A new profile always gives access."""
    if before is None:
        return False
    for name in PROFILE_ACCESS_FIELDS:
        if before[name] == after[name]:
            continue
        removed = after[name] is None or (name == "shielding_clearance" and not after[name])
        if not removed:
            return False
    return True


def _check_practitioner(
    user: Any, agency: Agency | None, practitioner: Practitioner | None
) -> None:
    if practitioner is None:
        return
    taken = (
        StaffProfile.objects.filter(practitioner=practitioner)
        .exclude(user=user)
        .values_list("user__username", flat=True)
        .first()
    )
    if taken is not None:
        raise GrantRefused(f"practitioner {practitioner.local_id} is already {taken}'s")
    if agency is None or agency.pk != practitioner.agency_id:
        raise GrantRefused(
            f"practitioner {practitioner.local_id} works for agency "
            f"{practitioner.agency.code}: give that agency"
        )


def _audit(grant: AccessGrant, by: Any, via: str, **details: Any) -> None:
    record(
        user=by,
        action="write",
        via=via,
        purpose="administration",
        object_type="access_grant",
        object_id=str(grant.pk),
        disclosed={
            "user": grant.user.get_username(),
            "changes": grant.changes,
            "state": grant.state,
            **details,
        },
    )


def check_request(
    user: Any,
    *,
    role: str,
    agency: Agency | None,
    practitioner: Practitioner | None,
    shielding_clearance: bool,
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The profile's values now and the values asked for (raw), or GrantRefused."""
    if role not in Role.values:
        raise GrantRefused(f"no role {role!r}")
    _check_practitioner(user, agency, practitioner)
    after = {
        "role": role,
        "agency": agency.pk if agency is not None else None,
        "practitioner": practitioner.pk if practitioner is not None else None,
        "shielding_clearance": bool(shielding_clearance),
    }
    before = _current(user)
    if before == after:
        raise GrantRefused("the profile already has these values: nothing to change")
    return before, after


def request(
    requester: Any,
    user: Any,
    *,
    role: str,
    agency: Agency | None,
    practitioner: Practitioner | None,
    shielding_clearance: bool,
    reason: str,
    via: str = Via.PAGE,
) -> AccessGrant:
    """Ask for `user`'s profile to have these values. Pending until a second administrator
    approves, unless it only takes access away (then in effect at once, state "applied")."""
    if not reason.strip():
        raise GrantRefused("say why the user needs this access")
    with transaction.atomic():
        before, after = check_request(
            user,
            role=role,
            agency=agency,
            practitioner=practitioner,
            shielding_clearance=shielding_clearance,
        )
        now = clock.now()
        grant = AccessGrant.objects.create(
            user=user,
            role=role,
            agency=agency,
            practitioner=practitioner,
            shielding_clearance=bool(shielding_clearance),
            before=before,
            changes=changed(before, after),
            reason=reason.strip(),
            requested_by=requester,
            requested_at=now,
        )
        if takes_away_only(before, after):
            _apply(grant, requester, via)
            grant.state, grant.decided_by, grant.decided_at = (
                AccessGrant.State.APPLIED,
                requester,
                now,
            )
            grant.save(update_fields=["state", "decided_by", "decided_at"])
        _audit(grant, requester, via, reason=grant.reason)
    return grant


def may_approve(user: Any) -> bool:
    """A signed-in, active system administrator (by role, not by Django's staff flag alone)."""
    return bool(user.is_authenticated and user.is_active and _role_of(user) == APPROVER_ROLE)


def approve(grant: AccessGrant, approver: Any, via: str = Via.PAGE) -> AccessGrant:
    """Put a pending grant into effect, as `approver`: a system administrator who is neither
    the requester nor the user concerned, the profile unchanged since the request."""
    with transaction.atomic():
        grant = AccessGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
        if grant.state != AccessGrant.State.PENDING:
            raise GrantRefused(f"access grant {grant.pk} is {grant.state}, not pending")
        if approver.pk == grant.requested_by_id:
            raise GrantRefused("a second administrator must approve: not the one who asked")
        if approver.pk == grant.user_id:
            raise GrantRefused("nobody approves access for themselves")
        if not may_approve(approver):
            raise GrantRefused("only a system administrator approves access")
        if _current(grant.user) != grant.before:
            raise GrantRefused(
                f"the profile changed since access grant {grant.pk} was asked for: refuse it "
                "and ask again"
            )
        _check_practitioner(grant.user, grant.agency, grant.practitioner)
        _apply(grant, approver, via)
        _close(grant, AccessGrant.State.APPROVED, approver, via)
    return grant


def refuse(grant: AccessGrant, decider: Any, via: str = Via.PAGE) -> AccessGrant:
    """Close a pending grant unapplied: any system administrator may, and the requester may
    withdraw their own (the safe direction needs no second person)."""
    with transaction.atomic():
        grant = AccessGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
        if grant.state != AccessGrant.State.PENDING:
            raise GrantRefused(f"access grant {grant.pk} is {grant.state}, not pending")
        if decider.pk != grant.requested_by_id and not may_approve(decider):
            raise GrantRefused("only a system administrator refuses access")
        _close(grant, AccessGrant.State.REFUSED, decider, via)
    return grant


def _close(grant: AccessGrant, state: str, by: Any, via: str) -> None:
    """A pending grant decided: its state, who decided and when, and the decision audited."""
    grant.state, grant.decided_by, grant.decided_at = state, by, clock.now()
    grant.save(update_fields=["state", "decided_by", "decided_at"])
    _audit(grant, by, via)


def _apply(grant: AccessGrant, by: Any, via: str) -> None:
    profile = StaffProfile.objects.filter(user_id=grant.user_id).first()
    if profile is None:
        profile = StaffProfile(user_id=grant.user_id)
    profile.role = grant.role
    profile.agency_id = grant.agency_id
    profile.practitioner_id = grant.practitioner_id
    profile.shielding_clearance = grant.shielding_clearance
    with acting_as(by, via):  # the change itself is audited as made by the decider
        profile.save()


def remove_clearance(profile: StaffProfile, by: Any, via: str = Via.PAGE) -> bool:
    """Take shielding clearance away at once (the safe direction); audited as the change.
    Whether there was any to take."""
    if not profile.shielding_clearance:
        return False
    profile.shielding_clearance = False
    with transaction.atomic(), acting_as(by, via):  # the change and its entry, or neither
        profile.save()
    return True
