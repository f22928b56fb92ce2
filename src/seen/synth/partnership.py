"""The fictional partnership: neighbouring local authorities, their postcode districts, the
agencies in each (and those shared across them), and the practitioners who work there."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from seen.areas.models import Agency as AgencyModel
from seen.areas.models import Practitioner as PractitionerModel
from seen.synth.names import AREA_NAMES, BRITISH, LOCALITY_PARTS, SOUTH_ASIAN
from seen.synth.output import ExtractWriter

Kind = AgencyModel.Kind
Role = PractitionerModel.Role

DISTRICTS_PER_AREA = 6
MAX_AREAS = 100
# Second letters of the postcode area, after Q; Z is kept for addresses outside the partnership.
_AREA_LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"
OUTSIDE_DISTRICTS = tuple(f"QZ{n}" for n in range(1, 10))


def landline(rng: random.Random) -> str:
    """A number in Ofcom's range kept for drama (01632 960000-960999): never a real line."""
    return f"01632 960{rng.randrange(1000):03d}"


def mobile(rng: random.Random) -> str:
    """A mobile number in Ofcom's drama range (07700 900000-900999)."""
    return f"07700 900{rng.randrange(1000):03d}"


@dataclass
class Agency:
    code: str
    name: str
    kind: str
    area_code: str  # empty for agencies across the partnership
    record_prefix: str  # how this agency's person ids look
    staff: dict[str, list[str]] = field(default_factory=dict)  # role -> practitioner ids

    def practitioner(self, rng: random.Random, role: str) -> str:
        return rng.choice(self.staff[role])

    def practitioner_ref(self, rng: random.Random, role: str, from_agency: Agency) -> str:
        """A practitioner reference as written in another agency's row (AGENCY:ID)."""
        local = self.practitioner(rng, role)
        return local if from_agency is self else f"{self.code}:{local}"


@dataclass
class Area:
    index: int
    code: str
    name: str
    districts: tuple[str, ...]
    localities: tuple[str, ...]
    midwifery: Agency
    health_visiting: Agency
    gps: tuple[Agency, Agency]
    hospital_ed: Agency
    neonatal_unit: Agency
    social_care: Agency
    early_help: Agency
    housing: Agency
    leaving_care: Agency

    @property
    def agencies(self) -> tuple[Agency, ...]:
        return (
            self.midwifery, self.health_visiting, *self.gps, self.hospital_ed,
            self.neonatal_unit, self.social_care, self.early_help, self.housing,
            self.leaving_care,
        )


@dataclass
class Partnership:
    areas: list[Area]
    police: Agency
    probation: Agency
    adult_mental_health: Agency

    @property
    def agencies(self) -> list[Agency]:
        shared = [self.police, self.probation, self.adult_mental_health]
        return [agency for area in self.areas for agency in area.agencies] + shared


def _area_name(index: int) -> str:
    if index < len(AREA_NAMES):
        return AREA_NAMES[index]
    return f"{AREA_NAMES[index % len(AREA_NAMES)]} {index // len(AREA_NAMES) + 1}"


def _districts(index: int) -> tuple[str, ...]:
    letter = _AREA_LETTERS[index % len(_AREA_LETTERS)]
    first = DISTRICTS_PER_AREA * (index // len(_AREA_LETTERS)) + 1
    return tuple(f"Q{letter}{n}" for n in range(first, first + DISTRICTS_PER_AREA))


def _localities(rng: random.Random, used: set[str]) -> tuple[str, ...]:
    names: list[str] = []
    while len(names) < 3:
        name = rng.choice(LOCALITY_PARTS[0]) + rng.choice(LOCALITY_PARTS[1])
        if name not in used:
            used.add(name)
            names.append(name)
    return tuple(names)


def _staff_sizes(kind: str, births: int) -> dict[str, int]:
    """Practitioners per agency, scaled to the births each serves (a rough caseload)."""

    def scaled(per: int, low: int, high: int) -> int:
        return max(low, min(high, births // per))

    sizes = {
        Kind.MIDWIFERY: {Role.MIDWIFE: scaled(60, 4, 400), Role.SAFEGUARDING_LEAD: 1},
        Kind.HEALTH_VISITING: {Role.HEALTH_VISITOR: scaled(150, 3, 200),
                               Role.SAFEGUARDING_LEAD: 1},
        Kind.GP: {Role.GP: scaled(600, 3, 60)},
        Kind.HOSPITAL_ED: {Role.ED_CLINICIAN: scaled(500, 3, 50), Role.SAFEGUARDING_LEAD: 1},
        Kind.NEONATAL_UNIT: {Role.NEONATAL_NURSE: scaled(500, 2, 40)},
        Kind.CHILDRENS_SOCIAL_CARE: {Role.SOCIAL_WORKER: scaled(100, 4, 250),
                                     Role.MASH_PRACTITIONER: scaled(1000, 2, 30)},
        Kind.EARLY_HELP: {Role.EARLY_HELP_KEY_WORKER: scaled(150, 3, 150)},
        Kind.HOUSING: {Role.HOUSING_OFFICER: scaled(500, 2, 40)},
        Kind.LEAVING_CARE: {Role.PERSONAL_ADVISER: scaled(1000, 2, 20)},
        Kind.POLICE: {Role.POLICE_OFFICER: scaled(500, 4, 200), Role.MASH_PRACTITIONER: 2},
        Kind.PROBATION: {Role.PROBATION_OFFICER: scaled(1000, 3, 100)},
        Kind.ADULT_MENTAL_HEALTH: {Role.MENTAL_HEALTH_PRACTITIONER: scaled(700, 3, 100)},
    }
    return {str(role): count for role, count in sizes[Kind(kind)].items()}


_TEAMS = {
    Role.MIDWIFE: "Community midwifery", Role.HEALTH_VISITOR: "0-19 service",
    Role.GP: "General practice", Role.ED_CLINICIAN: "Emergency department",
    Role.NEONATAL_NURSE: "Neonatal unit", Role.SOCIAL_WORKER: "Assessment and intervention",
    Role.MASH_PRACTITIONER: "MASH", Role.EARLY_HELP_KEY_WORKER: "Family support",
    Role.HOUSING_OFFICER: "Housing options", Role.PERSONAL_ADVISER: "Leaving care",
    Role.POLICE_OFFICER: "Public protection unit", Role.PROBATION_OFFICER: "Probation",
    Role.MENTAL_HEALTH_PRACTITIONER: "Community mental health team",
    Role.SAFEGUARDING_LEAD: "Safeguarding",
}


def _staff(rng: random.Random, out: ExtractWriter, agency: Agency, births: int) -> None:
    serial = 0
    for role, count in _staff_sizes(agency.kind, births).items():
        ids = []
        for n in range(count):
            serial += 1
            heritage = SOUTH_ASIAN if rng.random() < 0.15 else BRITISH
            forename = rng.choice(heritage.female if rng.random() < 0.7 else heritage.male)
            surname = rng.choice(heritage.surnames)
            local_id = f"ST{serial:05d}"
            email = f"{forename}.{surname}".lower().replace("'", "") + f"@{agency.code}.example"
            out.add(
                "practitioners", agency=agency.code, id=local_id,
                name=f"{forename} {surname}", role=role,
                team=f"{_TEAMS[PractitionerModel.Role(role)]} {n % 4 + 1}",
                phone=landline(rng), email=email.lower(),
            )
            ids.append(local_id)
        agency.staff[role] = ids


def build_partnership(
    rng: random.Random, out: ExtractWriter, areas: int, births: int
) -> Partnership:
    """Make the areas, agencies and practitioners and write the first four tables."""
    used_localities: set[str] = set()
    built: list[Area] = []
    per_area = max(1, births // areas)
    for index in range(areas):
        name = _area_name(index)
        code = name.upper().replace(" ", "")[:16]

        def agency(suffix: str, title: str, kind: str, prefix: str, code: str = code) -> Agency:
            return Agency(f"{code}-{suffix}", title, kind, code, prefix)

        localities = _localities(rng, used_localities)
        built.append(Area(
            index=index, code=code, name=name, districts=_districts(index),
            localities=localities,
            midwifery=agency("MAT", f"{name} Maternity Service", Kind.MIDWIFERY, "M"),
            health_visiting=agency("HV", f"{name} Health Visiting", Kind.HEALTH_VISITING, "HV"),
            gps=(
                agency("GP1", f"{localities[0]} Medical Practice", Kind.GP, "G"),
                agency("GP2", f"{localities[1]} Surgery", Kind.GP, "G"),
            ),
            hospital_ed=agency("ED", f"{name} General Hospital Emergency Department",
                               Kind.HOSPITAL_ED, "E"),
            neonatal_unit=agency("NNU", f"{name} General Hospital Neonatal Unit",
                                 Kind.NEONATAL_UNIT, "N"),
            social_care=agency("CSC", f"{name} Children's Social Care",
                               Kind.CHILDRENS_SOCIAL_CARE, "C"),
            early_help=agency("EH", f"{name} Early Help", Kind.EARLY_HELP, "EH"),
            housing=agency("HSG", f"{name} Housing Service", Kind.HOUSING, "HS"),
            leaving_care=agency("LC", f"{name} Leaving Care Service", Kind.LEAVING_CARE, "LC"),
        ))
    partnership = Partnership(
        areas=built,
        police=Agency("POLICE", "Partnership Police", Kind.POLICE, "", "PN"),
        probation=Agency("PROBATION", "Partnership Probation Delivery Unit", Kind.PROBATION,
                         "", "PB"),
        adult_mental_health=Agency("AMH", "Partnership Adult Mental Health Trust",
                                   Kind.ADULT_MENTAL_HEALTH, "", "AM"),
    )
    for area in built:
        out.add("areas", code=area.code, name=area.name)
    for area in built:
        for district in area.districts:
            out.add("postcode_districts", district=district, area=area.code)
    for each in partnership.agencies:
        out.add("agencies", code=each.code, name=each.name, kind=each.kind,
                area=each.area_code, duty_phone=landline(rng))
    for each in partnership.agencies:
        _staff(rng, out, each, births if not each.area_code else per_area)
    return partnership
