"""What Seen's re-implementations of framework internals gain over Django's own, measured on the
current database (`seen bench internals`), so that each is kept only while it pays:

- `seen.access.backends`: the signed-in user with their staff profile, one plain query built
  once, against Django's `select_related` of the same join (every request);
- `seen.web.sessions`: the session read with one plain query built once, against Django's
  database session store (every request);
- `seen.core.inserts`: ingest's inserts built once per model and sent with COPY on PostgreSQL,
  executemany on SQLite, against `bulk_create` (every loaded row).

Everything it writes (a user, a session, 20,000 source records) is inside one transaction that
is rolled back: the database is left as it was."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends import db as django_sessions
from django.db import connection, transaction

from seen.access.backends import ProfileModelBackend
from seen.access.models import Role, StaffProfile
from seen.areas.models import Agency, Area
from seen.core.inserts import insert_rows
from seen.people.models import SourceRecord
from seen.web.sessions import SessionStore

ROWS = 20_000
CHUNK = 2_000


class _RolledBack(Exception):
    """Raised at the end of the measurement, so that its transaction is undone."""


def microseconds_per_call(call: Callable[[], Any], calls: int = 2_000) -> float:
    for _ in range(50):  # warm: the query built once, the connection's caches
        call()
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return round((time.perf_counter() - started) / calls * 1e6, 1)


def _records(agency: Agency, start: int, count: int) -> list[dict[str, Any]]:
    blank = dict.fromkeys(
        (
            "middle_names",
            "previous_surnames",
            "nhs_number",
            "postcode",
            "address",
            "phone",
            "ethnicity",
            "first_language",
            "upn",
        ),
        "",
    )
    return [
        {
            "agency_id": agency.pk,
            "local_id": f"BENCH-{start + i}",
            "forename": "Ann",
            "surname": "Bench",
            "sex": "female",
            "row_hash": "bench",
            "version": 1,
            **blank,
        }
        for i in range(count)
    ]


def _rows_per_second(insert: Callable[[int], None], agency: Agency, start: int) -> float:
    started = time.perf_counter()
    insert(start)
    rate = ROWS / (time.perf_counter() - started)
    SourceRecord.objects.filter(agency=agency).delete()
    return round(rate)


def measure() -> dict[str, Any]:
    figures: dict[str, Any] = {"database": connection.vendor}
    try:
        with transaction.atomic():
            tag = uuid.uuid4().hex[:8]  # unlike anything the database holds
            area = Area.objects.create(code=f"QZ{tag}", name="Benchmark")
            agency = Agency.objects.create(
                code=f"BENCH-{tag}", name="Benchmark", kind="police", area=area
            )
            user = get_user_model().objects.create(username=f"seen-bench-{tag}")
            StaffProfile.objects.create(user=user, role=Role.POLICE_OFFICER, agency=agency)
            ours = ProfileModelBackend()
            join = ("staff_profile__agency", "staff_profile__practitioner")
            model = get_user_model()
            figures["user_with_profile_us"] = {
                "seen": microseconds_per_call(lambda: ours.get_user(user.pk)),
                "django": microseconds_per_call(
                    lambda: model.objects.select_related(*join).get(pk=user.pk)
                ),
            }
            session = SessionStore()
            session["bench"] = 1
            session.create()
            key = session.session_key
            figures["session_load_us"] = {
                "seen": microseconds_per_call(lambda: SessionStore(key).load()),
                "django": microseconds_per_call(lambda: django_sessions.SessionStore(key).load()),
            }

            def seen_inserts(start: int) -> None:
                for k in range(0, ROWS, CHUNK):
                    insert_rows(SourceRecord, _records(agency, start + k, CHUNK))

            def django_inserts(start: int) -> None:
                for k in range(0, ROWS, CHUNK):
                    SourceRecord.objects.bulk_create(
                        [SourceRecord(**row) for row in _records(agency, start + k, CHUNK)]
                    )

            rates: dict[str, list[float]] = {"seen": [], "django": []}
            for run in range(3):  # alternate, best of three each
                order = [("seen", seen_inserts), ("django", django_inserts)]
                for name, insert in order if run % 2 == 0 else order[::-1]:
                    rates[name].append(_rows_per_second(insert, agency, run * 10 * ROWS))
            figures["insert_rows_per_second"] = {k: max(v) for k, v in rates.items()}
            raise _RolledBack
    except _RolledBack:
        pass
    return figures
