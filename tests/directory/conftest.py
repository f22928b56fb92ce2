"""The directory's tests: the two areas of the small partnership (tests/fixtures/partnership.py)
and the sample directory of tests/fixtures/directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from seen.areas.models import Area

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "directory"
SERVICES = FIXTURES / "services.json"
REFUSED = FIXTURES / "refused.json"


def sample() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(SERVICES.read_text())
    return loaded


@pytest.fixture
def directory_areas(db: None) -> dict[str, Area]:
    """Quarry Vale and Quillbrook, as small_partnership() has them."""
    return {
        code: Area.objects.create(code=code, name=name)
        for code, name in (("QAV", "Quarry Vale"), ("QBM", "Quillbrook"))
    }
