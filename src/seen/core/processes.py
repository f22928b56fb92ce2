"""Whether the process that started a piece of work (an ingest batch, a link run) is still there,
so that work left without an end can be told from work still going on."""

from __future__ import annotations

import os
import socket


def this_host() -> str:
    return socket.gethostname()[:255]


def still_running(host: str, pid: int | None) -> bool:
    """A process on another host cannot be checked from here and counts as running; one that
    was never named (pid None) has gone."""
    if pid is None:
        return False
    if host != this_host():
        return True
    try:
        os.kill(pid, 0)  # signal 0: is there such a process (nothing is sent)
    except ProcessLookupError:
        return False
    except PermissionError:  # there is one, another user's
        return True
    return True
