"""Appending to the audit log, and proving it untouched.

`record` is the only way in: it links the new entry to the last by hash, and concurrent writers
never fork the chain: on PostgreSQL the head moves on only from where the writer read it (else
the writer reads again), on SQLite the writer holds the database. Every text is made to fit its
column before it is hashed, so the chain stores exactly what it hashed. `verify` walks the whole
chain in seq order, a chunk at a time, recomputing each hash, and names every fault it finds.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction
from django.utils.functional import SimpleLazyObject

from seen.access.models import StaffProfile
from seen.audit.models import (
    GENESIS,
    HASHED_FIELDS,
    AuditEvent,
    AuditHead,
    Outcome,
    Via,
    entry_hash,
)
from seen.core import clock

HEAD = 1
CHUNK = 5000
# verify lists this many faults at most, and counts the rest (a log rewritten whole would
# otherwise list every entry)
MAX_FAULTS = 1000
_WORD = re.compile(r"^[a-z][a-z0-9_]*$")

# What neither database keeps as sent, replaced by U+FFFD before hashing: NUL (PostgreSQL's text
# and jsonb refuse it), the other C0 control characters but tab and line ends (text from a form
# carries CR LF), and half a surrogate pair (valid in a JSON body, not in UTF-8).
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
REPLACEMENT = "\ufffd"
# ends a value clipped to its column, so that a reader knows there was more
CLIPPED = "\u2026"


class BadAuditEntry(ValueError):
    """record() was called with something the log cannot hold."""


def _who(user: AbstractBaseUser | AnonymousUser | None) -> dict[str, Any]:
    if user is None:
        return {"user_id": None, "username": "", "role": "system", "agency": ""}
    if not user.is_authenticated:
        return {"user_id": None, "username": "", "role": "anonymous", "agency": ""}
    # A user without a staff profile has no role (and reaches no personal data). The access
    # check has usually loaded the profile already; otherwise one query brings the agency too.
    # (a request's user is a lazy wrapper, evaluated by now: look at the user inside it)
    wrapped = getattr(user, "_wrapped", user) if isinstance(user, SimpleLazyObject) else user
    descriptor = getattr(type(wrapped), "staff_profile", None)
    if descriptor is not None and descriptor.is_cached(wrapped):
        profile = getattr(user, "staff_profile", None)
    else:
        profile = StaffProfile.objects.select_related("agency").filter(user_id=user.pk).first()
    agency = profile.agency if profile is not None else None
    return {
        "user_id": user.pk,
        "username": user.get_username(),
        "role": profile.role if profile is not None else "",
        "agency": agency.code if agency is not None else "",
    }


def _no_floats(value: Any, where: str = "disclosed") -> None:
    # A float may come back from the database spelt differently (jsonb), breaking the hash;
    # and what was disclosed is names and summaries, not measurements.
    if isinstance(value, float):
        raise BadAuditEntry(f"{where} holds a number with a fraction; give it as text")
    if isinstance(value, dict):
        for key, item in value.items():
            _no_floats(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _no_floats(item, f"{where}[{index}]")


# Each text column's length, from the model: a value longer is clipped to it before hashing
# (PostgreSQL would refuse it or, cast, cut it after hashing: the chain would no longer verify).
LIMITS: dict[str, int | None] = {
    field.attname: field.max_length
    for field in AuditEvent._meta.concrete_fields
    if isinstance(field, models.CharField | models.TextField)
}


def fitted(value: str, limit: int | None = None) -> str:
    """`value` as the log stores it: unstorable characters replaced, then clipped to `limit`
    characters with a visible mark. The same value always gives the same result."""
    text = UNSTORABLE.sub(REPLACEMENT, value)
    if limit is not None and len(text) > limit:
        text = text[: limit - len(CLIPPED)] + CLIPPED
    return text


def _fitted_json(value: Any) -> Any:
    # every text inside disclosed, keys too (the column as a whole has no length)
    if isinstance(value, str):
        return fitted(value)
    if isinstance(value, dict):
        return {fitted(key): _fitted_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fitted_json(item) for item in value]
    return value


def _normalised(disclosed: Any) -> Any:
    """Disclosed as it will read back from the database (tuples become lists, keys text, texts
    fitted)."""
    if disclosed is None:
        return {}
    try:
        value = json.loads(json.dumps(disclosed, ensure_ascii=False))
    except (TypeError, ValueError) as error:
        raise BadAuditEntry(f"disclosed is not JSON: {error}") from error
    _no_floats(value)
    return _fitted_json(value)


def _word(name: str, value: str) -> str:
    if not isinstance(value, str) or not _WORD.match(value):
        raise BadAuditEntry(f"{name} must be a lower-case word (got {value!r})")
    return value


def _locked_head() -> AuditHead:
    """The chain head, locked until the caller's transaction ends. On PostgreSQL this is a row
    lock (SELECT … FOR UPDATE); SQLite has one writer at a time and Seen begins every
    transaction IMMEDIATE, so the writer already holds the database. The unique seq is the
    backstop either way: two writers can never both store entry N."""
    head = AuditHead.objects.select_for_update().filter(pk=HEAD).first()
    if head is None:
        # A fresh (or flushed) database: start from the last entry, if any.
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        AuditHead.objects.get_or_create(
            pk=HEAD,
            defaults={"seq": last["seq"], "hash": last["hash"]} if last else {},
        )
        head = AuditHead.objects.select_for_update().get(pk=HEAD)
    return head


def record(
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    action: str,
    via: str,
    purpose: str,
    object_type: str,
    object_id: str | int,
    subject: str = "",
    disclosed: Any = None,
    outcome: str = Outcome.ALLOWED,
    reason: str = "",
    subjects: Iterable[str] = (),
) -> AuditEvent:
    """Append one entry: `user` (None for the system) did `action` to `object_type`
    `object_id` about person `subject`, for `purpose`, through `via`; `disclosed` says what was
    shown (field names or a short summary, never shielded values). Joins the caller's
    transaction when there is one, so an entry is never kept for a change rolled back; the
    chain head stays locked until that transaction ends, so record late in a long one.

    `subjects`: the persons a look covered when it covered several (a list, a pair): one goes
    to `subject`, more are listed in `disclosed["subjects"]`, and who-looked finds them there."""
    many = sorted(set(subjects) - {""})
    if len(many) == 1 and not subject:
        subject = many[0]
    elif many:
        disclosed = {**(disclosed or {}), "subjects": many}
    if via not in Via.values:
        raise BadAuditEntry(f"via must be one of {', '.join(Via.values)} (got {via!r})")
    if outcome not in Outcome.values:
        raise BadAuditEntry(f"outcome must be one of {', '.join(Outcome.values)}")
    texts: dict[str, Any] = {
        **_who(user),
        "action": _word("action", action),
        "via": str(via),
        "purpose": _word("purpose", purpose),
        "object_type": _word("object_type", object_type),
        "object_id": str(object_id),
        "subject": str(subject),
        "outcome": str(outcome),
        "reason": str(reason),
    }
    # Made to fit before hashing: the chain stores exactly what it hashed.
    fields: dict[str, Any] = {
        name: fitted(value, LIMITS[name]) if isinstance(value, str) else value
        for name, value in texts.items()
    }
    fields["disclosed"] = _normalised(disclosed)
    if connection.vendor == "postgresql":
        return _append_unless_moved(fields)
    with transaction.atomic(), connection.cursor() as cursor:
        # read under the writer's lock, so that time never runs backwards along the chain
        event = _built(fields, *_lock_head(cursor))
        _append(cursor, event)
    return event


# Every look writes an entry, so the write is the busiest statement in Seen: it is sent as
# plain SQL built once from the models, rather than the ORM's compiled queries. The model's
# own refusals stay for every other path.
_EVENT_TABLE = AuditEvent._meta.db_table
_HEAD_TABLE = AuditHead._meta.db_table
_EVENT_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
_EVENT_COLUMNS = ", ".join(connection.ops.quote_name(f.column) for f in _EVENT_FIELDS)
_READ_HEAD = f"SELECT seq, hash FROM {_HEAD_TABLE} WHERE id = %s"


def _values(event: AuditEvent) -> list[Any]:
    return [f.get_db_prep_save(getattr(event, f.attname), connection) for f in _EVENT_FIELDS]


def _built(fields: dict[str, Any], seq: int, prev_hash: str) -> AuditEvent:
    # Stored and hashed in UTC at microseconds, as both databases give it back.
    fields["at"] = clock.now().astimezone(UTC)
    event = AuditEvent(seq=seq + 1, prev_hash=prev_hash, **fields)
    event.hash = event.compute_hash()
    return event


def _stored(event: AuditEvent, pk: int) -> AuditEvent:
    event.pk = pk
    event._state.adding = False
    event._state.db = connection.alias
    return event


def _cast(field: models.Field[Any, Any]) -> str:
    # Text goes in as text: a value too long for its varchar column is then refused, never cut
    # silently after hashing as a cast to varchar(n) would cut it (record fits values first).
    if isinstance(field, models.CharField):
        return "text"
    return str(field.db_type(connection))


@functools.cache
def _swap_statement() -> str:
    """The statement that moves the head on and inserts the entry (PostgreSQL), built once:
    each column's type asked of its field on every entry cost more than the insert."""
    return (
        f"WITH moved AS (UPDATE {_HEAD_TABLE} SET seq = %s, hash = %s"
        " WHERE id = %s AND seq = %s RETURNING id)"
        f" INSERT INTO {_EVENT_TABLE} ({_EVENT_COLUMNS}) SELECT "
        + ", ".join(f"%s::{_cast(f)}" for f in _EVENT_FIELDS)
        + " FROM moved RETURNING id"
    )


def _append_unless_moved(fields: dict[str, Any]) -> AuditEvent:
    """PostgreSQL: read the head, then in one statement move it on from where it was read and
    insert the entry, or do nothing if another writer moved it first (then read it again).
    Two round trips and no transaction of its own; within a caller's transaction the head row
    stays locked until that ends, so an entry is never kept for a change rolled back. Time
    never runs backwards along the chain: an entry's time is read after the entry before it
    was stored, and it is stored only if nothing came in between."""
    swap = _swap_statement()
    with connection.cursor() as cursor:
        while True:
            cursor.execute(_READ_HEAD, [HEAD])
            row = cursor.fetchone()
            if row is None:  # a fresh or flushed database: make the head first
                with transaction.atomic():
                    _locked_head()
                continue
            seq, prev_hash = int(row[0]), str(row[1])
            event = _built(fields, seq, prev_hash)
            cursor.execute(swap, [event.seq, event.hash, HEAD, seq, *_values(event)])
            added = cursor.fetchone()
            if added is not None:
                return _stored(event, added[0])


def _lock_head(cursor: Any) -> tuple[int, str]:
    """SQLite: the head's (seq, hash), under the writer's lock (see _locked_head)."""
    cursor.execute(_READ_HEAD, [HEAD])
    row = cursor.fetchone()
    if row is None:  # a fresh or flushed database: make the head first
        head = _locked_head()
        return head.seq, head.hash
    return int(row[0]), str(row[1])


def _append(cursor: Any, event: AuditEvent) -> None:
    """SQLite: the entry, then the head moved to it, in the caller's transaction."""
    placeholders = ", ".join(["%s"] * len(_EVENT_FIELDS))
    cursor.execute(
        f"INSERT INTO {_EVENT_TABLE} ({_EVENT_COLUMNS}) VALUES ({placeholders}) RETURNING id",
        _values(event),
    )
    _stored(event, cursor.fetchone()[0])
    cursor.execute(
        f"UPDATE {_HEAD_TABLE} SET seq = %s, hash = %s WHERE id = %s",
        [event.seq, event.hash, HEAD],
    )


@dataclass(frozen=True)
class Fault:
    """One thing wrong: the entry it concerns (None for a missing guard), what, and when that
    entry says it was written (None when it is missing)."""

    seq: int | None
    problem: str
    at: datetime | None = None


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    # the entries before the first faulty one (all of them when no entry is faulty)
    checked: int
    # every fault, in seq order, a missing guard last; at most MAX_FAULTS, the rest counted
    faults: tuple[Fault, ...] = ()
    faults_not_listed: int = 0
    # the last entry's hash: kept somewhere else, it proves later that nothing up to it changed
    head_hash: str = GENESIS
    # the append-only triggers absent or disabled (each is a fault too)
    missing_guards: tuple[str, ...] = ()

    @property
    def first_bad_seq(self) -> int | None:
        """The first faulty entry (None when only a guard is missing)."""
        return self.faults[0].seq if self.faults else None

    @property
    def problem(self) -> str:
        return self.faults[0].problem if self.faults else ""

    @property
    def first_bad_at(self) -> datetime | None:
        """When the first faulty entry says it was written (None when it is missing)."""
        return self.faults[0].at if self.faults else None


def _rows(upto: int, chunk: int) -> Iterator[dict[str, Any]]:
    # Keyset pages over the unique seq index: memory stays flat however long the log.
    after = 0
    while True:
        page = list(
            AuditEvent.objects.filter(seq__gt=after, seq__lte=upto)
            .order_by("seq")
            .values(*HASHED_FIELDS, "hash")[:chunk]
        )
        if not page:
            return
        yield from page
        after = page[-1]["seq"]


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first} to {last}"


class _Walk:
    """The faults found so far, and what the walk knows of the entry before."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.not_listed = 0
        self.expected, self.prev_hash, self.prev_at = 1, GENESIS, None
        # the entry before was itself named: a broken link to it is the same fault
        self.prev_bad = False

    def fault(self, seq: int | None, problem: str, at: datetime | None = None) -> None:
        if len(self.faults) < MAX_FAULTS:
            self.faults.append(Fault(seq, problem, at))
        else:
            self.not_listed += 1

    def entry(self, row: dict[str, Any], anchor: tuple[int, str] | None) -> None:
        seq, at = row["seq"], row["at"]
        if seq < self.expected:  # only a seq below 1 can get here
            self.fault(seq, f"entry {seq} is out of sequence (expected {self.expected})", at)
            return
        linked = seq == self.expected  # after a gap the entry it links to is gone
        if not linked:
            self.fault(
                self.expected,
                f"entry {_span(self.expected, seq - 1)} missing: the chain goes from "
                f"{self.expected - 1} to {seq}",
            )
        bad = entry_hash(row) != row["hash"]
        if bad:
            self.fault(
                seq, f"entry {seq} was altered or moved: its content does not match its hash", at
            )
        elif linked and row["prev_hash"] != self.prev_hash:
            if seq == 1:
                self.fault(1, "entry 1 does not start the chain (its link is not the genesis)", at)
                bad = True
            elif not self.prev_bad:
                # Both entries match their own hashes, so the one before was rewritten and
                # re-hashed (or entries were removed and the rest renumbered and re-hashed).
                self.fault(
                    seq - 1,
                    f"entry {seq - 1} was rewritten: entry {seq} was linked to a different "
                    f"entry {seq - 1} (or entries between them were removed and the rest "
                    "renumbered)",
                    self.prev_at,
                )
        if not bad and anchor is not None and seq == anchor[0] and row["hash"] != anchor[1]:
            self.fault(seq, f"entry {seq} no longer has the hash it was anchored with", at)
            bad = True
        # the walk goes on from the entry as stored: the next entry links to its stored hash
        self.prev_hash, self.prev_at, self.prev_bad = row["hash"], at, bad
        self.expected = seq + 1


def verify(*, anchor: tuple[int, str] | None = None, chunk: int = CHUNK) -> VerifyResult:
    """Recompute every entry's hash in seq order and check each links to the one before.
    Names every entry that was altered, is missing or is out of place, and every append-only
    guard that is missing or disabled; a fault found does not stop the walk. `anchor` (seq,
    hash) is an entry's hash noted earlier outside the database: it must still be there, which
    catches a chain rewritten from that point on."""
    # The head is read first: entries appended while we walk are left for the next run.
    head = AuditHead.objects.filter(pk=HEAD).values("seq", "hash").first()
    if head is not None:
        upto = head["seq"]
    else:
        upto = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    walk, entries = _Walk(), 0
    for row in _rows(upto, chunk):
        walk.entry(row, anchor)
        entries += 1

    last = walk.expected - 1
    if anchor is not None and anchor[0] > last:
        walk.fault(anchor[0], f"anchored entry {anchor[0]} is missing")
    if head is None:
        if entries:
            walk.fault(last + 1, "the chain head is missing (entries may be gone from the end)")
    elif head["seq"] > last:
        walk.fault(
            last + 1, f"entry {_span(last + 1, head['seq'])} missing from the end of the chain"
        )
    elif head["hash"] != walk.prev_hash and not walk.prev_bad:
        walk.fault(
            last,
            f"entry {last} was rewritten: its hash is not the one the head records",
            walk.prev_at,
        )
    unguarded = tuple(missing_guards())
    for name in unguarded:
        walk.fault(
            None,
            f"the database no longer refuses changes to the log: trigger {name} is missing or "
            "disabled (see docs/audit.md)",
        )
    faults = tuple(walk.faults)
    if not faults and not walk.not_listed:
        return VerifyResult(True, entries, head_hash=walk.prev_hash)
    first = min((f.seq for f in faults if f.seq is not None), default=None)
    # Naming entry N as the first bad one says entries 1 to N-1 are intact.
    checked = entries if first is None else max(first - 1, 0)
    return VerifyResult(
        False,
        checked,
        faults,
        walk.not_listed,
        head_hash="",
        missing_guards=unguarded,
    )


# The database-side guards installed by migration 0002, by engine.
TRIGGERS = {
    "sqlite": ("audit_auditevent_no_update", "audit_auditevent_no_delete"),
    "postgresql": ("audit_auditevent_append_only", "audit_auditevent_no_truncate"),
}


def missing_guards() -> list[str]:
    """The append-only triggers that are absent or disabled on this database (a schema
    migration that rebuilds the table on SQLite drops them, for example)."""
    expected = TRIGGERS.get(connection.vendor, ())
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass"
                " AND tgenabled <> 'D'"
            )
        else:
            return []
        present = {name for (name,) in cursor.fetchall()}
    return [name for name in expected if name not in present]
