"""End-to-end tests: Debian's chromium (/usr/bin/chromium, installed by `.ci/run` from Debian's
packages) driven by Playwright against pytest-django's live server. Playwright never downloads a
browser here: it is given the system's executable.

The live server answers from another thread, so the tests' data must be committed
(`django_db(transaction=True)`); the audit log, which the database refuses to empty, is emptied
at teardown the way the audit tests do it, so that Django's flush can follow."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from seen.audit.models import AuditEvent, AuditHead
from tests.audit.conftest import raw, triggers_suspended

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")

# Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are plain
# synchronous code all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            # in CI (.ci/run installs it) a missing chromium fails the run instead
            if not CHROMIUM.exists() and os.environ.get("CI") != "true":
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"{CHROMIUM} is absent: `apt-get install chromium` "
                        "(`.ci/run` installs it) to run the end-to-end tests"
                    )
                )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's browser, but Debian's chromium rather than a downloaded one."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "headless": True}


@pytest.fixture(autouse=True)
def plain_http_cookies(settings: Any) -> None:
    """The live server speaks plain http on localhost: cookies without the Secure flag there."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(autouse=True)
def empty_audit_log_at_teardown(transactional_db: None) -> Iterator[None]:
    yield
    with triggers_suspended():
        raw("DELETE FROM audit_auditevent")
    AuditHead.objects.all().delete()
    assert not AuditEvent.objects.exists()


@pytest.fixture(autouse=True)
def nothing_refused_by_the_content_security_policy(
    request: pytest.FixtureRequest,
) -> Iterator[None]:
    """Every page works under Seen's Content-Security-Policy: the browser refuses nothing it
    loads (a refused inline style or script is a console error naming the policy)."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(f"{page.url}: {message.text}")
        if "Content Security Policy" in message.text
        else None,
    )
    yield
    assert not refused, "\n".join(refused)


class AxeUnavailable(UserWarning):
    pass


@pytest.fixture
def accessible() -> Callable[[Any], None]:
    """Check the page in front of the browser with axe: no serious or critical violation.
    Without node_modules/axe-core (`npm ci`) the check is skipped with a warning saying so."""

    def check(page: Any) -> None:
        if not AXE.exists():
            warnings.warn(
                AxeUnavailable(f"{AXE} not found (run `npm ci`): accessibility not checked"),
                stacklevel=2,
            )
            return
        # evaluated through the browser's protocol: the pages' Content-Security-Policy refuses an
        # inline <script>, which add_script_tag would insert
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
        result = page.evaluate("async () => await axe.run(document)")
        severe = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
            for v in result["violations"]
            if v["impact"] in SEVERE
        ]
        assert not severe, f"{page.url}:\n" + "\n".join(severe)

    return check
