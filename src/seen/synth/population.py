"""True people: who each synthetic person really is (the ground truth that agencies' records
blur), with the NHS numbers, names and addresses they are given."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from seen.core.validators import nhs_check_digit
from seen.synth.names import (
    HERITAGE_WEIGHTS,
    INWARD_LETTERS,
    LOCALITY_PARTS,
    STREET_KINDS,
    STREET_WORDS,
    Heritage,
    feminine_surname,
)
from seen.synth.output import ExtractWriter, iso
from seen.synth.partnership import OUTSIDE_DISTRICTS, Area, mobile

MALE = "male"
FEMALE = "female"


class NhsNumbers:
    """Hands out distinct NHS numbers from the 999 test range, in a scrambled order.

    An affine map over the six free digits visits each once, so no list is kept."""

    SPACE = 1_000_000

    def __init__(self, rng: random.Random) -> None:
        # Any step sharing no factor with 10**6 (odd, not a multiple of 5) visits every value.
        self.step = rng.randrange(100_001, 999_999, 2)
        while self.step % 5 == 0:
            self.step += 2
        self.offset = rng.randrange(self.SPACE)
        self.index = 0

    def next(self) -> str:
        while self.index < self.SPACE:
            six = (self.step * self.index + self.offset) % self.SPACE
            self.index += 1
            first_nine = f"999{six:06d}"
            check = nhs_check_digit(first_nine)
            if check is not None and check != 10:
                return f"{first_nine}{check}"
        raise RuntimeError(
            "the 999 test range of NHS numbers is used up; generate fewer births"
        )


@dataclass(frozen=True)
class Address:
    line: str
    postcode: str
    area: Area | None  # None: outside the partnership


def new_address(rng: random.Random, area: Area | None) -> Address:
    if area is None:
        district = rng.choice(OUTSIDE_DISTRICTS)
        locality = rng.choice(LOCALITY_PARTS[0]) + rng.choice(LOCALITY_PARTS[1])
    else:
        district = rng.choice(area.districts)
        locality = rng.choice(area.localities)
    street = f"{rng.choice(STREET_WORDS)} {rng.choice(STREET_KINDS)}"
    if rng.random() < 0.12:
        line = f"Flat {rng.randint(1, 24)}, {rng.randint(1, 90)} {street}, {locality}"
    else:
        line = f"{rng.randint(1, 180)} {street}, {locality}"
    inward = f"{rng.randrange(10)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    return Address(line, f"{district} {inward}", area)


@dataclass(eq=False)
class Person:
    id: str
    sex: str
    dob: date
    role: str
    family_id: str
    heritage: Heritage
    forename: str
    middle_names: str
    surname: str
    birth_surname: str  # differs from surname after a change (usually marriage)
    nhs_number: str
    ethnicity: str
    language: str
    interpreter: bool
    phone: str
    home: Address
    previous_home: Address | None = None
    moved_on: date | None = None
    records: list[tuple[str, str]] = field(default_factory=list)  # (agency code, record id)
    by_agency: dict[str, str] = field(default_factory=dict)

    def age_on(self, day: date) -> int:
        years = day.year - self.dob.year
        return years - ((day.month, day.day) < (self.dob.month, self.dob.day))

    def record_in(self, agency_code: str) -> str:
        return self.by_agency[agency_code]


def pick_heritage(rng: random.Random) -> Heritage:
    total = sum(weight for _h, weight in HERITAGE_WEIGHTS)
    roll = rng.uniform(0, total)
    for heritage, weight in HERITAGE_WEIGHTS:
        roll -= weight
        if roll <= 0:
            return heritage
    return HERITAGE_WEIGHTS[0][0]


def birthday(rng: random.Random, age: int, on: date) -> date:
    """A date of birth that makes someone `age` on `on`."""
    return on - timedelta(days=int(age * 365.25) + rng.randrange(365))


class People:
    """Creates true people and writes each to truth/persons.csv as it is made."""

    def __init__(self, rng: random.Random, out: ExtractWriter) -> None:
        self.rng = rng
        self.out = out
        self.nhs = NhsNumbers(rng)
        self.count = 0

    def new(
        self,
        *,
        sex: str,
        dob: date,
        role: str,
        family_id: str,
        heritage: Heritage,
        home: Address,
        surname: str | None = None,
        forename: str | None = None,
        with_nhs: bool = True,
    ) -> Person:
        rng = self.rng
        self.count += 1
        names = heritage.male if sex == MALE else heritage.female
        forename = forename or rng.choice(names)
        middle = rng.choice(names) if rng.random() < 0.4 else ""
        if middle == forename:
            middle = ""
        surname = surname or rng.choice(heritage.surnames)
        if sex == FEMALE:
            surname = feminine_surname(surname)
        interpreter = heritage.languages[0] != "English" and rng.random() < 0.2
        language = rng.choice(heritage.languages)
        person = Person(
            id=f"T{self.count:07d}", sex=sex, dob=dob, role=role, family_id=family_id,
            heritage=heritage, forename=forename, middle_names=middle, surname=surname,
            birth_surname=surname, nhs_number=self.nhs.next() if with_nhs else "",
            ethnicity=rng.choice(heritage.ethnicities), language=language,
            interpreter=interpreter and language != "English", phone=mobile(rng), home=home,
        )
        self.out.persons.writerow((person.id, sex, iso(dob), role, family_id))
        return person
