"""The audit event every face writes for what it showed, changed or refused: one function, so
the page, the API and the commands record a look the same way."""

from __future__ import annotations

from typing import Any

from seen.access.models import Purpose
from seen.audit.log import record


def declared(purpose: str) -> str:
    """A purpose fit for the audit log: one Seen knows, else "undeclared" (whatever was sent,
    a NUL included, is not written)."""
    return purpose if purpose in Purpose.values else "undeclared"


def audit(
    user: Any,
    via: str,
    purpose: str,
    action: str,
    object_type: str,
    object_id: str = "",
    **details: Any,
) -> None:
    """`details`: subject, subjects, disclosed, outcome, reason (seen.audit.log.record)."""
    signed_in = user if user is not None and user.is_authenticated else None
    record(
        user=signed_in,
        action=action,
        via=via,
        purpose=declared(purpose),
        object_type=object_type,
        object_id=object_id,
        **details,
    )
