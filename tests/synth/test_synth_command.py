"""`seen synth`: writes an extract, refuses a folder in use unless --force, explains bad options."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from seen.synth.generator import generate


def _synth(*args: str) -> str:
    out = io.StringIO()
    call_command("synth", *args, stdout=out)
    return out.getvalue()


def test_writes_an_extract(tmp_path: Path) -> None:
    folder = tmp_path / "extract"
    said = _synth("--areas", "2", "--births", "40", "--seed", "3", "--out", str(folder))
    assert "synth-seed3-areas2-births40" in said
    assert (folder / "manifest.json").exists()
    assert (folder / "people.csv").exists()
    assert (folder / "truth" / "scenarios.json").exists()


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(CommandError, match=r"not empty.*--force"):
        _synth("--births", "40", "--out", str(tmp_path))
    assert not (tmp_path / "people.csv").exists()
    _synth("--births", "40", "--out", str(tmp_path), "--force")
    assert (tmp_path / "people.csv").exists()
    assert (tmp_path / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--births", "5"), "births must be between"),
        (("--areas", "0"), "areas must be between"),
        (("--start-date", "2025-02-30"), "not a date"),
        (("--ending", "yesterday"), "not a date"),
        (("--ending", "today", "--start-date", "2025-04-01"), "not both"),
    ],
)
def test_explains_bad_options(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _synth(*args, "--out", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


def test_start_date_moves_the_window(tmp_path: Path) -> None:
    summary = generate(tmp_path, areas=1, births=40, seed=1, start=date(2024, 2, 29))
    births = (tmp_path / "births.csv").read_text().splitlines()[1:]
    days = sorted(line.split(",")[2] for line in births)
    assert days[0] >= "2024-02-29" and days[-1] <= "2025-02-28"
    assert summary.facts["births"] == 40


def test_a_year_ending_today_makes_todays_demo(tmp_path: Path) -> None:
    """`make demo`: the year ends today, so the youngest babies are days old, not months."""
    from seen.core import clock

    clock.set_now(date(2026, 12, 6))
    _synth("--areas", "1", "--births", "40", "--ending", "today", "--out", str(tmp_path))
    births = (tmp_path / "births.csv").read_text().splitlines()[1:]
    days = sorted(line.split(",")[2] for line in births)
    assert days[0] >= "2025-12-07" and days[-1] <= "2026-12-06"
    assert days[-1] >= "2026-11-01"  # born in the last weeks, not a year ago


def test_the_window_ending_on_a_day_is_the_year_up_to_it() -> None:
    from seen.synth.plan import Window

    window = Window.ending_on(date(2026, 12, 6))
    assert (window.start, window.last) == (date(2025, 12, 7), date(2026, 12, 6))
    leap = Window.ending_on(date(2024, 2, 28))
    assert (leap.start, leap.last) == (date(2023, 3, 1), date(2024, 2, 28))
