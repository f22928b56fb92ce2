"""Relationship context as evidence for men: the family's home and the date a man was named,
from the records around him (seen.linkage.context), in the model and in the exclusions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from seen.evalset import generate
from seen.ingest.loader import ingest_extract
from seen.linkage.batch import record_rows
from seen.linkage.clustering import cluster
from seen.linkage.context import context_of
from seen.linkage.exclusions import born_after_parenthood
from seen.linkage.model import LinkageModel, identifiers_of
from seen.linkage.prepare import RAW_COLUMNS, prepare_records
from seen.people.models import SourceRecord


@pytest.mark.django_db
def test_a_man_named_by_a_pregnancy_carries_its_home_and_the_date(
    extract: Callable[..., Path],
) -> None:
    ingest_extract(extract())
    ids = {r.local_id: r.pk for r in SourceRecord.objects.all()}
    context = context_of()
    # Robert Tanner, named as the father of Jade's pregnancy, has no address of his own
    assert context[ids["F1"]] == {
        "family_postcode": "QA1 2BC",
        "family_phone": None,
        "parent_on": date(2025, 1, 10),
    }
    # the mother: her pregnancy began 280 days before it was due (no booking date given)
    assert context[ids["M1"]]["parent_on"] == date(2024, 8, 29)
    assert ids["B1"] not in context and ids["P77"] not in context
    # what the batch and the incremental match read
    [father] = record_rows(SourceRecord.objects.filter(pk=ids["F1"]))
    assert father["family_postcode"] == "QA1 2BC" and father["parent_on"] == date(2025, 1, 10)
    assert set(father) == set(RAW_COLUMNS)


def test_the_family_home_is_kept_only_where_his_record_has_none() -> None:
    prepared = prepare_records(
        [
            {"record_id": "a", "forename": "Jon", "family_postcode": "qa1 2bc",
             "family_phone": "+44 7700 900123", "parent_on": "2025-01-10"},
            {"record_id": "b", "forename": "Jon", "postcode": "QA1 9ZZ",
             "family_postcode": "QA1 2BC", "phone": "07700900999", "family_phone": "07700900123"},
        ]
    )  # fmt: skip
    rows = {r["record_id"]: r for r in prepared.to_pylist()}
    assert (rows["a"]["family_postcode"], rows["a"]["family_phone"]) == ("QA12BC", "07700900123")
    assert (rows["b"]["family_postcode"], rows["b"]["family_phone"]) == (None, None)
    assert identifiers_of(prepared)["a"]["parent_on"] == "20250110"


def test_a_baby_named_after_his_father_is_not_the_father() -> None:
    assert born_after_parenthood("20250110", "20240915")  # the baby
    assert born_after_parenthood("20250110", "20140101")  # a child of eleven
    assert not born_after_parenthood("20250110", "20120101")
    assert not born_after_parenthood("20250110", "19880731")
    # the father's name-only record at maternity, his son's records: never one person
    identifiers = {1: {"parent_on": "20250110"}, 2: {"dob_text": "20240915"}}
    result = cluster([1, 2], [(1, 2, 0.99999)], threshold=0.995, identifiers=identifiers)
    assert result.persons == {1: 1, 2: 2}
    assert "parent or partner" in result.held[0].reason


def test_his_record_at_the_familys_home_counts_for_him() -> None:
    """On the independent set: a man maternity names by his first name only, against his own
    record at the mother's home, gains from the family's home; a man who lives elsewhere does
    not."""
    evalset = generate(people=1500, seed=3)
    prepared = prepare_records(evalset.records)
    model = LinkageModel.train(prepared, seed=1)
    assert "family_home" in model.comparison_names
    pairs = model.predict(prepared, threshold=0.01).to_pylist()
    rows = {r["record_id"]: r for r in prepared.to_pylist()}
    at_home = [
        p
        for p in pairs
        if p["level_family_home"] >= 0
        and evalset.truth[p["record_id_l"]] == evalset.truth[p["record_id_r"]]
    ]
    assert at_home, "no man's record at the family's home was scored against him"
    gains = {"home": [], "elsewhere": []}
    for pair in at_home:
        named = [rows[pair[k]] for k in ("record_id_l", "record_id_r")]
        assert any(r["family_postcode"] or r["family_phone"] for r in named)
        label = model.level_label("family_home", pair["level_family_home"]) or ""
        gains["home" if "home of the family" in label else "elsewhere"].append(
            pair["mw_family_home"]
        )
    # a little where the surnames agree too (a father and a son share both), much where the
    # man is named by his first name only
    assert gains["home"] and min(gains["home"]) > 0 and max(gains["home"]) > 3
    assert gains["elsewhere"] and max(gains["elsewhere"]) <= 0
