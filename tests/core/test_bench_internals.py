"""`seen bench internals` measures Seen's re-implementations of framework internals against
Django's own and leaves the database as it was."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from seen.areas.models import Agency
from seen.bench import internals
from seen.people.models import SourceRecord


@pytest.mark.django_db
def test_the_figures_are_printed_and_nothing_is_left_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(internals, "ROWS", 400)
    monkeypatch.setattr(internals, "CHUNK", 100)
    timed = internals.microseconds_per_call

    def quick(call: Any, calls: int = 20) -> float:
        return timed(call, calls)

    monkeypatch.setattr(internals, "microseconds_per_call", quick)
    out = io.StringIO()
    call_command("bench", "internals", stdout=out)
    printed = out.getvalue()
    for figure in ("user_with_profile_us", "session_load_us", "insert_rows_per_second"):
        assert figure in printed and "'seen'" in printed and "'django'" in printed
    assert not Agency.objects.exists() and not SourceRecord.objects.exists()
