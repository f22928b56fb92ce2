"""Who the independent evaluation set is about: a person as they truly are (`Person`: their real
names, date of birth, NHS number, household, the agencies that know them and how), their
`Household`, each agency's `Contact` with them, the day the records are taken (`REFERENCE`),
and the hard cases a person may be planted as (`GROUPS`, the breakdown "hard case").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from seen.evalset.names import TRADITIONS, Name

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
