"""A police incident of `incident_kinds` in which the mother was the victim or the perpetrator (or,
if `include_men_around`, a man recorded around the child at the time was) while she was pregnant
(from `pregnancy_days` before the expected date) or the baby was under `baby_under_days` old.
One alert per incident and child, to MASH, naming the checks to record before deciding: the
health services that know the family, children's social care in every area, and the police.
The extract has no table for MASH checks, so no fact resolves it: MASH answers it through the
alert (the checks recorded as its action), and it is not raised again for the same incident."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, describe_date
from seen.rules.world import Child, Fact, World

ROLE_NAMES = {
    "birth_father": "baby's father",
    "mothers_partner": "mother's partner",
    "male_carer": "male carer",
    "household_adult": "other adult in the household",
}
HEALTH_KINDS = ("midwifery", "health_visiting", "gp", "hospital_ed", "neonatal_unit")


class DomesticAbuseChecks(Rule):
    id = "domestic-abuse-checks"
    version = 1
    defaults = {
        "incident_kinds": ["domestic_abuse"],
        "baby_under_days": 365,
        "pregnancy_days": 280,
        "include_men_around": True,
    }
    parameter_help = {
        "incident_kinds": "police incident kinds that call for the checks",
        "baby_under_days": "a baby younger than this (days) at the incident counts (1 year)",
        "pregnancy_days": "the mother counts as pregnant from this many days before the "
        "expected date (40 weeks)",
        "include_men_around": "an incident involving a man around the baby (not only the "
        "mother) counts",
    }
    route = RouteSpec("childrens_social_care", "mash_practitioner", "high", 24)

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        today = world.today
        incidents: dict[int, tuple[Fact, str]] = {}  # id -> incident, who was involved
        if child.mother is not None:
            for column in ("victim", "perpetrator"):
                for fact in world.of_person(child.mother, "policeincident", column=column):
                    incidents.setdefault(fact.id, (fact, f"the mother was the {column}"))
        if params["include_men_around"]:
            for fact in _men_incidents(world, child):
                incidents.setdefault(fact.id, (fact, ""))
        found = []
        for incident, role in sorted(incidents.values(), key=lambda i: (i[0].occurred_on, i[0].id)):
            on = incident.occurred_on
            if on > today or incident["kind"] not in params["incident_kinds"]:
                continue
            state = baby_or_pregnancy(child, on, params)
            if state is None:
                continue
            if not role:
                man = next(
                    (a for a in child.men_around(on) if a.person in incident.persons.values()),
                    None,
                )
                if man is None:
                    continue
                column = next(c for c, p in incident.persons.items() if p == man.person)
                role = f"the {ROLE_NAMES.get(man.kind, 'man around the child')} was the {column}"
            people = [(p, column) for column, p in sorted(incident.persons.items())]
            police = world.agency(incident["agency"]).name
            checks = _checks(world, child, incident)
            found.append(
                Finding(
                    child,
                    f"A domestic-abuse incident recorded by {police} on {describe_date(on)}"
                    f"{_dash(incident)}, in which {role}, happened when {state}: MASH must "
                    f"record its checks with {checks} before deciding.",
                    facts=[incident],
                    people=people,
                    anchor=f"policeincident:{incident.id}",
                )
            )
        return found


def baby_or_pregnancy(child: Child, on: date, params: Mapping[str, Any]) -> str | None:
    """ "the mother was pregnant (due …)" or "the baby was N weeks old (born …)" on that day,
    else None.

    Pregnancy starts `pregnancy_days` before the expected date (or the birth); an unborn child
    past its expected date still counts until it would be `baby_under_days` old, since a baby
    may have been born without an agency's record of the birth reaching Seen."""
    due = child.expected or child.dob
    if due is None or on < due - timedelta(days=params["pregnancy_days"]):
        return None
    if child.dob is None:
        if child.person is not None:
            return None  # a child whose date of birth nobody holds: not known to be a baby
        if (on - due).days >= params["baby_under_days"]:
            return None
        return f"the mother was pregnant (due {describe_date(due)})"
    if on < child.dob:
        return f"the mother was pregnant (the baby was born on {describe_date(child.dob)})"
    age = (on - child.dob).days
    if age >= params["baby_under_days"]:
        return None
    return f"the baby was {age // 7} weeks old (born {describe_date(child.dob)})"


def _men_incidents(world: World, child: Child) -> list[Fact]:
    men = {a.person for a in child.men_around()}
    facts: list[Fact] = []
    for man in sorted(men):
        facts.extend(world.of_person(man, "policeincident"))
    return facts


def _dash(incident: Fact) -> str:
    level = incident.get("dash_level")
    if level in ("standard", "medium", "high"):
        return f" (DASH risk {level})"
    return ""


def _checks(world: World, child: Child, incident: Fact) -> str:
    """Whom MASH must check with: the health services that know the family, every area's
    children's social care, and the police."""
    persons = {*incident.persons.values(), *(a.person for a in child.adults)}
    known: set[int] = {f["agency"] for f in world.about(child)}
    for person in persons:
        known |= {f["agency"] for f in world.of_person(person)}
    health = sorted(world.agency(a).name for a in known if world.agency(a).kind in HEALTH_KINDS)
    social_care = sorted(
        info.name for info in world.agencies.values() if info.kind == "childrens_social_care"
    )
    police = sorted(
        {info.name for info in world.agencies.values() if info.kind == "police"}
        | {world.agency(incident["agency"]).name}
    )
    parts = [
        f"health ({', '.join(health)})" if health else "health (the GP and health visitor)",
        f"children's social care in every area ({', '.join(social_care)})"
        if social_care
        else "children's social care in every area",
        f"the police ({', '.join(police)})",
    ]
    return f"{parts[0]}, {parts[1]} and {parts[2]}"
