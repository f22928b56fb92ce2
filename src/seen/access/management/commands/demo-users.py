"""`seen demo-users`: a local account for every role, for the demo (README "Demo accounts").

Each account `demo-<role>` (demo-midwife, demo-health-visitor, …, demo-system-admin) gets a
StaffProfile with the role, an agency of the right kind from the loaded partnership, and, for a
practitioner's role, the partnership's first practitioner of that role not already someone's
(a practitioner is created only when none exists and an agency of the right kind does). Running
it again changes nothing but the password, which it sets each time.

The system administrator manages users and settings in Django's admin and sees no case data: the
account is staff (the admin's door) but not superuser, and holds only the model permissions of
the "System administrators" group (users, staff profiles and access grants, groups read-only,
the rules' thresholds and routes, sign-in lockouts).

The well-known default password is refused outside the demo (SEEN_DEBUG=1 or
SEEN_INSECURE_HTTP=1): give --password or SEEN_DEMO_PASSWORD there.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from seen.access.models import Role, StaffProfile
from seen.areas.models import Agency, Practitioner

DEFAULT_PASSWORD = "seen-demo-only-synthetic"
EMAIL_DOMAIN = "seen.example"
ADMIN_GROUP = "System administrators"

Kind = Agency.Kind
PractitionerRole = Practitioner.Role

# role -> agency kinds to look in, first choice first, and the practitioner role it is (if any)
PLAN: dict[Role, tuple[tuple[str, ...], str | None]] = {
    Role.MIDWIFE: ((Kind.MIDWIFERY,), PractitionerRole.MIDWIFE),
    Role.HEALTH_VISITOR: ((Kind.HEALTH_VISITING,), PractitionerRole.HEALTH_VISITOR),
    Role.GP: ((Kind.GP,), PractitionerRole.GP),
    Role.ED_CLINICIAN: ((Kind.HOSPITAL_ED,), PractitionerRole.ED_CLINICIAN),
    Role.SOCIAL_WORKER: ((Kind.CHILDRENS_SOCIAL_CARE,), PractitionerRole.SOCIAL_WORKER),
    Role.EARLY_HELP_KEY_WORKER: ((Kind.EARLY_HELP,), PractitionerRole.EARLY_HELP_KEY_WORKER),
    Role.MASH_PRACTITIONER: (
        (Kind.CHILDRENS_SOCIAL_CARE, Kind.POLICE),
        PractitionerRole.MASH_PRACTITIONER,
    ),
    Role.POLICE_OFFICER: ((Kind.POLICE,), PractitionerRole.POLICE_OFFICER),
    Role.PROBATION_OFFICER: ((Kind.PROBATION,), PractitionerRole.PROBATION_OFFICER),
    Role.MENTAL_HEALTH_PRACTITIONER: (
        (Kind.ADULT_MENTAL_HEALTH,),
        PractitionerRole.MENTAL_HEALTH_PRACTITIONER,
    ),
    Role.PERSONAL_ADVISER: ((Kind.LEAVING_CARE,), PractitionerRole.PERSONAL_ADVISER),
    Role.SAFEGUARDING_LEAD: (
        (Kind.MIDWIFERY, Kind.HEALTH_VISITING, Kind.HOSPITAL_ED, Kind.CHILDRENS_SOCIAL_CARE),
        PractitionerRole.SAFEGUARDING_LEAD,
    ),
    # not practitioners: the local authority's children's services host them
    Role.STRATEGIC_LEADER: ((Kind.CHILDRENS_SOCIAL_CARE,), None),
    Role.REVIEWER: ((Kind.CHILDRENS_SOCIAL_CARE,), None),
    Role.SYSTEM_ADMINISTRATOR: ((Kind.CHILDRENS_SOCIAL_CARE,), None),
    Role.DATA_PROTECTION_OFFICER: ((Kind.CHILDRENS_SOCIAL_CARE,), None),
    # the maternity service's system, sending its extracts through the API
    Role.AGENCY_SYSTEM: ((Kind.MIDWIFERY,), None),
}

# app label -> model -> actions: users and settings, never case data
ADMIN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "auth": {"user": ("add", "change", "delete", "view"), "group": ("view",)},
    # a profile's access changes through an access grant a second administrator approves
    "access": {
        "staffprofile": ("add", "change", "delete", "view"),
        "accessgrant": ("add", "change", "view"),
    },
    "rules": {
        "ruleparameter": ("add", "change", "delete", "view"),
        "route": ("add", "change", "delete", "view"),
    },
    "axes": {"accessattempt": ("delete", "view")},
}


SHORT_NAMES = {
    Role.EARLY_HELP_KEY_WORKER: "early-help",
    Role.MASH_PRACTITIONER: "mash",
    Role.POLICE_OFFICER: "police-officer",
    Role.MENTAL_HEALTH_PRACTITIONER: "mental-health",
    Role.SYSTEM_ADMINISTRATOR: "system-admin",
    Role.DATA_PROTECTION_OFFICER: "dpo",
}


def username_for(role: Role) -> str:
    return "demo-" + SHORT_NAMES.get(role, role.value.replace("_", "-"))


@dataclass
class Account:
    username: str
    role: str
    agency: str
    practitioner: str
    created: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "role": self.role,
            "agency": self.agency or None,
            "practitioner": self.practitioner or None,
            "created": self.created,
        }


def _agency(kinds: tuple[str, ...]) -> Agency | None:
    for kind in kinds:
        agency = Agency.objects.filter(kind=kind).order_by("code").first()
        if agency is not None:
            return agency
    return None


def _free_practitioner(kinds: tuple[str, ...], role: str) -> Practitioner | None:
    for kind in kinds:
        found = (
            Practitioner.objects.filter(role=role, agency__kind=kind, user_profile__isnull=True)
            .select_related("agency")
            .order_by("agency__code", "local_id")
            .first()
        )
        if found is not None:
            return found
    return None


def _made_practitioner(agency: Agency, role: str, label: str) -> Practitioner:
    practitioner, _ = Practitioner.objects.get_or_create(
        agency=agency,
        local_id=f"DEMO-{role.upper()}",
        defaults={"name": f"Demo {label}", "role": role, "team": "Demo accounts"},
    )
    return practitioner


def admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
    wanted = [
        (app, f"{action}_{model}")
        for app, models in ADMIN_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    permissions = [
        Permission.objects.filter(content_type__app_label=app, codename=codename).first()
        for app, codename in wanted
    ]
    missing = [f"{app}.{code}" for (app, code), p in zip(wanted, permissions, strict=True) if not p]
    if missing:
        raise CommandError(f"permissions missing ({', '.join(missing)}): run `seen migrate` first")
    group.permissions.set([p for p in permissions if p is not None])
    return group


def ensure_account(role: Role, password: str) -> Account:
    kinds, practitioner_role = PLAN[role]
    username = username_for(role)
    label = str(role.label)
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@{EMAIL_DOMAIN}", "is_staff": False, "is_superuser": False},
    )
    profile = (
        StaffProfile.objects.filter(user=user)
        .select_related("agency", "practitioner__agency")
        .first()
    )
    if profile is None:
        profile = StaffProfile(user=user, role=role)
    profile.role = role
    if practitioner_role is None:
        profile.practitioner = None
    elif profile.practitioner is None or profile.practitioner.role != practitioner_role:
        profile.practitioner = _free_practitioner(kinds, practitioner_role)
        if profile.practitioner is None and (home := _agency(kinds)) is not None:
            profile.practitioner = _made_practitioner(home, practitioner_role, label)
    if profile.practitioner is not None:
        profile.agency = profile.practitioner.agency
    elif profile.agency is None or profile.agency.kind not in kinds:
        profile.agency = _agency(kinds)
    profile.save()

    if profile.practitioner is not None:
        first, _, last = profile.practitioner.name.partition(" ")
    else:
        first, last = "Demo", label
    user.first_name, user.last_name = first[:150], last[:150]
    # the administrator works in Django's admin (staff), with only the group's permissions
    user.is_staff = role == Role.SYSTEM_ADMINISTRATOR
    user.is_superuser = False
    user.is_active = True
    user.set_password(password)
    user.save()
    if role == Role.SYSTEM_ADMINISTRATOR:
        user.groups.add(admin_group())

    practitioner = profile.practitioner
    return Account(
        username=username,
        role=role.value,
        agency=profile.agency.code if profile.agency else "",
        practitioner=f"{practitioner.name} ({practitioner.local_id})" if practitioner else "",
        created=created,
    )


class Command(BaseCommand):
    help = (
        "Create (or bring up to date) a local demo account for every role, each bound to an "
        "agency and, for a practitioner's role, a practitioner of the loaded partnership. "
        "Password: --password, else SEEN_DEMO_PASSWORD, else the documented demo value."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="the accounts' password (12 characters at least)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or os.environ.get("SEEN_DEMO_PASSWORD") or ""
        if not password:
            if settings.SEEN_HTTPS_ONLY:
                raise CommandError(
                    "the documented demo password is for the local demo only (SEEN_DEBUG=1 or "
                    "SEEN_INSECURE_HTTP=1): give --password or SEEN_DEMO_PASSWORD"
                )
            password = DEFAULT_PASSWORD
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("password refused: " + " ".join(error.messages)) from None
        with transaction.atomic():
            accounts = [ensure_account(role, password) for role in Role]
        if options["json"]:
            self.stdout.write(json.dumps([a.as_dict() for a in accounts], indent=2))
            return
        rows = [("username", "role", "agency", "practitioner")] + [
            (a.username, a.role, a.agency or "-", a.practitioner or "-") for a in accounts
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
        made = sum(a.created for a in accounts)
        self.stdout.write(
            f"{len(accounts)} demo accounts ({made} new); password: "
            + (
                f"{DEFAULT_PASSWORD} (the demo default)"
                if password == DEFAULT_PASSWORD
                else "as given"
            )
        )
