"""The identifiers and addresses the evaluation set's population hands out, each once: NHS
numbers in the 999 test range with a valid check digit (twins' often consecutive), telephone
numbers from the ranges Ofcom keeps for drama, and households at made-up postcodes in real
districts of three local authorities.
"""

from __future__ import annotations

import random

import nhs_number
from nhs_number.validate import calculate_checksum

from seen.evalset.people import Household, Person

# Three local authorities. Postcode districts are outward codes of real districts (public
# geography); every inward code is made up. Police: one force covers areas a and b, another c;
# probation covers all three.
AREAS: dict[str, tuple[str, ...]] = {
    "a": ("LS6", "LS7", "LS8", "LS9", "LS11", "LS12"),
    "b": ("BD3", "BD4", "BD5", "BD7", "BD8", "BD9"),
    "c": ("LE1", "LE2", "LE3", "LE4", "LE5", "LE8"),
}
AREA_WEIGHTS = {"a": 40, "b": 35, "c": 25}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters an inward code may use

# Numbers Ofcom keeps for drama, so that no real telephone is ever written: 07700 900xxx and a
# thousand numbers in each of these geographic ranges.
PHONE_RANGES = (
    "07700900",
    "01134960",
    "01144960",
    "01154960",
    "01164960",
    "01174960",
    "01184960",
    "01214960",
    "01314960",
    "01414960",
    "01514960",
    "01614960",
    "02079460",
    "01914980",
    "02920180",
    "01632960",
)


class Identifiers:
    """NHS numbers, telephone numbers and households for a population of about `size` people.
    No NHS number or telephone number is given out twice; a postcode unit holds several
    households."""

    def __init__(self, rng: random.Random, size: int) -> None:
        self.rng = rng
        self._nhs_used: set[str] = set()
        phones = [prefix + f"{n:03d}" for prefix in PHONE_RANGES for n in range(1000)]
        rng.shuffle(phones)
        self._phones = phones
        # about three households of ours per postcode unit: the rest of a street is not in
        # these agencies' records about babies and offenders
        units = max(40, size // 150)
        self._postcodes: dict[str, list[str]] = {}
        for area, districts in AREAS.items():
            pool = []
            for district in districts:
                sectors = rng.sample(range(1, 10), 4)
                for n in range(units):
                    sector = sectors[n % 4]
                    pool.append(
                        f"{district} {sector}{rng.choice(INWARD_LETTERS)}"
                        f"{rng.choice(INWARD_LETTERS)}"
                    )
            self._postcodes[area] = pool

    def new_nhs(self) -> str:
        """A number in the 999 test range with a valid modulus 11 check digit, not used yet."""
        while True:
            stem = f"999{self.rng.randrange(1_000_000):06d}"
            number = self._valid(stem)
            if number and number not in self._nhs_used:
                self._nhs_used.add(number)
                return number

    def next_nhs(self, after: str) -> str:
        """The next valid number after `after` that is not in use."""
        stem = int(after[:9])
        while True:
            stem += 1
            number = self._valid(f"{stem:09d}")
            if number and number not in self._nhs_used:
                self._nhs_used.add(number)
                return number

    def twin_nhs(self, first: Person, second: Person) -> None:
        """Twins' numbers are often given out one after the other at the hospital of birth (7
        in 10 here), so that they differ only in the last digits."""
        if first.nhs and self.rng.random() < 0.7:
            self._nhs_used.discard(second.nhs or "")
            second.nhs = self.next_nhs(first.nhs)

    @staticmethod
    def _valid(stem: str) -> str | None:
        check = calculate_checksum(stem)
        if check is None or not 0 <= check <= 9:
            return None
        number = stem + str(check)
        return number if nhs_number.is_valid(number) else None

    def new_phone(self) -> str | None:
        return self._phones.pop() if self._phones else None

    def household(self, area: str | None = None) -> Household:
        rng = self.rng
        area = area or rng.choices(list(AREA_WEIGHTS), weights=list(AREA_WEIGHTS.values()))[0]
        home = Household(area, rng.choice(self._postcodes[area]))
        if rng.random() < 0.12:  # moved within the area in the last few years
            home.previous_postcode = rng.choice(self._postcodes[area])
        if rng.random() < 0.2:
            home.landline = self.new_phone()
        return home

    def other_area(self, area: str) -> str:
        return self.rng.choice([a for a in AREAS if a != area])
