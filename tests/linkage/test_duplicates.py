"""The persons who may be the same as one person (seen.linkage.duplicates), which the person page
offers to merge: by candidate pairs between a record of each, the most likely first; not a pair
a decision settles, not one the records' own links outweigh, not a person decided to be someone
else; and a merge across a decision that keeps two records apart is refused by the service."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from seen.core import clock
from seen.ingest.loader import ingest_extract
from seen.linkage import decisions
from seen.linkage.duplicates import offered_pair, possible_same_persons
from seen.linkage.models import CandidatePair, ClericalDecision, LinkRun
from seen.linkage.resolve import recluster
from seen.people.models import Person, SourceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(extract: Callable[..., Path]) -> LinkRun:
    ingest_extract(extract())
    return LinkRun.objects.create(
        kind=LinkRun.Kind.BATCH,
        auto_link_threshold=0.99,
        review_threshold=0.5,
        started_at=clock.now(),
    )


def _record(local_id: str) -> SourceRecord:
    return SourceRecord.objects.get(local_id=local_id)


def _person(local_id: str) -> Person:
    person = _record(local_id).person
    assert person is not None
    return person


def _pair(a: str, b: str, probability: float, run: LinkRun) -> CandidatePair:
    left, right = sorted([_record(a).pk, _record(b).pk])
    return CandidatePair.objects.create(
        record_l_id=left,
        record_r_id=right,
        match_probability=probability,
        match_weight=1.0,
        evidence={"forename": 1.0},
        band="link" if probability >= 0.99 else "review",
        run=run,
    )


def test_the_persons_a_pair_joins_most_likely_first(run: LinkRun) -> None:
    weaker = _pair("F1", "M1", 0.6, run)
    stronger = _pair("F1", "P77", 0.8, run)
    recluster(run)
    found = possible_same_persons(_person("F1"))
    assert [p.person for p in found] == [_person("P77"), _person("M1")]
    assert found[0].strongest == stronger and found[1].pairs == (weaker,)
    assert [p.person for p in possible_same_persons(_person("P77"))] == [_person("F1")]
    assert offered_pair(_person("F1"), stronger.pk) == found[0]
    assert offered_pair(_person("M1"), stronger.pk) is None  # not a pair of hers
    assert offered_pair(_person("F1"), 999_999) is None


def test_a_settled_or_outweighed_pair_is_not_offered(run: LinkRun) -> None:
    _pair("F1", "P77", 0.8, run)
    recluster(run)
    decisions.confirm(_record("F1"), _record("P77"), user=None, reason="same man")
    assert possible_same_persons(_person("F1")) == []  # one person now
    undone = ClericalDecision.objects.get()
    decisions.undo(undone, user=None, reason="not sure")
    assert len(possible_same_persons(_person("F1"))) == 1
    decisions.reject(_record("F1"), _record("P77"), user=None, reason="two men")
    assert possible_same_persons(_person("F1")) == []


def test_a_pair_the_records_own_links_outweigh_is_not_offered(run: LinkRun) -> None:
    """Two records each linked to their own person far more strongly than to each other."""
    agency = _record("P77").agency
    for local_id in ("X1", "X2", "Y1", "Y2"):
        SourceRecord.objects.create(agency=agency, local_id=local_id, surname=local_id)
    _pair("X1", "X2", 0.9999, run)
    _pair("Y1", "Y2", 0.9999, run)
    weak = _pair("X1", "Y1", 0.55, run)
    recluster(run)
    assert _person("X1") == _person("X2") and _person("Y1") == _person("Y2")
    assert _person("X1") != _person("Y1")
    assert possible_same_persons(_person("X1")) == []
    CandidatePair.objects.filter(pk=weak.pk).update(match_probability=0.98)
    assert [p.person for p in possible_same_persons(_person("X1"))] == [_person("Y1")]


def test_a_person_decided_to_be_someone_else_is_not_offered_nor_merged(run: LinkRun) -> None:
    _pair("F1", "P77", 0.9999999, run)  # the father, one person with his police record
    _pair("F1", "M1", 0.7, run)
    recluster(run)
    father, mother = _person("F1"), _person("M1")
    decisions.reject(_record("P77"), _record("M1"), user=None, reason="not her")
    assert possible_same_persons(father) == []  # his other record was decided apart from hers
    with pytest.raises(decisions.DecisionRefused, match="decision in force"):
        decisions.merge(father, mother, user=None, reason="the same")
    assert not ClericalDecision.objects.filter(kind="merge").exists()
