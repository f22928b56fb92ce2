"""Granting access needs a second person, and every change to who may see what is in Seen's
audit chain (issue 13, finding 4). The attack as reported: the system administrator, in Django's
admin, makes itself a social worker with shielding clearance."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from seen.access import grants
from seen.access.changes import acting_as
from seen.access.models import (
    AccessFieldsChangedInBulk,
    AccessGrant,
    Role,
    StaffProfile,
)
from seen.access.shielding import cleared
from seen.areas.models import Agency, Practitioner
from seen.audit.log import verify
from seen.audit.models import AuditEvent
from seen.ingest.loader import ingest_extract
from tests.fixtures.partnership import signed_in_client

demo_users = importlib.import_module("seen.access.management.commands.demo-users")

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(extract: Callable[..., Path]) -> None:
    ingest_extract(extract())


def _administrator(name: str) -> Any:
    """A system administrator as `seen demo-users` makes one: staff, not superuser, in the
    group, with the role."""
    user = get_user_model().objects.create_user(name, password="a-long-test-password-1")
    user.is_staff = True
    user.save()
    user.groups.add(demo_users.admin_group())
    StaffProfile.objects.create(user=user, role=Role.SYSTEM_ADMINISTRATOR)
    return user


@pytest.fixture
def admins(partnership: None) -> tuple[Any, Any, Any]:
    return _administrator("admin-a"), _administrator("admin-b"), _administrator("admin-c")


def _profile(user: Any) -> StaffProfile:
    return StaffProfile.objects.get(user=user)


def _entries(object_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=object_type).order_by("seq"))


def _ask(client: Client, user: Any, **fields: Any) -> Any:
    data = {
        "user": user.pk,
        "role": Role.SOCIAL_WORKER,
        "agency": "",
        "practitioner": "",
        "shielding_clearance": "on",
        "reason": "covering the duty team this month",
        "_save": "Save",
        **fields,
    }
    return client.post(
        "/admin/access/accessgrant/add/", {k: v for k, v in data.items() if v is not None}
    )


def _decide(client: Client, grant: AccessGrant, action: str) -> Any:
    return client.post(
        "/admin/access/accessgrant/",
        {"action": action, "_selected_action": [grant.pk], "index": "0"},
        follow=True,
    )


def test_the_profile_form_no_longer_changes_role_or_clearance(admins: tuple[Any, ...]) -> None:
    """The attack: the administrator posts its own profile as a social worker with clearance."""
    a, _, _ = admins
    profile = _profile(a)
    response = signed_in_client(a).post(
        f"/admin/access/staffprofile/{profile.pk}/change/",
        {
            "user": a.pk,
            "role": Role.SOCIAL_WORKER,
            "agency": Agency.objects.get(code="QAV-MAT").pk,
            "practitioner": "",
            "shielding_clearance": "on",
            "_save": "Save",
        },
    )
    assert response.status_code < 500
    profile.refresh_from_db()
    assert profile.role == Role.SYSTEM_ADMINISTRATOR and not profile.shielding_clearance
    assert profile.agency is None and not cleared(get_user_model().objects.get(pk=a.pk))
    assert not AccessGrant.objects.exists()
    # nor can a profile be added there
    assert signed_in_client(a).get("/admin/access/staffprofile/add/").status_code == 403


def test_a_grant_waits_for_a_second_administrator_and_both_are_audited(
    admins: tuple[Any, ...],
) -> None:
    a, b, _ = admins
    asked = _ask(signed_in_client(a), a)
    assert asked.status_code == 302, asked.content.decode()[:2000]
    grant = AccessGrant.objects.get()
    assert grant.state == AccessGrant.State.PENDING and grant.requested_by == a
    assert grant.changes == {
        "role": {"old": "system_administrator", "new": "social_worker"},
        "shielding_clearance": {"old": False, "new": True},
    }
    # nothing gained yet
    assert _profile(a).role == Role.SYSTEM_ADMINISTRATOR and not _profile(a).shielding_clearance

    # the one who asked cannot approve it
    page = _decide(signed_in_client(a), grant, "approve").content.decode()
    assert "not the one who asked" in page
    grant.refresh_from_db()
    assert grant.state == AccessGrant.State.PENDING
    assert _profile(a).role == Role.SYSTEM_ADMINISTRATOR

    # a second administrator approves: in effect now
    page = _decide(signed_in_client(b), grant, "approve").content.decode()
    assert "approved" in page
    grant.refresh_from_db()
    assert (grant.state, grant.decided_by) == (AccessGrant.State.APPROVED, b)
    profile = _profile(a)
    assert profile.role == Role.SOCIAL_WORKER and profile.shielding_clearance
    assert cleared(get_user_model().objects.get(pk=a.pk))

    # in the chain: asked by a, approved by b, and the change itself made by b
    asked_entry, approved_entry = _entries("access_grant")
    assert (asked_entry.username, asked_entry.disclosed["state"]) == ("admin-a", "pending")
    assert (approved_entry.username, approved_entry.disclosed["state"]) == ("admin-b", "approved")
    change = _entries("staff_profile")[-1]
    assert (change.username, change.role, change.action, change.via) == (
        "admin-b",
        "system_administrator",
        "write",
        "page",
    )
    assert change.disclosed == {
        "user": "admin-a",
        "changes": {
            "role": {"old": "system_administrator", "new": "social_worker"},
            "shielding_clearance": {"old": False, "new": True},
        },
    }
    assert verify().ok


def test_nobody_approves_access_for_themselves(admins: tuple[Any, ...]) -> None:
    a, b, c = admins
    grant = grants.request(
        a,
        b,
        role=Role.SOCIAL_WORKER,
        agency=None,
        practitioner=None,
        shielding_clearance=True,
        reason="moving to the duty team",
    )
    with pytest.raises(grants.GrantRefused, match="themselves"):
        grants.approve(grant, b)
    with pytest.raises(grants.GrantRefused, match="not the one who asked"):
        grants.approve(grant, a)
    assert _profile(b).role == Role.SYSTEM_ADMINISTRATOR
    grants.approve(grant, c)
    assert _profile(b).role == Role.SOCIAL_WORKER


def test_only_a_system_administrator_approves(admins: tuple[Any, ...]) -> None:
    a, _, _ = admins
    # staff with the group's permissions, but not the role
    helper = get_user_model().objects.create_user("desk", password="a-long-test-password-1")
    helper.is_staff = True
    helper.save()
    helper.groups.add(demo_users.admin_group())
    target = get_user_model().objects.create_user("new.worker", password="a-long-test-password-1")
    grant = grants.request(
        a,
        target,
        role=Role.MIDWIFE,
        agency=None,
        practitioner=None,
        shielding_clearance=False,
        reason="joined the maternity team",
    )
    page = _decide(signed_in_client(helper), grant, "approve").content.decode()
    assert "only a system administrator approves" in page
    assert not StaffProfile.objects.filter(user=target).exists()


def test_a_new_profile_is_a_grant_too(admins: tuple[Any, ...]) -> None:
    a, b, _ = admins
    target = get_user_model().objects.create_user("new.midwife", password="a-long-test-password-1")
    midwife = Practitioner.objects.get(local_id="MW1")
    response = _ask(
        signed_in_client(a),
        target,
        role=Role.MIDWIFE,
        agency=midwife.agency_id,
        practitioner=midwife.pk,
        shielding_clearance=None,
    )
    assert response.status_code == 302
    assert not StaffProfile.objects.filter(user=target).exists()
    grants.approve(AccessGrant.objects.get(), b)
    profile = _profile(target)
    assert (profile.role, profile.practitioner, profile.agency) == (
        Role.MIDWIFE,
        midwife,
        midwife.agency,
    )
    assert _entries("staff_profile")[-1].disclosed["changes"] == {
        "role": {"old": None, "new": "midwife"},
        "agency": {"old": None, "new": "QAV-MAT"},
        "practitioner": {"old": None, "new": "QAV-MAT/MW1"},
        "shielding_clearance": {"old": None, "new": False},
    }


def test_the_request_form_refuses_what_cannot_be_granted(admins: tuple[Any, ...]) -> None:
    a, b, _ = admins
    midwife = Practitioner.objects.get(local_id="MW1")
    StaffProfile.objects.filter(user=b).delete()
    StaffProfile.objects.create(
        user=b, role=Role.MIDWIFE, practitioner=midwife, agency=midwife.agency
    )
    target = get_user_model().objects.create_user("other", password="a-long-test-password-1")
    taken = _ask(
        signed_in_client(a),
        target,
        role=Role.MIDWIFE,
        agency=midwife.agency_id,
        practitioner=midwife.pk,
        shielding_clearance=None,
    )
    assert taken.status_code == 200 and "already admin-b" in taken.content.decode()
    same = _ask(signed_in_client(a), a, role=Role.SYSTEM_ADMINISTRATOR, shielding_clearance=None)
    assert same.status_code == 200 and "nothing to change" in same.content.decode()
    assert not AccessGrant.objects.exists()


def test_an_old_request_cannot_overwrite_a_later_change(admins: tuple[Any, ...]) -> None:
    a, b, c = admins
    grant = grants.request(
        a,
        b,
        role=Role.SOCIAL_WORKER,
        agency=None,
        practitioner=None,
        shielding_clearance=False,
        reason="moving team",
    )
    grants.request(
        a,
        b,
        role=Role.SYSTEM_ADMINISTRATOR,
        agency=Agency.objects.get(code="POL"),
        practitioner=None,
        shielding_clearance=False,
        reason="the police's administrator",
    )
    grants.approve(AccessGrant.objects.filter(state="pending").order_by("-pk").first(), c)
    with pytest.raises(grants.GrantRefused, match="changed since"):
        grants.approve(grant, c)


def test_taking_access_away_is_at_once_and_audited(admins: tuple[Any, ...]) -> None:
    a, _, _ = admins
    worker = get_user_model().objects.create_user("sw", password="a-long-test-password-1")
    StaffProfile.objects.create(
        user=worker,
        role=Role.SOCIAL_WORKER,
        agency=Agency.objects.get(code="POL"),
        shielding_clearance=True,
    )
    profile = _profile(worker)
    client = signed_in_client(a)
    client.post(
        "/admin/access/staffprofile/",
        {"action": "remove_shielding_clearance", "_selected_action": [profile.pk], "index": "0"},
    )
    assert not _profile(worker).shielding_clearance
    entry = _entries("staff_profile")[-1]
    assert entry.username == "admin-a"
    assert entry.disclosed["changes"] == {"shielding_clearance": {"old": True, "new": False}}
    # a request that only clears the agency is in effect at once, no second person
    assert (
        _ask(client, worker, role=Role.SOCIAL_WORKER, shielding_clearance=None).status_code == 302
    )
    grant = AccessGrant.objects.get()
    assert grant.state == AccessGrant.State.APPLIED and _profile(worker).agency is None
    # deleting the profile is recorded too
    client.post(f"/admin/access/staffprofile/{profile.pk}/delete/", {"post": "yes"})
    assert not StaffProfile.objects.filter(user=worker).exists()
    assert _entries("staff_profile")[-1].disclosed["changes"]["role"] == {
        "old": "social_worker",
        "new": None,
    }
    assert verify().ok


def test_every_change_to_access_is_in_the_chain_whichever_path(partnership: None) -> None:
    user = get_user_model().objects.create_user("hv", password="a-long-test-password-1")
    assert not _entries("user")  # an ordinary new user reaches nothing: not recorded
    profile = StaffProfile.objects.create(user=user, role=Role.HEALTH_VISITOR)
    created = _entries("staff_profile")[-1]
    assert (created.role, created.via, created.action) == ("system", "command", "write")
    assert created.disclosed["changes"]["role"] == {"old": None, "new": "health_visitor"}

    profile.role = Role.SOCIAL_WORKER
    profile.save()
    assert _entries("staff_profile")[-1].disclosed["changes"] == {
        "role": {"old": "health_visitor", "new": "social_worker"}
    }
    StaffProfile.objects.filter(user=user).update(shielding_clearance=True)
    assert _entries("staff_profile")[-1].disclosed["changes"] == {
        "shielding_clearance": {"old": False, "new": True}
    }
    with pytest.raises(AccessFieldsChangedInBulk):
        StaffProfile.objects.bulk_update([profile], ["role"])

    user.is_superuser = True
    user.save()
    assert _entries("user")[-1].disclosed == {
        "user": "hv",
        "changes": {"is_superuser": {"old": False, "new": True}},
    }
    count = AuditEvent.objects.count()
    user.save(update_fields=["last_login"])  # as every sign-in does
    profile.refresh_from_db()
    profile.save()  # nothing changed
    assert AuditEvent.objects.count() == count
    with acting_as(user):
        user.is_active = False
        user.save()
    assert _entries("user")[-1].username == "hv"
    assert verify().ok


def test_demo_users_is_audited_as_the_system(partnership: None) -> None:
    call_command("demo-users", "--password", "quiet-harbour-meadow-58", "--json", stdout=None)
    made = _entries("staff_profile")
    assert len(made) == len(Role) and {e.role for e in made} == {"system"}
    # the administrator is made staff: that is recorded too
    assert [e.disclosed["user"] for e in _entries("user")] == ["demo-system-admin"]
    call_command("demo-users", "--password", "quiet-harbour-meadow-58", "--json", stdout=None)
    assert len(_entries("staff_profile")) == len(Role)  # nothing changed, nothing recorded
    assert verify().ok


def test_the_administrator_cannot_make_itself_superuser_or_take_another_administrators_account(
    admins: tuple[Any, ...],
) -> None:
    a, b, _ = admins
    client = signed_in_client(a)
    form = {
        "username": "admin-a",
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [g.pk for g in a.groups.all()],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "_save": "Save",
    }
    response = client.post(f"/admin/auth/user/{a.pk}/change/", form)
    assert response.status_code == 302
    assert not get_user_model().objects.get(pk=a.pk).is_superuser
    # another administrator's password: refused, so b cannot be impersonated to approve
    password = {
        "password1": "new-long-password-42",
        "password2": "new-long-password-42",
        "usable_password": "true",
    }
    assert client.post(f"/admin/auth/user/{b.pk}/password/", password).status_code == 403
    # an ordinary user's password set by the administrator is on record
    worker = get_user_model().objects.create_user("sw2", password="a-long-test-password-1")
    response = client.post(f"/admin/auth/user/{worker.pk}/password/", password)
    assert response.status_code == 302
    entry = _entries("user")[-1]
    assert (entry.username, entry.disclosed) == (
        "admin-a",
        {"user": "sw2", "changes": {"password": "set"}},
    )
