"""The true people of the independent evaluation set: households around a baby, adults known to
the police, probation and housing, and the hard cases planted among them.

Every person is made here once, with the truth (their real names, date of birth, NHS number,
address); `agencies` then writes each agency's record of them. Chances are written as numbers in
the code beside what they stand for; they are rounded and plausible for England, not measured.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import nhs_number
from nhs_number.validate import calculate_checksum

from seen.evalset.names import (
    MUSLIM_WOMEN_NAMES,
    SIKH_NAMES,
    TRADITION_WEIGHTS,
    TRADITIONS,
    TWIN_NAMES,
    Name,
)

# The day the agencies' records are taken.
REFERENCE = date(2025, 3, 31)

# The hard cases, as reported in the breakdown "hard case".
ORDINARY = "ordinary"
SAME_NAME_AND_DOB = "same name and dob"
TWINS = "twins"
FATHER_AND_SON = "father and son"
NAME_VARIANTS = "name variants"
SURNAME_CHANGE = "surname change"
MOVED = "moved"
NAME_ONLY_PARTNER = "name-only partner"
GROUPS = (
    ORDINARY,
    SAME_NAME_AND_DOB,
    TWINS,
    FATHER_AND_SON,
    NAME_VARIANTS,
    SURNAME_CHANGE,
    MOVED,
    NAME_ONLY_PARTNER,
)

# Three local authorities. Postcode districts are outward codes of real districts (public
# geography); every inward code is made up. Police: one force covers areas a and b, another c;
# probation covers all three.
AREAS: dict[str, tuple[str, ...]] = {
    "a": ("LS6", "LS7", "LS8", "LS9", "LS11", "LS12"),
    "b": ("BD3", "BD4", "BD5", "BD7", "BD8", "BD9"),
    "c": ("LE1", "LE2", "LE3", "LE4", "LE5", "LE8"),
}
AREA_WEIGHTS = {"a": 40, "b": 35, "c": 25}
# Not every GP practice in an area shares its records with the hub.
GP_SHARES = 0.85
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


@dataclass
class Household:
    area: str
    postcode: str  # "LS6 4QT"
    previous_postcode: str | None = None  # moved within the area in the last few years
    landline: str | None = None


@dataclass
class Contact:
    """An agency that knows the person: `kind` (midwifery, gp, ...), whether it holds the
    address the person has left (`old`), and how it came to know them (`as_partner`: named by
    the mother at maternity; `as_newborn`: a baby in maternity's records)."""

    kind: str
    old: bool = False
    as_partner: str = ""  # "", "name only" or "details"
    as_newborn: bool = False


@dataclass
class Person:
    person_id: str
    sex: str  # "male" or "female"
    tradition: str  # a key of names.TRADITIONS
    role: str  # mother, father, partner, baby, child, adult
    dob: date
    forenames: list[Name]
    surname: Name
    household: Household
    call: int = 0  # which given name the person goes by
    group: str = ORDINARY
    surname_parts: tuple[Name, Name] | None = None  # a double-barrelled surname
    birth_surname: Name | None = None  # before marriage
    family_name_optional: str | None = None  # Singh, Kaur, Begum, Bibi: written or not
    suffix: str | None = None  # "Jnr" or "Snr"
    nhs: str | None = None
    phone: str | None = None
    moved_from: Household | None = None  # another area's address some agencies still hold
    lives_with_mother: bool = True  # for men named at maternity
    mother: Person | None = None  # a child's mother (her phone is written on its records)
    partner_of: Person | None = None  # the mother who names this man at maternity
    contacts: list[Contact] = field(default_factory=list)

    @property
    def naming(self) -> str:
        return TRADITIONS[self.tradition].label

    def age(self) -> float:
        return (REFERENCE - self.dob).days / 365.25

    def knows(self, kind: str, **how: object) -> None:
        self.contacts.append(Contact(kind, **how))  # type: ignore[arg-type]


def _ascii(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


class Population:
    """Builds the people, unit by unit (a family, an adult, a planted hard case)."""

    def __init__(self, rng: random.Random, size: int) -> None:
        self.rng = rng
        self.size = size
        self.people: list[Person] = []
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

    # ---- identifiers and addresses -------------------------------------------------------

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

    # ---- people --------------------------------------------------------------------------

    def tradition(self) -> str:
        return self.rng.choices(list(TRADITION_WEIGHTS), weights=list(TRADITION_WEIGHTS.values()))[
            0
        ]

    def born(self, age_from: float, age_to: float) -> date:
        days = self.rng.uniform(age_from * 365.25, age_to * 365.25)
        return REFERENCE - timedelta(days=int(days))

    def person(
        self,
        *,
        sex: str,
        tradition: str,
        role: str,
        dob: date,
        household: Household,
        surname: Name | None = None,
        forename: Name | None = None,
    ) -> Person:
        rng = self.rng
        names = TRADITIONS[tradition]
        child = role in ("baby", "child") or dob > REFERENCE - timedelta(days=365 * 18)
        first = forename or names.forenames(sex, child).draw(rng)
        forenames = [first]
        call = 0
        if tradition == "muslim" and sex == "male" and not child and rng.random() < 0.3:
            # Mohammed Imran Khan: known as Imran; the GP holds both given names
            mohammed = names.men.entries[0]
            if first.main != mohammed.main:
                forenames = [mohammed, first]
                call = 1
        elif rng.random() < 0.35:
            middle = names.forenames(sex, child).draw(rng)
            if middle.main != first.main:
                forenames.append(middle)
                if rng.random() < 0.04:  # known by the middle name
                    call = 1
        family = surname or names.surnames.draw(rng)
        while family.main in (*SIKH_NAMES.values(), *MUSLIM_WOMEN_NAMES):
            family = names.surnames.draw(rng)
        person = Person(
            person_id=f"P{len(self.people) + 1:06d}",
            sex=sex,
            tradition=tradition,
            role=role,
            dob=dob,
            forenames=forenames,
            call=call,
            surname=family,
            household=household,
        )
        if tradition == "sikh or hindu" and rng.random() < 0.5:
            person.family_name_optional = SIKH_NAMES[sex]
        elif tradition == "muslim" and sex == "female" and not child and rng.random() < 0.25:
            person.family_name_optional = rng.choice(MUSLIM_WOMEN_NAMES)
        # everyone born or settled in England has an NHS number; a few recent arrivals have
        # never registered with a GP and have none
        if tradition == "british" or child or rng.random() > 0.03:
            person.nhs = self.new_nhs()
        if not child and rng.random() < (0.92 if sex == "female" else 0.85):
            person.phone = self.new_phone()
        self.people.append(person)
        return person

    def adult(
        self,
        sex: str,
        tradition: str,
        role: str,
        age: tuple[float, float],
        household: Household,
        surname: Name | None = None,
    ) -> Person:
        return self.person(
            sex=sex,
            tradition=tradition,
            role=role,
            dob=self.born(*age),
            household=household,
            surname=surname,
        )

    # ---- units ---------------------------------------------------------------------------

    def family(self, *, twins: bool = False, junior: bool = False) -> list[Person]:
        """A pregnancy that ended in a birth in the last year, and the household around it."""
        rng = self.rng
        home = self.household()
        tradition = self.tradition()
        baby_dob = REFERENCE - timedelta(days=rng.randrange(7, 365))
        mother_age = min(max(rng.gauss(30.5, 5.5), 16.5), 46)
        mother = self.person(
            sex="female",
            tradition=tradition,
            role="mother",
            household=home,
            dob=baby_dob - timedelta(days=int(mother_age * 365.25)),
        )
        made = [mother]
        situation = rng.choices(["with", "elsewhere", "unnamed"], weights=[72, 22, 6])[0]
        if junior:
            situation = "with"
        father = partner = None
        married = False
        if situation != "unnamed":
            father_tradition = tradition if rng.random() < 0.85 else self.tradition()
            father_age = max(mother_age + rng.gauss(3, 4), 17)
            father_home = (
                home
                if situation == "with"
                else self.household(home.area if rng.random() < 0.7 else self.other_area(home.area))
            )
            father = self.person(
                sex="male",
                tradition=father_tradition,
                role="father",
                household=father_home,
                dob=baby_dob - timedelta(days=int(father_age * 365.25)),
            )
            father.lives_with_mother = situation == "with"
            made.append(father)
            married = situation == "with" and rng.random() < 0.45
            if married:
                mother.birth_surname = mother.surname
                mother.surname = father.surname
            elif situation == "elsewhere" and rng.random() < 0.3:
                partner = self.adult(
                    "male",
                    self.tradition() if rng.random() < 0.3 else tradition,
                    "partner",
                    (max(mother_age - 6, 18), mother_age + 12),
                    home,
                )
                made.append(partner)
        # the baby's surname: the father's when married; otherwise his, hers or both
        baby_surname = mother.surname
        parts: tuple[Name, Name] | None = None
        if father and not married:
            pick = rng.random()
            if pick < 0.55:
                baby_surname = father.surname
            elif pick < 0.8 and mother.surname.main != father.surname.main:
                parts = (mother.surname, father.surname)
                baby_surname = Name(f"{parts[0].main}-{parts[1].main}")
        elif father:
            baby_surname = father.surname
        babies = []
        sexes = [rng.choice(["male", "female"])]
        if twins:
            sexes.append(rng.choice(["male", "female"]))
            sexes.sort(reverse=True)
        names = self._twin_names(sexes, mother.tradition) if twins else [None]
        if junior and father:
            sexes, names = ["male"], [father.forenames[0]]
        for sex, forename in zip(sexes, names, strict=True):
            baby = self.person(
                sex=sex,
                tradition=mother.tradition,
                role="baby",
                dob=baby_dob,
                household=home,
                surname=baby_surname,
                forename=forename,
            )
            baby.surname_parts = parts
            baby.mother = mother
            babies.append(baby)
        if twins:
            self.twin_nhs(babies[0], babies[1])
            for baby in babies:
                baby.group = TWINS
        if junior and father:
            babies[0].group = father.group = FATHER_AND_SON
            babies[0].forenames = [father.forenames[0]]
            babies[0].call = father.call = 0
            father.suffix, babies[0].suffix = "Snr", "Jnr"
        if not junior:
            for baby in babies:
                self._own_name(baby, [p for p in made if p is not baby])
        made += babies
        older = rng.choices([0, 1, 2, 3], weights=[40, 35, 17, 8])[0]
        gap = 0.0
        for _ in range(older):
            gap += rng.uniform(1.5, 4.5)
            if gap > min(mother_age - 16, 17):
                break
            child = self.person(
                sex=rng.choice(["male", "female"]),
                tradition=mother.tradition,
                role="child",
                dob=baby_dob - timedelta(days=int(gap * 365.25)),
                household=home,
                # a half-sibling may carry another father's surname
                surname=baby_surname if rng.random() < 0.75 else mother.surname,
            )
            child.surname_parts = parts if child.surname is baby_surname else None
            child.mother = mother
            self._own_name(child, made)
            made.append(child)
        self._family_contacts(mother, father, partner, made)
        return made

    def _own_name(self, child: Person, family: list[Person]) -> None:
        """Parents do not give a child the name of a brother or sister, or (but for the son
        named after his father, planted on purpose) their own."""
        taken = {p.forenames[p.call].main for p in family}
        names = TRADITIONS[child.tradition].forenames(child.sex, child=True)
        for _ in range(20):
            if child.forenames[child.call].main not in taken:
                return
            child.forenames[child.call] = names.draw(self.rng)

    def _twin_names(self, sexes: list[str], tradition: str) -> list[Name | None]:
        rng = self.rng
        pairs = TWIN_NAMES[(sexes[0], sexes[1])]
        if rng.random() < 0.4:
            a, b = rng.choice(pairs)
            return [Name(a), Name(b)]
        child_names = TRADITIONS[tradition].forenames(sexes[0], child=True)
        first = child_names.draw(rng)
        second = TRADITIONS[tradition].forenames(sexes[1], child=True).draw(rng)
        while second.main == first.main:
            second = TRADITIONS[tradition].forenames(sexes[1], child=True).draw(rng)
        return [first, second]

    def _family_contacts(
        self, mother: Person, father: Person | None, partner: Person | None, members: list[Person]
    ) -> None:
        rng = self.rng
        social_care = rng.random() < 0.10
        housing = rng.random() < 0.15
        mother.knows("midwifery")
        for kind, chance in (
            ("gp", GP_SHARES * 0.99),
            ("health visiting", 0.95),
            ("ed", 0.12),
            ("police", 0.06),
        ):
            if rng.random() < chance:
                mother.knows(kind)
        if social_care:
            mother.knows("social care")
        if housing:
            mother.knows("housing")
        for man, living_with in ((father, father and father.lives_with_mother), (partner, True)):
            if man is None:
                continue
            man.partner_of = mother
            told = rng.random()
            if told < 0.62:
                man.knows("midwifery", as_partner="name only")
                if man.group == ORDINARY:
                    man.group = NAME_ONLY_PARTNER
            elif told < 0.9:
                man.knows("midwifery", as_partner="details")
            police = 0.12 if man.role == "father" else 0.25
            for kind, chance in (
                ("gp", GP_SHARES * 0.9),
                ("health visiting", 0.5 if living_with else 0.15),
                ("ed", 0.08),
                ("police", police if living_with else police * 1.5),
                ("probation", 0.03 if man.role == "father" else 0.08),
            ):
                if rng.random() < chance:
                    man.knows(kind)
            if social_care and rng.random() < (0.9 if living_with else 0.6):
                man.knows("social care")
            # on the household's tenancy, or on his own elsewhere
            if rng.random() < (0.6 if housing and living_with else 0.15 if not living_with else 0):
                man.knows("housing")
        for child in members:
            if child.role not in ("baby", "child"):
                continue
            if child.role == "baby":
                child.knows("midwifery", as_newborn=True)
            for kind, chance in (
                ("gp", GP_SHARES * (0.93 if child.role == "baby" else 0.97)),
                ("health visiting", 0.99 if child.age() < 5 else 0.0),
                ("ed", 0.15 if child.role == "baby" else 0.12),
            ):
                if rng.random() < chance:
                    child.knows(kind)
            if social_care:
                child.knows("social care")
            if housing and rng.random() < 0.5:
                child.knows("housing")

    def background_adult(
        self,
        sex: str | None = None,
        *,
        tradition: str | None = None,
        home: Household | None = None,
        age: tuple[float, float] = (18, 70),
        role: str = "adult",
        surname: Name | None = None,
    ) -> Person:
        """An adult around no baby of ours: known to the GP, ED, police, probation, housing."""
        rng = self.rng
        sex = sex or ("male" if rng.random() < 0.6 else "female")
        person = self.adult(
            sex, tradition or self.tradition(), role, age, home or self.household(), surname
        )
        man = sex == "male"
        for kind, chance in (
            ("gp", GP_SHARES * (0.88 if man else 0.95)),
            ("ed", 0.2),
            ("police", 0.45 if man else 0.15),
            ("probation", 0.15 if man else 0.03),
            ("housing", 0.22),
            ("social care", 0.02),
        ):
            if rng.random() < chance:
                person.knows(kind)
        if not person.contacts:
            person.knows("gp")
        return person

    # ---- the planted hard cases ------------------------------------------------------------

    def same_name_and_dob(self) -> list[Person]:
        """Two different people with one forename, surname and date of birth: a father (or a
        mother) in a family, and an adult known to the police elsewhere."""
        rng = self.rng
        sex = "male" if rng.random() < 0.65 else "female"
        if rng.random() < 0.5:
            family = self.family()
            role = "father" if sex == "male" else "mother"
            first = next((p for p in family if p.role == role), family[0])
            sex = first.sex
            made: list[Person] = family
        else:
            family = []
            first = self.background_adult(sex)
            made = [first]
        tradition = first.tradition
        names = TRADITIONS[tradition]
        # common names: that is where people share a name
        first.forenames = [names.forenames(sex).draw(rng, top=5)]
        first.call = 0
        if made is not family:  # (a family's surnames are already its children's)
            first.surname = names.surnames.draw(rng, top=5)
            while first.surname.main in (*SIKH_NAMES.values(), *MUSLIM_WOMEN_NAMES):
                first.surname = names.surnames.draw(rng, top=8)
        if tradition != "british" and rng.random() < 0.2:
            # a date of birth recorded as 1 January of the year (not known on arrival)
            first.dob = date(first.dob.year, 1, 1)
        area = first.household.area if rng.random() < 0.5 else self.other_area(first.household.area)
        second = self.background_adult(
            sex, tradition=tradition, home=self.household(area), surname=first.surname
        )
        second.forenames, second.call = list(first.forenames), first.call
        second.dob = first.dob
        second.family_name_optional = first.family_name_optional
        if sex == "male" and not any(c.kind == "police" for c in second.contacts):
            second.knows("police")
        first.group = second.group = SAME_NAME_AND_DOB
        return [*made, second]

    def father_and_son(self) -> list[Person]:
        """A father and the son named after him at one address, decades apart in age."""
        rng = self.rng
        if rng.random() < 0.3:
            return self.family(junior=True)
        home = self.household()
        tradition = self.tradition()
        father = self.background_adult("male", tradition=tradition, home=home, age=(42, 66))
        son = self.background_adult(
            "male",
            tradition=tradition,
            home=home,
            surname=father.surname,
            age=(17, min(father.age() - 18, 36)),
        )
        son.forenames = [father.forenames[0], *son.forenames[1:]]
        son.call = 0
        father.call = 0
        father.suffix, son.suffix = "Snr", "Jnr"
        father.group = son.group = FATHER_AND_SON
        made = [father, son]
        for person in made:
            if not any(c.kind == "police" for c in person.contacts) and rng.random() < 0.4:
                person.knows("police")
        if rng.random() < 0.5:  # the household's tenancy: both named on it
            for person in made:
                if not any(c.kind == "housing" for c in person.contacts):
                    person.knows("housing")
        if rng.random() < 0.5:
            mother = self.background_adult(
                "female",
                tradition=tradition,
                home=home,
                age=(father.age() - 8, father.age() + 2),
                surname=father.surname,
            )
            made.append(mother)
        return made

    def adult_twins(self) -> list[Person]:
        """Grown twins still at one address (babies' twins come with their family)."""
        rng = self.rng
        home = self.household()
        tradition = self.tradition()
        sexes = sorted(
            [rng.choice(["male", "female"]), rng.choice(["male", "female"])], reverse=True
        )
        names = self._twin_names(sexes, tradition)
        first = self.background_adult(sexes[0], tradition=tradition, home=home, age=(18, 40))
        second = self.background_adult(
            sexes[1], tradition=tradition, home=home, surname=first.surname
        )
        second.dob = first.dob
        for person, forename in zip((first, second), names, strict=True):
            if forename is not None:
                person.forenames = [forename]
                person.call = 0
            person.group = TWINS
        self.twin_nhs(first, second)
        return [first, second]

    def plant_variants(self, person: Person) -> None:
        """A person whose names agencies spell several ways (transliterations, anglicised
        forms, Singh or Kaur with or without the family name)."""
        names = TRADITIONS[person.tradition]
        child = person.role in ("baby", "child")
        forename = person.forenames[person.call]
        if not (forename.variants or forename.short):
            pool = [n for n in names.forenames(person.sex, child).entries if n.variants or n.short]
            if pool:
                person.forenames[person.call] = self.rng.choice(pool)
        person.group = NAME_VARIANTS

    def plant_surname_change(self, person: Person) -> None:
        """A woman held under her maiden name by some agencies and her married name by others;
        or with a double-barrelled surname that agencies write whole, in part or run
        together."""
        rng = self.rng
        if person.birth_surname is None and person.surname_parts is None:
            names = TRADITIONS[person.tradition]
            other = names.surnames.draw(rng)
            if other.main == person.surname.main:
                return
            if rng.random() < 0.5:  # her own surname joined to her husband's, or her family's
                person.surname_parts = (person.surname, other)
                person.surname = Name(f"{person.surname.main}-{other.main}")
            else:
                person.birth_surname = person.surname
                person.surname = other
        person.group = SURNAME_CHANGE

    def plant_move(self, person: Person) -> None:
        """An adult who came from another of the areas; the agencies there still hold the old
        address (the GP not yet changed, police and housing records of the time)."""
        rng = self.rng
        old = self.household(self.other_area(person.household.area))
        person.moved_from = old
        kinds = [c.kind for c in person.contacts]
        moved_ones = [c for c in person.contacts if c.kind in ("gp", "police", "housing", "ed")]
        for contact in moved_ones:
            if rng.random() < 0.6:
                contact.old = True
        if not any(c.old for c in person.contacts):
            person.contacts.append(Contact("police" if person.sex == "male" else "gp", old=True))
        if all(c.old for c in person.contacts):
            person.contacts.append(Contact("gp" if "gp" not in kinds else "ed"))
        person.group = MOVED
