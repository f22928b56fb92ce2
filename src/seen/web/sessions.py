"""Sessions: the store every request reads, and the idle timeout.

The store is Django's database sessions, read with one plain query built once (every request
reads its session; the ORM would compile the same query each time).

Idle timeout: a signed-in session left untouched for SEEN_SESSION_IDLE_MINUTES is signed out.

The session's absolute age (SESSION_COOKIE_AGE, a shift of 8 hours) and its end when the browser
closes are Django's own; this adds the time since the user last did anything, for a screen left
open on a shared ward or office computer. The last activity is written at most once a minute, so
a busy user does not cost a session write per request.

The store is kept because it pays (`seen bench internals`, 5 December 2026): a session read in
57 µs against Django's store 314 µs on SQLite, 217 against 522 µs on PostgreSQL. Re-measure on
every Django upgrade: it overrides db.SessionStore._get_session_from_db.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

LAST_SEEN_KEY = "seen_last_activity"
WRITE_EVERY_SECONDS = 60


class SessionStore(db.SessionStore):
    """SESSION_ENGINE = "seen.web.sessions": Django's database store, loaded in plain SQL."""

    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        if key is None:
            return None
        table = Session._meta.db_table
        connection = connections[router.db_for_read(Session)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data, expire_date FROM {table}"
                " WHERE session_key = %s AND expire_date > %s",
                [key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:  # unknown or expired: the request goes on without a session
            self._session_key = None
            return None
        return Session(session_key=key, session_data=row[0], expire_date=row[1])


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN_KEY)
            idle_limit = int(settings.SEEN_SESSION_IDLE_MINUTES) * 60
            if isinstance(last, int) and idle_limit and now - last > idle_limit:
                logout(request)  # flushes the session; the request goes on as anonymous
                request.session["seen_signed_out_idle"] = True
            elif not isinstance(last, int) or now - last >= WRITE_EVERY_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
