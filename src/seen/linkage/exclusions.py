"""Evidence that two records are different people, which no score overrides.

A model adds up evidence, and enough agreement elsewhere can outweigh any one disagreement.
For two facts that is wrong in a safeguarding hub: two different valid NHS numbers (the
modulus 11 check makes a typing slip that passes it rare, and the NHS issues one number per
person), and two dates of birth that no slip explains. Records that disagree on either are
never put in one person automatically (seen.linkage.clustering): the link is held back and the
pair goes to clerical review, where a practitioner may still join them. docs/linkage.md lists
these and why.

Each exclusion is data: the prepared column it reads (seen.linkage.prepare), when two values
of it are apart, and the reason shown to the practitioner."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Exclusion:
    column: str  # a column of the prepared table (seen.linkage.prepare.PREPARED_COLUMNS)
    apart: Callable[[str, str], bool]  # two different values: do they name different people?
    reason: str  # in words a practitioner reads on the review page
    # Where set, the exclusion holds only for records in which the trained model finds such a
    # disagreement rare within one person: the m probability of this level of this comparison
    # (the share of one person's record pairs that disagree so) at most RARE_WITHIN_A_PERSON.
    # Data keyed by hand or corrupted on purpose (FEBRL, the historical figures) is not such
    # data: there a far date of birth is weak evidence, and the model weighs it as such.
    comparison: str | None = None
    level: str | None = None
    # Where set, `apart` compares this record's `column` with the other record's `against`
    # (both ways round), not the two records' `column`.
    against: str | None = None


RARE_WITHIN_A_PERSON = 0.01


def different(_a: str, _b: str) -> bool:
    return True


def dates_no_slip_explains(a: str, b: str) -> bool:
    """Two dates of birth as YYYYMMDD (seen.linkage.prepare's dob_text) can be one person's
    only within the date of birth comparison's near levels: day and month transposed, one
    digit different, or within a year of each other (a date estimated, or recorded at a
    birthday's approach). Further apart, they are two people: a father and the son named after
    him, or two people of one name."""
    if len(a) == len(b) == 8:
        if a[:4] + a[6:8] + a[4:6] == b:  # day and month transposed
            return False
        if sum(x != y for x, y in zip(a, b, strict=True)) <= 1:
            return False
    first, second = _date(a), _date(b)
    if first is None or second is None:  # not a real date: only a slip explains it
        return True
    return abs((first - second).days) > NEAR_DAYS


NEAR_DAYS = 366


def _date(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def born_after_parenthood(parent_on: str, dob: str) -> bool:
    """A person named as a baby's parent or partner on `parent_on` (YYYYMMDD) was born at least
    PARENT_MIN_AGE years before it: a baby named after his father is not that father."""
    try:
        return int(dob[:4]) > int(parent_on[:4]) - PARENT_MIN_AGE
    except ValueError:
        return False


PARENT_MIN_AGE = 12


EXCLUSIONS: tuple[Exclusion, ...] = (
    Exclusion(
        "nhs_number",
        different,
        "the records hold two different NHS numbers (each passes the check digit)",
    ),
    Exclusion(
        "dob_text",
        dates_no_slip_explains,
        "the records hold dates of birth more than a year apart that no typing slip explains",
        comparison="dob",
        level="all other",
    ),
    Exclusion(
        "parent_on",
        born_after_parenthood,
        "one record names a baby's parent or partner, and the other was born less than "
        f"{PARENT_MIN_AGE} years before that",
        against="dob_text",
    ),
)
EXCLUSION_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(
        column
        for exclusion in EXCLUSIONS
        for column in (exclusion.column, exclusion.against)
        if column
    )
)


def exclusions_for(settings: Mapping[str, Any]) -> tuple[Exclusion, ...]:
    """The exclusions that hold for records a model (its Splink settings) was trained on."""
    m_of: dict[tuple[str, str], float] = {}
    for comparison in settings.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            if level.get("m_probability") is not None:
                key = (comparison["output_column_name"], level.get("label_for_charts", ""))
                m_of[key] = float(level["m_probability"])
    return tuple(
        exclusion
        for exclusion in EXCLUSIONS
        if exclusion.comparison is None
        or m_of.get((exclusion.comparison, exclusion.level or ""), 0.0) <= RARE_WITHIN_A_PERSON
    )


# An automatic link needs more than a name and a date of birth. Two people of one name and one
# date of birth are rare, but among the men an agency knows without an NHS number they are the
# false join that matters: one man's conviction on another baby's father. A pair whose evidence
# agrees on none of these and disagrees on one of them (another address, another phone) is
# therefore not linked automatically whatever its score: it goes to clerical review.
CORROBORATING = ("nhs_number", "postcode", "phone", "address", "family_home")
UNCORROBORATED = (
    "only the name and date of birth agree, and an address or phone number disagrees: a name "
    "and a date of birth alone are not enough to link automatically"
)


def uncorroborated(evidence: Mapping[str, float]) -> bool:
    """Whether a scored pair (its comparisons' weights) rests on name and date of birth alone
    against a disagreeing address or phone (see CORROBORATING)."""
    weights = [evidence.get(name) or 0.0 for name in CORROBORATING]
    return not any(w > 0 for w in weights) and any(w < 0 for w in weights)
