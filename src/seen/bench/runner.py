"""Run a `seen` command in a child process and measure it: wall time and peak memory.

Benchmarks run the real commands in fresh processes against a fresh database, so the figures are
what an operator would see, not what a warmed-up test process would."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_rss_mb: float
    stdout: str


class BenchmarkFailed(RuntimeError):
    pass


def bench_environment(database_url: str) -> dict[str, str]:
    """The environment of a benchmark's commands: its database, and a linkage model of that
    database's own. Without one they would read the model in Seen's var folder, trained on
    another partnership: ingest would then match on arrival (a whole `seen link` run inside
    the ingest being timed) and `seen link` would score with another partnership's weights."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SEEN_LINK_MODEL": str(_linkage_model(database_url)),
    }


def forget_linkage_model(database_url: str) -> None:
    """A database made afresh starts with no model (its first `seen link` trains one): the
    model and term frequencies left by an earlier build under the same name are removed."""
    model = _linkage_model(database_url)
    for path in (model, model.with_name("term_frequencies.json")):
        path.unlink(missing_ok=True)


def _linkage_model(database_url: str) -> Path:
    if database_url.startswith("sqlite:///"):
        return Path(database_url.removeprefix("sqlite:///")).with_name("linkage-model.json")
    name = database_url.rsplit("/", 1)[-1] or "default"
    return Path(tempfile.gettempdir()) / f"seen-bench-{name}" / "model.json"


def run_seen(args: list[str], *, database_url: str) -> Measured:
    env = bench_environment(database_url)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "seen", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise BenchmarkFailed(f"seen {' '.join(args)} failed:\n{stderr[-2000:]}")
    # ru_maxrss of the children is in KiB on Linux; this child is the only one running.
    import resource

    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return Measured(elapsed, peak, stdout)
