from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from seen.ingest.loader import ingest_extract


@pytest.mark.django_db
def test_the_demo_page_lists_what_was_loaded(extract: Callable[..., Path]) -> None:
    ingest_extract(extract())
    page = Client().get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<td>people</td><td class=\"num\">4</td>" in html
    assert "Hollis" not in html  # counts only, never a person's details


@pytest.mark.django_db
def test_the_demo_page_says_when_nothing_is_loaded() -> None:
    assert "Nothing has been ingested yet" in Client().get("/").content.decode()


@pytest.mark.parametrize("command", [[], ["ingest"], ["quarantine"], ["synth"], ["bench"],
                                     ["extract_schema"], ["migrate"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "seen", *command, "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout.lower() or "subcommands" in result.stdout.lower()
