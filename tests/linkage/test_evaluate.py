"""The arithmetic of the figures, on examples small enough to count by hand."""

from __future__ import annotations

import pytest

from seen.linkage import evaluate

# Entities: X = {a, b, c}, Y = {d, e}, Z = {f}: 3 + 1 = 4 true pairs.
TRUTH = {"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Y", "f": "Z"}


def test_true_pairs() -> None:
    assert evaluate.true_pair_count(TRUTH) == 4


def test_pairwise() -> None:
    scores = evaluate.pairwise([("a", "b"), ("b", "a"), ("d", "e"), ("c", "f")], TRUTH)
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (2, 1, 2)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(2 / 4)
    assert scores.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_clustered_counts_the_pairs_a_cluster_implies() -> None:
    # {a, b, c} found whole through two links; {d, e, f} wrongly together.
    clusters = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "2", "f": "2"}
    scores = evaluate.cluster_pairwise(clusters, TRUTH)
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (4, 2, 0)


def test_perfect_and_empty_clusterings() -> None:
    assert evaluate.cluster_pairwise(TRUTH, TRUTH).f1 == 1.0
    alone = evaluate.cluster_pairwise({}, TRUTH)  # everyone alone
    assert (alone.precision, alone.recall) == (1.0, 0.0)
    assert evaluate.bcubed(TRUTH, TRUTH).f1 == 1.0


def test_bcubed() -> None:
    clusters = {"a": "1", "b": "1", "c": "2", "d": "3", "e": "3", "f": "3"}
    result = evaluate.bcubed(clusters, TRUTH)
    # precision: a, b 1; c 1; d, e 2/3; f 1/3  -> (1+1+1+2/3+2/3+1/3)/6
    assert result.precision == pytest.approx((3 + 4 / 3 + 1 / 3) / 6)
    # recall: a, b 2/3; c 1/3; d, e 1; f 1 -> (2/3+2/3+1/3+3)/6
    assert result.recall == pytest.approx((5 / 3 + 3) / 6)


def test_breakdown_by_group() -> None:
    sex = {"X": "male", "Y": "female", "Z": "female"}
    result = evaluate.by_group(TRUTH, sex, pairs=[("a", "b"), ("d", "e")], clusters=TRUTH)
    assert result["male"]["records"] == 3
    assert result["male"]["pairwise"]["recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert result["female"]["pairwise"]["recall"] == 1.0
    assert result["female"]["bcubed"]["f1"] == 1.0


def test_age_bands() -> None:
    assert [evaluate.age_band(a) for a in (0.5, 5, 20, 30, 40, 60, None)] == [
        "under 1",
        "1-17",
        "18-24",
        "25-34",
        "35-44",
        "45+",
        "unknown",
    ]
