"""A man (birth father, mother's partner, male carer, man in the household) recorded around a baby
or pregnancy today, who came into the child's life before it was `baby_under_days` old, and whose
records in any agency or area hold a relevant history: a conviction in `conviction_categories`, a
family court's finding of fact, probation supervision (current or past), a MARAC case as the
perpetrator, or another child around him on a child protection plan (each can be switched off).
His records are read through the person linkage, so a police record under another spelling, from
when he lived in another area, counts. One alert per man and child, to MASH, naming each piece of
history, the agency that holds it and its area, and the other areas he has lived in; it resolves
when he is no longer recorded around the child.

A record that linkage could not join to him with certainty (a pair in the clerical-review band
at or above `possible_match_at_least`, awaiting a practitioner) counts as "possibly him": the
alert says so, with the match probability, so the link is decided rather than the history
missed. It becomes a definite history once the link is confirmed."""

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
        "possible_match_at_least": 90,
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
        "possible_match_at_least": "a record in the clerical-review band with him at or above "
        "this match probability (per cent) counts as possibly his (100: never)",
    }
    route = RouteSpec("childrens_social_care", "mash_practitioner", "high", 24)

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        today = world.today
        found = []
        # each man once, as the closest relation any agency records, from the earliest start
        records: dict[int, list[Adult]] = {}
        for adult in child.men_around(today):
            if world.sex_of_person.get(adult.person) != "female":
                records.setdefault(adult.person, []).append(adult)
        for man, adults in sorted(records.items()):
            kind = min((a.kind for a in adults), key=lambda k: list(ROLE_NAMES).index(k))
            starts = [a.start for a in adults]
            start = None if None in starts else min(s for s in starts if s is not None)
            if not _came_in_infancy(child, start, params):
                continue
            history = _history(world, child, man, params)
            possible = _possible_history(world, child, man, params)
            if not history and not possible:
                continue
            role = ROLE_NAMES[kind]
            said = []
            if history:
                said.append(f"The {role} has {_joined([text for _, text in history])}")
            for _other, probability, texts in possible:
                said.append(
                    ("He" if history else f"The {role}")
                    + " may be the man who has "
                    + _joined([text for _, text in texts])
                    + f" (records linkage matched with him at {probability:.0%}, awaiting a "
                    "decision in the clerical review queue)"
                )
            facts = [fact for fact, _ in history]
            facts += [fact for _, _, texts in possible for fact, _ in texts]
            people = [(man, kind)]
            people += [(other, "possibly the same man") for other, _, _ in possible]
            if child.mother is not None:
                people.append((child.mother, "mother"))
            found.append(
                Finding(
                    child,
                    "; ".join(said) + f"; he{_lived_elsewhere(world, child, man)} is now around "
                    f"{_the_child(child)}, so the lead practitioner and MASH need to know.",
                    facts=facts,
                    people=people,
                    anchor=f"man:{man}",
                )
            )
        return found


def _possible_history(
    world: World, child: Child, man: int, params: Mapping[str, Any]
) -> list[tuple[int, float, list[tuple[Fact, str]]]]:
    """The relevant history of persons possibly him (review-band pairs), strongest first."""
    bar = params["possible_match_at_least"] / 100
    possible = []
    for other, probability in world.possible_matches.get(man, []):
        if probability < bar or world.sex_of_person.get(other) == "female":
            continue
        texts = _history(
            world, child, other, {**params, "include_cp_plan_for_another_child": False}
        )
        if texts:
            possible.append((other, probability, texts))
    return possible


def _came_in_infancy(child: Child, start: date | None, params: Mapping[str, Any]) -> bool:
    """Was he around while the child was unborn or a baby (not first met at three)?"""
    if child.dob is None or start is None:
        return True
    return (start - child.dob).days < params["baby_under_days"]


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
        around = world.children_around
        for other in around.get(man, []):
            if other.key == child.key or other.key in _same_child(around, child):
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


def _same_child(around: dict[int, list[Child]], child: Child) -> set[str]:
    """Keys that stand for this child too: the mother's other pregnancy rows due within days."""
    due = child.expected or child.dob
    if child.mother is None or due is None:
        return set()
    same = set()
    for other in around.get(child.mother, []):
        other_due = other.expected or other.dob
        if other.mother == child.mother and other_due and abs((other_due - due).days) <= 60:
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
