"""When asked for (SEEN_SERVER_TIMING=1, as `seen bench service` does, or when debugging), every
response says how long the app took (Server-Timing); otherwise none does."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client


@pytest.mark.django_db
def test_every_response_carries_the_apps_time_when_asked_for(settings: Any) -> None:
    settings.SEEN_SERVER_TIMING = True
    response = Client().get("/sign-in/")
    match = re.fullmatch(r"app;dur=(\d+\.\d)", response["Server-Timing"])
    assert match and float(match.group(1)) >= 0
    assert "Server-Timing" in Client().get("/no-such-page/").headers  # errors are timed too


@pytest.mark.django_db
def test_no_response_carries_it_otherwise(settings: Any) -> None:
    settings.SEEN_SERVER_TIMING = False
    settings.DEBUG = False
    assert "Server-Timing" not in Client().get("/sign-in/").headers
    assert "Server-Timing" not in Client().get("/no-such-page/").headers
