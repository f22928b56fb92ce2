"""verify names every fault in the chain, not only the first: an over-long value stored earlier
no longer hides an UPDATE, a DELETE or a disabled guard that came after it (issue 13, finding 1).
Each tampering is played as someone past the guards would play it (tests/audit/conftest.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import connection

from seen.audit import log
from seen.audit.log import record, verify
from seen.audit.models import AuditEvent, AuditHead
from tests.audit.conftest import raw

Tamper = Callable[[], AbstractContextManager[None]]

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="session_replication_role is PostgreSQL's"
)


def _log(count: int, **overrides: Any) -> None:
    fields: dict[str, Any] = {
        "user": None,
        "action": "read",
        "via": "page",
        "purpose": "direct_care",
        "object_type": "child",
        "object_id": "P00000001",
        "subject": "P00000001",
    }
    for _ in range(count):
        record(**{**fields, **overrides})


def _with_an_over_long_entry() -> None:
    """Entries 1 to 8; entry 2 is the midwife's refused look at a 300-character reference."""
    _log(1)
    _log(1, action="denied", outcome="denied", object_id="1" * 300, subject="P" + "1" * 300)
    _log(6)
    assert verify().ok


def _faults() -> list[tuple[int | None, str]]:
    result = verify()
    assert not result.ok
    return [(fault.seq, fault.problem) for fault in result.faults]


def test_an_update_after_an_over_long_entry_is_reported(tamper: Tamper) -> None:
    _with_an_over_long_entry()
    with tamper():
        raw("UPDATE audit_auditevent SET purpose = 'audit' WHERE seq = 5")
    faults = _faults()
    assert [seq for seq, _ in faults] == [5]
    assert "altered" in faults[0][1]
    result = verify()
    assert (result.first_bad_seq, result.checked) == (5, 4)
    assert result.first_bad_at == AuditEvent.objects.get(seq=5).at


@postgresql_only
def test_a_delete_under_replication_role_after_an_over_long_entry_is_reported() -> None:
    _with_an_over_long_entry()
    # replica mode fires no ordinary trigger: the superuser's way past the guards
    raw("SET CONSTRAINTS ALL IMMEDIATE")
    raw("SET session_replication_role = replica")
    try:
        raw("DELETE FROM audit_auditevent WHERE seq = 6")
    finally:
        raw("SET session_replication_role = origin")
    faults = _faults()
    assert [seq for seq, _ in faults] == [6] and "missing" in faults[0][1]


def test_a_disabled_guard_after_an_over_long_entry_is_reported() -> None:
    _with_an_over_long_entry()
    guard = log.TRIGGERS[connection.vendor][0]
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        raw(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {guard}")
    else:
        raw(f'DROP TRIGGER "{guard}"')  # rolled back with the test
    faults = _faults()
    assert faults == [(None, faults[0][1])] and guard in faults[0][1]
    result = verify()
    assert result.first_bad_seq is None and result.checked == 8  # the entries are intact
    assert result.missing_guards == (guard,)


def test_two_separate_tamperings_are_both_reported(tamper: Tamper) -> None:
    _with_an_over_long_entry()
    with tamper():
        raw(
            "UPDATE audit_auditevent SET disclosed = %s WHERE seq = 3",
            [json.dumps({"fields": ["name", "address"]})],
        )
        raw("DELETE FROM audit_auditevent WHERE seq = 7")
    faults = _faults()
    assert [seq for seq, _ in faults] == [3, 7]
    assert "altered" in faults[0][1] and "missing" in faults[1][1]


def test_every_kind_of_fault_in_one_chain(tamper: Tamper) -> None:
    _log(12)
    forged = AuditEvent.objects.get(seq=3)
    forged.reason = "rewritten"
    with tamper():
        # 3 rewritten and re-hashed (only entry 4's link shows it), 6 altered, 8 and 9 deleted,
        # the last deleted as well (the head still names it)
        raw(
            "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE seq = 3",
            [forged.reason, forged.compute_hash()],
        )
        raw("UPDATE audit_auditevent SET action = 'export' WHERE seq = 6")
        raw("DELETE FROM audit_auditevent WHERE seq IN (8, 9, 12)")
    faults = _faults()
    assert [seq for seq, _ in faults] == [3, 6, 8, 12]
    assert "rewritten" in faults[0][1] and "altered" in faults[1][1]
    assert "8 to 9 missing" in faults[2][1] and "end of the chain" in faults[3][1]


def test_swapped_entries_are_each_named_once(tamper: Tamper) -> None:
    _log(3)
    _log(3, action="export")
    with tamper():
        raw("UPDATE audit_auditevent SET seq = 1000 WHERE seq = 3")
        raw("UPDATE audit_auditevent SET seq = 3 WHERE seq = 4")
        raw("UPDATE audit_auditevent SET seq = 4 WHERE seq = 1000")
    assert [seq for seq, _ in _faults()] == [3, 4]


def test_a_missing_head_and_a_missing_guard_are_both_reported() -> None:
    _log(3)
    AuditHead.objects.all().delete()
    guard = log.TRIGGERS[connection.vendor][1]
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        raw(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {guard}")
    else:
        raw(f'DROP TRIGGER "{guard}"')
    faults = _faults()
    assert faults[0][0] == 4 and "head is missing" in faults[0][1]
    assert faults[1][0] is None and guard in faults[1][1]


def test_a_long_list_of_faults_is_cut_and_counted(
    tamper: Tamper, monkeypatch: pytest.MonkeyPatch
) -> None:
    _log(10)
    with tamper():
        raw("UPDATE audit_auditevent SET reason = 'changed'")
    monkeypatch.setattr(log, "MAX_FAULTS", 4)
    result = verify()
    assert [f.seq for f in result.faults] == [1, 2, 3, 4]
    assert result.faults_not_listed == 6 and result.first_bad_seq == 1
