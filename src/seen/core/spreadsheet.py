"""CSV that a spreadsheet will not run: every CSV Seen writes goes through `writer` or
`DictWriter` here, so that no cell, in any column, is read as a formula when the file is opened
in Excel, LibreOffice or Google Sheets (CSV or "formula" injection: `=HYPERLINK(…)`,
`=cmd|' /c calc'!A0`, `@SUM(…)`).

A cell is dangerous when its first character, after any leading spaces, is one a spreadsheet
starts a formula with (`=`, `+`, `-`, `@`, and the full-width forms), or a tab or carriage
return (which some spreadsheets skip before looking). Such a cell is written with a leading
apostrophe, the spreadsheet's own "this is text" mark. Numbers are not exempt ("-3" is written
"'-3"): no export of Seen holds a signed number, and a rule without exceptions is easy to check.

So that a file Seen wrote can be read back to the same values (the thematic review's dataset is
exported, corrected in a spreadsheet and imported again), `restore` takes the apostrophe off
again, and a value that itself begins with apostrophes before a formula character is written
with one more, so the round trip is exact.

defusedcsv was tried first: it leaves tab, carriage return and leading spaces alone and rewrites
`|` as `\\|`, so values would not come back as they went out.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

MARK = "'"
# a formula character, after any apostrophes already there and any leading spaces
_FORMULA_START = re.compile(r"'*[ \u00a0]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]")
_MARKED = re.compile(r"'+[ \u00a0]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]")


def neutralise(value: object) -> object:
    """The value as a cell no spreadsheet runs: text that could start a formula gets a leading
    apostrophe; anything else (other text, an int, None) is returned as it is."""
    if not isinstance(value, str) or not _FORMULA_START.match(value):
        return value
    return MARK + value


def restore(value: str) -> str:
    """A cell as it was before `neutralise`: one leading apostrophe taken off when what follows
    it could start a formula. (A spreadsheet user's own "'=…" reads the same way: as text.)"""
    if _MARKED.match(value):
        return value[1:]
    return value


class _Writer:
    """csv.writer's interface, every cell neutralised."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    @property
    def dialect(self) -> Any:
        return self._inner.dialect

    def writerow(self, row: Iterable[object]) -> Any:
        return self._inner.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: Any, **options: Any) -> _Writer:
    """csv.writer, every cell of every row neutralised."""
    return _Writer(csv.writer(handle, **options))


class DictWriter:
    """csv.DictWriter's interface, every cell neutralised (the header too: a name is a cell)."""

    def __init__(
        self,
        handle: Any,
        fieldnames: Sequence[str],
        *,
        restval: object = "",
        extrasaction: Literal["raise", "ignore"] = "raise",
        **options: Any,
    ) -> None:
        self._inner = csv.DictWriter(
            handle, fieldnames, restval=restval, extrasaction=extrasaction, **options
        )
        self._inner.writer = writer(handle, **options)  # type: ignore[assignment]

    def writeheader(self) -> Any:
        return self._inner.writeheader()

    def writerow(self, row: Mapping[str, object]) -> Any:
        return self._inner.writerow(row)

    def writerows(self, rows: Iterable[Mapping[str, object]]) -> None:
        self._inner.writerows(rows)
