"""Excessive crying, colic or feeding difficulty: coping-with-crying advice (ICON) to both parents.

A concern recording the advice as not given to a parent ("no") raises the alert; advice recorded
as given to that parent at a later concern closes it. "not_applicable" (no father named) raises
nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, agency_name, describe_date
from seen.rules.world import Child, Fact, World

PARENTS = {"mother": "icon_advice_mother", "father": "icon_advice_father"}


class CopingWithCrying(Rule):
    id = "coping-with-crying"
    version = 1
    defaults = {
        "concerns": ["excessive_crying", "colic", "feeding_difficulty"],
        "both_parents": True,
    }
    parameter_help = {
        "concerns": "the crying and feeding concerns that call for ICON advice",
        "both_parents": "the advice is owed to both parents (false: the mother only)",
    }
    route = RouteSpec("health_visiting", "health_visitor", "medium", 72)

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        concerns = [
            c for c in world.about(child, "cryingfeedingconcern") if c.occurred_on <= world.today
        ]
        parents = ["mother", "father"] if params["both_parents"] else ["mother"]
        owed: dict[str, Fact] = {}  # parent -> the first concern since which advice is owed
        given: dict[str, Fact] = {}
        for concern in concerns:  # in date order
            for parent in parents:
                advice = concern.get(PARENTS[parent])
                if advice == "yes":
                    owed.pop(parent, None)  # advice given: made good
                    given[parent] = concern
                elif advice == "no" and concern["concern"] in params["concerns"]:
                    owed.setdefault(parent, concern)
        if not owed:
            return []
        first = min(owed.values(), key=lambda c: (c.occurred_on, c.id))
        not_given = [p for p in parents if p in owed]
        to_whom = " or ".join(f"the {p}" for p in not_given)
        given_to = [p for p in parents if p not in owed and p in given]
        also = f" (it was given to the {given_to[0]})" if given_to else ""
        concern_name = first["concern"].replace("_", " ")
        text = (
            f"{concern_name[0].upper()}{concern_name[1:]} was raised with "
            f"{agency_name(world, first)} on {describe_date(first.occurred_on)} and "
            f"coping-with-crying (ICON) advice was not given to {to_whom}{also}: give it to "
            f"{'both parents' if len(parents) == 2 else 'the mother'}."
        )
        facts = sorted({c.id: c for c in owed.values()}.values(), key=lambda c: c.id)
        people = [(child.mother, "mother")] if child.mother and "mother" in owed else []
        if "father" in owed:
            carers = ("birth_father", "male_carer", "mothers_partner")
            men = [a for a in child.men_around(first.occurred_on) if a.kind in carers]
            people += sorted({(a.person, "father or male carer") for a in men})
        if child.person:
            people.append((child.person, "child"))
        return [Finding(child, text, facts=facts, people=people, anchor="icon-advice")]
