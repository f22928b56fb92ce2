"""`seen demo-users`: one account per role, bound to the loaded partnership, idempotent."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from seen.access.models import Role, StaffProfile
from seen.areas.models import Agency, Practitioner
from seen.ingest.loader import ingest_extract
from tests.fixtures.partnership import signed_in_client

demo_users = importlib.import_module("seen.access.management.commands.demo-users")

PASSWORD = "quiet-harbour-meadow-58"

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[dict[str, Any]]:
    out = StringIO()
    call_command("demo-users", "--json", *args, stdout=out)
    accounts: list[dict[str, Any]] = json.loads(out.getvalue())
    return accounts


def test_one_account_per_role_with_its_profile(extract: Callable[..., Path]) -> None:
    ingest_extract(extract())  # a maternity service and a police force
    accounts = run("--password", PASSWORD)
    assert [a["role"] for a in accounts] == [r.value for r in Role]
    assert len({a["username"] for a in accounts}) == len(Role)
    assert StaffProfile.objects.count() == len(Role)
    by_role = {a["role"]: a for a in accounts}
    assert by_role["midwife"]["username"] == "demo-midwife"
    assert by_role["health_visitor"]["username"] == "demo-health-visitor"

    midwife = StaffProfile.objects.get(user__username="demo-midwife")
    assert midwife.role == Role.MIDWIFE
    assert midwife.practitioner is not None
    assert midwife.practitioner.local_id == "MW1"  # the partnership's own midwife
    assert midwife.agency is not None and midwife.agency.code == "QAV-MAT"

    police = StaffProfile.objects.get(user__username="demo-police-officer")
    assert police.agency is not None and police.agency.code == "POL"
    assert police.practitioner is not None  # made: no officer in the extract, but a force
    assert police.practitioner.role == Practitioner.Role.POLICE_OFFICER
    assert police.practitioner.agency == police.agency

    # no agency of the right kind in this partnership: an account without agency or practitioner
    gp = StaffProfile.objects.get(user__username="demo-gp")
    assert gp.agency is None and gp.practitioner is None
    assert not Practitioner.objects.filter(role="gp").exists()

    for role in (Role.STRATEGIC_LEADER, Role.REVIEWER, Role.SYSTEM_ADMINISTRATOR):
        assert StaffProfile.objects.get(role=role).practitioner is None


def test_running_it_again_changes_nothing(extract: Callable[..., Path]) -> None:
    ingest_extract(extract())
    first = run("--password", PASSWORD)
    profiles = list(
        StaffProfile.objects.values_list(
            "user__username", "role", "agency", "practitioner"
        ).order_by("pk")
    )
    practitioners = Practitioner.objects.count()
    second = run("--password", PASSWORD)
    assert all(a["created"] for a in first) and not any(a["created"] for a in second)
    assert [{**a, "created": None} for a in first] == [{**a, "created": None} for a in second]
    assert (
        list(
            StaffProfile.objects.values_list(
                "user__username", "role", "agency", "practitioner"
            ).order_by("pk")
        )
        == profiles
    )
    assert Practitioner.objects.count() == practitioners
    assert get_user_model().objects.count() == len(Role)


def test_accounts_made_before_the_partnership_is_loaded_are_bound_afterwards(
    extract: Callable[..., Path],
) -> None:
    run("--password", PASSWORD)
    assert StaffProfile.objects.get(user__username="demo-midwife").practitioner is None
    ingest_extract(extract())
    run("--password", PASSWORD)
    midwife = StaffProfile.objects.get(user__username="demo-midwife")
    assert midwife.practitioner is not None and midwife.practitioner.local_id == "MW1"


def test_a_practitioner_already_someone_elses_is_not_taken(extract: Callable[..., Path]) -> None:
    ingest_extract(extract())
    real = get_user_model().objects.create_user("ann", password=PASSWORD)
    StaffProfile.objects.create(
        user=real, role=Role.MIDWIFE, practitioner=Practitioner.objects.get(local_id="MW1")
    )
    run("--password", PASSWORD)
    demo = StaffProfile.objects.get(user__username="demo-midwife")
    assert demo.practitioner is not None and demo.practitioner.local_id != "MW1"


def test_the_demo_accounts_sign_in(extract: Callable[..., Path]) -> None:
    ingest_extract(extract())
    run("--password", PASSWORD)
    for username in ("demo-midwife", "demo-system-admin", "demo-reviewer"):
        client = Client()
        response = client.post("/sign-in/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, username
        assert "_auth_user_id" in client.session


def test_the_system_administrator_manages_users_and_settings_but_no_case_data() -> None:
    run("--password", PASSWORD)
    admin = get_user_model().objects.get(username="demo-system-admin")
    assert admin.is_staff and not admin.is_superuser  # the admin's door, the group's rights only
    assert admin.has_perm("auth.add_user") and admin.has_perm("auth.change_user")
    assert admin.has_perm("access.change_staffprofile")
    assert admin.has_perm("rules.change_ruleparameter") and admin.has_perm("rules.change_route")
    assert admin.has_perm("axes.delete_accessattempt")  # can lift a lockout
    for permission in admin.get_all_permissions():  # users, profiles, settings, lockouts only
        app, codename = permission.split(".")
        model = codename.split("_", 1)[1]
        assert (app, model) in {
            ("auth", "user"),
            ("auth", "group"),
            ("access", "staffprofile"),
            ("access", "accessgrant"),
            ("rules", "ruleparameter"),
            ("rules", "route"),
            ("axes", "accessattempt"),
        }, permission
    assert not admin.has_perm("auth.change_group")  # cannot widen its own rights
    for other in ("demo-midwife", "demo-safeguarding-lead"):
        assert not get_user_model().objects.get(username=other).get_all_permissions()


def test_the_password_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEEN_DEMO_PASSWORD", PASSWORD)
    run()
    assert get_user_model().objects.get(username="demo-gp").check_password(PASSWORD)


def test_the_documented_default_is_for_the_demo_only(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEEN_DEMO_PASSWORD", raising=False)
    settings.SEEN_HTTPS_ONLY = True
    with pytest.raises(CommandError, match="local demo only"):
        run()
    assert not get_user_model().objects.exists()
    settings.SEEN_HTTPS_ONLY = False  # SEEN_INSECURE_HTTP=1, as `make demo` sets
    run()
    user = get_user_model().objects.get(username="demo-midwife")
    assert user.check_password(demo_users.DEFAULT_PASSWORD)
    assert len(demo_users.DEFAULT_PASSWORD) >= 12


def test_a_weak_password_is_refused() -> None:
    with pytest.raises(CommandError, match="too short"):
        run("--password", "short-one")
    assert not get_user_model().objects.exists()


def test_the_table(extract: Callable[..., Path]) -> None:
    ingest_extract(extract())
    out = StringIO()
    call_command("demo-users", "--password", PASSWORD, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["username", "role", "agency", "practitioner"]
    midwife = next(line for line in lines if line.startswith("demo-midwife "))
    assert "QAV-MAT" in midwife and "Ann Midwife (MW1)" in midwife
    assert lines[-1].startswith(f"{len(Role)} demo accounts")


def test_every_agency_kind_a_role_needs_exists() -> None:
    kinds = {str(k) for k in Agency.Kind}
    practitioner_roles = {str(r) for r in Practitioner.Role}
    for role, (agency_kinds, practitioner_role) in demo_users.PLAN.items():
        assert set(agency_kinds) <= kinds, role
        assert practitioner_role is None or practitioner_role in practitioner_roles, role
    assert set(demo_users.PLAN) == set(Role)


def test_the_system_administrator_works_in_the_admin_on_users_and_settings_only() -> None:

    run("--password", PASSWORD)
    client = signed_in_client(get_user_model().objects.get(username="demo-system-admin"))
    index = client.get("/admin/")
    assert index.status_code == 200
    page = index.content.decode()
    for listed in ("Users", "Staff profiles", "Routes", "Rule parameters"):
        assert listed in page, listed
    assert "Triages" not in page  # case data: not the administrator's
    assert client.get("/admin/access/staffprofile/").status_code == 200
    assert client.get("/admin/triage/triage/").status_code == 403
    others = signed_in_client(get_user_model().objects.get(username="demo-social-worker"))
    assert others.get("/admin/").status_code == 302  # not staff: sent to the admin's sign-in
