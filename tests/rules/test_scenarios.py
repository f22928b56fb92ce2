"""`seen rules check-scenarios`: a synthetic partnership into a fresh database, linked, the rules
run, and every planted scenario found by its own rule (the issue's recall of 100%)."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from seen.core.procedures import PLANTED_IDS
from seen.synth.generator import generate

pytestmark = pytest.mark.slow


def test_every_planted_scenario_raises_its_alert(tmp_path: Path) -> None:
    generate(tmp_path / "x", areas=2, births=200, seed=11, start=date(2025, 4, 1))
    out = io.StringIO()
    call_command("rules", "check-scenarios", str(tmp_path / "x"), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["missing"] == []
    assert set(report["recall_by_procedure"]) == PLANTED_IDS  # a scenario for each
    assert report["found"] == report["scenarios"] >= 15
    # ordinary families raise few alerts (the target is a rate, printed by the command)
    assert report["false_alerts_per_1000_births"] < 50


def test_a_folder_without_ground_truth_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a synthetic extract"):
        call_command("rules", "check-scenarios", str(tmp_path), stdout=io.StringIO())
