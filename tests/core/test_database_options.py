"""How Seen connects to PostgreSQL: no parallel workers for one query unless asked for
(starting them cost a page more than its queries' work), server-side binding unless turned off,
and whatever options the URL gives kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from seen.settings import database_from_url

URL = "postgresql://seen@db.example:5432/seen"


@pytest.fixture(autouse=True)
def unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEEN_PG_PARALLEL_WORKERS", raising=False)
    monkeypatch.delenv("SEEN_PG_PREPARED", raising=False)


def test_postgresql_connections_start_no_parallel_workers_by_default() -> None:
    options = database_from_url(URL)["OPTIONS"]
    assert isinstance(options, dict)
    assert options["options"] == "-c max_parallel_workers_per_gather=0"
    assert options["server_side_binding"] is True


def test_a_batch_command_may_ask_for_workers_and_no_server_binding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SEEN_PG_PARALLEL_WORKERS", "4")
    monkeypatch.setenv("SEEN_PG_PREPARED", "0")
    options = database_from_url(URL)["OPTIONS"]
    assert options == {"options": "-c max_parallel_workers_per_gather=4"}


def test_the_urls_own_options_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    options = database_from_url(f"{URL}?sslmode=require&options=-c%20search_path%3Dseen")["OPTIONS"]
    assert isinstance(options, dict)
    assert options["sslmode"] == "require"
    assert options["options"] == "-c search_path=seen -c max_parallel_workers_per_gather=0"


def test_empty_sends_no_setting_for_a_pooler_that_refuses_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SEEN_PG_PARALLEL_WORKERS", "")
    assert "options" not in database_from_url(URL)["OPTIONS"]  # type: ignore[operator]


@pytest.mark.parametrize("value", ["four", "4.0", "-1", "1025", "1e3"])
def test_a_bad_value_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SEEN_PG_PARALLEL_WORKERS", value)
    with pytest.raises(ImproperlyConfigured, match="SEEN_PG_PARALLEL_WORKERS"):
        database_from_url(URL)


def test_sqlite_gets_none_of_it() -> None:
    options = database_from_url("sqlite:////tmp/seen-options.sqlite3")["OPTIONS"]
    assert isinstance(options, dict) and "options" not in options


@pytest.mark.django_db
def test_the_running_connection_has_it() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
