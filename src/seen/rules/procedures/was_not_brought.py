""" "Was not brought": a baby's missed health appointments (and a pregnant mother's) are followed
up by the named practitioner; repeated misses, or a miss while the child has a plan, are
referred."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, agency_name, describe_date
from seen.rules.world import Child, Fact, World

MISSED = ("was_not_brought", "did_not_attend")
PLAN_NAMES = {
    "early_help": "an Early Help plan",
    "child_in_need": "a child in need plan",
    "child_protection": "a child protection plan",
    "looked_after": "a looked-after plan",
    "pre_birth": "a pre-birth plan",
}


class WasNotBrought(Rule):
    id = "was-not-brought"
    version = 1
    defaults = {
        "follow_up_within_days": 7,
        "repeated_misses": 2,
        "repeated_within_days": 120,
        "pregnancy_days": 280,
        "plan_kinds": ["early_help", "child_in_need", "child_protection", "pre_birth"],
        "referral_kinds": ["childrens_social_care", "early_help", "mash"],
    }
    parameter_help = {
        "follow_up_within_days": "days after a single missed appointment by which the named "
        "practitioner must have followed it up",
        "repeated_misses": "this many missed appointments of the same person (the baby, or the "
        "pregnant mother) within repeated_within_days need a referral",
        "repeated_within_days": "the window (days) in which missed appointments count as repeated",
        "pregnancy_days": "a mother's own missed appointments count for her unborn child from "
        "this many days before the expected date (40 weeks)",
        "plan_kinds": "plans under which a single missed appointment needs a referral",
        "referral_kinds": "referrals that answer missed appointments needing a referral",
    }
    route = RouteSpec("health_visiting", "health_visitor", "high", 72)
    time_dependent = True  # a single miss becomes overdue with time alone

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        today = world.today
        misses = [a for a in _appointments(world, child, params) if a["outcome"] in MISSED]
        if not misses:
            return []
        referrals = [
            r
            for r in world.about(child, "referral")
            if r.occurred_on <= today and r["kind"] in params["referral_kinds"]
        ]
        # a referral on or after a miss has answered it
        open_misses = [
            m for m in misses if not any(r.occurred_on >= m.occurred_on for r in referrals)
        ]
        plans = [
            p
            for p in world.about(child, "plan")
            if p["kind"] in params["plan_kinds"] and p.occurred_on <= today
        ]
        by_subject: dict[int, list[Fact]] = defaultdict(list)
        for miss in open_misses:
            by_subject[miss.persons.get("subject", 0)].append(miss)
        found = []
        for subject, subject_misses in sorted(by_subject.items()):
            who = (
                "The baby was not brought to"
                if subject == child.person
                else ("The mother did not attend")
            )
            people = [(subject, "child" if subject == child.person else "mother")]
            repeated = _repeated(subject_misses, params)
            under_plan = [(m, p) for m in subject_misses for p in plans if _covers(p, m)]
            if repeated:
                found.append(
                    Finding(
                        child,
                        f"{who} {len(repeated)} appointments between "
                        f"{describe_date(repeated[0].occurred_on)} and "
                        f"{describe_date(repeated[-1].occurred_on)} ({_places(world, repeated)}), "
                        "and no referral has been made since.",
                        facts=repeated,
                        people=people,
                        anchor=f"referral-needed:{subject}",
                    )
                )
            elif under_plan:
                miss, plan = under_plan[-1]
                found.append(
                    Finding(
                        child,
                        f"{who} {_appointment(world, miss)} on "
                        f"{describe_date(miss.occurred_on)} while on "
                        f"{PLAN_NAMES.get(plan['kind'], 'a plan')} ({agency_name(world, plan)}), "
                        "and no referral has been made since.",
                        facts=[miss, plan],
                        people=people,
                        anchor=f"referral-needed:{subject}",
                    )
                )
            else:
                for miss in subject_misses:
                    due = miss.occurred_on + timedelta(days=params["follow_up_within_days"])
                    followed = miss["followed_up_on"]
                    if today <= due or (followed is not None and followed <= today):
                        continue
                    found.append(
                        Finding(
                            child,
                            f"{who} {_appointment(world, miss)} on "
                            f"{describe_date(miss.occurred_on)}, and it was not followed up "
                            f"within {params['follow_up_within_days']} days.",
                            facts=[miss],
                            people=people,
                            anchor=f"appointment:{miss.id}",
                        )
                    )
        return found


def _appointments(world: World, child: Child, params: Mapping[str, Any]) -> list[Fact]:
    """The child's appointments, and the mother's own while she was pregnant with the child."""
    today = world.today
    found = {a.id: a for a in world.about(child, "appointment") if a.occurred_on <= today}
    due = child.expected or child.dob
    if child.mother is not None and due is not None:
        begun = due - timedelta(days=params["pregnancy_days"])
        ended = child.dob or due
        for a in world.of_person(child.mother, "appointment", column="subject"):
            if begun <= a.occurred_on < ended and a.occurred_on <= today:
                found.setdefault(a.id, a)
    return sorted(found.values(), key=lambda a: (a.occurred_on, a.id))


def _repeated(misses: list[Fact], params: Mapping[str, Any]) -> list[Fact]:
    """The longest run of misses within the window, if it is long enough to count as repeated."""
    window = timedelta(days=params["repeated_within_days"])
    best: list[Fact] = []
    for i, first in enumerate(misses):
        run = [m for m in misses[i:] if m.occurred_on - first.occurred_on <= window]
        if len(run) > len(best):
            best = run
    return best if len(best) >= max(params["repeated_misses"], 2) else []


def _covers(plan: Fact, miss: Fact) -> bool:
    end = plan["end"]
    return plan.occurred_on <= miss.occurred_on and (end is None or miss.occurred_on <= end)


def _appointment(world: World, miss: Fact) -> str:
    service = str(miss["service"]).replace("_", " ")
    article = "an" if service[0] in "aeiou" else "a"
    return f"{article} {service} appointment at {agency_name(world, miss)}"


def _places(world: World, misses: list[Fact]) -> str:
    services = sorted({str(m["service"]).replace("_", " ") for m in misses})
    agencies = sorted({agency_name(world, m) for m in misses})
    return f"{', '.join(services)} at {', '.join(agencies)}"
