"""Forenames that name the same person: short forms, pet names and other spellings.

Agencies that are told a name rather than shown a document write what they hear: "Bob" for
Robert, "Mo" for Mohammed, "Kasia" for Katarzyna. Each group is one given name with the forms
people in England commonly use for it, the first entry being the canonical form. A form may
belong to more than one group ("Sam": Samuel and Samantha, "Alex": Alexander and Alexandra);
`sex` says which group a form most likely means when the record says whether the person is a man
or a woman.

The groups are a hand-made list of common English usage, with the everyday English equivalents of
names common in England's largest communities (Polish, Romanian, Lithuanian, South Asian, West and
East African). They are deliberately conservative: a name in its own right that is also a pet form
(Liam, Elsie, Molly) is not merged into another name, because merging two different names costs
more than missing a short form (the comparison still scores a close spelling).

The list is data, `data/nicknames.csv` beside this module (shipped as package data): one group a
line, columns `canonical`, `sex` ("m" / "f" / "" for either) and `forms` (the other forms,
separated by spaces), men first, then women; where a form belongs to several groups, the first
listed wins when the sex does not decide. This module reads it once (`GROUPS`) and answers from
it.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

_FILE = Path(__file__).resolve().parent / "data" / "nicknames.csv"


def _read_groups(path: Path) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(canonical, sex, other forms) for each line of the nicknames file, in its order."""
    with path.open(newline="", encoding="utf-8") as handle:
        return tuple(
            (row["canonical"], row["sex"], tuple(row["forms"].split()))
            for row in csv.DictReader(handle)
        )


# (canonical, sex "m" / "f" / "" for either, other forms)
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = _read_groups(_FILE)

# Words that stand where a forename should be but name nobody ("Baby Hollis" before the
# birth is registered) or are a title rather than a name.
PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "baby",
        "babyboy",
        "babygirl",
        "boy",
        "girl",
        "infant",
        "unborn",
        "newborn",
        "twin",
        "unknown",
        "unk",
        "notknown",
        "nk",
        "na",
        "none",
        "null",
        "male",
        "female",
        "child",
        "anon",
        "anonymous",
        "xx",
        "x",
        "test",
    }
)
TITLES: frozenset[str] = frozenset(
    {
        "mr",
        "mrs",
        "miss",
        "ms",
        "mx",
        "dr",
        "sir",
        "dame",
        "lady",
        "lord",
        "rev",
        "revd",
        "prof",
        "master",
        "fr",
        "sr",
        "jr",
        "st",
        "bt",
        "kt",
        "bart",
        "hon",
        "rt",
        "nd",
        "rd",
        "th",
        "baronet",
    }
)
# Words that stand where a surname should be but are a title or an honour ("Bt", "Baronet").
SURNAME_PLACEHOLDERS: frozenset[str] = frozenset({"bt", "bart", "baronet", "kt", "esq", "esquire"})


@cache
def _index() -> dict[str, tuple[tuple[str, str], ...]]:
    """form -> ((canonical, sex), ...) for every group the form belongs to."""
    index: dict[str, list[tuple[str, str]]] = {}
    for canonical, sex, forms in GROUPS:
        for form in (canonical, *forms):
            entries = index.setdefault(form, [])
            if (canonical, sex) not in entries:
                entries.append((canonical, sex))
    return {form: tuple(entries) for form, entries in index.items()}


def keys(name: str) -> list[str]:
    """Every canonical name `name` may stand for, itself included, sorted ("sam" ->
    ["sam", "samantha", "samuel"]). Two forenames may name the same person when their keys
    intersect."""
    found = {canonical for canonical, _sex in _index().get(name, ())}
    found.add(name)
    return sorted(found)


def canonical(name: str, sex: str | None = None) -> str:
    """The one canonical form used for blocking: the group matching `sex` ("m"/"f") if there
    is one, else the first group listed, else the name itself."""
    entries = _index().get(name, ())
    if not entries:
        return name
    for entry_canonical, entry_sex in entries:
        if sex and entry_sex == sex:
            return entry_canonical
    return entries[0][0]


def table_rows() -> list[tuple[str, str, str, list[str]]]:
    """(form, canonical for a man, canonical for a woman, keys) for every known form: the
    lookup table prepare joins against in DuckDB."""
    rows = []
    for form in sorted(_index()):
        rows.append((form, canonical(form, "m"), canonical(form, "f"), keys(form)))
    return rows
