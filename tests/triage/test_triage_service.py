"""MASH triage: a check per agency kind for every area the child and the adults around the
child are linked to (the father's other area included), and no decision until every check is
done, each with its result."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from seen.access.models import Shield
from seen.casefile.subjects import Subject, resolve_child
from seen.core import clock
from seen.linkage import decisions
from seen.linkage.models import ClericalDecision
from seen.people.models import Person, Pregnancy, Relationship, SourceRecord
from seen.triage import services
from seen.triage.models import Triage

pytestmark = pytest.mark.django_db


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
        found.setdefault(check.area.name, set()).add(check.agency_kind)
    return found


def test_every_agency_is_checked_in_every_area_the_family_is_linked_to(
    subject: Subject, mash: Any
) -> None:
    triage = services.open_triage(mash, subject)
    areas = _areas(triage)
    # Quarry Vale: the baby's agencies and the mother's home; Quillbrook: where the father lived
    # (on his police record, which linkage puts with the father the maternity unit named)
    assert set(areas) == {"Quarry Vale", "Quillbrook"}
    assert all(kinds == set(services.CHECK_KINDS) for kinds in areas.values())
    quillbrook = triage.checks.filter(area__name="Quillbrook").first()
    assert quillbrook is not None and "the father lives or has lived here" in quillbrook.why
    police = triage.checks.get(area__name="Quillbrook", agency_kind="police")
    assert police.agency is not None and police.agency.code == "POL"  # serves several areas
    assert triage.alert is not None and triage.agency is not None


def test_the_fathers_other_area_comes_from_his_linked_record(
    subject: Subject, mash: Any
) -> None:
    _not_the_same_man()
    triage = services.open_triage(mash, resolve_child(subject.reference))
    assert set(_areas(triage)) == {"Quarry Vale"}


def test_a_shielded_address_is_not_read_even_for_its_area(subject: Subject, mash: Any) -> None:
    Shield.objects.create(
        record=SourceRecord.objects.get(local_id="P77"),
        scope=Shield.Scope.ADDRESS,
        reason=Shield.Reason.DOMESTIC_ABUSE_RISK,
        created_at=clock.now(),
    )
    assert set(_areas(services.open_triage(mash, subject))) == {"Quarry Vale"}


def test_the_decision_is_refused_until_every_check_is_done(subject: Subject, mash: Any) -> None:
    triage = services.open_triage(mash, subject)
    with pytest.raises(services.TriageRefused) as refused:
        services.record_decision(mash, triage, subject, "child_in_need", "risk from the father")
    message = str(refused.value)
    assert "Police in Quillbrook" in message and "GP in Quarry Vale" in message
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


def test_an_unborn_child_is_triaged_across_the_fathers_areas_too(
    baby: Person, mash: Any
) -> None:
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
    assert set(_areas(triage)) == {"Quarry Vale", "Quillbrook"}
    why = triage.checks.filter(area__name="Quarry Vale").first()
    assert why is not None and "the unborn child is known to Quarry Vale Maternity" in why.why
    assert services.open_triage_of(unborn) == triage
    assert services.open_triage_of(resolve_child(baby.reference)) is None  # another child


def test_a_child_placed_in_no_area_is_checked_where_the_mash_works(mash: Any) -> None:
    """No residence and no agency with an area: the MASH's own area is still checked, so a
    triage never has nothing to check."""
    from seen.areas.models import Agency

    police = Agency.objects.get(code="POL")  # serves several areas: no area of its own
    baby = Person.objects.create(reference="P77777777")
    SourceRecord.objects.create(agency=police, local_id="LONE", person=baby, forename="Lone")
    lone = resolve_child(baby.reference)
    assert services.areas_linked(lone) == []
    triage = services.open_triage(mash, lone)
    assert set(_areas(triage)) == {"Quarry Vale"}
    assert "the triage is held by Quarry Vale Children's Social Care" in triage.checks.first().why
    with pytest.raises(services.TriageRefused, match="Still to do"):
        services.record_decision(mash, triage, lone, "no_further_action", "nothing known")
