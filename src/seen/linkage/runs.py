"""A link run's record, kept from its start to its end: who runs it (host and process), and what
became of it. A run that fails says so at once; one whose process was killed keeps no end, and
the next run to start marks it interrupted with the time it was found."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from django.db import DatabaseError

from seen.core import clock
from seen.core.processes import still_running, this_host
from seen.linkage.models import LinkRun


def mark_abandoned() -> list[int]:
    """Mark interrupted the runs left running by processes that have gone (a run of another
    host cannot be checked from here and is left as it is). Returns their ids."""
    running = LinkRun.objects.filter(status=LinkRun.Status.RUNNING)
    gone = [run.pk for run in running.only("host", "pid") if not still_running(run.host, run.pid)]
    if gone:
        found = clock.now()
        LinkRun.objects.filter(pk__in=gone, status=LinkRun.Status.RUNNING).update(
            status=LinkRun.Status.INTERRUPTED,
            interrupted_found_at=found,
            note="its process ended before the run did (killed?); found by a later run",
        )
    return gone


def start_run(kind: str, **fields: Any) -> LinkRun:
    """A new run, recorded now, once runs abandoned by their processes are marked."""
    mark_abandoned()
    return LinkRun.objects.create(
        kind=kind, started_at=clock.now(), host=this_host(), pid=os.getpid(), **fields
    )


def finish_run(run: LinkRun, **fields: Any) -> None:
    LinkRun.objects.filter(pk=run.pk).update(
        status=LinkRun.Status.COMPLETE, finished_at=clock.now(), **fields
    )


@contextmanager
def running(run: LinkRun) -> Iterator[LinkRun]:
    """A run that fails part-way (an error, Ctrl-C) is marked interrupted at once, with why."""
    try:
        yield run
    except BaseException as error:
        with suppress(DatabaseError):  # the failure's own report matters more than this one
            LinkRun.objects.filter(pk=run.pk, status=LinkRun.Status.RUNNING).update(
                status=LinkRun.Status.INTERRUPTED,
                interrupted_found_at=clock.now(),
                note=(str(error).strip().splitlines() or [type(error).__name__])[0][:2000],
            )
        raise
