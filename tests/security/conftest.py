"""The attack suite's server and accounts: Seen under gunicorn, as a deployment runs it, on a
free port of 127.0.0.1, against the test database pytest-django made (SQLite: its file;
PostgreSQL: the test database on the same server), with plain http (SEEN_INSECURE_HTTP=1), a
secret key of its own, its own var directory and small bounds on uploads.

One world and one server for the package (tests/security): the world is written and committed
first (tests.security.world), every account signs in through the sign-in form, and at the end
the database is emptied the way Django's transactional tests leave it (the audit log first,
with its guards lifted, as tests/audit does), so the tests that follow find it empty.

Every exchange is logged (tests.security.browser.Log); after each test, whatever it asserted
itself, two things are checked of the exchanges it made: no answer was a server error (5xx),
and no request made without the right to see personal data was answered 2xx with any of the
family's personal data."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import pytest
import requests
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection
from django.test.utils import setup_databases, teardown_databases

from seen import settings as seen_settings
from seen.audit.models import AuditEvent, AuditHead
from tests.audit.conftest import raw, triggers_suspended
from tests.security import world as world_module
from tests.security.browser import Browser, Log
from tests.security.world import ACCOUNTS, NOW, PASSWORD, PERSONAL_DATA, World

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
STARTUP_SECONDS = 60

# Small bounds on what one upload may be (the settings' names, given to the server through its
# environment); tests/security/test_attacks.py builds uploads just over them.
UPLOAD_BOUNDS = {
    "SEEN_UPLOAD_MAX_BYTES": 1_000_000,  # the zip as sent
    "SEEN_UPLOAD_MAX_MEMBER_BYTES": 2_000_000,  # one file unpacked
    "SEEN_UPLOAD_MAX_UNCOMPRESSED_BYTES": 3_000_000,  # every file unpacked
    "SEEN_UPLOAD_MAX_TABLE_ROWS": 2_000,
    "SEEN_UPLOAD_MAX_ROWS": 3_000,
    "SEEN_IMPORT_MAX_SECONDS": 30,
    "SEEN_TMP_MAX_BYTES": 50_000_000,  # what DuckDB may spill into Seen's temporary folder
}

LOG = Log()  # every exchange of the suite, in order


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.security)
            item.add_marker(pytest.mark.slow)


# ---- the global checks ------------------------------------------------------------------------


def global_problems(start: int) -> list[str]:
    problems = []
    for e in LOG.since(start):
        if e.status >= 500:
            problems.append(f"{e.who}: {e.method} {e.path!r} answered {e.status} (a server error)")
        if e.unauthorised and 200 <= e.status < 300:
            leaked = [value for value in PERSONAL_DATA if value in e.text]
            if leaked:
                problems.append(
                    f"{e.who}: {e.method} {e.path!r} answered {e.status} with personal data "
                    f"{leaked} to a request without the right to it"
                )
    return problems


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    """After each attack: no 5xx, and no personal data to an unauthorised request."""
    start = len(LOG.exchanges)
    result = yield
    problems = global_problems(start)
    if problems:
        raise AssertionError("global checks of the attack suite:\n" + "\n".join(problems))
    return result


# ---- the database -----------------------------------------------------------------------------


def _emptied() -> None:
    """Every table emptied as Django's transactional tests leave them: the audit log first, with
    its append-only guards lifted (the database refuses otherwise)."""
    with triggers_suspended():
        raw(f"DELETE FROM {AuditEvent._meta.db_table}")
    AuditHead.objects.all().delete()
    call_command("flush", verbosity=0, interactive=False, database="default")


def server_database_url() -> str:
    """The test database (pytest-django's) as a DATABASE_URL for the server process."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        return "sqlite:///" + str(Path(name).resolve())
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit((url.scheme, url.netloc, "/" + name, url.query, url.fragment))


def _on_test_database() -> bool:
    """Whether the connection already points at the test database (not the one in
    DATABASE_URL): pytest-django made it for the database tests of the same run."""
    return str(connection.settings_dict["NAME"]) != str(
        dj_database_url.parse(seen_settings.DATABASE_URL)["NAME"]
    )


@pytest.fixture(scope="package")
def test_database(
    django_db_setup: None, django_db_blocker: Any, django_db_keepdb: bool
) -> Iterator[None]:
    """The test database. pytest-django makes it only for tests marked `django_db`, and these
    are not (each would hold a transaction open against the server): when no test of the run
    asked for it, it is made here, and dropped at the end of the package."""
    if _on_test_database():
        yield
        return
    with django_db_blocker.unblock():
        made = setup_databases(
            verbosity=0,
            interactive=False,
            aliases={DEFAULT_DB_ALIAS},
            serialized_aliases=set(),
            keepdb=django_db_keepdb,
        )
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            teardown_databases(made, verbosity=0, keepdb=django_db_keepdb)


@pytest.fixture(scope="package")
def world(
    test_database: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[World]:
    with django_db_blocker.unblock():
        _emptied()  # a run stopped half-way may have left its world behind (--reuse-db)
        built = world_module.build(tmp_path_factory.mktemp("attack-world"))
    yield built
    with django_db_blocker.unblock():
        _emptied()


@pytest.fixture
def database(django_db_blocker: Any) -> Iterator[None]:
    """The test's own reads and writes of the database the server uses (committed at once)."""
    with django_db_blocker.unblock():
        yield


# ---- the server -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    def __init__(self, base: str, var: Path, log: Path) -> None:
        self.base = base
        self.var = var
        self.log = log

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="package")
def server(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    var = tmp_path_factory.mktemp("seen-var")
    log = var.parent / "gunicorn.log"
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "seen.settings",
        "DATABASE_URL": server_database_url(),
        "SEEN_INSECURE_HTTP": "1",
        "SEEN_DEBUG": "0",
        "SEEN_SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
        "SEEN_VAR_DIR": str(var),
        "SEEN_NOW": NOW.isoformat(),
        "SEEN_LINK_MODEL": str(var / "linkage-model" / "model.json"),
        "SEEN_LOG_LEVEL": "ERROR",
        **{name: str(value) for name, value in UPLOAD_BOUNDS.items()},
    }
    env.pop("SEEN_SERVER_TIMING", None)
    command = [
        str(GUNICORN),
        "seen.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", "2",
        "--timeout", "90",
        "--graceful-timeout", "5",
        "--error-logfile", str(log),
        "--capture-output",
        "--preload",  # the application imported once, before the workers fork
        "--no-control-socket",  # else one in ~/.gunicorn, shared with any other gunicorn
    ]
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    started = Server(base, var, log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn stopped ({process.returncode}):\n{started.log_tail()}"
                )
            try:
                if requests.get(base + "/sign-in/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass  # not listening yet, or still importing
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer in time:\n{started.log_tail()}")
            time.sleep(0.2)
        yield started
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---- the accounts -----------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browsers(server: Server) -> dict[str, Browser]:
    """Every account signed in once, through the sign-in form, before any attack (the password
    spraying attack, which locks its address out, comes last)."""
    signed_in = {}
    for username in ACCOUNTS:
        browser = Browser(server.base, LOG, username)
        response = browser.sign_in(username, PASSWORD)
        assert response.status_code == 302, (
            f"{username} could not sign in ({response.status_code}):\n{server.log_tail()}"
        )
        signed_in[username] = browser
    return signed_in


@pytest.fixture
def anonymous(server: Server) -> Callable[[], Browser]:
    return lambda: Browser(server.base, LOG)
