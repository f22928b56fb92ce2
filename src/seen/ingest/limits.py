"""The bounds an extract is loaded within: bytes (one file and in all, unpacked), rows (one table
and in all) and wall time. An agency system's upload has the partnership's upload bounds
(SEEN_UPLOAD_*, SEEN_IMPORT_MAX_SECONDS); `seen ingest DIR` has larger ones (SEEN_INGEST_*) that
its flags override. A bound of None (0 in a setting or flag) is no bound."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings

from seen.ingest.errors import TooLarge


def _bound(value: Any) -> int | None:
    number = int(value or 0)
    return number if number > 0 else None


@dataclass(frozen=True)
class Limits:
    file_bytes: int | None = None  # one file, unpacked
    total_bytes: int | None = None  # every file together, unpacked
    table_rows: int | None = None
    rows: int | None = None  # every table together
    seconds: float | None = None
    upload_bytes: int | None = None  # the zip as sent (uploads only)

    @classmethod
    def for_uploads(cls) -> Limits:
        return cls(
            file_bytes=_bound(settings.SEEN_UPLOAD_MAX_MEMBER_BYTES),
            total_bytes=_bound(settings.SEEN_UPLOAD_MAX_UNCOMPRESSED_BYTES),
            table_rows=_bound(settings.SEEN_UPLOAD_MAX_TABLE_ROWS),
            rows=_bound(settings.SEEN_UPLOAD_MAX_ROWS),
            seconds=_bound(settings.SEEN_IMPORT_MAX_SECONDS),
            upload_bytes=_bound(settings.SEEN_UPLOAD_MAX_BYTES),
        )

    @classmethod
    def for_command(cls) -> Limits:
        return cls(
            file_bytes=_bound(settings.SEEN_INGEST_MAX_FILE_BYTES),
            total_bytes=_bound(settings.SEEN_INGEST_MAX_BYTES),
            table_rows=_bound(settings.SEEN_INGEST_MAX_TABLE_ROWS),
            rows=_bound(settings.SEEN_INGEST_MAX_ROWS),
        )

    def overridden(self, **bounds: int | None) -> Limits:
        """These bounds where given (a flag of 0 lifts one), the rest as they are."""
        given = {name: _bound(value) for name, value in bounds.items() if value is not None}
        return replace(self, **given)


class Deadline:
    """The wall time a load may take, checked between steps (never mid-transaction)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds if seconds else None

    def check(self, doing: str) -> None:
        if self.ends is not None and time.monotonic() > self.ends:
            raise TooLarge(
                f"the extract took longer than {self.seconds:g} seconds to load "
                f"(stopped while {doing}); send it in smaller extracts"
            )
