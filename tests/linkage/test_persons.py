"""Persons from stored pairs and decisions: stable references, decisions that survive re-runs,
undo, and the graph query."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from seen.core import clock
from seen.ingest.loader import ingest_extract
from seen.linkage import decisions
from seen.linkage.graph import adults_around, children_of
from seen.linkage.models import CandidatePair, ClericalDecision, LinkRun
from seen.linkage.resolve import recluster
from seen.linkage.review import held_back_because, review_queue
from seen.people.models import LinkDecision, Person, SourceRecord
from tests.fixtures.partnership import small_partnership

pytestmark = pytest.mark.django_db


def _run() -> LinkRun:
    return LinkRun.objects.create(
        kind=LinkRun.Kind.BATCH,
        auto_link_threshold=0.99,
        review_threshold=0.5,
        started_at=clock.now(),
    )


def _record(local_id: str) -> SourceRecord:
    return SourceRecord.objects.get(local_id=local_id)


def _pair(a: str, b: str, probability: float, run: LinkRun) -> CandidatePair:
    left, right = sorted([_record(a).pk, _record(b).pk])
    return CandidatePair.objects.create(
        record_l_id=left,
        record_r_id=right,
        match_probability=probability,
        match_weight=10.0,
        evidence={"forename": 3.1, "dob": 5.0},
        band="link" if probability >= 0.99 else "review",
        run=run,
    )


def _person(local_id: str) -> Person:
    person = _record(local_id).person
    assert person is not None
    return person


@pytest.fixture
def loaded(extract: Callable[..., Path]) -> None:
    ingest_extract(extract())


@pytest.fixture
def officer() -> object:
    return get_user_model().objects.create_user("linker", password="x-long-password-1")


def test_every_record_gets_a_person_with_the_decision_recorded(loaded: None) -> None:
    run = _run()
    _pair("F1", "P77", 0.995, run)
    recluster(run)
    assert _person("F1") == _person("P77")  # the father at maternity is the man the police know
    assert Person.objects.count() == 3
    decision = LinkDecision.objects.get(record=_record("P77"), superseded_at__isnull=True)
    assert decision.method in (LinkDecision.Method.AUTOMATIC, LinkDecision.Method.NEW_PERSON)
    assert (
        not LinkDecision.objects.filter(record=_record("M1"))
        .exclude(method=LinkDecision.Method.NEW_PERSON)
        .exists()
    )


def test_person_references_are_stable_when_new_records_arrive(
    loaded: None, extract: Callable[..., Path]
) -> None:
    run = _run()
    _pair("F1", "P77", 0.995, run)
    recluster(run)
    before = {r.local_id: r.person.reference for r in SourceRecord.objects.select_related("person")}

    from tests.fixtures.partnership import small_partnership

    people = small_partnership()["people"]
    people.append(
        {"agency": "POL", "id": "P78", "forename": "Robert", "surname": "Tanner", "sex": "male"}
    )
    ingest_extract(extract(people=people))
    second = _run()
    _pair("F1", "P78", 0.996, second)
    recluster(second)
    after = {r.local_id: r.person.reference for r in SourceRecord.objects.select_related("person")}
    assert {k: after[k] for k in before} == before  # nobody renumbered
    assert after["P78"] == after["F1"]


def test_a_rejected_link_survives_later_runs_and_undo_restores_it(
    loaded: None, officer: object
) -> None:
    run = _run()
    _pair("F1", "P77", 0.995, run)
    recluster(run)
    reference = _person("F1").reference
    decision = decisions.reject(
        _record("F1"),
        _record("P77"),
        user=officer,
        reason="different dates of birth on the birth certificate",
    )
    assert _person("F1") != _person("P77")
    assert _person("F1").reference == reference  # the kept side keeps its reference
    recluster(_run())  # a later run with the same evidence
    assert _person("F1") != _person("P77")
    assert decision.decided_by == officer and decision.reason

    decisions.undo(decision, user=officer, reason="the certificate was the wrong child's")
    assert _person("F1") == _person("P77")
    assert ClericalDecision.objects.get().undone_at is not None


def test_confirm_links_records_the_model_left_in_review(loaded: None, officer: object) -> None:
    run = _run()
    _pair("F1", "P77", 0.7, run)
    recluster(run)
    assert _person("F1") != _person("P77")
    assert [item.pair.match_probability for item in review_queue()] == [0.7]
    assert review_queue()[0].priority == 0  # a man linked to a baby comes first
    decisions.confirm(_record("F1"), _record("P77"), user=officer, reason="same phone and address")
    assert _person("F1") == _person("P77")
    assert review_queue() == []
    current = LinkDecision.objects.get(record=_record("P77"), superseded_at__isnull=True)
    assert current.method == LinkDecision.Method.CLERICAL
    assert LinkDecision.objects.filter(record=_record("P77")).count() >= 1


def test_merge_and_split_and_undo_of_a_merge(loaded: None, officer: object) -> None:
    recluster(_run())
    mother, baby = _person("M1"), _person("B1")
    merge = decisions.merge(mother, baby, user=officer, reason="test merge")
    assert _person("B1") == _person("M1") == mother
    assert Person.objects.get(pk=baby.pk).merged_into == mother  # the old reference leads on
    decisions.undo(merge, user=officer, reason="merged by mistake")
    assert _person("B1") == baby  # undo brings the baby's own reference back
    assert _person("M1") == mother
    assert Person.objects.get(pk=baby.pk).merged_into is None

    run = _run()
    _pair("F1", "P77", 0.999, run)
    recluster(run)
    decisions.split(_record("P77"), user=officer, reason="police record is a cousin")
    assert _person("F1") != _person("P77")
    recluster(_run())
    assert _person("F1") != _person("P77")


@pytest.mark.parametrize("reason", ["", "   ", "x" * (decisions.REASON_MAX + 1)])
def test_decisions_need_a_reason_of_bounded_length(
    loaded: None, officer: object, reason: str
) -> None:
    with pytest.raises(decisions.DecisionRefused, match="reason"):
        decisions.confirm(_record("F1"), _record("P77"), user=officer, reason=reason)


def test_a_contradicting_decision_is_refused(loaded: None, officer: object) -> None:
    recluster(_run())
    decisions.reject(_record("F1"), _record("P77"), user=officer, reason="not him")
    with pytest.raises(decisions.DecisionRefused, match="contradicts"):
        decisions.confirm(_record("P77"), _record("F1"), user=officer, reason="is him")


def test_the_graph_query_follows_linkage_across_agencies_and_areas(loaded: None) -> None:
    run = _run()
    _pair("F1", "P77", 0.995, run)
    recluster(run)
    father = _person("P77")  # the police's record of him
    children = children_of(father)
    assert [(c.kind, c.agency, c.area, c.child_person_id) for c in children] == [
        ("birth_father", "QAV-MAT", "QAV", _person("B1").pk)
    ]
    around = {(a.kind, a.adult_person_id) for a in adults_around(_person("B1"))}
    assert around == {("birth_mother", _person("M1").pk), ("birth_father", father.pk)}


def test_a_link_held_back_by_an_exclusion_waits_for_review_and_a_decision_binds(
    loaded: None, officer: object
) -> None:
    """Two valid NHS numbers one digit apart, everything else agreeing: the link is not made
    but queued with its reason; a practitioner's confirmation joins them, and holds."""
    SourceRecord.objects.filter(local_id="F1").update(nhs_number="9990000026")
    SourceRecord.objects.filter(local_id="P77").update(nhs_number="9990000018")
    run = _run()
    pair = _pair("F1", "P77", 0.99999, run)
    recluster(run)
    assert _person("F1") != _person("P77")
    [item] = review_queue()
    assert item.pair == pair and item.priority == 0
    assert "two different NHS numbers" in (held_back_because(item.pair) or "")
    decisions.confirm(
        _record("F1"), _record("P77"), user=officer, reason="GP confirms one number mistyped"
    )
    assert _person("F1") == _person("P77")
    assert held_back_because(CandidatePair.objects.get(pk=pair.pk)) is None
    recluster(_run())  # a later run with the same evidence
    assert _person("F1") == _person("P77")
    assert review_queue() == []


def test_a_link_on_name_and_date_of_birth_alone_waits_for_review(loaded: None) -> None:
    run = _run()
    pair = _pair("F1", "P77", 0.9995, run)
    CandidatePair.objects.filter(pk=pair.pk).update(
        evidence={"forename": 5.0, "surname": 6.0, "dob": 12.0, "postcode": -3.2}
    )
    recluster(run)
    assert _person("F1") != _person("P77")
    [item] = review_queue()
    assert "only the name and date of birth agree" in (held_back_because(item.pair) or "")


def test_a_pair_both_records_own_links_outweigh_is_not_queued() -> None:
    from seen.linkage.review import outweighed

    # each record is in its person at 0.99999 (16.6 bits); the pair between them is 0.3
    assert outweighed(0.3, 0.99999, 0.99999)
    # a record alone (no own link), or one held only a little more strongly: queued
    assert not outweighed(0.3, 0.99999, None)
    assert not outweighed(0.9, 0.995, 0.99999)


def test_a_record_joined_by_a_decision_alone_still_brings_its_nhs_number(
    extract: Callable[..., Path], officer: object
) -> None:
    """F1 is confirmed as P78 (who has no automatic link to him); P78 links automatically to
    P77, whose NHS number is not F1's. Clustering checks F1's number too, as Spark's clustering
    does: P77 waits for review rather than joining a person with two NHS numbers."""
    people = [
        *small_partnership()["people"],
        {"agency": "POL", "id": "P78", "forename": "Robert", "surname": "Tanner", "sex": "male"},
    ]
    ingest_extract(extract(people=people))
    SourceRecord.objects.filter(local_id="F1").update(nhs_number="9990000026")
    SourceRecord.objects.filter(local_id="P77").update(nhs_number="9990000034")
    decisions.confirm(_record("F1"), _record("P78"), user=officer, reason="same man, same address")
    run = _run()
    pair = _pair("P77", "P78", 0.99999, run)
    recluster(run)
    assert _person("F1") == _person("P78") != _person("P77")
    assert [item.pair for item in review_queue()] == [pair]
