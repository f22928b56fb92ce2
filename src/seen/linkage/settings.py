"""Linkage settings a partnership may change: the three bands and where the model lives."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings as django_settings

from seen.linkage.model import Bands


def current_bands() -> Bands:
    """The model's measured defaults (docs/linkage.md), unless SEEN_LINK_AUTO or
    SEEN_LINK_REVIEW (match probabilities) say otherwise."""
    defaults = Bands()
    return Bands(
        auto_link=float(os.environ.get("SEEN_LINK_AUTO", defaults.auto_link)),
        review=float(os.environ.get("SEEN_LINK_REVIEW", defaults.review)),
    )


def model_path() -> Path:
    default = django_settings.VAR_DIR / "linkage" / "model.json"
    return Path(os.environ.get("SEEN_LINK_MODEL", default))


def spark_master() -> str:
    """Where `seen link --engine spark` scores: a local Spark on this machine's two cores
    unless SEEN_SPARK_MASTER names another master (docs/scaling.md)."""
    return os.environ.get("SEEN_SPARK_MASTER", "local[2]")
