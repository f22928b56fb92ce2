"""`generate`: write a synthetic partnership's extract and its ground truth to a folder.

Plain functions, no database: the command `seen synth` and the tests both call `generate`.
Everything random comes from one random.Random(seed), used in a fixed order, so one seed gives
byte-identical files.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from seen.synth import care
from seen.synth.background import write_background
from seen.synth.directory import build_directory, write_directory
from seen.synth.families import FamilyWriter
from seen.synth.household import Household, HouseholdMaker
from seen.synth.output import TRUTH_DIR, ExtractWriter, write_json, write_manifest
from seen.synth.partnership import MAX_AREAS, build_partnership
from seen.synth.plan import Window, plan_families
from seen.synth.population import People
from seen.synth.records import Recorder
from seen.synth.referrals import ReferralWriter
from seen.synth.scenarios import PLANTERS, Context, scenario_entry

DEFAULT_START = date(2025, 4, 1)
MIN_BIRTHS = 30  # enough families to plant a scenario for every procedure
MAX_BIRTHS = 150_000  # the 999 test range holds about 909,000 valid NHS numbers

Progress = Callable[[int, int], None]  # (families done, families in all)


@dataclass
class Summary:
    out_dir: Path
    extract_id: str
    rows: dict[str, int]  # table name -> rows written
    persons: int
    families: int
    scenarios: int
    facts: dict[str, int] = field(default_factory=dict)  # what the year holds, for the docs

    @property
    def people_rows(self) -> int:
        return self.rows.get("people", 0)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def extract_id(seed: int, areas: int, births: int) -> str:
    return f"synth-seed{seed}-areas{areas}-births{births}"


def check_options(areas: int, births: int) -> None:
    if not 1 <= areas <= MAX_AREAS:
        raise ValueError(f"areas must be between 1 and {MAX_AREAS}, not {areas}")
    if not MIN_BIRTHS <= births <= MAX_BIRTHS:
        raise ValueError(
            f"births must be between {MIN_BIRTHS} (one scenario per procedure needs that many) "
            f"and {MAX_BIRTHS} (the NHS test number range runs out), not {births}"
        )


def generate(
    out_dir: Path,
    *,
    areas: int = 3,
    births: int = 1000,
    seed: int = 1,
    start: date = DEFAULT_START,
    progress: Progress | None = None,
) -> Summary:
    """Write the extract (manifest.json and one CSV per table) and truth/ into out_dir."""
    check_options(areas, births)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    window = Window.one_year(start)
    rng = random.Random(seed)
    facts: Counter[str] = Counter()
    scenarios: list[dict[str, Any]] = []
    with ExtractWriter(out_dir) as out:
        partnership = build_partnership(rng, out, areas, births)
        plans = plan_families(rng, births, areas, window)
        people = People(rng, out)
        writer = FamilyWriter(
            rng,
            out,
            Recorder(rng, out, window.last),
            partnership,
            window,
            absences=random.Random(f"fathers-away:{seed}"),
        )
        maker = HouseholdMaker(rng, people, partnership, window)
        directory = build_directory(partnership)
        # a stream of its own, so that the referrals leave every other draw of a seed as it was
        referrals = ReferralWriter(writer, directory, random.Random(f"services:{seed}"))
        context = Context(writer, people, partnership.areas, directory)
        namesakes: list[tuple[str, str]] = []
        for done, plan in enumerate(plans, 1):
            household = maker.make(plan)
            writer.write(household)
            if plan.support:
                care.ordinary_support(writer, household)
            if not plan.procedure:
                referrals.ordinary(household)
            if plan.procedure:
                planted = PLANTERS[plan.procedure](context, household)
                scenario_id = f"S{len(scenarios) + 1:05d}"
                scenarios.append(scenario_entry(scenario_id, plan.procedure, household, planted))
            out.families.writerow(
                (plan.id, "scenario" if plan.procedure else "ordinary", plan.procedure or "")
            )
            _tally(facts, household)
            if household.father is not None and not plan.procedure and done % 50 == 0:
                namesakes.append((household.father.forename, household.father.surname))
            if progress and (done % 500 == 0 or done == len(plans)):
                progress(done, len(plans))
        facts["background adults"] = write_background(
            writer, people, partnership, births, namesakes
        )
        rows = {name: table.rows for name, table in out.tables.items()}
    created = datetime.combine(window.end, time(0, 0), tzinfo=UTC)
    identifier = extract_id(seed, areas, births)
    write_manifest(out_dir, identifier, created)
    write_directory(out_dir, directory)
    write_json(out_dir / TRUTH_DIR / "scenarios.json", scenarios)
    return Summary(out_dir, identifier, rows, people.count, len(plans), len(scenarios),
                   dict(facts))


def _tally(facts: Counter[str], h: Household) -> None:
    plan = h.plan
    facts["families"] += 1
    if plan.born_on is None:
        facts["ongoing pregnancies"] += 1
        return
    facts["births"] += 1
    facts["preterm births"] += plan.gestation < 37
    facts["neonatal admissions"] += h.neonatal_days > 0
    facts["father not named"] += h.father is None
    facts["father named, living elsewhere"] += h.father is not None and not h.father_resident
    facts["mothers under 20"] += h.mother.age_on(plan.born_on) < 20
    facts["mother's age (sum)"] += h.mother.age_on(plan.born_on)
    facts["first births"] += not h.siblings
    facts["father shared with another family"] += plan.father_from is not None
    facts["on a plan or supported"] += bool(plan.support)
