"""The hard cases planted in the independent evaluation set: two people with one name and date
of birth, a father and the son named after him, grown twins (units of people made through a
`Population`), and people whose records agencies write differently (name variants, a surname
change, a move from another area), planted on people already made.
"""

from __future__ import annotations

from datetime import date

from seen.evalset.names import MUSLIM_WOMEN_NAMES, SIKH_NAMES, TRADITIONS, Name
from seen.evalset.people import (
    FATHER_AND_SON,
    MOVED,
    NAME_VARIANTS,
    SAME_NAME_AND_DOB,
    SURNAME_CHANGE,
    TWINS,
    Contact,
    Person,
)
from seen.evalset.population import Population


def same_name_and_dob(population: Population) -> list[Person]:
    """Two different people with one forename, surname and date of birth: a father (or a
    mother) in a family, and an adult known to the police elsewhere."""
    rng = population.rng
    sex = "male" if rng.random() < 0.65 else "female"
    if rng.random() < 0.5:
        family = population.family()
        role = "father" if sex == "male" else "mother"
        first = next((p for p in family if p.role == role), family[0])
        sex = first.sex
        made: list[Person] = family
    else:
        family = []
        first = population.background_adult(sex)
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
    area = (
        first.household.area
        if rng.random() < 0.5
        else population.identifiers.other_area(first.household.area)
    )
    second = population.background_adult(
        sex, tradition=tradition, home=population.identifiers.household(area), surname=first.surname
    )
    second.forenames, second.call = list(first.forenames), first.call
    second.dob = first.dob
    second.family_name_optional = first.family_name_optional
    if sex == "male" and not any(c.kind == "police" for c in second.contacts):
        second.knows("police")
    first.group = second.group = SAME_NAME_AND_DOB
    return [*made, second]


def father_and_son(population: Population) -> list[Person]:
    """A father and the son named after him at one address, decades apart in age."""
    rng = population.rng
    if rng.random() < 0.3:
        return population.family(junior=True)
    home = population.identifiers.household()
    tradition = population.tradition()
    father = population.background_adult("male", tradition=tradition, home=home, age=(42, 66))
    son = population.background_adult(
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
        mother = population.background_adult(
            "female",
            tradition=tradition,
            home=home,
            age=(father.age() - 8, father.age() + 2),
            surname=father.surname,
        )
        made.append(mother)
    return made


def adult_twins(population: Population) -> list[Person]:
    """Grown twins still at one address (babies' twins come with their family)."""
    rng = population.rng
    home = population.identifiers.household()
    tradition = population.tradition()
    sexes = sorted([rng.choice(["male", "female"]), rng.choice(["male", "female"])], reverse=True)
    names = population.twin_names(sexes, tradition)
    first = population.background_adult(sexes[0], tradition=tradition, home=home, age=(18, 40))
    second = population.background_adult(
        sexes[1], tradition=tradition, home=home, surname=first.surname
    )
    second.dob = first.dob
    for person, forename in zip((first, second), names, strict=True):
        if forename is not None:
            person.forenames = [forename]
            person.call = 0
        person.group = TWINS
    population.identifiers.twin_nhs(first, second)
    return [first, second]


def plant_variants(population: Population, person: Person) -> None:
    """A person whose names agencies spell several ways (transliterations, anglicised
    forms, Singh or Kaur with or without the family name)."""
    names = TRADITIONS[person.tradition]
    child = person.role in ("baby", "child")
    forename = person.forenames[person.call]
    if not (forename.variants or forename.short):
        pool = [n for n in names.forenames(person.sex, child).entries if n.variants or n.short]
        if pool:
            person.forenames[person.call] = population.rng.choice(pool)
    person.group = NAME_VARIANTS


def plant_surname_change(population: Population, person: Person) -> None:
    """A woman held under her maiden name by some agencies and her married name by others;
    or with a double-barrelled surname that agencies write whole, in part or run
    together."""
    rng = population.rng
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


def plant_move(population: Population, person: Person) -> None:
    """An adult who came from another of the areas; the agencies there still hold the old
    address (the GP not yet changed, police and housing records of the time)."""
    rng = population.rng
    old = population.identifiers.household(population.identifiers.other_area(person.household.area))
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
