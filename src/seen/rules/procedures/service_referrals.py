"""A child's referrals to the partnership's services, each with the steps of its uptake, and the
parent referred named by their role: what the rules that follow a referral read
(service_first_contact, programme_engagement). A helper of those rules: it defines none itself,
so the registry passes it by.

A referral (`servicereferral`) names the parent (`subject`), the child or pregnancy, the service
and who referred; each step of its uptake (`serviceuptake`) names the referral and carries the
referral's child or pregnancy, so both are read as facts about the child."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from seen.rules.world import Child, Fact, ServiceInfo, World

ROLE_NAMES = {
    "birth_father": "father",
    "birth_mother": "mother",
    "mothers_partner": "mother's partner",
    "male_carer": "male carer",
    "household_adult": "household adult",
}
# uptake steps that end a referral without the service's help completed
ENDED_WITHOUT_COMPLETION = ("declined", "dropped_out")


@dataclass(frozen=True)
class Uptake:
    """One referral and the steps of its uptake known today, in date order."""

    referral: Fact
    steps: tuple[Fact, ...]
    service: ServiceInfo | None  # None only if the directory no longer holds it

    @property
    def service_name(self) -> str:
        return self.service.name if self.service else "a service of the partnership's directory"

    def with_status(self, *statuses: str) -> list[Fact]:
        return [step for step in self.steps if step["status"] in statuses]


def referrals_of(world: World, child: Child) -> list[Uptake]:
    """The child's service referrals known today, in date order, each with its uptake."""
    steps: dict[int, list[Fact]] = defaultdict(list)
    for step in world.about(child, "serviceuptake"):
        if step.occurred_on <= world.today:
            steps[step["referral"]].append(step)
    return [
        Uptake(referral, tuple(steps.get(referral.id, ())), world.services.get(referral["service"]))
        for referral in world.about(child, "servicereferral")
        if referral.occurred_on <= world.today
    ]


def role_of(child: Child, person: int | None) -> str:
    """The person's role around the child in words ("father", "male carer", "mother"), or ""."""
    if person is None:
        return ""
    if person == child.mother:
        return "mother"
    kinds = [a.kind for a in child.adults if a.person == person]
    for kind in ("birth_father", "birth_mother", "mothers_partner", "male_carer"):
        if kind in kinds:
            return ROLE_NAMES[kind]
    return ROLE_NAMES.get(kinds[0], "") if kinds else ""


def baby_word(child: Child) -> str:
    return "unborn baby" if child.unborn else "baby"


def parent_named(child: Child, person: int | None, unknown: str = "A parent") -> str:
    """ "The baby's father", "The unborn baby's mother", … or `unknown`."""
    role = role_of(child, person)
    return f"The {baby_word(child)}'s {role}" if role else unknown


def joined(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
