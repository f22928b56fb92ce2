"""The headline tables of a thematic review (the fieldwork report's "Headline data"), counted from
the case dataset, and their suppression for publication.

Each table maps a category, written as the dataset writes it, to the number of cases; only
categories that occur are present. `injury_pattern` is nested by outcome; `occasions` and
`prognosis` count the seriously harmed only; `parent_features` counts the cases having each
feature (a case may have several, or none). `publish` makes them fit to publish: small
categories joined, or given as ranges, so that no small count can be read or worked out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from seen.thematic.dataset import (
    AGENCY_INVOLVEMENTS,
    CARE_FINDINGS,
    CHILD_SEXES,
    CRIMINAL_PROCEEDINGS,
    MALE_RELATIONSHIPS,
    OCCASIONS,
    OUTCOMES,
    PARENT_FEATURES,
    PROGNOSES,
    YES_NO,
    CaseRow,
)

TABLES: tuple[str, ...] = (
    "outcome",
    "injury_pattern",
    "occasions",
    "prognosis",
    "male_relationship",
    "child_sex",
    "child_ethnicity",
    "age_months",
    "agency_involvement",
    "criminal_proceedings",
    "both_parents_charged",
    "care_findings",
    "parent_features",
)

# The injury patterns the report counts, in its order; each case falls in exactly one.
INJURY_PATTERNS: tuple[str, ...] = (
    "head_injury_with_fractures",
    "head_injury_only",
    "fractures_and_bruising",
    "fractures_only",
    "ruptured_frenulum",
    "other",
)

Table = dict[str, int]


def injury_pattern(injuries: Iterable[str]) -> str:
    """The report's pattern for one case's injuries (the first that fits, in INJURY_PATTERNS
    order: a head injury outranks fractures, fractures outrank a ruptured frenulum)."""
    kinds = set(injuries)
    head, fracture = "head_injury" in kinds, "fracture" in kinds
    if head:
        return "head_injury_with_fractures" if fracture else "head_injury_only"
    if fracture:
        return "fractures_and_bruising" if "bruising" in kinds else "fractures_only"
    if "ruptured_frenulum" in kinds:
        return "ruptured_frenulum"
    return "other"


def headline_tables(rows: Sequence[CaseRow]) -> dict[str, Any]:
    """Every headline table, keyed by the names in TABLES."""
    harmed = [row for row in rows if row.outcome == "seriously_harmed"]
    return {
        "outcome": _count((row.outcome for row in rows), OUTCOMES),
        "injury_pattern": {
            outcome: _count(
                (injury_pattern(row.injuries) for row in rows if row.outcome == outcome),
                INJURY_PATTERNS,
            )
            for outcome in OUTCOMES
            if any(row.outcome == outcome for row in rows)
        },
        "occasions": _count((row.occasions for row in harmed), OCCASIONS),
        "prognosis": _count((row.prognosis for row in harmed), PROGNOSES),
        "male_relationship": _count((row.male_relationship for row in rows), MALE_RELATIONSHIPS),
        "child_sex": _count((row.child_sex for row in rows), CHILD_SEXES),
        "child_ethnicity": _count(row.child_ethnicity for row in rows),
        "age_months": {
            str(age): count
            for age, count in sorted(Counter(row.age_months for row in rows).items())
        },
        "agency_involvement": _count(
            (row.agency_involvement for row in rows), AGENCY_INVOLVEMENTS
        ),
        "criminal_proceedings": _count(
            (row.criminal_proceedings for row in rows), CRIMINAL_PROCEEDINGS
        ),
        "both_parents_charged": _count((row.both_parents_charged for row in rows), YES_NO),
        "care_findings": _count((row.care_findings for row in rows), CARE_FINDINGS),
        "parent_features": _count(
            (feature for row in rows for feature in set(row.parent_features)), PARENT_FEATURES
        ),
    }


@dataclass(frozen=True)
class Range:
    """A published count known only to lie between `low` and `high`: a small count, or one
    from which a small count could be worked out."""

    low: int
    high: int

    def __str__(self) -> str:
        return f"{self.low} to {self.high}"


Cell = int | Range | None  # None: "fewer than N", where a table's cells overlap or nest
# the tables whose categories are in order: small neighbours are joined into a band
ORDERED = frozenset({"age_months"})
# the tables whose cells cannot be joined: a case has several parent features (the cells
# overlap), and the injury patterns are by outcome; a small cell is only hidden
HIDDEN_ONLY = frozenset({"parent_features", "injury_pattern"})
# the tables counting the seriously harmed only: they sum to that count, so they may not
# publish it exactly when the outcome table does not
HARMED_ONLY = frozenset({"occasions", "prognosis"})
JOIN = "+"  # joined categories' key: their keys, in order


def publish(tables: dict[str, Any], below: int) -> dict[str, Any]:
    """The tables for publication: no count from 1 to below - 1, and none that another
    published count, or the number of cases, would give away. Small categories are joined
    (into "Other", or a band of neighbours for an ordered table) until each cell is at least
    `below`; what cannot be joined is published as a range. A figure so keeps two categories
    where the data has them. A threshold of 1 or less changes nothing."""
    if below <= 1:
        return tables
    published: dict[str, Any] = {}
    total = sum(tables.get("outcome", {}).values())
    for name, table in tables.items():
        if name in HIDDEN_ONLY:
            published[name] = _hidden(table, below)
        elif name in ORDERED:
            published[name] = _banded(table, below)
        elif name not in HARMED_ONLY:
            published[name] = _joined(table, below, Range(total, total))
    harmed = published.get("outcome", {}).get("seriously_harmed", 0)
    harmed_range = harmed if isinstance(harmed, Range) else Range(harmed, harmed)
    for name in HARMED_ONLY & set(tables):
        published[name] = _joined(tables[name], below, harmed_range)
    return {name: published[name] for name in tables}


def published_json(tables: dict[str, Any], below: int) -> dict[str, Any]:
    """The published tables as JSON holds them: a range as {"from": low, "to": high}."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: plain(inner) for key, inner in value.items()}
        return {"from": value.low, "to": value.high} if isinstance(value, Range) else value

    return {name: plain(table) for name, table in publish(tables, below).items()}


def name_of(table: str, key: str, name: Callable[[str], str]) -> str:
    """What a published category is called: a joined key's parts named by `name` and joined
    ("A or B", "Other: A, B, C"; a band of an ordered table "0 to 2 months")."""
    parts = key.split(JOIN)
    if len(parts) == 1:
        return name(key)
    if table in ORDERED:
        first, last = name(parts[0]), name(parts[-1])
        unit = last.split(" ", 1)[1] if " " in last else ""
        return f"{first.split(' ', 1)[0]} to {last.split(' ', 1)[0]} {unit}".strip()
    named = [name(part) for part in parts]
    return " or ".join(named) if len(named) == 2 else "Other: " + ", ".join(named)


def _hidden(value: Any, below: int) -> Any:
    if isinstance(value, dict):
        return {key: _hidden(inner, below) for key, inner in value.items()}
    return None if isinstance(value, int) and 0 < value < below else value


def _joined(table: Table, below: int, total: Range) -> dict[str, Cell]:
    """A table whose cells add up to `total` (known exactly, or itself a range): the small
    cells joined into one, which joins the smallest large cell if still small; a cell left
    small, or the cells beside a total known only as a range, become ranges."""
    small = [key for key, count in table.items() if 0 < count < below]
    exact = {key: count for key, count in table.items() if key not in small}
    if small:
        joined = sum(table[key] for key in small)
        large = [key for key, count in exact.items() if count]
        if joined < below and len(large) >= 2:
            smallest = min(large, key=lambda key: exact[key])
            small = [smallest, *small]
            joined += exact.pop(smallest)
        exact[JOIN.join(small)] = joined
    cells: dict[str, Cell] = dict(exact)
    counted = sorted((key for key, count in exact.items() if count), key=lambda k: exact[k])
    if len(counted) == 1 and exact[counted[0]] < below:
        # every case in one small category: nothing to join it with, so it is not published
        cells[counted[0]] = None
    elif len(counted) == 2 and exact[counted[0]] < below:
        # one large cell and one small: each is only said to lie in a range
        cells[counted[0]] = Range(1, below - 1)
        cells[counted[1]] = Range(max(total.low - (below - 1), 1), total.high - 1)
    elif total.low != total.high and counted:
        # the total is a range: the largest cell carries it, so no sum gives the total away
        rest = sum(exact[key] for key in counted[:-1])
        cells[counted[-1]] = Range(total.low - rest, total.high - rest)
    return cells


def _banded(table: Table, below: int) -> dict[str, Cell]:
    """An ordered table: neighbours joined into bands of at least `below` (the last band
    joins the one before it while it is small)."""
    bands: list[list[str]] = []
    counts: list[int] = []
    for key, count in table.items():
        if bands and counts[-1] < below:
            bands[-1].append(key)
            counts[-1] += count
        else:
            bands.append([key])
            counts.append(count)
    while len(bands) > 1 and counts[-1] < below:
        last, count = bands.pop(), counts.pop()
        bands[-1] += last
        counts[-1] += count
    cells: dict[str, Cell] = {
        JOIN.join(band): count for band, count in zip(bands, counts, strict=True)
    }
    if len(cells) == 1 and 0 < counts[0] < below:
        cells = {key: None for key in cells}
    return cells


def _count(values: Iterable[str], order: Sequence[str] = ()) -> Table:
    """Counts of the values that occur: in `order` when given (the format's order), otherwise
    most frequent first, then alphabetically."""
    counts = Counter(values)
    ordered = {value: counts.pop(value) for value in order if counts[value]}
    # values outside the format (rows not read through read_cases) are still counted, after
    ordered.update(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return ordered
