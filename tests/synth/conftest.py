"""One small synthetic partnership, generated once for all the synth tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from seen.synth.generator import Summary, generate
from tests.synth.checks import Extract, load

AREAS, BIRTHS, SEED, START = 3, 200, 7, date(2025, 4, 1)


def make(out: Path, seed: int = SEED) -> Summary:
    """The tests' partnership: small enough to generate in a fraction of a second."""
    return generate(out, areas=AREAS, births=BIRTHS, seed=seed, start=START)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Summary]:
    out = tmp_path_factory.mktemp("synth") / "extract"
    return out, make(out)


@pytest.fixture(scope="session")
def extract(generated: tuple[Path, Summary]) -> Extract:
    return load(generated[0])
