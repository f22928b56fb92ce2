"""Values the records cannot teach: levels never seen in training, and disagreements that depend
on how mobile the training population is (seen.linkage.reasoned)."""

from __future__ import annotations

import logging
import math

import pytest

from seen.linkage import reasoned
from seen.linkage.model import LinkageModel
from seen.linkage.prepare import prepare_records


def _level(label: str, m: float | None, u: float) -> dict[str, object]:
    return {"label_for_charts": label, "m_probability": m, "u_probability": u}


def _settings() -> dict[str, object]:
    return {
        "comparisons": [
            {
                "output_column_name": "forename",
                "comparison_levels": [
                    {"label_for_charts": "missing on either side", "is_null_level": True},
                    _level("same forename", 0.9, 0.01),
                    _level("an initial and a forename it begins", None, 1e-6),
                    _level("all other", 0.1, 0.99),
                ],
            },
            {
                "output_column_name": "postcode",
                "comparison_levels": [
                    _level("same postcode (surnames agree)", 0.99, 0.01),
                    _level("all other (surnames agree)", 0.01, 0.99),
                    _level("same postcode (surnames differ or missing)", 0.95, 0.001),
                    _level("all other (surnames differ or missing)", 0.05, 0.999),
                ],
            },
            {
                "output_column_name": "phone",
                "comparison_levels": [
                    _level("same phone number", 1.0, 0.001),
                    _level("all other", None, 0.999),
                ],
            },
        ]
    }  # fmt: skip


def _m(settings: dict[str, object], comparison: str, label: str) -> float:
    for c in settings["comparisons"]:  # type: ignore[attr-defined]
        for level in c["comparison_levels"]:
            if c["output_column_name"] == comparison and level["label_for_charts"] == label:
                return float(level["m_probability"])
    raise KeyError(label)


def test_an_agreement_never_seen_counts_for_nothing_a_disagreement_never_seen_against() -> None:
    settings = _settings()
    untrained = reasoned.untrained_levels(settings)
    assert untrained == [
        ("forename", "an initial and a forename it begins"),
        ("phone", "all other"),
    ]
    for level in settings["comparisons"][2]["comparison_levels"]:  # type: ignore[index]
        level["m_probability"] = level["m_probability"] or 0.0
    reasoned.apply(settings, untrained)
    initial = _m(settings, "forename", "an initial and a forename it begins")
    assert math.log2(initial / 1e-6) == pytest.approx(0.0)
    assert _m(settings, "phone", "all other") == pytest.approx(reasoned.M_FLOOR)
    forename = settings["comparisons"][0]["comparison_levels"][1:]  # type: ignore[index]
    assert sum(float(lv["m_probability"]) for lv in forename) == pytest.approx(1.0)


def test_a_different_postcode_never_weighs_as_if_nobody_moves() -> None:
    settings = reasoned.apply(_settings(), [])
    for state in ("surnames agree", "surnames differ or missing"):
        assert _m(settings, "postcode", f"all other ({state})") == pytest.approx(0.1)
        group = [
            _m(settings, "postcode", f"same postcode ({state})"),
            _m(settings, "postcode", f"all other ({state})"),
        ]
        assert sum(group) == pytest.approx(1.0)  # each state's levels still sum to 1
    weight = math.log2(0.1 / 0.99)
    assert weight > -3.4  # it was log2(0.01 / 0.99), -6.6 bits


def test_training_says_it_in_one_line_instead_of_splinks_warnings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rows = [
        {"record_id": str(i), "forename": ["Ann", "Bo", "Cy"][i % 3], "surname": "Lee",
         "dob": f"1990-01-{1 + i % 20:02d}", "postcode": "QA1 2BC"}
        for i in range(60)
    ]  # fmt: skip
    said: list[str] = []
    with caplog.at_level(logging.WARNING):
        model = LinkageModel.train(prepare_records(rows), seed=1, progress=said.append)
    assert not [r for r in caplog.records if r.name.startswith("splink")]
    [line] = [s for s in said if "comparison level" in s]
    untrained = model.meta["untrained_levels"]
    assert untrained and line.startswith(f"{len(untrained)} comparison levels were not seen")
    assert reasoned.summary([]) == "every comparison level was trained on these records"
