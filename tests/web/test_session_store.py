"""The session store (seen.web.sessions.SessionStore): Django's database sessions, read in
plain SQL: a live session loads, an expired or unknown one does not (and its key is dropped)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from seen.web.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_engine_is_this_store() -> None:
    assert settings.SESSION_ENGINE == "seen.web.sessions"


def test_a_live_session_loads_what_was_saved() -> None:
    store = SessionStore()
    store["_auth_user_id"] = "42"
    store["note"] = "café"
    store.create()
    loaded = SessionStore(store.session_key)
    assert loaded["_auth_user_id"] == "42" and loaded["note"] == "café"
    assert loaded.session_key == store.session_key


def test_an_expired_session_is_not_loaded() -> None:
    store = SessionStore()
    store["_auth_user_id"] = "42"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    loaded = SessionStore(store.session_key)
    assert loaded.get("_auth_user_id") is None
    assert loaded.session_key is None


def test_an_unknown_key_loads_nothing() -> None:
    loaded = SessionStore("x" * 32)
    assert dict(loaded.items()) == {}
    assert loaded.session_key is None
