"""A fact written on a page is kept even when a rule fails after it: the failure is logged and
the practitioner's request answered (the next run evaluates the family)."""

from __future__ import annotations

import logging

import pytest

from seen.rules import arrivals
from seen.rules.world import Scope


def test_a_failing_rule_is_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**_: object) -> None:
        raise RuntimeError("a rule's fault")

    monkeypatch.setattr(arrivals, "evaluate", broken)
    with caplog.at_level(logging.ERROR, logger="seen.rules.arrivals"):
        outcome = arrivals.evaluate_after_write(Scope(frozenset({7}), frozenset({3})))
    assert outcome.raised == [] and outcome.resolved == []
    [entry] = caplog.records
    assert "records [7], pregnancies [3]" in entry.getMessage()
    assert entry.exc_info is not None and "a rule's fault" in str(entry.exc_info[1])
