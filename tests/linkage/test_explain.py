"""The review page's arithmetic: the prior and each comparison's weight add up to the total
shown, in words."""

from __future__ import annotations

import random

import pytest

from seen.linkage.explain import adding_up, explain, words_for


def test_parts_rounded_to_a_tenth_add_up_to_the_total_rounded() -> None:
    rng = random.Random(4)
    for _ in range(2000):
        values = [rng.uniform(-15, 15) for _ in range(rng.randint(1, 10))]
        total = sum(values)
        shown = adding_up(values, total)
        assert round(sum(shown), 1) == round(total, 1)
        assert all(abs(a - b) < 0.1 + 1e-9 for a, b in zip(shown, values, strict=True))


def test_the_prior_is_what_the_comparisons_leave_of_the_match_weight() -> None:
    # a pair as the issue found it: weights adding to +20.6 beside a match weight of 7.6
    evidence = {"forename": 7.55, "surname": 7.04, "postcode": 6.01, "address": 0.0}
    levels = {
        "forename": "same forename",
        "surname": "same surname",
        "postcode": "same postcode (surnames agree)",
        "address": "same address (postcodes agree)",
    }
    explanation = explain(7.6, 0.9949, evidence, levels)
    prior, *parts = explanation.parts
    assert prior.comparison == "prior" and prior.shown == pytest.approx(-13.0)
    assert "one time in 8,193" in prior.words
    assert round(sum(p.shown for p in explanation.parts), 1) == explanation.total == 7.6
    words = {p.comparison: p.words for p in parts}
    assert words["forename"] == "the same first name"
    assert words["address"] == "the same address (most of it already counted with the postcode)"
    assert [p.name for p in parts] == ["First name", "Last name", "Postcode", "Address"]
    assert [p.direction for p in parts][-1] == "neither for nor against"


def test_a_level_without_words_is_shown_as_its_label_and_none_says_so() -> None:
    assert words_for("a level added later") == "a level added later"
    assert words_for(None) == "not recorded for this pair"
    assert words_for("all other (surnames agree)") == (
        "different (counted given that the last names agree)"
    )
