"""The shape of the year before any record is written: which families there are, when each baby
is (or will be) born, which carry a planted scenario or a plan of support, and which men father
children in two households in two areas.

Deciding this first keeps the writing pass a single stream: every later choice about a family is
made while its rows are written, and nothing already written has to change.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from seen.core.procedures import PROCEDURES

SCENARIO_SHARE = 0.005  # scenarios per procedure, as a share of births
ONGOING_DAYS = 190  # due within this many days after the window: booked (at 8-13 weeks) within it


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # the day after the last day

    @classmethod
    def one_year(cls, start: date) -> Window:
        try:
            end = start.replace(year=start.year + 1)
        except ValueError:  # 29 February
            end = start.replace(year=start.year + 1, day=28) + timedelta(days=1)
        return cls(start, end)

    @classmethod
    def ending_on(cls, last: date) -> Window:
        """The one-year window whose last day is `last` (a demo whose year ends today)."""
        end = last + timedelta(days=1)
        try:
            start = end.replace(year=end.year - 1)
        except ValueError:  # 29 February
            start = end.replace(year=end.year - 1, day=28) + timedelta(days=1)
        return cls(start, end)

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)


@dataclass(eq=False)
class FamilyPlan:
    index: int
    area: int
    expected: date  # expected date of delivery
    born_on: date | None  # None: still pregnant at the end of the window
    gestation: int  # completed weeks at birth (0 while ongoing)
    procedure: str | None = None
    support: str = ""  # "", early_help, child_in_need, child_protection, care_leaver
    father_from: int | None = None  # this family's father is the one of that earlier family
    father_to: int | None = None  # ... and moves on to that later family
    father_moves_on: date | None = None

    @property
    def id(self) -> str:
        return f"F{self.index + 1:07d}"

    @property
    def lmp(self) -> date:
        """First day of the last menstrual period: 280 days before the expected date."""
        return self.expected - timedelta(days=280)

    def weeks_old_at(self, day: date) -> float:
        return (day - self.born_on).days / 7 if self.born_on else -1.0


def _gestation(rng: random.Random) -> int:
    """About 8% born before 37 weeks (ONS, Birth characteristics in England and Wales)."""
    if rng.random() < 0.08:
        roll = rng.random()
        if roll < 0.05:
            return rng.randint(23, 27)
        if roll < 0.16:
            return rng.randint(28, 31)
        return rng.randint(32, 36)
    return rng.choices((37, 38, 39, 40, 41, 42), weights=(8, 18, 27, 27, 17, 3))[0]


# Weeks of the baby's life a scenario needs inside the window; None: a pregnancy will do.
_WEEKS_NEEDED: dict[str, int | None] = {
    "non-mobile-injury": 8,
    "was-not-brought": 18,
    "pre-birth-assessment-father": None,
    "care-leaver-parent": None,
    "man-with-relevant-history": None,
    "plan-child-at-ed": 12,
    "domestic-abuse-checks": None,
    "marac-baby": None,
    "programme-engagement": 16,
    "step-down": 24,
    "father-seen-at-mandated-contact": 3,
    "coping-with-crying": 8,
    "conference-invitations": 12,
    "think-family-mental-health": 3,
    "service-first-contact": 12,
}


def _eligible(procedure: str, plan: FamilyPlan, window: Window) -> bool:
    if plan.procedure or plan.support:
        return False
    weeks = _WEEKS_NEEDED[procedure]
    if weeks is None:  # far enough into the pregnancy for booking and an assessment
        return plan.lmp + timedelta(weeks=20) <= window.last
    return plan.born_on is not None and plan.weeks_old_at(window.last) >= weeks


def scenarios_per_procedure(births: int) -> int:
    return max(1, round(births * SCENARIO_SHARE))


def plan_families(rng: random.Random, births: int, areas: int, window: Window) -> list[FamilyPlan]:
    days = (window.end - window.start).days
    drafts: list[FamilyPlan] = []
    for _ in range(births):
        born_on = window.start + timedelta(days=rng.randrange(days))
        gestation = _gestation(rng)
        expected = born_on + timedelta(days=(40 - gestation) * 7 + rng.randint(-3, 3))
        drafts.append(FamilyPlan(0, rng.randrange(areas), expected, born_on, gestation))
    for _ in range(round(births * ONGOING_DAYS / 365)):
        expected = window.last + timedelta(days=1 + rng.randrange(ONGOING_DAYS))
        drafts.append(FamilyPlan(0, rng.randrange(areas), expected, None, 0))
    drafts.sort(key=lambda plan: (plan.expected, plan.born_on or plan.expected))
    for index, plan in enumerate(drafts):
        plan.index = index

    _assign_scenarios(rng, drafts, births, window)
    _assign_support(rng, drafts, window)
    if areas > 1:
        _share_fathers(rng, drafts)
    return drafts


def _assign_scenarios(
    rng: random.Random, plans: list[FamilyPlan], births: int, window: Window
) -> None:
    wanted = scenarios_per_procedure(births)
    for procedure in (p for p in PROCEDURES if p.planted):
        eligible = [plan for plan in plans if _eligible(procedure.id, plan, window)]
        if len(eligible) < wanted:
            raise ValueError(
                f"too few families to plant {wanted} '{procedure.id}' scenario(s); "
                "generate more births"
            )
        for plan in rng.sample(eligible, wanted):
            plan.procedure = procedure.id


def _assign_support(rng: random.Random, plans: list[FamilyPlan], window: Window) -> None:
    """Ordinary plans of support, each run as the procedures say (these are near misses).

    Rates are rounded from DfE, Characteristics of children in need: roughly 3 in 100 children
    are children in need and 4 in 1,000 are on a child protection plan, more among babies."""
    for plan in plans:
        if plan.procedure:
            continue
        roll = rng.random()
        if plan.born_on and plan.weeks_old_at(window.last) >= 10:
            if roll < 0.005:
                plan.support = "child_protection"
            elif roll < 0.025:
                plan.support = "child_in_need"
            elif roll < 0.055:
                plan.support = "early_help"
        if not plan.support and roll > 0.996 and plan.lmp + timedelta(weeks=20) <= window.last:
            plan.support = "care_leaver"


def _share_fathers(rng: random.Random, plans: list[FamilyPlan]) -> None:
    """About 2 in 100 ordinary fathers also father a baby in another household in another area."""

    def free(plan: FamilyPlan) -> bool:
        return not (plan.procedure or plan.support or plan.father_from is not None
                    or plan.father_to is not None)

    for later in plans:
        if not free(later) or later.index < 50 or rng.random() >= 0.02:
            continue
        for _attempt in range(20):
            earlier = plans[later.index - rng.randint(1, min(later.index, 2000))]
            if free(earlier) and earlier.area != later.area:
                earlier.father_to = later.index
                later.father_from = earlier.index
                # He moves in with the later family at about the time of its booking.
                moves_on = later.lmp + timedelta(days=rng.randint(60, 90))
                earlier.father_moves_on = later.father_moves_on = moves_on
                break
