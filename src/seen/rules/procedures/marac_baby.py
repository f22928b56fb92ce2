"""A MARAC case whose victim is the mother while pregnant or with a baby under `baby_under_days`
old (or, if `include_perpetrator_around_baby`, whose perpetrator is a man recorded around the
child at the time), with no safety plan recorded (`safety_plan` not "yes") or no child-protection
assessment of the child (`assessment_kinds`, begun no earlier than `assessment_before_days`
before the case). One alert per case and child, to the social worker (else the children's social
care team); it resolves once both are linked."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, describe_date
from seen.rules.procedures.domestic_abuse_checks import ROLE_NAMES, baby_or_pregnancy
from seen.rules.world import Child, Fact, World


class MaracBaby(Rule):
    id = "marac-baby"
    version = 1
    defaults = {
        "assessment_kinds": ["section_47", "child_and_family", "pre_birth"],
        "assessment_before_days": 30,
        "baby_under_days": 365,
        "pregnancy_days": 280,
        "include_perpetrator_around_baby": True,
    }
    parameter_help = {
        "assessment_kinds": "assessments that count as the child-protection assessment",
        "assessment_before_days": "an assessment begun up to this many days before the MARAC "
        "case counts as linked to it",
        "baby_under_days": "a baby younger than this (days) when the case is heard counts (1 year)",
        "pregnancy_days": "the victim counts as pregnant from this many days before the expected "
        "date (40 weeks)",
        "include_perpetrator_around_baby": "a case whose perpetrator is a man around the baby "
        "counts, as well as one whose victim is the mother",
    }
    route = RouteSpec("childrens_social_care", "social_worker", "high", 48)

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        today = world.today
        cases: dict[int, tuple[Fact, str]] = {}
        if child.mother is not None:
            for fact in world.of_person(child.mother, "maraccase", column="victim"):
                cases.setdefault(fact.id, (fact, "the mother is the victim"))
        if params["include_perpetrator_around_baby"]:
            for man in sorted({a.person for a in child.men_around()}):
                for fact in world.of_person(man, "maraccase", column="perpetrator"):
                    if any(a.person == man for a in child.men_around(fact.occurred_on)):
                        kind = next(a.kind for a in child.men_around() if a.person == man)
                        role = ROLE_NAMES.get(kind, "man around the child")
                        cases.setdefault(fact.id, (fact, f"the {role} is the perpetrator"))
        assessments = [
            a
            for a in world.about(child, "assessment")
            if a["kind"] in params["assessment_kinds"] and a.occurred_on <= today
        ]
        found = []
        for case, who in sorted(cases.values(), key=lambda c: (c[0].occurred_on, c[0].id)):
            on = case.occurred_on
            if on > today:
                continue
            state = baby_or_pregnancy(child, on, params)
            if state is None:
                continue
            earliest = on - timedelta(days=params["assessment_before_days"])
            linked = [a for a in assessments if a.occurred_on >= earliest]
            missing = []
            if case["safety_plan"] != "yes":
                missing.append("no safety plan")
            if not linked:
                missing.append("no child-protection assessment")
            if not missing:
                continue
            found.append(
                Finding(
                    child,
                    f"A MARAC case, in which {who}, was heard on {describe_date(on)} when "
                    f"{state}, and it has {' and '.join(missing)} linked.",
                    facts=[case, *linked],
                    people=[(p, column) for column, p in sorted(case.persons.items())],
                    anchor=f"maraccase:{case.id}",
                )
            )
        return found
