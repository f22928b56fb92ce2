"""Who lives in a family's household: the mother, the baby's father (or not), a new partner,
other adults and older siblings, drawn with proportions that are plausible for England."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from seen.synth.partnership import Agency, Area, Partnership
from seen.synth.plan import FamilyPlan, Window
from seen.synth.population import (
    FEMALE,
    MALE,
    Address,
    People,
    Person,
    birthday,
    new_address,
    pick_heritage,
)

# Scenarios that need a named father living in the household.
_NEEDS_RESIDENT_FATHER = frozenset({
    "pre-birth-assessment-father", "programme-engagement", "father-seen-at-mandated-contact",
    "coping-with-crying", "conference-invitations", "think-family-mental-health",
    "domestic-abuse-checks", "service-first-contact",
})


@dataclass
class CaseRecords:
    """A social-care agency's records of a household, and the baby's or the pregnancy's id."""

    agency: Agency
    child: str
    pregnancy: str
    mother: str
    man: str  # the father or male carer; empty if there is none


@dataclass(eq=False)
class Household:
    plan: FamilyPlan
    area: Area
    gp: Agency
    home: Address
    mother: Person
    father: Person | None  # None: the mother has not named him
    father_resident: bool
    partner: Person | None  # the mother's new partner, living with her
    adults: list[Person]
    siblings: list[Person]
    baby: Person | None
    booked_on: date
    married: bool
    neonatal_days: int  # 0: not admitted
    birth_weight: int
    pregnancies: dict[str, str] = field(default_factory=dict)  # agency code -> pregnancy id
    cases: dict[str, CaseRecords] = field(default_factory=dict)  # "AGENCY:child|pregnancy"

    @property
    def men(self) -> list[Person]:
        """The men around the baby: father and the mother's partner."""
        return [man for man in (self.father, self.partner) if man is not None]

    @property
    def male_carer(self) -> Person | None:
        """The man a home visit would expect to see: a resident father, else a partner."""
        if self.father is not None and self.father_resident:
            return self.father
        return self.partner or self.father


def _mother_age(rng: random.Random, plan: FamilyPlan) -> int:
    """Mean about 31, about 3 in 100 under 20 (ONS, Births in England and Wales)."""
    if plan.support == "care_leaver" or plan.procedure == "care-leaver-parent":
        return rng.randint(18, 21)
    return max(16, min(46, round(rng.gauss(30.9, 5.6))))


def _older_children(rng: random.Random) -> int:
    """About 4 in 10 births are first births (ONS, Birth characteristics)."""
    return rng.choices((0, 1, 2, 3, 4), weights=(40, 35, 15, 7, 3))[0]


def _birth_weight(rng: random.Random, gestation: int) -> int:
    mean = 3450 if gestation >= 39 else max(500, 3450 - (39 - gestation) * 230)
    return max(400, min(5500, round(rng.gauss(mean, 450 if gestation >= 37 else 300))))


def _neonatal_days(rng: random.Random, gestation: int) -> int:
    """About 1 in 7 babies is admitted to a neonatal unit (NNAP): all the very preterm, most of
    the preterm, a few at term."""
    if gestation < 32:
        return rng.randint(30, 90)
    if gestation < 37:
        return rng.randint(5, 25) if rng.random() < 0.7 else 0
    return rng.randint(1, 7) if rng.random() < 0.09 else 0


class HouseholdMaker:
    def __init__(
        self, rng: random.Random, people: People, partnership: Partnership, window: Window
    ) -> None:
        self.rng = rng
        self.people = people
        self.partnership = partnership
        self.window = window
        self.moving_fathers: dict[int, Person] = {}  # later family index -> the shared father

    def make(self, plan: FamilyPlan) -> Household:
        rng = self.rng
        area = self.partnership.areas[plan.area]
        family = plan.id
        heritage = pick_heritage(rng)
        home = new_address(rng, area)
        reference_day = plan.born_on or plan.expected
        mother = self.people.new(
            sex=FEMALE, dob=birthday(rng, _mother_age(rng, plan), reference_day), role="mother",
            family_id=family, heritage=heritage, home=home,
        )
        if rng.random() < 0.05:  # moved in during the year before booking, perhaps across a border
            elsewhere = rng.choice(self.partnership.areas) if rng.random() < 0.7 else None
            mother.previous_home = new_address(rng, elsewhere)
            mother.moved_on = plan.lmp + timedelta(days=rng.randint(-200, 60))

        father, resident = self._father(plan, mother, home)
        if father is not None and resident and plan.father_from is None:
            father.previous_home, father.moved_on = mother.previous_home, mother.moved_on
        married = father is not None and resident and rng.random() < 0.55
        if married and father is not None:
            mother.surname = (father.surname[:-1] + "a" if father.surname.endswith("ski")
                              else father.surname)
        # A man with a past needs years for it: a conviction, then a move.
        youngest = 23 if plan.procedure == "man-with-relevant-history" else 17
        partner = None
        if (father is None or not resident) and rng.random() < 0.3:
            partner = self._man("mothers_partner", family, mother, home, youngest)
        adults = []
        if rng.random() < 0.06:
            grandparent = rng.random() < 0.6
            adults.append(self.people.new(
                sex=FEMALE if grandparent and rng.random() < 0.7 else MALE,
                dob=birthday(rng, mother.age_on(reference_day) + (rng.randint(20, 30)
                                                                   if grandparent else 1),
                             reference_day),
                role="household_adult", family_id=family, heritage=heritage, home=home,
                surname=mother.birth_surname if grandparent else None,
            ))
        siblings = self._siblings(plan, mother, father, resident, home)
        for child in siblings:  # the children moved with their mother
            child.previous_home, child.moved_on = mother.previous_home, mother.moved_on
        baby = None
        if plan.born_on is not None:
            surname = mother.surname
            if father is not None and (married or rng.random() < 0.6):
                surname = father.surname
            if father is not None and not married and rng.random() < 0.05:
                surname = f"{mother.surname}-{father.surname}"
            baby = self.people.new(
                sex=MALE if rng.random() < 0.512 else FEMALE, dob=plan.born_on, role="baby",
                family_id=family, heritage=heritage, home=home, surname=surname,
            )
        booked_on = plan.lmp + timedelta(days=rng.randint(56, 90))
        neonatal_days = _neonatal_days(rng, plan.gestation) if baby else 0
        if plan.procedure:  # a short stay at most, so the scenario's facts fall in the year
            neonatal_days = min(neonatal_days, 5)
        return Household(
            plan=plan, area=area, gp=rng.choice(area.gps), home=home, mother=mother,
            father=father, father_resident=resident, partner=partner, adults=adults,
            siblings=siblings, baby=baby, booked_on=booked_on, married=married,
            neonatal_days=neonatal_days,
            birth_weight=_birth_weight(rng, plan.gestation),
        )

    def _man(
        self, role: str, family: str, mother: Person, home: Address, youngest: int = 17
    ) -> Person:
        """A man about 3 years older than the mother on average (ONS: fathers' mean age)."""
        rng = self.rng
        heritage = mother.heritage if rng.random() < 0.85 else pick_heritage(rng)
        age = max(youngest, round(mother.age_on(self.window.last) + rng.gauss(2.7, 4.5)))
        return self.people.new(
            sex=MALE, dob=birthday(rng, age, self.window.last), role=role, family_id=family,
            heritage=heritage, home=home,
        )

    def _father(
        self, plan: FamilyPlan, mother: Person, home: Address
    ) -> tuple[Person | None, bool]:
        """About 5 in 100 births are registered by the mother alone (ONS); most named fathers
        live with the mother."""
        rng = self.rng
        if plan.father_from is not None:
            father = self.moving_fathers.pop(plan.index)
            father.previous_home, father.home = father.home, home
            father.moved_on = plan.father_moves_on
            return father, True
        forced = plan.father_to is not None or plan.procedure in _NEEDS_RESIDENT_FATHER
        if not forced and plan.procedure != "man-with-relevant-history" and rng.random() < 0.05:
            return None, False
        resident = forced or rng.random() < 0.92
        own_home = home if resident else new_address(rng, self.partnership.areas[plan.area])
        youngest = 23 if plan.procedure == "man-with-relevant-history" else 17
        father = self._man("birth_father", plan.id, mother, own_home, youngest)
        if plan.father_to is not None:
            self.moving_fathers[plan.father_to] = father
            moves_on = plan.father_moves_on
            resident = moves_on is None or plan.born_on is None or moves_on > plan.born_on
        return father, resident

    def _siblings(
        self,
        plan: FamilyPlan,
        mother: Person,
        father: Person | None,
        resident: bool,
        home: Address,
    ) -> list[Person]:
        rng = self.rng
        reference_day = plan.born_on or plan.expected
        children = []
        gap_days = 0
        for _ in range(_older_children(rng)):
            gap_days += rng.randint(550, 2200)
            dob = reference_day - timedelta(days=gap_days)
            if mother.age_on(dob) < 16:
                break
            same_father = father is not None and resident and rng.random() < 0.7
            children.append(self.people.new(
                sex=MALE if rng.random() < 0.512 else FEMALE, dob=dob, role="sibling",
                family_id=plan.id, heritage=mother.heritage, home=home,
                surname=father.surname if same_father and father else mother.birth_surname,
            ))
        return children
