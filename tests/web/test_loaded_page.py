from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from seen.access.models import Role, StaffProfile
from seen.ingest.loader import ingest_extract
from tests.fixtures.partnership import signed_in_client


def _signed_in(role: str) -> Client:
    user = get_user_model().objects.create_user(f"u-{role}".replace(" ", "-"))
    StaffProfile.objects.create(user=user, role=role)
    return signed_in_client(user)


@pytest.mark.django_db
def test_the_demo_page_lists_what_was_loaded(extract: Callable[..., Path]) -> None:
    ingest_extract(extract())
    page = _signed_in(Role.SYSTEM_ADMINISTRATOR).get("/loaded/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        '<td class="govuk-table__cell">people</td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">4</td>'
    ) in html
    assert "Hollis" not in html  # counts only, never a person's details


@pytest.mark.django_db
def test_the_demo_page_says_when_nothing_is_loaded() -> None:
    page = _signed_in(Role.SYSTEM_ADMINISTRATOR).get("/loaded/")
    assert "Nothing has been ingested yet" in page.content.decode()


@pytest.mark.django_db
def test_the_demo_page_is_for_system_administrators_only() -> None:
    assert Client().get("/loaded/")["Location"] == "/sign-in/?next=/loaded/"
    assert _signed_in(Role.SOCIAL_WORKER).get("/loaded/").status_code == 403


@pytest.mark.parametrize(
    "command",
    [[], ["ingest"], ["quarantine"], ["synth"], ["bench"], ["extract_schema"], ["migrate"]],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "seen", *command, "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout.lower() or "subcommands" in result.stdout.lower()
