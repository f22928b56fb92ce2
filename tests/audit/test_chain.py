"""The chain: each entry links to the one before, and verify finds an altered, removed or
reordered entry (and names the first), even when the tamperer got past the triggers."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from seen.audit.log import BadAuditEntry, record, verify
from seen.audit.models import GENESIS, AuditEvent, AuditHead, canonical, entry_hash
from seen.core import clock
from tests.audit.conftest import raw

Tamper = Callable[[], AbstractContextManager[None]]

pytestmark = pytest.mark.django_db


def _log(count: int, **overrides: Any) -> list[AuditEvent]:
    fields: dict[str, Any] = {
        "user": None,
        "action": "read",
        "via": "page",
        "purpose": "direct_care",
        "object_type": "person",
        "object_id": "P00000001",
        "subject": "P00000001",
        "disclosed": {"fields": ["name", "dob"]},
    }
    fields.update(overrides)
    return [record(**fields) for _ in range(count)]


def test_entries_link_by_hash_from_the_genesis() -> None:
    with clock.frozen_at(datetime(2026, 3, 1, 9, 30, tzinfo=UTC)):
        first, second, third = _log(3)
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    stored = AuditEvent.objects.get(seq=2)
    assert stored.compute_hash() == stored.hash == second.hash  # same hash once read back
    assert stored.role == "system" and stored.at == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (3, third.hash)


def test_who_is_taken_from_the_users_staff_profile(midwife: Any) -> None:
    visitor = get_user_model().objects.create_user("no.profile", password="x-long-password-2")
    fields: dict[str, Any] = {
        "action": "read",
        "via": "page",
        "purpose": "direct_care",
        "object_type": "person",
        "object_id": "P00000001",
    }
    entries = [record(user=user, **fields) for user in (midwife, visitor, AnonymousUser(), None)]
    assert [(e.user_id, e.username, e.role, e.agency) for e in entries] == [
        (midwife.pk, "ann.midwife", "midwife", "QAV-MAT"),
        (visitor.pk, "no.profile", "", ""),
        (None, "", "anonymous", ""),
        (None, "", "system", ""),
    ]
    assert verify().ok


def test_an_entry_costs_a_few_queries_and_one_more_for_an_unloaded_profile(midwife: Any) -> None:
    fields: dict[str, Any] = {
        "action": "read",
        "via": "page",
        "purpose": "direct_care",
        "object_type": "person",
        "object_id": "P00000001",
    }
    record(user=None, **fields)  # the head exists from here on
    with CaptureQueriesContext(connection) as loaded:  # profile and agency in hand
        record(user=midwife, **fields)
    fresh = get_user_model().objects.get(pk=midwife.pk)
    with CaptureQueriesContext(connection) as unloaded:
        record(user=fresh, **fields)
    # PostgreSQL: the head read, then the head moved with the entry in one statement; SQLite:
    # savepoint, head, entry, head moved, release; plus, unloaded, the profile with its agency
    assert len(loaded) == (2 if connection.vendor == "postgresql" else 5)
    assert len(unloaded) == len(loaded) + 1


def test_the_hash_covers_every_field_and_the_link() -> None:
    (event,) = _log(1)
    values = event.hashed_values()
    body = json.loads(canonical(values))
    assert set(body) == {f.attname for f in AuditEvent._meta.concrete_fields} - {"id", "hash"}
    for name, other in (("disclosed", {"fields": ["address"]}), ("prev_hash", "f" * 64)):
        assert entry_hash({**values, name: other}) != event.hash


def test_an_intact_log_verifies() -> None:
    assert verify().ok and verify().checked == 0
    _log(12)
    result = verify(chunk=5)  # several chunks
    assert result.ok and result.checked == 12 and result.first_bad_seq is None
    assert result.head_hash == AuditEvent.objects.get(seq=12).hash


def test_many_appends_stay_one_chain() -> None:
    for index in range(300):
        record(
            user=None,
            action="write" if index % 3 else "read",
            via="api",
            purpose="mash_triage",
            object_type="candidate_pair",
            object_id=index,
        )
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 301))
    assert verify(chunk=64).ok


def test_an_altered_entry_is_named(tamper: Tamper) -> None:
    _log(8)
    with tamper():
        raw(
            "UPDATE audit_auditevent SET disclosed = %s WHERE seq = 5",
            [json.dumps({"fields": ["name", "dob", "address"]})],
        )
        raw("UPDATE audit_auditevent SET reason = 'later change' WHERE seq = 7")
    result = verify()
    assert not result.ok
    assert result.first_bad_seq == 5 and result.checked == 4
    assert "altered" in result.problem
    assert result.first_bad_at == AuditEvent.objects.get(seq=5).at


def test_a_deleted_entry_is_named(tamper: Tamper) -> None:
    _log(8)
    with tamper():
        raw("DELETE FROM audit_auditevent WHERE seq IN (4, 5)")
    result = verify()
    assert (result.ok, result.first_bad_seq) == (False, 4)
    assert "4 to 5 missing" in result.problem


def test_deleting_the_first_or_the_last_entry_shows(tamper: Tamper) -> None:
    _log(5)
    with tamper():
        raw("DELETE FROM audit_auditevent WHERE seq = 5")
    result = verify()
    assert (result.ok, result.first_bad_seq) == (False, 5)
    assert "end of the chain" in result.problem
    with tamper():
        raw("DELETE FROM audit_auditevent WHERE seq = 1")
    assert verify().first_bad_seq == 1


def test_reordered_entries_are_named(tamper: Tamper) -> None:
    _log(3)
    _log(3, action="export", purpose="safeguarding_enquiry")
    with tamper():  # swap entries 3 and 4 (the unique seq needs a step aside)
        raw("UPDATE audit_auditevent SET seq = 1000 WHERE seq = 3")
        raw("UPDATE audit_auditevent SET seq = 3 WHERE seq = 4")
        raw("UPDATE audit_auditevent SET seq = 4 WHERE seq = 1000")
    result = verify()
    assert (result.ok, result.first_bad_seq) == (False, 3)


def test_a_rewritten_and_rehashed_entry_is_named_by_the_next_link(tamper: Tamper) -> None:
    _log(6)
    forged = AuditEvent.objects.get(seq=3)
    forged.disclosed = {"fields": ["name"]}  # hide that the dob was shown
    with tamper():
        raw(
            "UPDATE audit_auditevent SET disclosed = %s, hash = %s WHERE seq = 3",
            [json.dumps(forged.disclosed), forged.compute_hash()],
        )
    result = verify()
    assert (result.ok, result.first_bad_seq) == (False, 3)
    assert "rewritten" in result.problem


def test_a_chain_rewritten_from_an_entry_on_fails_its_anchor(tamper: Tamper) -> None:
    _log(4)
    anchor = (4, AuditEvent.objects.get(seq=4).hash)
    assert verify(anchor=anchor).ok
    # Rewrite entry 4 and re-hash it, and move the head with it: only the anchor shows it.
    forged = AuditEvent.objects.get(seq=4)
    forged.purpose = "administration"
    with tamper():
        raw(
            "UPDATE audit_auditevent SET purpose = %s, hash = %s WHERE seq = 4",
            [forged.purpose, forged.compute_hash()],
        )
    AuditHead.objects.update(hash=forged.compute_hash())
    assert verify().ok
    result = verify(anchor=anchor)
    assert (result.ok, result.first_bad_seq) == (False, 4)


def test_the_model_refuses_changes_and_removal() -> None:
    (event,) = _log(1)
    event.reason = "edited"
    with pytest.raises(Exception, match="append-only"):
        event.save()
    with pytest.raises(Exception, match="append-only"):
        event.delete()
    with pytest.raises(Exception, match="append-only"):
        AuditEvent.objects.filter(seq=1).update(reason="edited")
    with pytest.raises(Exception, match="append-only"):
        AuditEvent.objects.all().delete()
    assert verify().ok


def test_record_refuses_what_the_log_cannot_hold() -> None:
    base: dict[str, Any] = {
        "user": None,
        "action": "read",
        "via": "page",
        "purpose": "audit",
        "object_type": "person",
        "object_id": "P1",
    }
    with pytest.raises(BadAuditEntry):
        record(**{**base, "via": "carrier_pigeon"})
    with pytest.raises(BadAuditEntry):
        record(**{**base, "action": "Read everything"})
    with pytest.raises(BadAuditEntry):
        record(**{**base, "disclosed": {"match_probability": 0.97}})
    event = record(**{**base, "disclosed": {"fields": ("name", "dob"), 7: "seven"}})
    assert AuditEvent.objects.get(pk=event.pk).disclosed == {
        "fields": ["name", "dob"],
        "7": "seven",
    }
    assert verify().ok


def test_an_entry_written_in_a_transaction_rolled_back_is_not_kept() -> None:
    _log(2)

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        record(user=None, action="read", via="api", purpose="audit", object_type="p", object_id=1)
        raise Undone
    assert AuditEvent.objects.count() == 2 and AuditHead.objects.get().seq == 2
    event = record(
        user=None, action="read", via="api", purpose="audit", object_type="p", object_id=2
    )
    assert event.seq == 3 and AuditEvent.objects.get(seq=3).pk == event.pk and verify().ok


def test_a_flushed_head_is_rebuilt_from_the_last_entry() -> None:
    _log(3)
    AuditHead.objects.all().delete()  # as after a test database flush
    event = record(
        user=None, action="read", via="command", purpose="audit", object_type="person", object_id=1
    )
    assert event.seq == 4 and verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain(tamper: Tamper) -> None:
    """Writers on their own connections (threads), at the same time: one chain, no gaps."""
    writers, each = 6, 15
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(index: int) -> None:
        try:
            start.wait()
            for n in range(each):
                record(
                    user=None,
                    action="read",
                    via="api",
                    purpose="direct_care",
                    object_type="person",
                    object_id=f"{index}-{n}",
                )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        result = verify()
        assert result.ok and result.checked == writers * each
        assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(
            range(1, writers * each + 1)
        )
        times = list(AuditEvent.objects.order_by("seq").values_list("at", flat=True))
        assert times == sorted(times), "time never runs backwards along the chain"
    finally:
        # The flush between tests must find the log empty (the triggers refuse otherwise).
        with tamper():
            raw("DELETE FROM audit_auditevent")
        AuditHead.objects.all().delete()
