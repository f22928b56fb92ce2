"""Run a `seen` command in a child process and measure it: wall time and peak memory.

Benchmarks run the real commands in fresh processes against a fresh database, so the figures are
what an operator would see, not what a warmed-up test process would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_rss_mb: float
    stdout: str


class BenchmarkFailed(RuntimeError):
    pass


def run_seen(args: list[str], *, database_url: str) -> Measured:
    env = {**os.environ, "DATABASE_URL": database_url}
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
