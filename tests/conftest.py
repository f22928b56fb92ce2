"""Every test: Seen's clock back to real time afterwards, and a linkage model of its own. The
shared fixtures (the small partnership as an extract, its baby, and what several packages'
tests build on it) live in tests/fixtures and are registered here once, as plugins: a test
names a fixture as a parameter and imports nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from seen.core import clock

pytest_plugins = [
    "tests.fixtures.partnership",  # first: the others build on its baby
    "tests.fixtures.casefile",
    "tests.fixtures.clerical_review",
    "tests.fixtures.incidents",
    "tests.fixtures.matrix",
    "tests.fixtures.thematic",
    "tests.fixtures.triage",
]


@pytest.fixture(autouse=True)
def clock_back_to_real_time() -> Iterator[None]:
    """A test may set Seen's clock (seen.core.clock.set_now); the next test starts on real time."""
    yield
    clock.set_now(None)


@pytest.fixture(autouse=True)
def linkage_model_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own (initially absent) linkage model, never the demo's in ./var."""
    monkeypatch.setenv("SEEN_LINK_MODEL", str(tmp_path / "linkage-model" / "model.json"))
