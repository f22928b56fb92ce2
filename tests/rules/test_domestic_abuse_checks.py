"""domestic-abuse-checks: a police domestic-abuse incident where a baby lives or the mother is
pregnant is brought to MASH, which records its checks before deciding."""

from __future__ import annotations

from datetime import date

from seen.rules.procedures.domestic_abuse_checks import DomesticAbuseChecks
from tests.rules.builder import WorldBuilder, anchored

RULE = DomesticAbuseChecks()
TODAY = date(2026, 3, 1)


def _incident(w: WorldBuilder, on: date, **columns: object) -> None:
    police = w.agency("police", area=None, name="Partnership Police")
    row = {
        "kind": "domestic_abuse",
        "child_present": "no",
        "dash_level": "medium",
        "perpetrator": None,
        "victim": None,
        "postcode": "",
    }
    w.fact("policeincident", occurred_on=on, agency=police, **{**row, **columns})


def test_the_pregnant_mother_as_victim_fires() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 6, 1))
    _incident(w, date(2026, 1, 12), victim=unborn.mother, perpetrator=w.person("male"))
    w.agency("childrens_social_care", area="TALLOWBY", name="Tallowby Children's Social Care")
    [(anchor, why)] = anchored(RULE, w)
    assert anchor.startswith("policeincident:")
    assert why.startswith(
        "A domestic-abuse incident recorded by Partnership Police on 12 January 2026 (DASH "
        "risk medium), in which the mother was the victim, happened when the mother was "
        "pregnant (due 1 June 2026): MASH must record its checks with health"
    )
    assert "Tallowby Children's Social Care" in why  # social care in every area
    assert why.endswith("and the police (Partnership Police) before deciding.")


def test_a_baby_under_one_at_home_fires_and_the_mother_as_perpetrator_counts() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 9, 1))
    _incident(w, date(2025, 12, 1), perpetrator=baby.mother, victim=w.person("male"))
    [(_, why)] = anchored(RULE, w)
    assert "the mother was the perpetrator" in why and "the baby was 13 weeks old" in why


def test_a_man_around_the_baby_counts_unless_the_partnership_says_not() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 9, 1))
    man = w.adult(baby, "mothers_partner", start=date(2025, 3, 1))
    _incident(w, date(2026, 1, 5), perpetrator=man, victim=w.person("female"))
    [(_, why)] = anchored(RULE, w)
    assert "the mother's partner was the perpetrator" in why
    assert anchored(RULE, w, include_men_around=False) == []


def test_near_misses_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    # the mother as victim before this pregnancy began
    unborn = w.child(expected=date(2026, 6, 1))
    _incident(w, date(2025, 3, 1), victim=unborn.mother)
    # a mother whose baby was over one at the incident
    toddler = w.child(dob=date(2024, 6, 1))
    _incident(w, date(2025, 9, 1), victim=toddler.mother)
    # not a domestic-abuse incident
    baby = w.child(dob=date(2025, 9, 1))
    _incident(w, date(2025, 12, 1), kind="other", victim=baby.mother)
    # a man's incident from before he came into the baby's life
    other = w.child(dob=date(2025, 9, 1))
    man = w.adult(other, "mothers_partner", start=date(2025, 12, 1))
    _incident(w, date(2025, 10, 1), perpetrator=man, victim=w.person("female"))
    # an incident with no baby or pregnancy at all
    _incident(w, date(2026, 1, 1), perpetrator=w.person("male"), victim=w.person("female"))
    assert anchored(RULE, w) == []
    assert (
        len(anchored(RULE, w, baby_under_days=730)) == 1
    )  # the toddler's mother, if two years counted
