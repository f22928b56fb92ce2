"""The synthetic partnership's directory of services for parents, written as Open Referral UK
(`DIR/services.json`, docs/services.md) for `seen services import`.

Every area has an antenatal class for mothers and a perinatal mental health team for mothers in
working hours, a group for fathers and a coping-with-crying session for parents together. What
the men are offered has the gaps the national review found, planted on purpose so that the
learning dashboard has something true to say: in the first area the fathers' group and the
crying session meet on weekday afternoons and the Saturday group for parents who left care does
not serve it (no evening or weekend parenting service for fathers), the last area has no
perinatal mental health offer for fathers, and the perpetrator programme serves the first two
areas only. A service names the agency that runs it, which sends the steps of its referrals'
uptake."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from seen.synth.output import write_json
from seen.synth.partnership import Agency, Area, Partnership

NAMESPACE = uuid.UUID("6f2c4a8e-3b1d-4c5e-9a7f-0d8e2b6c1a53")  # Seen's synthetic directory
SERVICES_FILE = "services.json"


@dataclass(frozen=True)
class Session:
    days: str  # ORUK byday: "TU,TH"
    opens: str  # "18:30"
    closes: str


@dataclass(frozen=True)
class SynthService:
    oruk_id: str
    name: str
    description: str
    kind: str
    audiences: tuple[str, ...]
    procedures: tuple[str, ...]
    areas: tuple[Area, ...]  # empty: the whole partnership
    session: Session
    runner: Agency | None  # None: the referring area's agency of `runner_kind` runs it
    runner_kind: str
    wait_days: int
    contact_within_days: int

    def run_by(self, area: Area) -> Agency:
        return self.runner or getattr(area, self.runner_kind)

    def serves(self, area: Area) -> bool:
        return not self.areas or area in self.areas


@dataclass
class Directory:
    services: list[SynthService]

    def for_area(self, area: Area, kind: str, audience: str) -> SynthService | None:
        """The first service of a kind for an audience that serves the area."""
        for service in self.services:
            if service.kind == kind and audience in service.audiences and service.serves(area):
                return service
        return None

    def with_procedure(self, area: Area, procedure: str) -> SynthService | None:
        for service in self.services:
            if procedure in service.procedures and service.serves(area):
                return service
        return None


def _id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, name))


def build_directory(partnership: Partnership) -> Directory:
    """The services, in a fixed order; ids from their names, so every run gives the same."""
    areas = partnership.areas
    services: list[SynthService] = []
    for index, area in enumerate(areas):
        services.append(SynthService(
            _id(f"antenatal:{area.code}"), f"{area.name} Bump to Baby antenatal class",
            "Antenatal classes run by the community midwives, for mothers.", "parenting",
            ("mothers",), (), (area,), Session("TU,TH", "10:00", "12:00"), area.midwifery,
            "midwifery", 14, 10,
        ))
        evening = index > 0  # the first area's fathers' group meets in working hours only
        services.append(SynthService(
            _id(f"dads-group:{area.code}"), f"{area.name} Dads' Group",
            "A parenting group for fathers and male carers of babies under one.", "parenting",
            ("fathers", "male_carers"), ("programme-engagement",), (area,),
            Session("TU", "18:30", "20:30") if evening else Session("WE", "13:00", "15:00"),
            area.early_help, "early_help", 21, 10,
        ))
        services.append(SynthService(
            _id(f"coping-with-crying:{area.code}"), f"{area.name} Coping with Crying session",
            "How to cope when a baby cries, for both parents together.", "parenting",
            ("couples", "fathers", "mothers"), ("coping-with-crying",), (area,),
            Session("TH", "18:00", "19:30") if evening else Session("TH", "13:00", "14:30"),
            area.health_visiting, "health_visiting", 7, 7,
        ))
        services.append(SynthService(
            _id(f"pmh-mothers:{area.code}"), f"{area.name} Perinatal Mental Health Team",
            "Specialist perinatal mental health care for mothers.", "mental_health",
            ("mothers",), (), (area,), Session("MO,TU,WE,TH,FR", "09:00", "17:00"),
            partnership.adult_mental_health, "", 28, 10,
        ))
    fathers_mh = tuple(areas[:-1]) if len(areas) > 1 else ()
    if fathers_mh:  # the last area has no perinatal mental health offer for fathers
        services.append(SynthService(
            _id("dads-matter"), "Dads Matter perinatal support",
            "Perinatal mental health support for new and expectant fathers.", "mental_health",
            ("fathers",), ("think-family-mental-health",), fathers_mh,
            Session("TH", "18:00", "20:00"), partnership.adult_mental_health, "", 21, 10,
        ))
    services.append(SynthService(
        _id("safer-families"), "Safer Families domestic-abuse perpetrator programme",
        "A 26-week group programme for men who have been abusive to a partner.",
        "domestic_abuse_perpetrator", ("fathers", "male_carers"),
        ("domestic-abuse-checks", "programme-engagement"), tuple(areas[:2]),
        Session("WE", "18:00", "20:30"), partnership.probation, "", 56, 14,
    ))
    if len(areas) > 1:  # not in the first area, whose fathers have nothing out of hours
        services.append(SynthService(
            _id("young-parents-leaving-care"), "Young Parents Leaving Care group",
            "A Saturday group for parents who have left care.", "parenting",
            ("fathers", "mothers", "couples"), ("care-leaver-parent",), tuple(areas[1:]),
            Session("SA", "10:00", "12:00"), None, "leaving_care", 14, 10,
        ))
    return Directory(services)


def write_directory(out_dir: Path, directory: Directory) -> None:
    write_json(out_dir / SERVICES_FILE, [_oruk(service) for service in directory.services])


def _oruk(service: SynthService) -> dict[str, object]:
    """A service as Open Referral UK (docs/services.md): Seen's terms as attributes."""
    terms = [
        ("seen:kind", service.kind),
        *(("seen:audience", audience) for audience in service.audiences),
        *(("seen:procedure", procedure) for procedure in service.procedures),
        ("seen:referral", "professional"),
        ("seen:wait-days", str(service.wait_days)),
        ("seen:contact-within-days", str(service.contact_within_days)),
        ("seen:language", "English"),
    ]
    runner = service.runner.name if service.runner else "The partnership's agencies"
    return {
        "id": service.oruk_id,
        "name": service.name,
        "description": service.description,
        "url": f"https://services.partnership.example/{service.oruk_id}",
        "email": "services@partnership.example",
        "status": "active",
        "organization": {
            "id": _id(f"organisation:{runner}"),
            "name": runner,
            "description": f"{runner}, in the synthetic partnership.",
        },
        "schedules": [{
            "id": _id(f"schedule:{service.oruk_id}"),
            "freq": "WEEKLY",
            "byday": service.session.days,
            "opens_at": service.session.opens,
            "closes_at": service.session.closes,
        }],
        "service_areas": [
            {"id": _id(f"area:{service.oruk_id}:{area.code}"), "name": area.name,
             "uri": f"urn:seen:area:{area.code}"}
            for area in service.areas
        ],
        "attributes": [
            {"id": _id(f"attribute:{service.oruk_id}:{taxonomy}:{term}"),
             "taxonomy_term": {"id": _id(f"term:{taxonomy}:{term}"), "taxonomy": taxonomy,
                               "term": term}}
            for taxonomy, term in terms
        ],
    }
