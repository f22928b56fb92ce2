"""Missed health appointments: a baby's appointments recorded as `was_not_brought` or
`did_not_attend`, and the mother's own while she was pregnant with the baby (from
`pregnancy_days` before the expected date). A miss the named practitioner has not followed up
within `follow_up_within_days` is raised for follow-up. `repeated_misses` misses of the same
person within `repeated_within_days` (by default counting only misses not followed up in time),
or a miss while the child is on a plan of `plan_kinds`, need a referral (`referral_kinds`) made on
or after the misses. One alert per person whose appointments were missed (the baby, or the
pregnant mother), to the named health visitor, updated as misses add up; it resolves when the
misses are followed up or referred. Time-dependent: a miss becomes overdue with time alone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
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
        "count_followed_up_misses": False,
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
        "count_followed_up_misses": "misses the named practitioner followed up within "
        "follow_up_within_days count towards repeated misses too (by default only misses not "
        "followed up in time count)",
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
        # one alert per person whose appointments were missed: it is updated as misses add up
        for subject, subject_misses in sorted(by_subject.items()):
            finding = self._finding(world, child, subject, subject_misses, plans, params)
            if finding is not None:
                found.append(finding)
        return found

    def _finding(
        self,
        world: World,
        child: Child,
        subject: int,
        misses: list[Fact],
        plans: list[Fact],
        params: Mapping[str, Any],
    ) -> Finding | None:
        today = world.today
        within = params["follow_up_within_days"]
        if subject == child.person:
            who, people = "The baby was not brought to", [(subject, "child")]
        else:
            who, people = "The mother did not attend", [(subject, "mother")]
        anchor = f"missed:{subject}"
        # a miss the named practitioner followed up in time has been dealt with, unless the
        # partnership counts those towards "repeated" too
        counted = [
            m
            for m in misses
            if params["count_followed_up_misses"] or not _followed(m, today, within)
        ]
        repeated = _repeated(counted, params)
        if repeated:
            return Finding(
                child,
                f"{who} {len(repeated)} appointments between "
                f"{describe_date(repeated[0].occurred_on)} and "
                f"{describe_date(repeated[-1].occurred_on)} ({_places(world, repeated)}), "
                "and no referral has been made since.",
                facts=repeated,
                people=people,
                anchor=anchor,
            )
        under_plan = [(m, p) for m in misses for p in plans if _covers(p, m)]
        if under_plan:
            miss, plan = under_plan[-1]
            return Finding(
                child,
                f"{who} {_appointment(world, miss)} on {describe_date(miss.occurred_on)} while "
                f"on {PLAN_NAMES.get(plan['kind'], 'a plan')} ({agency_name(world, plan)}), and "
                "no referral has been made since.",
                facts=[miss, plan],
                people=people,
                anchor=anchor,
            )
        overdue = [
            m
            for m in misses
            if today > m.occurred_on + timedelta(days=within) and not _followed(m, today, None)
        ]
        if not overdue:
            return None
        listed = " and ".join(
            f"{_appointment(world, m)} on {describe_date(m.occurred_on)}" for m in overdue
        )
        return Finding(
            child,
            f"{who} {listed}, and {'it was not' if len(overdue) == 1 else 'none was'} followed up "
            f"within {within} days.",
            facts=overdue,
            people=people,
            anchor=anchor,
        )


def _followed(miss: Fact, today: date, within: int | None) -> bool:
    """Followed up by today (and, if `within` is given, within that many days of the miss)."""
    followed: date | None = miss["followed_up_on"]
    if followed is None or followed > today:
        return False
    return within is None or followed <= miss.occurred_on + timedelta(days=within)


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
