"""The database itself refuses to change or remove audit entries, on SQLite and PostgreSQL; on
PostgreSQL a role that does not own the table cannot lift the guards."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.db import DatabaseError, connection, transaction

from seen.audit.log import missing_guards, record, verify
from seen.audit.models import AuditEvent
from tests.audit.conftest import raw

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and TRUNCATE are PostgreSQL's"
)


def _entries(count: int = 3) -> None:
    for n in range(count):
        record(
            user=None,
            action="read",
            via="command",
            purpose="audit",
            object_type="person",
            object_id=n,
            subject="P00000001",
        )


def _refused(sql: str) -> DatabaseError:
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        raw(sql)
    return caught.value


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'tidied' WHERE seq = 2",
        "UPDATE audit_auditevent SET seq = seq + 10",
        "DELETE FROM audit_auditevent WHERE seq = 3",
        "DELETE FROM audit_auditevent",
    ],
)
def test_update_and_delete_are_refused_through_the_apps_connection(sql: str) -> None:
    _entries()
    assert "append-only" in str(_refused(sql))
    assert AuditEvent.objects.count() == 3 and verify().ok


def test_the_guards_are_in_place_and_their_absence_is_reported(
    tamper: Callable[[], AbstractContextManager[None]],
) -> None:
    assert missing_guards() == []
    with tamper():
        assert len(missing_guards()) == 2
    assert missing_guards() == []


@postgresql_only
def test_truncate_of_a_non_empty_log_is_refused() -> None:
    raw("TRUNCATE audit_auditevent")  # empty: nothing to lose (Django's test flush does this)
    _entries()
    raw("SET CONSTRAINTS ALL IMMEDIATE")  # else TRUNCATE stops at the pending foreign-key checks
    assert "append-only" in str(_refused("TRUNCATE audit_auditevent"))
    assert AuditEvent.objects.count() == 3


@postgresql_only
def test_the_migrating_role_gave_up_update_delete_and_truncate() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a"
            " WHERE c.oid = 'audit_auditevent'::regclass"
            " AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
        )
        held = {name for (name,) in cursor.fetchall()}
    assert {"SELECT", "INSERT"} <= held
    assert not held & {"UPDATE", "DELETE", "TRUNCATE"}


@postgresql_only
def test_an_application_role_that_does_not_own_the_table_appends_and_nothing_more() -> None:
    """The production arrangement (docs/audit.md): migrations run as the owner, Seen as a role
    granted SELECT and INSERT on the log. Role and grants roll back with the test."""
    _entries()
    raw("CREATE ROLE seen_audit_test_app NOLOGIN")
    raw("GRANT SELECT, INSERT ON audit_auditevent TO seen_audit_test_app")
    raw("GRANT SELECT, INSERT, UPDATE ON audit_audithead TO seen_audit_test_app")
    raw("SET CONSTRAINTS ALL IMMEDIATE")
    raw("SET LOCAL ROLE seen_audit_test_app")
    try:
        _entries(2)
        for sql in (
            "UPDATE audit_auditevent SET reason = 'tidied'",
            "DELETE FROM audit_auditevent",
            "TRUNCATE audit_auditevent",
            "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
        ):
            error = _refused(sql)
            assert "permission denied" in str(error) or "must be owner" in str(error), sql
        raw("GRANT UPDATE ON audit_auditevent TO seen_audit_test_app")  # grants nothing: a warning
        assert "permission denied" in str(_refused("UPDATE audit_auditevent SET reason = ''"))
        assert verify().ok and verify().checked == 5
    finally:
        raw("RESET ROLE")
