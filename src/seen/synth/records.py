"""Source records: a true person as one agency holds them, with that agency's habits.

Health agencies see documents and the NHS spine, so they hold NHS numbers and full names; the
police, probation, housing and social care are told names, so they hold short forms, typing slips
and transposed dates, and rarely an NHS number for a man.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from seen.areas.models import Agency as AgencyModel
from seen.synth import noise
from seen.synth.output import ExtractWriter, iso
from seen.synth.partnership import Agency
from seen.synth.population import MALE, Address, Person

Kind = AgencyModel.Kind
CHILD_ROLES = frozenset({"baby", "sibling", "older_child"})


@dataclass(frozen=True)
class Profile:
    """Chances in 100 that an agency's record holds, or blurs, each detail."""

    nhs_man: float  # the NHS number is held: for a man, a woman, a child
    nhs_woman: float
    nhs_child: float
    typo: float  # a slip in the forename or surname
    short_name: float  # a short form or other spelling of the forename
    transpose: float  # day and month of birth swapped
    near_dob: float  # date of birth a day or a year out
    no_dob: float
    stale: float  # someone who moved is still held at the old address
    middle_names: float  # middle names are held
    birth_surname: float  # a woman who changed her surname is still held under the old one
    previous_surnames: float  # the old surname is listed as a previous one
    ethnicity: float
    phone: float


P = Profile
PROFILES: dict[str, Profile] = {
    #                    NHS: man woman child typo short swap near no_dob stale middle
    #                                                        birth_sn prev_sn ethnic phone
    Kind.MIDWIFERY:             P(90, 99, 97, 1, 3, .5, .5, 0, 10, 70, 5, 60, 95, 95),
    Kind.GP:                    P(99.5, 99.5, 99, 1, 2, .5, .5, 0, 30, 90, 10, 50, 80, 80),
    Kind.HEALTH_VISITING:       P(50, 98, 98, 2, 10, 1, 1, 5, 10, 40, 5, 40, 90, 90),
    Kind.NEONATAL_UNIT:         P(50, 95, 95, 2, 0, .5, .5, 0, 0, 20, 0, 20, 70, 0),
    Kind.HOSPITAL_ED:           P(80, 85, 85, 4, 10, 2, 2, 1, 30, 10, 10, 10, 50, 60),
    Kind.CHILDRENS_SOCIAL_CARE: P(25, 60, 80, 3, 15, 2, 2, 5, 20, 30, 15, 50, 90, 70),
    Kind.EARLY_HELP:            P(15, 40, 60, 3, 20, 2, 2, 5, 20, 20, 10, 30, 80, 80),
    Kind.HOUSING:               P(2, 2, 2, 3, 10, 1, 2, 10, 0, 20, 10, 30, 60, 90),
    Kind.POLICE:                P(2, 5, 10, 5, 30, 4, 3, 2, 50, 30, 30, 20, 60, 50),
    Kind.PROBATION:             P(15, 20, 0, 3, 10, 2, 2, 0, 30, 50, 20, 30, 80, 70),
    Kind.ADULT_MENTAL_HEALTH:   P(97, 97, 90, 1, 5, .5, .5, 0, 20, 60, 5, 40, 90, 90),
    Kind.LEAVING_CARE:          P(50, 50, 50, 2, 10, 1, 1, 0, 20, 50, 5, 20, 90, 95),
}
_HEALTH = frozenset({Kind.MIDWIFERY, Kind.GP, Kind.HEALTH_VISITING, Kind.NEONATAL_UNIT,
                     Kind.HOSPITAL_ED, Kind.ADULT_MENTAL_HEALTH})


class Recorder:
    """Writes source records (people.csv) and their truth rows (truth/records.csv)."""

    def __init__(self, rng: random.Random, out: ExtractWriter, latest: date) -> None:
        self.rng = rng
        self.out = out
        self.latest = latest  # no recorded date of birth falls after the extract's last day
        self.count = 0

    def record(
        self,
        person: Person,
        agency: Agency,
        *,
        partial: bool = False,
        unnamed_baby: bool = False,
        home: Address | None = None,
        exact: bool = False,
        override: dict[str, str] | None = None,
    ) -> str:
        """The person's record in this agency, made (with the agency's noise) the first time.

        partial: a man recorded as someone's partner (often forename only, no date of birth);
        unnamed_baby: a newborn recorded as "Baby <mother's surname>";
        home: the address this agency knows, when not the person's current one;
        exact: no noise at all (for people an agency has just checked against documents);
        override: values to hold whatever the noise would have made of them."""
        existing = person.by_agency.get(agency.code)
        if existing:
            return existing
        self.count += 1
        record_id = f"{agency.record_prefix}{self.count:07d}"
        values = self._render(person, agency.kind, partial, unnamed_baby, home, exact)
        if override:
            values.update(override)
        self.out.add("people", agency=agency.code, id=record_id, **values)
        self.out.records.writerow((agency.code, record_id, person.id))
        person.by_agency[agency.code] = record_id
        person.records.append((agency.code, record_id))
        return record_id

    def _render(
        self,
        person: Person,
        kind: str,
        partial: bool,
        unnamed_baby: bool,
        home: Address | None,
        exact: bool,
    ) -> dict[str, str]:
        rng = self.rng
        p = PROFILES[kind]

        def chance(percent: float) -> bool:
            return rng.random() * 100 < percent

        forename, surname = person.forename, person.surname
        middle = person.middle_names if chance(p.middle_names) else ""
        previous = ""
        if person.birth_surname != surname and not exact:
            if chance(p.birth_surname):
                surname = person.birth_surname
            elif chance(p.previous_surnames):
                previous = person.birth_surname
        if not exact:
            if chance(p.short_name):
                forename = noise.other_forename(rng, forename)
            if chance(p.typo):
                if rng.random() < 0.5:
                    forename = noise.typo(rng, forename)
                else:
                    surname = noise.typo(rng, surname)
        dob: date | None = person.dob
        if not exact:
            dob = None if chance(p.no_dob) else noise.noisy_dob(
                rng, person.dob, p.transpose / 100, p.near_dob / 100, self.latest)

        if person.role in CHILD_ROLES:
            nhs_chance = p.nhs_child
        else:
            nhs_chance = p.nhs_man if person.sex == MALE else p.nhs_woman
        nhs = person.nhs_number if chance(nhs_chance) else ""

        address = home or person.home
        if home is None and person.previous_home and chance(p.stale):
            address = person.previous_home
        postcode, line = address.postcode, address.line

        if unnamed_baby:
            forename, middle, surname, previous = "Baby", "", surname, ""
        if partial:
            nhs = nhs if rng.random() < 0.05 else ""
            middle = ""
            if rng.random() < 0.25:
                surname = ""
            if rng.random() < 0.5:
                dob = None
            if rng.random() < 0.4:
                postcode, line = "", ""

        sex = person.sex
        if kind not in _HEALTH and rng.random() < 0.02:
            sex = ""
        english = person.language == "English"
        return {
            "forename": forename,
            "middle_names": middle,
            "surname": surname,
            "previous_surnames": previous,
            "dob": iso(dob),
            "sex": sex,
            "nhs_number": nhs,
            "postcode": postcode,
            "address": line,
            "phone": person.phone if chance(p.phone) and person.role not in CHILD_ROLES
            else "",
            "ethnicity": person.ethnicity if chance(p.ethnicity) else "",
            "first_language": person.language if not english or rng.random() < 0.5 else "",
            "interpreter_needed": ("yes" if person.interpreter else "no") if not english else "",
        }

