"""Cohen's kappa for two reviewers' yes/no calls on the same items: the agreement beyond what
chance would give, (observed - expected) / (1 - expected), where expected is the agreement two
reviewers calling yes at their own observed rates would reach by chance.

When expected agreement is 1 (both reviewers made the same one call on every item, so chance
alone explains it all), kappa is 0/0: not defined. `kappa` returns None then, as it does with
no items; the page says "not defined" and shows the observed agreement (100%)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Agreement:
    items: int
    observed: float  # the share of items both called alike (0 with no items)
    expected: float  # the share chance would give
    kappa: float | None  # None: not defined (no items, or expected agreement 1)


def kappa(pairs: Sequence[tuple[bool, bool]]) -> Agreement:
    """`pairs`: (first reviewer's call, second reviewer's call) per item."""
    n = len(pairs)
    if n == 0:
        return Agreement(0, 0.0, 0.0, None)
    alike = sum(1 for a, b in pairs if a == b)
    first_yes = sum(1 for a, _ in pairs if a) / n
    second_yes = sum(1 for _, b in pairs if b) / n
    observed = alike / n
    expected = first_yes * second_yes + (1 - first_yes) * (1 - second_yes)
    if expected >= 1:
        return Agreement(n, observed, 1.0, None)
    return Agreement(n, observed, expected, (observed - expected) / (1 - expected))
