"""A man with a relevant history (domestic abuse or violence conviction, finding of fact, CP plan
for another child, probation, MARAC) linked to a household with a baby or pregnancy, in any
area, is brought to the lead practitioner and MASH.

The man's history is read from every agency and area through the person linkage (his police
record under another spelling is the same person), and the explanation says where it is held."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, agency_name, describe_date
from seen.rules.world import Adult, Child, Fact, World

ROLE_NAMES = {
    "birth_father": "birth father",
    "mothers_partner": "mother's partner",
    "male_carer": "male carer",
    "household_adult": "man in the household",
}
OFFENCES = {
    "domestic_abuse": "a domestic-abuse conviction",
    "violence_against_the_person": "a conviction for violence",
    "sexual_offences": "a conviction for a sexual offence",
    "child_cruelty": "a conviction for child cruelty",
}


class ManWithRelevantHistory(Rule):
    id = "man-with-relevant-history"
    version = 1
    defaults = {
        "conviction_categories": [
            "domestic_abuse",
            "violence_against_the_person",
            "sexual_offences",
            "child_cruelty",
        ],
        "include_findings_of_fact": True,
        "include_probation": True,
        "include_marac_perpetrator": True,
        "include_cp_plan_for_another_child": True,
        "baby_under_days": 365,
    }
    parameter_help = {
        "conviction_categories": "offence categories of a conviction that count as a relevant "
        "history",
        "include_findings_of_fact": "a family court's finding of fact about him counts",
        "include_probation": "supervision by probation (current or past) counts",
        "include_marac_perpetrator": "being the perpetrator in a MARAC case counts",
        "include_cp_plan_for_another_child": "being around another child on a child protection "
        "plan counts",
        "baby_under_days": "the rule applies to a man who came into the child's life before the "
        "child was this many days old (1 year), or during the pregnancy",
    }
    route = RouteSpec("childrens_social_care", "mash_practitioner", "high", 24)

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        today = world.today
        found = []
        # each man once: the first time an agency recorded him around the child
        men: dict[int, Adult] = {}
        for adult in sorted(child.men_around(today), key=lambda a: a.start or date.min):
            if world.sex_of_person.get(adult.person) == "female":
                continue
            men.setdefault(adult.person, adult)
        for man, adult in sorted(men.items()):
            if not _came_in_infancy(child, adult, params):
                continue
            history = _history(world, child, man, params)
            if not history:
                continue
            facts = [fact for fact, _ in history]
            role = ROLE_NAMES.get(adult.kind, "man around the child")
            found.append(
                Finding(
                    child,
                    f"The {role} has {_joined([text for _, text in history])}; he"
                    f"{_lived_elsewhere(world, child, man)} is now around "
                    f"{_the_child(child)}, so the lead practitioner and MASH need to know.",
                    facts=facts,
                    people=[(man, adult.kind)]
                    + ([(child.mother, "mother")] if child.mother is not None else []),
                    anchor=f"man:{man}",
                )
            )
        return found


def _came_in_infancy(child: Child, adult: Adult, params: Mapping[str, Any]) -> bool:
    """Was he around while the child was unborn or a baby (not first met at three)?"""
    if child.dob is None or adult.start is None:
        return True
    return (adult.start - child.dob).days < params["baby_under_days"]


def _history(
    world: World, child: Child, man: int, params: Mapping[str, Any]
) -> list[tuple[Fact, str]]:
    today = world.today
    history: list[tuple[Fact, str]] = []
    for fact in world.of_person(man, column="subject"):
        if fact.occurred_on > today:
            continue
        if (
            fact.type == "conviction"
            and fact["offence_category"] in params["conviction_categories"]
        ):
            what = OFFENCES.get(fact["offence_category"], "a conviction")
            history.append((fact, f"{what} ({describe_date(fact.occurred_on)})"))
        elif fact.type == "findingoffact" and params["include_findings_of_fact"]:
            history.append((fact, f"a finding of fact ({describe_date(fact.occurred_on)})"))
        elif fact.type == "probationsupervision" and params["include_probation"]:
            end = fact["end"]
            when = (
                f"since {describe_date(fact.occurred_on)}"
                if end is None or end >= today
                else f"{describe_date(fact.occurred_on)} to {describe_date(end)}"
            )
            history.append((fact, f"probation supervision ({when})"))
    if params["include_marac_perpetrator"]:
        for fact in world.of_person(man, "maraccase", column="perpetrator"):
            if fact.occurred_on <= today:
                history.append(
                    (fact, f"a MARAC case as the perpetrator ({describe_date(fact.occurred_on)})")
                )
    described = [(fact, f"{text} held by {_held_by(world, child, fact)}") for fact, text in history]
    if params["include_cp_plan_for_another_child"]:
        for other in world.children_of_person(man):
            if other.key == child.key or other.key in _same_child(world, child):
                continue
            for plan in world.about(other, "plan"):
                if plan["kind"] == "child_protection" and plan.occurred_on <= today:
                    described.append(
                        (
                            plan,
                            "another child on a child protection plan "
                            f"(from {describe_date(plan.occurred_on)}) held by "
                            f"{_held_by(world, child, plan)}",
                        )
                    )
    return described


def _same_child(world: World, child: Child) -> set[str]:
    """Keys that stand for this child too: the mother's other pregnancy rows due within days."""
    if child.mother is None:
        return set()
    due = child.expected or child.dob
    same = set()
    for other in world.children.values():
        other_due = other.expected or other.dob
        if (
            other.mother == child.mother
            and due is not None
            and other_due is not None
            and abs((other_due - due).days) <= 60
        ):
            same.add(other.key)
    return same


def _held_by(world: World, child: Child, fact: Fact) -> str:
    agency = world.agency(fact["agency"])
    if agency.area is None:
        return agency_name(world, fact)
    if agency.area in child.areas:
        return f"{agency.name} ({area_label(agency.area)})"
    return f"{agency.name} (in {area_label(agency.area)}, another area)"


def _lived_elsewhere(world: World, child: Child, man: int) -> str:
    elsewhere = sorted(world.residence_areas.get(man, set()) - child.areas)
    if not elsewhere:
        return ""
    return f" has lived in {_joined([area_label(a) for a in elsewhere])} and"


def _the_child(child: Child) -> str:
    where = f" in {_joined([area_label(a) for a in sorted(child.areas)])}" if child.areas else ""
    if child.dob is not None:
        return f"a baby born on {describe_date(child.dob)}{where}"
    if child.expected is not None:
        return f"a pregnancy due on {describe_date(child.expected)}{where}"
    return f"a pregnancy{where}"


def area_label(code: str) -> str:
    """An area as a practitioner would say it: WRENMOOR -> Wrenmoor (other codes as they are)."""
    return code.title() if code.replace(" ", "").isalpha() and code.isupper() else code


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
