"""Which of a mother's pregnancy rows are one unborn child: one rule (seen.rules.world.
unborn_children) for the rules' world and for a page's `U…` reference."""

from __future__ import annotations

from datetime import date, timedelta

from seen.rules.world import POSSIBLE_SAME_PREGNANCY_DAYS, unborn_children

DUE = date(2026, 3, 1)


def _on(days: int) -> date:
    return DUE + timedelta(days=days)


def test_pregnancies_due_close_together_are_one_child_and_a_later_one_another() -> None:
    rows = [(3, _on(0)), (1, _on(10)), (7, _on(400))]
    assert unborn_children(rows) == [[3, 1], [7]]


def test_the_window_chains_from_one_pregnancy_to_the_next() -> None:
    """Agencies' estimates drift: 0, 50 and 100 days are one child though the first and last
    are further apart than the window, as each is within it of the one before."""
    window = POSSIBLE_SAME_PREGNANCY_DAYS
    rows = [(1, _on(0)), (2, _on(window - 10)), (3, _on(2 * window - 20))]
    assert unborn_children(rows) == [[1, 2, 3]]
    assert unborn_children([(1, _on(0)), (2, _on(window + 1))]) == [[1], [2]]


def test_the_order_is_by_expected_date_then_id_whatever_the_order_given() -> None:
    rows = [(9, _on(5)), (4, _on(5)), (2, _on(0))]
    assert unborn_children(rows) == [[2, 4, 9]]
    assert unborn_children(list(reversed(rows))) == [[2, 4, 9]]
    assert unborn_children([]) == []
