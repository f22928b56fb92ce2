"""The audit log: one row per look at or change to personal data, chained by SHA-256 so that an
altered, removed or reordered row is found by `seen audit verify`.

Rows are only ever appended, by `seen.audit.log.record`. The model refuses to save an existing
row or delete one; the database refuses UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) through
triggers installed by migration 0002 (docs/audit.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NoReturn

from django.conf import settings
from django.db import models

# The prev_hash of entry 1.
GENESIS = "0" * 64

# Every column the hash covers, in no particular order (the canonical form sorts keys).
HASHED_FIELDS = (
    "seq",
    "at",
    "user_id",
    "username",
    "role",
    "agency",
    "purpose",
    "action",
    "via",
    "object_type",
    "object_id",
    "subject",
    "disclosed",
    "outcome",
    "reason",
    "prev_hash",
)


class Via(models.TextChoices):
    PAGE = "page"
    API = "api", "API"
    COMMAND = "command"


class Outcome(models.TextChoices):
    ALLOWED = "allowed"
    DENIED = "denied"


class Action(models.TextChoices):
    """The usual actions. The column is free text so that a new kind of access needs no
    migration; `record` only asks for a lower-case word."""

    READ = "read"
    WRITE = "write"
    EXPORT = "export"
    BREAK_GLASS = "break_glass", "break glass"
    DENIED = "denied"
    NOTIFY = "notify"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit entry through the ORM."""


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(f"the audit log is append-only: {what} refused")


def instant(moment: datetime) -> str:
    """A moment as the hash sees it: UTC, microseconds, whatever zone it was handed in."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(row: Mapping[str, Any]) -> bytes:
    """The bytes an entry's hash is taken over: its hashed columns as sorted, compact JSON."""
    data = {name: row[name] for name in HASHED_FIELDS}
    data["at"] = instant(row["at"])
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


# The entries about changes to who may see what (seen.access.changes, seen.access.grants): staff
# accounts, not case data.
ACCESS_CHANGE_TYPES = ("staff_profile", "user", "access_grant")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def without_access_changes(self) -> AuditEventQuerySet:
        """The entries other than changes to staff access (roles, clearances, grants)."""
        return self.exclude(object_type__in=ACCESS_CHANGE_TYPES)

    # Bulk paths would skip both the chain and the model's own refusals.
    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("update")

    def delete(self) -> NoReturn:
        _refuse("delete")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk_create (append through seen.audit.log.record)")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk_update")


class AuditEvent(models.Model):
    """Who looked at or changed what, when, why, and what they were shown."""

    seq = models.PositiveBigIntegerField(unique=True, help_text="1, 2, 3, … without gaps.")
    at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    role = models.CharField(
        max_length=48, blank=True, help_text='The user\'s role then; "system" without a user.'
    )
    agency = models.CharField(max_length=32, blank=True, help_text="The user's agency code then.")
    purpose = models.CharField(max_length=48, help_text="The purpose the user declared.")
    action = models.CharField(max_length=32)
    via = models.CharField(max_length=16, choices=Via.choices)
    object_type = models.CharField(max_length=48)
    object_id = models.CharField(max_length=200, blank=True)
    subject = models.CharField(
        max_length=20, blank=True, db_index=True, help_text="The person the data is about."
    )
    disclosed = models.JSONField(
        default=dict, blank=True, help_text="What was shown: field names or a summary, no values."
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.username or self.role} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse(f"changing entry {self.seq}")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(f"deleting entry {self.seq}")

    def hashed_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in HASHED_FIELDS}

    def compute_hash(self) -> str:
        return entry_hash(self.hashed_values())


class AuditHead(models.Model):
    """The chain's last entry (a single row). `record` locks it, so two writers cannot both
    extend the same entry; `verify` compares it with the last row, so removing entries from
    the end of the chain shows."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    objects: models.Manager[AuditHead] = models.Manager()

    def __str__(self) -> str:
        return f"audit head at #{self.seq}"
