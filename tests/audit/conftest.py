"""Fixtures for the audit tests: a linked small partnership, staff users, and a way round the
database's append-only triggers to play the tamperer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from seen.access.models import Role, StaffProfile
from seen.areas.models import Agency
from seen.ingest.loader import ingest_extract
from seen.linkage import decisions
from seen.people.models import Person, SourceRecord

TABLE = "audit_auditevent"


@contextmanager
def triggers_suspended() -> Iterator[None]:
    """What someone with the table owner's rights could do: lift the guards, then put them
    back. In a test transaction the DDL is rolled back anyway; the finally keeps it tidy."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            triggers = cursor.fetchall()
            assert triggers, "the append-only triggers should be installed"
            for name, _ in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            try:
                yield
            finally:
                for _, sql in triggers:
                    cursor.execute(sql)
        else:
            # ALTER TABLE waits for no deferred foreign-key check: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            cursor.execute(f"GRANT UPDATE, DELETE, TRUNCATE ON {TABLE} TO CURRENT_USER")
            try:
                yield
            finally:
                cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM CURRENT_USER")
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def tamper() -> Callable[[], AbstractContextManager[None]]:
    return triggers_suspended


@pytest.fixture
def family(extract: Callable[..., Path]) -> dict[str, Person]:
    """The small partnership, linked: the father known to maternity (F1) and to the police
    (P77) is one person."""
    ingest_extract(extract())
    records = {r.local_id: r for r in SourceRecord.objects.all()}
    decisions.confirm(records["F1"], records["P77"], user=None, reason="same man (test)")
    persons = {}
    for local_id in ("M1", "F1", "B1", "P77"):
        person = SourceRecord.objects.get(local_id=local_id).person
        assert person is not None
        persons[local_id] = person
    assert persons["F1"] == persons["P77"]
    return persons


@pytest.fixture
def midwife(family: dict[str, Person]) -> Any:
    user = get_user_model().objects.create_user("ann.midwife", password="x-long-password-1")
    StaffProfile.objects.create(
        user=user, role=Role.MIDWIFE, agency=Agency.objects.get(code="QAV-MAT")
    )
    return user
