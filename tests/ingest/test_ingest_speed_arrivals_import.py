"""Importing ingest's arrivals step does not load linkage (pyarrow, DuckDB, Splink) until
matching runs, and a failure of matching is still caught as before."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb

from seen.ingest import arrivals
from seen.linkage import incremental


def test_importing_arrivals_leaves_linkage_unloaded() -> None:
    code = (
        "import sys, django; django.setup(); import seen.ingest.arrivals; "
        "print('seen.linkage.incremental' in sys.modules, 'seen.linkage.settings' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "seen.settings", "SEEN_INSECURE_HTTP": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_matching_failures_are_the_same_kinds() -> None:
    assert arrivals.matching_failures() == (
        incremental.MatchingUnavailable,
        duckdb.Error,
        OSError,
        MemoryError,
    )
