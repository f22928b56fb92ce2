"""The independent evaluation set: English agencies' records of people, with the truth, made by
a generator that shares nothing with `seen.synth` (no code, no name lists, no habits), so that
Seen's linkage is measured on data its own generator did not shape.

    from seen.evalset import generate, write
    evalset = generate(people=9000, seed=1)   # about 20,000 records
    evalset.records      # rows with the columns of seen.linkage.prepare (address aside)
    evalset.truth        # record_id -> person_id
    evalset.persons      # person_id -> PersonTruth (sex, hard-case group, naming, role, ...)
    write(evalset, path) # path (records) and path with .truth.csv (the truth per record)

Used by `seen bench linkage` (dataset `independent`), `seen bench independent` and the tests;
never by the service.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from seen.evalset import hard_cases
from seen.evalset.agencies import Writer
from seen.evalset.people import (
    FATHER_AND_SON,
    GROUPS,
    MOVED,
    NAME_ONLY_PARTNER,
    NAME_VARIANTS,
    ORDINARY,
    SAME_NAME_AND_DOB,
    SURNAME_CHANGE,
    TWINS,
    Person,
)
from seen.evalset.population import Population
from seen.linkage.prepare import RAW_COLUMNS

# the raw record's columns as linkage reads them; the set holds no address lines
COLUMNS = tuple(column for column in RAW_COLUMNS if column != "address")
TRUTH_COLUMNS = ("record_id", "person_id", "sex", "group", "naming", "role")
DEFAULT_PEOPLE = 9000

__all__ = [
    "COLUMNS",
    "DEFAULT_PEOPLE",
    "FATHER_AND_SON",
    "GROUPS",
    "MOVED",
    "NAME_ONLY_PARTNER",
    "NAME_VARIANTS",
    "ORDINARY",
    "SAME_NAME_AND_DOB",
    "SURNAME_CHANGE",
    "TWINS",
    "EvalSet",
    "PersonTruth",
    "generate",
    "write",
]


@dataclass(frozen=True)
class PersonTruth:
    sex: str
    group: str  # the hard case the person was made for (people.GROUPS)
    naming: str  # naming tradition: british, south asian, polish, romanian, irish, caribbean
    role: str  # mother, father, partner, baby, child, adult
    nhs_number: str | None
    dob: str  # ISO
    forename: str  # the given name the person goes by, as they spell it
    surname: str
    postcode: str  # where the person lives now


@dataclass(frozen=True)
class EvalSet:
    records: list[dict[str, str]]
    truth: dict[str, str]
    persons: dict[str, PersonTruth]


# Planted hard cases, per 1,000 people (units for pairs; people for the others).
SAME_NAME_PAIRS = 5
FATHER_SON_UNITS = 8
ADULT_TWIN_PAIRS = 3
FAMILY_TWINS = 0.016  # of maternities (ONS: about 1 in 65 is a multiple birth)
VARIANTS = 0.13  # of people not named in the British tradition
SURNAME_CHANGES = 0.22  # of mothers
MOVERS = 0.08  # of adults


def generate(people: int = DEFAULT_PEOPLE, seed: int = 1) -> EvalSet:
    """About 2.3 records per person. The same `people` and `seed` give the same records, in the
    same order, byte for byte."""
    if people < 10:
        raise ValueError("people: at least 10")
    rng = random.Random(seed)
    population = Population(rng, people)
    per_thousand = people / 1000
    planted: list[str] = (
        ["same name"] * round(SAME_NAME_PAIRS * per_thousand)
        + ["father and son"] * round(FATHER_SON_UNITS * per_thousand)
        + ["adult twins"] * round(ADULT_TWIN_PAIRS * per_thousand)
    )
    rng.shuffle(planted)
    units = iter(planted)
    while len(population.people) < people:
        # a unit makes at most 9 people: near the end, single adults make the count exact
        unit = next(units, None) if people - len(population.people) >= 10 else "adult"
        if unit == "same name":
            hard_cases.same_name_and_dob(population)
        elif unit == "father and son":
            hard_cases.father_and_son(population)
        elif unit == "adult twins":
            hard_cases.adult_twins(population)
        elif unit == "adult" or rng.random() < 0.72:
            population.background_adult()
        else:
            population.family(twins=rng.random() < FAMILY_TWINS)
    everyone = population.people
    _plant(population, everyone, rng)
    writer = Writer(rng)
    records: list[dict[str, str]] = []
    truth: dict[str, str] = {}
    for person in everyone:
        for row in writer.records(person):
            records.append(row)
            truth[row["record_id"]] = person.person_id
    records.sort(key=lambda row: row["record_id"])
    persons = {
        p.person_id: PersonTruth(
            p.sex,
            p.group,
            p.naming,
            p.role,
            p.nhs,
            p.dob.isoformat(),
            p.forenames[p.call].main,
            p.surname.main,
            p.household.postcode,
        )
        for p in everyone
    }
    return EvalSet(records, truth, persons)


def _plant(population: Population, everyone: list[Person], rng: random.Random) -> None:
    """Hard cases that are a way of being written rather than a kind of household."""
    for person in everyone:
        if person.group not in (ORDINARY, NAME_ONLY_PARTNER) or not person.contacts:
            continue
        adult = person.role not in ("baby", "child")
        if person.tradition != "british" and rng.random() < VARIANTS:
            hard_cases.plant_variants(population, person)
        elif person.role == "mother" and rng.random() < SURNAME_CHANGES:
            hard_cases.plant_surname_change(population, person)
        elif adult and rng.random() < MOVERS * (1.4 if person.sex == "male" else 0.6):
            hard_cases.plant_move(population, person)


def write(evalset: EvalSet, path: Path) -> tuple[Path, Path]:
    """The records to `path` (CSV, the columns `seen link-file` reads) and the truth beside it
    (`<name>.truth.csv`: record_id, person_id and the person's sex, group, naming and role)."""
    truth_path = path.with_name(path.stem + ".truth.csv")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(evalset.records)
    with truth_path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(TRUTH_COLUMNS)
        for row in evalset.records:
            person_id = evalset.truth[row["record_id"]]
            p = evalset.persons[person_id]
            out.writerow([row["record_id"], person_id, p.sex, p.group, p.naming, p.role])
    return path, truth_path
