"""Progress bars for long commands (rich), shaped as a plain callback so that services stay free
of any terminal code: a service calls progress(label, done, total) and knows nothing more."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

ProgressCallback = Callable[[str, int, int], None]


@contextmanager
def progress_bar(*, enabled: bool = True) -> Iterator[ProgressCallback | None]:
    """Yield a progress callback drawing one bar per label on stderr, or None when disabled."""
    if not enabled:
        yield None
        return
    bars = Progress(
        TextColumn("{task.description:<26}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=False,
        disable=not sys.stderr.isatty(),
    )
    tasks: dict[str, TaskID] = {}

    def update(label: str, done: int, total: int) -> None:
        if label not in tasks:
            tasks[label] = bars.add_task(label, total=total)
        bars.update(tasks[label], completed=done, total=total)

    with bars:
        yield update
