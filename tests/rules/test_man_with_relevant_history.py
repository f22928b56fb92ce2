"""man-with-relevant-history: a man with a relevant history, held in any agency or area, around
a baby or pregnancy is brought to the lead practitioner and MASH."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from seen.rules.loading import load_world
from seen.rules.procedures.man_with_relevant_history import ManWithRelevantHistory
from tests.rules.builder import WorldBuilder, anchored

RULE = ManWithRelevantHistory()
TODAY = date(2026, 3, 1)


def _police(w: WorldBuilder) -> int:
    return w.agency("police", area=None, name="Partnership Police")


def test_a_conviction_held_by_the_police_from_another_area_fires() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 11, 1), area="QAV")
    man = w.person("male", areas=("WRENMOOR",))
    w.adult(baby, "mothers_partner", person=man, start=date(2025, 6, 1))
    w.fact(
        "conviction",
        subject=man,
        occurred_on=date(2023, 5, 2),
        offence_category="domestic_abuse",
        agency=_police(w),
    )
    [(anchor, why)] = anchored(RULE, w)
    assert anchor == f"man:{man}"
    assert why.startswith(
        "The mother's partner has a domestic-abuse conviction (2 May 2023) held "
        "by Partnership Police; he has lived in Wrenmoor and is now around a "
        "baby born on 1 November 2025"
    )
    assert "lead practitioner and MASH" in why


def test_every_kind_of_history_is_named_with_where_it_is_held() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 6, 1), area="QAV")
    man = w.adult(unborn, "birth_father")
    tallowby = w.agency(
        "childrens_social_care", area="TALLOWBY", name="Tallowby Children's Social Care"
    )
    w.fact(
        "findingoffact",
        subject=man,
        occurred_on=date(2022, 3, 1),
        agency=tallowby,
        category_of_abuse="Physical Abuse",
    )
    probation = w.agency("probation", area=None, name="Partnership Probation")
    w.fact(
        "probationsupervision",
        subject=man,
        occurred_on=date(2025, 1, 1),
        end=None,
        order="Community order",
        risk_of_serious_harm="medium",
        agency=probation,
    )
    w.fact(
        "maraccase",
        victim=w.person("female"),
        perpetrator=man,
        occurred_on=date(2024, 2, 1),
        safety_plan="yes",
        agency=_police(w),
    )
    [(_, why)] = anchored(RULE, w)
    assert (
        "a finding of fact (1 March 2022) held by Tallowby Children's Social Care (in "
        "Tallowby, another area)" in why
    )
    assert "probation supervision (since 1 January 2025) held by Partnership Probation" in why
    assert "a MARAC case as the perpetrator (1 February 2024)" in why
    assert "a pregnancy due on 1 June 2026" in why
    assert (
        anchored(
            RULE,
            w,
            include_findings_of_fact=False,
            include_probation=False,
            include_marac_perpetrator=False,
        )
        == []
    )


def test_a_child_protection_plan_for_another_child_counts() -> None:
    w = WorldBuilder(TODAY)
    here = w.child(dob=date(2026, 1, 5))
    there = w.child(dob=date(2024, 8, 1))
    man = w.adult(here, "birth_father")
    w.adult(there, "birth_father", person=man)
    w.fact("plan", child=there, occurred_on=date(2024, 10, 1), kind="child_protection", end=None)
    found = anchored(RULE, w)
    assert len(found) == 1  # about the new baby, not the child on the plan
    assert "another child on a child protection plan (from 1 October 2024)" in found[0][1]
    assert anchored(RULE, w, include_cp_plan_for_another_child=False) == []


def test_near_misses_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    police = _police(w)
    # a man with a conviction around no baby
    alone = w.person("male")
    w.fact(
        "conviction",
        subject=alone,
        occurred_on=date(2024, 1, 1),
        offence_category="domestic_abuse",
        agency=police,
    )
    # a father whose only conviction is for theft
    baby = w.child(dob=date(2025, 12, 1))
    thief = w.adult(baby, "birth_father")
    w.fact(
        "conviction",
        subject=thief,
        occurred_on=date(2024, 1, 1),
        offence_category="theft_offences",
        agency=police,
    )
    # a former partner who left the household before today
    other = w.child(dob=date(2025, 9, 1))
    former = w.adult(other, "mothers_partner", start=date(2025, 1, 1), end=date(2025, 10, 1))
    w.fact(
        "conviction",
        subject=former,
        occurred_on=date(2023, 1, 1),
        offence_category="violence_against_the_person",
        agency=police,
    )
    # a man who came into a child's life at two
    older = w.child(dob=date(2023, 12, 1))
    late = w.adult(older, "mothers_partner", start=date(2025, 12, 20))
    w.fact(
        "conviction",
        subject=late,
        occurred_on=date(2022, 1, 1),
        offence_category="domestic_abuse",
        agency=police,
    )
    # a conviction recorded after today
    future = w.child(dob=date(2026, 1, 1))
    next_month = w.adult(future, "birth_father")
    w.fact(
        "conviction",
        subject=next_month,
        occurred_on=date(2026, 4, 1),
        offence_category="domestic_abuse",
        agency=police,
    )
    assert anchored(RULE, w) == []
    # the partnership may count more offence categories
    assert len(anchored(RULE, w, conviction_categories=["domestic_abuse", "theft_offences"])) == 1


def test_a_woman_in_the_household_is_not_read_as_a_man() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 12, 1))
    grandmother = w.adult(baby, "household_adult", sex="female")
    w.fact(
        "conviction",
        subject=grandmother,
        occurred_on=date(2020, 1, 1),
        offence_category="violence_against_the_person",
        agency=_police(w),
    )
    assert anchored(RULE, w) == []


def test_a_record_possibly_his_in_the_review_band_counts_as_possibly_his() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2026, 1, 10))
    father = w.adult(baby, "birth_father")
    police_record = w.person("male")  # the same man, a spelling linkage was not sure of
    w.fact(
        "conviction",
        subject=police_record,
        occurred_on=date(2022, 1, 17),
        offence_category="domestic_abuse",
    )
    world = w.build()
    world.possible_matches = {father: [(police_record, 0.97)], police_record: [(father, 0.97)]}
    [finding] = RULE.evaluate(world, baby, RULE.defaults)
    assert "may be the man who has a domestic-abuse conviction" in finding.explanation
    assert "97%" in finding.explanation and "clerical review queue" in finding.explanation
    assert (police_record, "possibly the same man") in finding.people
    # below the partnership's bar: nothing
    assert RULE.evaluate(world, baby, {**RULE.defaults, "possible_match_at_least": 98}) == []


@pytest.mark.django_db
def test_a_shielded_address_never_reaches_the_alert(extract: Any) -> None:
    """The areas he has lived in come from residences; a shielded record's are left out."""
    from datetime import datetime

    from django.utils import timezone

    from seen.access.models import Shield
    from seen.core import clock
    from seen.ingest.loader import ingest_extract
    from seen.linkage import decisions
    from seen.people.models import SourceRecord

    ingest_extract(extract())
    records = SourceRecord.objects.order_by("pk")
    decisions.confirm(*records.filter(local_id__in=["F1", "P77"]), user=None, reason="same man")
    police = records.get(local_id="P77")
    clock.set_now(timezone.make_aware(datetime(2025, 7, 1, 9, 0)))  # real time again after
    before = load_world(clock.today())
    assert before.residence_areas[police.person_id] == {"QBM"}
    Shield.objects.create(
        record=police, scope="address", reason="domestic_abuse_risk", created_at=clock.now()
    )
    after = load_world(clock.today())
    assert police.person_id not in after.residence_areas
