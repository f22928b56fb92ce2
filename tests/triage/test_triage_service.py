"""MASH triage: a check per agency kind for every area the child and the adults around the
child are linked to (the father's other area included), an agency serving the whole partnership
checked once, and no decision until every check is done, each with its result."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from seen.access.models import Shield
from seen.areas.models import Agency, Area
from seen.casefile.subjects import Subject, resolve_child
from seen.core import clock
from seen.linkage import decisions
from seen.linkage.models import ClericalDecision
from seen.people.models import Person, Pregnancy, Relationship, SourceRecord
from seen.triage import services
from seen.triage.checks import PARTNERSHIP_KINDS, partnership_wide
from seen.triage.models import Triage, TriageCheck

pytestmark = pytest.mark.django_db
PARTNERSHIP = "across the partnership"
LOCAL_KINDS = set(services.CHECK_KINDS) - PARTNERSHIP_KINDS


def _not_the_same_man() -> None:
    """Undo the fixture's decision that the maternity unit's father is the police's man."""
    father, police = (SourceRecord.objects.get(local_id=i).pk for i in ("F1", "P77"))
    same = ClericalDecision.objects.get(
        kind=ClericalDecision.Kind.CONFIRM,
        must_link=[sorted([father, police])],
        undone_at__isnull=True,
    )
    decisions.undo(same, user=None, reason="not the same man after all")


def _areas(triage: Triage) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for check in triage.checks.select_related("area"):
        area = check.area.name if check.area is not None else PARTNERSHIP
        found.setdefault(area, set()).add(check.agency_kind)
    return found


def test_every_agency_is_checked_in_every_area_the_family_is_linked_to(
    subject: Subject, mash: Any
) -> None:
    triage = services.open_triage(mash, subject)
    areas = _areas(triage)
    # Quarry Vale: the baby's agencies and the mother's home; Quillbrook: where the father lived
    # (on his police record, which linkage puts with the father the maternity unit named)
    assert set(areas) == {"Quarry Vale", "Quillbrook", PARTNERSHIP}
    assert areas["Quarry Vale"] == areas["Quillbrook"] == LOCAL_KINDS
    quillbrook = triage.checks.filter(area__name="Quillbrook").first()
    assert quillbrook is not None and "the father lives or has lived here" in quillbrook.why
    assert triage.alert is not None and triage.agency is not None


def test_an_agency_serving_the_whole_partnership_is_checked_once(
    subject: Subject, mash: Any
) -> None:
    """Police, probation and adult mental health: one check each, in no area, however many
    areas the family is linked to; answered once, it is done for every area."""
    triage = services.open_triage(mash, subject)
    wide = triage.checks.filter(area__isnull=True)
    assert sorted(wide.values_list("agency_kind", flat=True)) == sorted(PARTNERSHIP_KINDS)
    assert not triage.checks.filter(area__isnull=False, agency_kind__in=PARTNERSHIP_KINDS)
    assert triage.checks.count() == 2 * len(LOCAL_KINDS) + len(PARTNERSHIP_KINDS)
    police = wide.get(agency_kind="police")
    assert police.agency is not None and police.agency.code == "POL"
    assert "Quarry Vale" in police.why and "Quillbrook" in police.why
    assert services.check_name(police) == "Police across the partnership"
    services.mark_done(mash, triage, police.pk, "one conviction, 2021")
    services.ensure_checks(triage, subject)  # brought up to date: still one police check
    assert triage.checks.filter(agency_kind="police").count() == 1
    assert triage.checks.get(agency_kind="police").result == "one conviction, 2021"


def test_a_kind_with_an_agency_of_its_own_in_an_area_is_checked_per_area(
    subject: Subject, mash: Any
) -> None:
    """Whether a kind serves the whole partnership follows the agencies Seen holds: a police
    force with an area of its own is checked area by area; a kind Seen holds no agency of
    (adult mental health here) follows the partnership's default."""
    quarry = Area.objects.get(name="Quarry Vale")
    Agency.objects.create(code="QAV-POL", name="Quarry Vale Police", kind="police", area=quarry)
    agencies = list(Agency.objects.all())
    assert "police" not in partnership_wide(agencies)
    assert {"probation", "adult_mental_health"} <= partnership_wide(agencies)
    triage = services.open_triage(mash, subject)
    police = {
        (c.area.name if c.area else PARTNERSHIP): c.agency
        for c in triage.checks.filter(agency_kind="police").select_related("area", "agency")
    }
    assert set(police) == {"Quarry Vale", "Quillbrook"}
    assert police["Quarry Vale"] is not None and police["Quarry Vale"].code == "QAV-POL"


def test_a_triage_checked_per_area_before_gets_no_second_police_check(
    subject: Subject, mash: Any
) -> None:
    """A triage opened when police was checked in each area keeps those checks, and no
    partnership check is added beside them."""
    triage = services.open_triage(mash, subject)
    triage.checks.filter(area__isnull=True, agency_kind="police").delete()
    for area in Area.objects.all():
        TriageCheck.objects.create(triage=triage, area=area, agency_kind="police", why="old")
    services.ensure_checks(triage, subject)
    police = triage.checks.filter(agency_kind="police")
    assert police.count() == 2 and not police.filter(area__isnull=True).exists()


def test_the_fathers_other_area_comes_from_his_linked_record(subject: Subject, mash: Any) -> None:
    _not_the_same_man()
    triage = services.open_triage(mash, resolve_child(subject.reference))
    assert set(_areas(triage)) == {"Quarry Vale", PARTNERSHIP}


def test_a_shielded_address_is_not_read_even_for_its_area(subject: Subject, mash: Any) -> None:
    Shield.objects.create(
        record=SourceRecord.objects.get(local_id="P77"),
        scope=Shield.Scope.ADDRESS,
        reason=Shield.Reason.DOMESTIC_ABUSE_RISK,
        created_at=clock.now(),
    )
    assert set(_areas(services.open_triage(mash, subject))) == {"Quarry Vale", PARTNERSHIP}


def test_the_decision_is_refused_until_every_check_is_done(subject: Subject, mash: Any) -> None:
    triage = services.open_triage(mash, subject)
    with pytest.raises(services.TriageRefused) as refused:
        services.record_decision(mash, triage, subject, "child_in_need", "risk from the father")
    message = str(refused.value)
    assert "Police across the partnership" in message and "GP in Quarry Vale" in message
    assert "Police in" not in message
    checks = list(triage.checks.all())
    with pytest.raises(services.TriageRefused, match="Write the result"):
        services.mark_done(mash, triage, checks[0].pk, "   ")
    for check in checks[:-1]:
        services.mark_done(mash, triage, check.pk, "nothing known")
    with pytest.raises(services.TriageRefused) as still:
        services.record_decision(mash, triage, subject, "child_in_need", "risk from the father")
    last = services.check_name(checks[-1])
    assert f"Still to do: {last}" in str(still.value)
    assert not Triage.objects.get(pk=triage.pk).decided
    services.mark_done(mash, triage, checks[-1].pk, "conviction for domestic abuse, 2021")
    services.record_decision(mash, triage, subject, "child_in_need", "risk from the father")
    decided = Triage.objects.get(pk=triage.pk)
    assert decided.decision == "child_in_need" and decided.decided_by == mash
    assert decided.checks.filter(done_at__isnull=True).count() == 0
    with pytest.raises(services.TriageRefused, match="already decided"):
        services.record_decision(mash, triage, subject, "no_further_action", "again")


def test_the_decision_needs_a_known_decision_and_a_reason(subject: Subject, mash: Any) -> None:
    triage = services.open_triage(mash, subject)
    for check in triage.checks.all():
        services.mark_done(mash, triage, check.pk, "nothing known")
    with pytest.raises(services.TriageRefused) as refused:
        services.record_decision(mash, triage, subject, "adopt", " ")
    assert [f for f, _ in refused.value.errors] == ["decision", "reason"]


def test_an_area_found_after_opening_must_be_checked_before_deciding(
    subject: Subject, mash: Any
) -> None:
    _not_the_same_man()
    triage = services.open_triage(mash, resolve_child(subject.reference))
    for check in triage.checks.all():
        services.mark_done(mash, triage, check.pk, "nothing known")
    father, police = (SourceRecord.objects.get(local_id=i) for i in ("F1", "P77"))
    decisions.confirm(father, police, user=None, reason="the same man after all")
    with pytest.raises(services.TriageRefused, match="Quillbrook"):
        services.record_decision(mash, triage, subject, "no_further_action", "nothing known")


def test_one_open_triage_at_a_time(subject: Subject, mash: Any, baby: Person) -> None:
    services.open_triage(mash, subject)
    with pytest.raises(services.TriageRefused, match="already open"):
        services.open_triage(mash, subject)


def test_an_unborn_child_is_triaged_across_the_fathers_areas_too(baby: Person, mash: Any) -> None:
    """The mother's next pregnancy, the same father named: his Quillbrook record is checked."""
    mother, father = (SourceRecord.objects.get(local_id=i) for i in ("M1", "F1"))
    pregnancy = Pregnancy.objects.create(
        agency=mother.agency, local_id="PR2", mother=mother, expected_date=date(2026, 3, 1)
    )
    Relationship.objects.create(
        agency=mother.agency,
        local_id="R9",
        person=father,
        pregnancy=pregnancy,
        kind=Relationship.Kind.BIRTH_FATHER,
        asserted_on=date(2025, 7, 1),
    )
    unborn = resolve_child(f"U{pregnancy.pk}")
    assert unborn.unborn
    triage = services.open_triage(mash, unborn)
    assert triage.pregnancy == pregnancy and triage.child is None
    assert set(_areas(triage)) == {"Quarry Vale", "Quillbrook", PARTNERSHIP}
    why = triage.checks.filter(area__name="Quarry Vale").first()
    assert why is not None and "the unborn child is known to Quarry Vale Maternity" in why.why
    assert services.open_triage_of(unborn) == triage
    assert services.open_triage_of(resolve_child(baby.reference)) is None  # another child


def test_a_child_placed_in_no_area_is_checked_where_the_mash_works(mash: Any) -> None:
    """No residence and no agency with an area: the MASH's own area is still checked, so a
    triage never has nothing to check."""
    police = Agency.objects.get(code="POL")  # serves several areas: no area of its own
    baby = Person.objects.create(reference="P77777777")
    SourceRecord.objects.create(agency=police, local_id="LONE", person=baby, forename="Lone")
    lone = resolve_child(baby.reference)
    assert services.areas_linked(lone) == []
    triage = services.open_triage(mash, lone)
    assert set(_areas(triage)) == {"Quarry Vale", PARTNERSHIP}
    local = triage.checks.filter(area__isnull=False).first()
    assert local is not None
    assert "the triage is held by Quarry Vale Children's Social Care" in local.why
    with pytest.raises(services.TriageRefused, match="Still to do"):
        services.record_decision(mash, triage, lone, "no_further_action", "nothing known")
