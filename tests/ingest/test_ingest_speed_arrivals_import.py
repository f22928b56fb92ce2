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


def test_seen_ingest_checks_the_models_but_does_not_import_the_web(tmp_path: object) -> None:
    """The URL checks import every page (1.3 s of a 3,000-birth load): a load runs the model
    checks only. `seen check` still runs them all."""
    code = (
        "import sys\n"
        "from seen.cli import main\n"
        "try:\n"
        "    main(['seen', 'ingest', '/no/such/extract'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('seen.urls' in sys.modules, 'seen.web.child' in sys.modules)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "seen.settings", "SEEN_INSECURE_HTTP": "1"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert "is not a folder" in result.stderr  # the command ran, past its checks
    assert result.stdout.split() == ["False", "False"]
