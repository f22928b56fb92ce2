"""Training without labels, the saved artefact, scoring with evidence, bands and clusters."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from seen.linkage import evaluate
from seen.linkage.model import (
    ARTEFACT_FORMAT,
    SEEN_MODEL_VERSION,
    Bands,
    LinkageModel,
    connected_components,
)

from .conftest import Partnership


def test_bands() -> None:
    bands = Bands(auto_link=0.99, review=0.5)
    assert [bands.band(p) for p in (0.999, 0.99, 0.7, 0.5, 0.1)] == [
        "link",
        "link",
        "review",
        "review",
        "no_link",
    ]
    with pytest.raises(ValueError):
        Bands(auto_link=0.5, review=0.9)


def test_connected_components() -> None:
    clusters = connected_components(["a", "b", "c", "d", "e"], [("b", "c"), ("d", "c")])
    assert clusters == {"a": "a", "b": "b", "c": "b", "d": "b", "e": "e"}


def test_the_artefact_round_trip_scores_the_same(
    trained: LinkageModel, prepared: pa.Table, tmp_path: Path
) -> None:
    path = tmp_path / "model.json"
    trained.save(path)
    document = json.loads(path.read_text())
    assert document["format"] == ARTEFACT_FORMAT
    assert document["seen_model_version"] == SEEN_MODEL_VERSION
    assert document["splink_settings"]["comparisons"]
    assert document["version"] == trained.version
    loaded = LinkageModel.load(path)
    assert loaded.version == trained.version
    assert loaded.comparison_names == trained.comparison_names
    before = trained.predict(prepared, threshold=0.5)
    after = loaded.predict(prepared, threshold=0.5)
    assert before.num_rows > 0
    assert before.equals(after)


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"format": "something else"}))
    with pytest.raises(ValueError, match="not a Seen linkage model"):
        LinkageModel.load(path)
    path.write_text(json.dumps({"format": ARTEFACT_FORMAT, "seen_model_version": 0}))
    with pytest.raises(ValueError, match="train a new model"):
        LinkageModel.load(path)


def test_every_pair_keeps_its_evidence(trained: LinkageModel, prepared: pa.Table) -> None:
    pairs = trained.predict(prepared, threshold=0.5)
    names = trained.comparison_names
    assert {"forename", "surname", "dob", "nhs_number", "postcode"} <= set(names)
    for column in ("record_id_l", "record_id_r", "match_probability", "match_weight"):
        assert column in pairs.column_names
    assert all(f"mw_{name}" in pairs.column_names for name in names)
    prior = trained.prior_match_weight
    row = pairs.slice(0, 1).to_pylist()[0]
    assert row["record_id_l"] < row["record_id_r"]
    total = prior + sum(row[f"mw_{name}"] for name in names)
    assert total == pytest.approx(row["match_weight"], abs=1e-3)
    assert min(pairs.column("match_probability").to_pylist()) >= 0.5


def test_the_same_seed_trains_the_same_model(trained: LinkageModel, prepared: pa.Table) -> None:
    again = LinkageModel.train(prepared, seed=1)
    assert again.version == trained.version


def test_auto_links_are_precise_on_a_synthetic_partnership(
    trained: LinkageModel, prepared: pa.Table, partnership: Partnership
) -> None:
    bands = Bands()
    pairs = trained.predict(prepared, threshold=bands.review)
    auto = [
        (a, b)
        for a, b, p in zip(
            pairs.column("record_id_l").to_pylist(),
            pairs.column("record_id_r").to_pylist(),
            pairs.column("match_probability").to_pylist(),
            strict=True,
        )
        if p >= bands.auto_link
    ]
    scores = evaluate.pairwise(auto, partnership.truth)
    assert scores.precision >= 0.99
    assert scores.recall >= 0.9
    clusters = trained.cluster(prepared, pairs, threshold=bands.auto_link)
    assert set(clusters) == set(prepared.column("record_id").to_pylist())
    assert evaluate.bcubed(clusters, partnership.truth).f1 >= 0.95
