"""Who may use the seen.learning routes (merged into tests/access/test_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MATRIX: dict[tuple[str, str], Callable[[str], int]] = {}
BODIES: dict[str, dict[str, Any]] = {}


def extend(world: dict[str, Any]) -> None:
    """Nothing yet."""
