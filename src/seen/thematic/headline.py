"""The headline tables of a thematic review (the fieldwork report's "Headline data"), counted from
the case dataset, and their suppression for publication.

Each table maps a category, written as the dataset writes it, to the number of cases; only
categories that occur are present. `injury_pattern` is nested by outcome; `occasions` and
`prognosis` count the seriously harmed only; `parent_features` counts the cases having each
feature (a case may have several, or none).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
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


def suppress(tables: dict[str, Any], below: int) -> dict[str, Any]:
    """A copy of the tables for publication: every count from 1 to below - 1 becomes None
    (published as "fewer than {below}"). A threshold of 1 or less changes nothing."""

    def hide(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: hide(inner) for key, inner in value.items()}
        if isinstance(value, int) and 0 < value < below:
            return None
        return value

    return {name: hide(table) for name, table in tables.items()}


def _count(values: Iterable[str], order: Sequence[str] = ()) -> Table:
    """Counts of the values that occur: in `order` when given (the format's order), otherwise
    most frequent first, then alphabetically."""
    counts = Counter(values)
    ordered = {value: counts.pop(value) for value in order if counts[value]}
    # values outside the format (rows not read through read_cases) are still counted, after
    ordered.update(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return ordered
