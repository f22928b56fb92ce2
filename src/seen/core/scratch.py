"""Seen's own folder for temporary files (settings.SEEN_TMP_DIR, var/tmp by default): uploads
being received, extracts being unpacked, DuckDB's spill while matching. Nothing goes to the
working directory or the system's /tmp, so one partition and one bound hold them all.

Each folder made here is named after its host and process, so that one left by a killed process
is found and removed by the next one to ask for a folder of that kind."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from seen.core.processes import still_running, this_host

_OWNER = re.compile(r"^(?P<kind>[a-z]+)-(?P<host>.+)-(?P<pid>[0-9]+)-[^-]+$")


def root() -> Path:
    folder = Path(settings.SEEN_TMP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.]", "_", this_host())


def sweep(kind: str) -> None:
    """Remove the folders of this kind left by processes of this host that have gone."""
    for path in root().glob(f"{kind}-*"):
        owner = _OWNER.match(path.name)
        if owner is None or owner["kind"] != kind or owner["host"] != _host():
            continue
        if not still_running(this_host(), int(owner["pid"])):
            shutil.rmtree(path, ignore_errors=True)


def new_name(kind: str) -> Path:
    """A path for a new folder of this kind (not created: DuckDB makes its own)."""
    sweep(kind)
    return root() / f"{kind}-{_host()}-{os.getpid()}-{os.urandom(6).hex()}"


@contextmanager
def folder(kind: str) -> Iterator[Path]:
    """A new empty folder, removed with all it holds on leaving."""
    path = new_name(kind)
    path.mkdir()
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
