"""Who may use the referral routes (merged into tests/access/test_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (method, route) -> who -> the status the policy gives
MATRIX: dict[tuple[str, str], Callable[[str], int]] = {}
# route suffix -> the JSON body a POST is sent with
BODIES: dict[str, dict[str, Any]] = {}


def extend(world: dict[str, Any]) -> None:
    """Nothing more to add yet."""
