"""Cohen's kappa against values worked by hand: kappa = (po - pe) / (1 - pe)."""

from __future__ import annotations

import pytest

from seen.thematic.kappa import kappa

Y, N = True, False


def test_the_textbook_table() -> None:
    # 50 excerpts: both yes 20, first yes second no 5, first no second yes 10, both no 15.
    # po = 35/50 = 0.7; first says yes 25/50 = 0.5, second 30/50 = 0.6;
    # pe = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4
    pairs = [(Y, Y)] * 20 + [(Y, N)] * 5 + [(N, Y)] * 10 + [(N, N)] * 15
    found = kappa(pairs)
    assert found.items == 50
    assert found.observed == pytest.approx(0.7)
    assert found.expected == pytest.approx(0.5)
    assert found.kappa == pytest.approx(0.4)


def test_perfect_agreement_on_mixed_calls_is_one() -> None:
    # po = 1; pe = 0.5 * 0.5 + 0.5 * 0.5 = 0.5; kappa = 0.5 / 0.5 = 1
    found = kappa([(Y, Y), (N, N), (Y, Y), (N, N)])
    assert found.observed == 1 and found.expected == pytest.approx(0.5)
    assert found.kappa == pytest.approx(1.0)


def test_agreement_no_better_than_chance_is_zero() -> None:
    # first: Y Y N N, second: Y N Y N. po = 2/4 = 0.5; pe = 0.5 * 0.5 + 0.5 * 0.5 = 0.5
    found = kappa([(Y, Y), (Y, N), (N, Y), (N, N)])
    assert found.observed == pytest.approx(0.5) and found.kappa == pytest.approx(0.0)


def test_systematic_disagreement_is_negative() -> None:
    # po = 0; pe = 0.5; kappa = -0.5 / 0.5 = -1
    assert kappa([(Y, N), (N, Y)]).kappa == pytest.approx(-1.0)
    # one always yes, the other always no: po = 0, pe = 1 * 0 + 0 * 1 = 0, kappa = 0
    opposite = kappa([(Y, N)] * 3)
    assert opposite.expected == 0 and opposite.kappa == pytest.approx(0.0)


def test_three_quarters_agreement_on_a_rare_theme() -> None:
    # 8 excerpts: both yes 1, first only 1, second only 1, both no 5. po = 6/8 = 0.75;
    # each says yes 2/8 = 0.25: pe = 0.0625 + 0.5625 = 0.625; kappa = 0.125 / 0.375 = 1/3
    found = kappa([(Y, Y), (Y, N), (N, Y)] + [(N, N)] * 5)
    assert found.expected == pytest.approx(0.625)
    assert found.kappa == pytest.approx(1 / 3)


@pytest.mark.parametrize("call", [Y, N])
def test_the_same_one_call_everywhere_leaves_kappa_undefined(call: bool) -> None:
    # every call alike: po = 1 and pe = 1, kappa = 0/0; None, with the agreement kept
    found = kappa([(call, call)] * 6)
    assert found.kappa is None
    assert found.observed == 1 and found.expected == 1 and found.items == 6


def test_no_excerpt_coded_by_both() -> None:
    found = kappa([])
    assert found.items == 0 and found.kappa is None
