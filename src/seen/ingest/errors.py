"""Why an extract is refused whole."""

from __future__ import annotations

from seen.core.errors import Invalid


class ExtractError(Invalid):
    """The extract as a whole cannot be read (no manifest, wrong format version, not a folder)."""


class TooLarge(ExtractError):
    """The extract is beyond a configured bound (bytes, rows, time): HTTP 413. Found before a
    row is written, except the time bound, which stops a load between two chunks."""
