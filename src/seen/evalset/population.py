"""The true people of the independent evaluation set: households around a baby and adults known
to the police, probation and housing, built unit by unit (`Population`), with the agencies that
know each of them.

Every person is made here once, with the truth (their real names, date of birth, NHS number,
address; seen.evalset.people); seen.evalset.hard_cases plants the hard cases among them and
seen.evalset.agencies then writes each agency's record of them. Chances are written as numbers in
the code beside what they stand for; they are rounded and plausible for England, not measured.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from seen.evalset.identifiers import Identifiers
from seen.evalset.names import (
    MUSLIM_WOMEN_NAMES,
    SIKH_NAMES,
    TRADITION_WEIGHTS,
    TRADITIONS,
    TWIN_NAMES,
    Name,
)
from seen.evalset.people import (
    FATHER_AND_SON,
    NAME_ONLY_PARTNER,
    ORDINARY,
    REFERENCE,
    TWINS,
    Household,
    Person,
)

# Not every GP practice in an area shares its records with the hub.
GP_SHARES = 0.85


class Population:
    """Builds the people, unit by unit (a family, an adult); seen.evalset.hard_cases plants
    the hard cases through it."""

    def __init__(self, rng: random.Random, size: int) -> None:
        self.rng = rng
        self.size = size
        self.people: list[Person] = []
        self.identifiers = Identifiers(rng, size)

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
            person.nhs = self.identifiers.new_nhs()
        if not child and rng.random() < (0.92 if sex == "female" else 0.85):
            person.phone = self.identifiers.new_phone()
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
        home = self.identifiers.household()
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
                else self.identifiers.household(
                    home.area if rng.random() < 0.7 else self.identifiers.other_area(home.area)
                )
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
        names = self.twin_names(sexes, mother.tradition) if twins else [None]
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
            self.identifiers.twin_nhs(babies[0], babies[1])
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

    def twin_names(self, sexes: list[str], tradition: str) -> list[Name | None]:
        """Forenames for twins of these sexes: a pair often given together (4 in 10), else
        two different names of the tradition."""
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
            sex,
            tradition or self.tradition(),
            role,
            age,
            home or self.identifiers.household(),
            surname,
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
