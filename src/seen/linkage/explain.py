"""A scored pair's evidence in words a practitioner can check: where the model started, what
agreed, what disagreed, how much each counted, and the total, in figures that add up.

The model's arithmetic (seen.linkage.model): a pair's match weight is the prior's weight (how
likely two records picked at random are one person) plus each comparison's weight; the match
probability is 2^w / (1 + 2^w). Weights are in bits: +1 doubles the odds that the records are
one person, -1 halves them. Shown to one decimal place, the parts are rounded so that they add
up to the total shown (largest remainder), which is the stored match weight rounded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# each comparison as the review page names it
COMPARISON_NAMES = {
    "forename": "First name",
    "surname": "Last name",
    "dob": "Date of birth",
    "sex": "Sex",
    "nhs_number": "NHS number",
    "postcode": "Postcode",
    "address": "Address",
    "phone": "Phone",
    "family_home": "The family he is named in",
}

# each level (its label without the state of the comparison it is conditioned on) in words
LEVEL_WORDS = {
    "missing on either side": "not held on one side or both: not compared",
    "no family home to compare": "no family's home to compare",
    "same forename": "the same first name",
    "short form or other spelling of the same name (Bob / Robert)": (
        "a short form or another spelling of the same first name"
    ),
    "forename Jaro-Winkler >= 0.92 (a slip)": "first names one typing slip apart",
    "forename Jaro-Winkler >= 0.80": "first names alike but not the same",
    "an initial and a forename it begins": "an initial, and a first name it begins",
    "forename and surname swapped": "first and last names written the other way round",
    "missing on either side, or swapped with the forename (weighed by forename)": (
        "not held on one side, or swapped with the first name (counted there)"
    ),
    "same surname": "the same last name",
    "surname Jaro-Winkler >= 0.92 (a slip)": "last names one typing slip apart",
    "a surname in common: previous surname or part of a double-barrelled one": (
        "a last name in common: a previous one, or part of a double-barrelled one"
    ),
    "surname Jaro-Winkler >= 0.80": "last names alike but not the same",
    "same date of birth": "the same date of birth",
    "day and month transposed": "day and month the other way round",
    "same year, day or month one digit different (a slip)": "one digit different in day or month",
    "year one digit different, same day and month (a slip)": "one digit different in the year",
    "within a month": "within a month of each other",
    "within a year": "within a year of each other",
    "same sex": "the same sex",
    "same NHS number": "the same NHS number",
    "NHS number one or two digits apart (a slip or two digits transposed)": (
        "NHS numbers one or two digits apart"
    ),
    "same postcode": "the same postcode",
    "postcode one character apart or same sector": "postcodes one character apart, or next door",
    "same postcode district": "the same postcode district",
    "same address": "the same address",
    "address Jaro-Winkler >= 0.92 (a slip)": "addresses one typing slip apart",
    "address: half the words or more in common": "half the address's words or more in common",
    "address Jaro-Winkler >= 0.8": "addresses alike but not the same",
    "same phone number": "the same phone number",
    "his postcode or phone is the home of the family the other names him in": (
        "one record's postcode or phone is the home of the family the other names him in"
    ),
    "all other": "different",
}
# what the state a level is conditioned on means for how much it counts
STATE_WORDS = {
    "surnames agree": "counted given that the last names agree",
    "surnames differ or missing": "counted given that the last names differ or one is missing",
    "postcodes agree": "most of it already counted with the postcode",
    "postcodes differ or missing": "counted given that the postcodes differ",
    "forenames agree": "most of it already counted with the first name",
    "forenames differ or missing": "counted given that the first names differ",
}


@dataclass(frozen=True)
class Part:
    comparison: str  # the model's name, or "prior"
    name: str  # as the page shows it
    words: str  # what the model saw
    shown: float  # the weight to one decimal, adding up with the others

    @property
    def direction(self) -> str:
        if self.shown > 0:
            return "for"
        if self.shown < 0:
            return "against"
        return "neither for nor against"


@dataclass(frozen=True)
class Explanation:
    parts: list[Part]  # the prior first, then each comparison
    total: float  # the match weight to one decimal: the sum of the parts shown
    probability: float
    one_in: int  # the prior, as "about one in N"


def words_for(label: str | None) -> str:
    """A level's label in words, with what its conditioning means."""
    if not label:
        return "not recorded for this pair"
    state = ""
    text = label
    for candidate in STATE_WORDS:
        if label.endswith(f" ({candidate})"):
            state, text = candidate, label[: -len(candidate) - 3]
            break
    words = LEVEL_WORDS.get(text, text)
    return f"{words} ({STATE_WORDS[state]})" if state else words


def adding_up(values: list[float], total: float) -> list[float]:
    """Each value to one decimal place, so that they add up to `total` to one decimal place
    (largest remainder: the values nearest to rounding the other way move first)."""
    tenths = [v * 10 for v in values]
    rounded = [math.floor(t) for t in tenths]
    missing = round(total * 10) - sum(rounded)
    order = sorted(range(len(values)), key=lambda i: tenths[i] - rounded[i], reverse=missing > 0)
    step = 1 if missing > 0 else -1
    for i in order[: abs(missing)] if order else []:
        rounded[i] += step
    return [r / 10 for r in rounded]


def explain(
    match_weight: float,
    match_probability: float,
    evidence: dict[str, float],
    levels: dict[str, str],
) -> Explanation:
    """The pair's parts. The prior is what the comparisons' weights leave of the match weight
    (match_weight - sum(evidence)), so the parts add up by construction."""
    comparisons = [name for name in COMPARISON_NAMES if name in evidence] + [
        name for name in evidence if name not in COMPARISON_NAMES
    ]
    prior = match_weight - sum(evidence[name] for name in comparisons)
    shown = adding_up([prior, *(evidence[name] for name in comparisons)], match_weight)
    odds = 2**prior
    one_in = max(1, round((1 + odds) / odds))
    parts = [
        Part(
            "prior",
            "Before comparing anything",
            f"any two records are the same person about one time in {one_in:,}",
            shown[0],
        )
    ]
    for name, value in zip(comparisons, shown[1:], strict=True):
        parts.append(
            Part(name, COMPARISON_NAMES.get(name, name), words_for(levels.get(name)), value)
        )
    return Explanation(parts, round(sum(shown), 1), match_probability, one_in)
