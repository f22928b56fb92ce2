"""Every response says how long the app took (Server-Timing), which `seen bench service` reads."""

from __future__ import annotations

import re

import pytest
from django.test import Client


@pytest.mark.django_db
def test_every_response_carries_the_apps_time() -> None:
    response = Client().get("/sign-in/")
    match = re.fullmatch(r"app;dur=(\d+\.\d)", response["Server-Timing"])
    assert match and float(match.group(1)) >= 0
    assert "Server-Timing" in Client().get("/no-such-page/").headers  # errors are timed too
