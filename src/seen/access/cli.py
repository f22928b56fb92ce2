"""The access check and audit for commands that show case data (`seen review-links`,
`seen alerts`, `seen audit who-looked|subject-access`): the person running one names
themselves (`--user`) and their purpose (`--purpose`), and the same decision as for a page or
the API applies. Batch jobs (ingest, link, rules run) are the system's own work, recorded as the
system in the audit log where they read or write personal data."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser

from seen.access import auditing
from seen.access.backends import user_with_profile
from seen.access.models import Purpose
from seen.access.policy import ChildRef, Decision, decide


def add_identity_arguments(parser: CommandParser) -> None:
    parser.add_argument("--user", help="your username (required: case data is shown)")
    parser.add_argument(
        "--purpose",
        choices=Purpose.values,
        metavar="PURPOSE",
        help=f"why you are looking, one of: {', '.join(Purpose.values)} (see docs/access.md)",
    )


def named_user(options: dict[str, Any]) -> Any:
    """The active user --user names, with their profile, or CommandError saying what is wrong."""
    username = options.get("user")
    if not username:
        raise CommandError("this command shows case data: name yourself with --user USERNAME")
    found = get_user_model()._default_manager.filter(username=username).first()
    user = user_with_profile(found.pk) if found else None
    if user is None:
        raise CommandError(f"no active user {username!r}")
    return user


def require(
    options: dict[str, Any],
    action: str,
    child: ChildRef | None = None,
    *,
    object_type: str,
    object_id: str = "",
) -> tuple[Any, Decision]:
    """The user named by --user, allowed `action` for --purpose, or CommandError saying why
    (and the refusal is audited)."""
    purpose = options.get("purpose") or ""
    user = named_user(options)
    decision = decide(user, action, purpose, child)
    if not decision.allowed:
        audit(
            user,
            "denied",
            purpose,
            object_type,
            object_id,
            outcome="denied",
            reason=decision.reason,
        )
        raise CommandError(f"refused: {decision.reason}")
    return user, decision


def audit(
    user: Any, action: str, purpose: str, object_type: str, object_id: str = "", **details: Any
) -> None:
    """The command's audit event (seen.access.auditing)."""
    auditing.audit(user, "command", purpose, action, object_type, object_id, **details)
