"""An injury of any kind recorded on a baby younger than `non_mobile_under_days`, or recorded as
non-mobile at any age, without a referral to children's social care and a paediatric assessment
referral within `referral_within_days` of it. One alert per injury, to the MASH the same day;
it resolves when both referrals are recorded."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, agency_name, describe_date
from seen.rules.world import Child, World


class NonMobileInjury(Rule):
    id = "non-mobile-injury"
    version = 1
    defaults = {
        "non_mobile_under_days": 182,
        "referral_within_days": 0,
        "require_paediatric_assessment": True,
    }
    parameter_help = {
        "non_mobile_under_days": "a baby younger than this (days) counts as non-mobile whatever "
        "its recorded mobility (6 months)",
        "referral_within_days": "days after the injury within which the referrals must be "
        "made (0: the same day)",
        "require_paediatric_assessment": "a paediatric assessment referral is needed as well "
        "as the referral to children's social care",
    }
    route = RouteSpec("childrens_social_care", "mash_practitioner", "same_day", 0)

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        found = []
        referrals = world.about(child, "referral")
        for injury in world.about(child, "injury"):
            on = injury.occurred_on
            age = child.age_days(on)
            young = age is not None and age < params["non_mobile_under_days"]
            if not (injury["mobility"] == "non_mobile" or young):
                continue
            window_end = on + timedelta(days=params["referral_within_days"])
            made = {r["kind"]: r for r in referrals if on <= r.occurred_on <= window_end}
            needed = ["childrens_social_care"]
            if params["require_paediatric_assessment"]:
                needed.append("paediatric_assessment")
            missing = [kind for kind in needed if kind not in made]
            if not missing:
                continue
            why = "non-mobile" if injury["mobility"] == "non_mobile" else f"{age} days old"
            missing_text = " and ".join(
                {
                    "childrens_social_care": "a referral to children's social care",
                    "paediatric_assessment": "a paediatric assessment referral",
                }[m]
                for m in missing
            )
            found.append(
                Finding(
                    child,
                    f"A {injury['kind'].replace('_', ' ')} was recorded on a baby who was {why} on "
                    f"{describe_date(on)} ({agency_name(world, injury)}), and {missing_text} "
                    f"{'were' if len(missing) > 1 else 'was'} not made "
                    f"{'that day' if params['referral_within_days'] == 0 else 'in time'}.",
                    facts=[injury, *made.values()],
                    people=[(child.person, "child")] if child.person else [],
                    anchor=f"injury:{injury.id}",
                )
            )
        return found
