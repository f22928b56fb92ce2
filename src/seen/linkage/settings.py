"""Linkage settings a partnership may change: the three bands and where the model lives."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings as django_settings


@dataclass(frozen=True)
class Thresholds:
    auto_link: float  # at or above: linked automatically
    review: float  # at or above (and below auto_link): clerical review; below: no link


def current_bands() -> Thresholds:
    """SEEN_LINK_AUTO and SEEN_LINK_REVIEW (match probabilities) override the defaults."""
    auto = float(os.environ.get("SEEN_LINK_AUTO", "0.99"))
    review = float(os.environ.get("SEEN_LINK_REVIEW", "0.5"))
    if not 0 < review <= auto < 1:
        raise ValueError(
            f"link thresholds must satisfy 0 < review ({review}) <= auto-link ({auto}) < 1"
        )
    return Thresholds(auto, review)


def model_path() -> Path:
    return Path(
        os.environ.get("SEEN_LINK_MODEL", django_settings.VAR_DIR / "linkage" / "model.json")
    )
