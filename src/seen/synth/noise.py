"""The ways agencies get a person's details slightly wrong: typing slips, short forms, other
spellings, transposed or near-miss dates of birth. Each function takes the generator's Random so
that the same seed gives the same mistakes."""

from __future__ import annotations

import random
from datetime import date, timedelta

from seen.synth.names import FORENAME_VARIANTS, SURNAME_VARIANTS

# Keys next to each other on a UK keyboard: the commonest substitution slip.
_NEIGHBOURS = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "q": "w", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc",
    "y": "tu", "z": "x",
}


def typo(rng: random.Random, text: str) -> str:
    """One slip of the keyboard: a neighbouring key, a dropped, doubled or swapped letter.
    The first letter is kept, as it usually is when someone mistypes a name."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text))
    kind = rng.random()
    if kind < 0.35:
        near = _NEIGHBOURS.get(text[i].lower())
        if near:
            return text[:i] + rng.choice(near) + text[i + 1 :]
        return text
    if kind < 0.6:
        return text[:i] + text[i + 1 :]
    if kind < 0.8:
        return text[:i] + text[i] + text[i:]
    if i < len(text) - 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i]


def other_forename(rng: random.Random, forename: str) -> str:
    """A short form or other spelling (Robert → Bob), or the name itself if it has none."""
    variants = FORENAME_VARIANTS.get(forename)
    return rng.choice(variants) if variants else forename


def other_surname(rng: random.Random, surname: str) -> str:
    """Another common spelling (Thompson → Thomson), else a typing slip."""
    variants = SURNAME_VARIANTS.get(surname)
    if variants:
        return rng.choice(variants)
    if "-" in surname:
        return rng.choice(surname.split("-"))
    return typo(rng, surname)


def differently_spelled(rng: random.Random, forename: str, surname: str) -> tuple[str, str]:
    """A name that is plainly the same man's to a person but not to an exact match."""
    new_forename = other_forename(rng, forename)
    new_surname = other_surname(rng, surname)
    if new_forename == forename and new_surname == surname:
        new_surname = typo(rng, surname)
    if new_forename == forename and new_surname == surname:
        new_forename = typo(rng, forename)
    return new_forename, new_surname


def transposed(dob: date) -> date | None:
    """Day and month swapped (03/07 read as 07/03), where that is a different, real date."""
    if dob.day > 12 or dob.day == dob.month:
        return None
    try:
        return dob.replace(month=dob.day, day=dob.month)
    except ValueError:
        return None


def near_miss(rng: random.Random, dob: date, year_out: bool = True) -> date:
    """A date of birth a day out, or a year out: what is typed from a form read in a hurry."""
    if not year_out or rng.random() < 0.6:
        return dob + timedelta(days=rng.choice((-1, 1)))
    try:
        return dob.replace(year=dob.year + rng.choice((-1, 1)))
    except ValueError:  # 29 February
        return dob + timedelta(days=1)


def noisy_dob(
    rng: random.Random, dob: date, transpose: float, near: float, latest: date = date.max
) -> date:
    """The date of birth as recorded: sometimes transposed or a near miss, never after
    `latest`, and for a baby (born within the year before `latest`) never a year out."""
    roll = rng.random()
    noisy = dob
    if roll < transpose:
        noisy = transposed(dob) or dob
    elif roll < transpose + near:
        noisy = near_miss(rng, dob, year_out=(latest - dob).days > 730)
    return noisy if noisy <= latest else dob
