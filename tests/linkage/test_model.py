"""Training without labels, the saved artefact, scoring with evidence, bands and clusters."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from seen.linkage import evaluate
from seen.linkage.blocking import BLOCKING_RULES
from seen.linkage.comparisons import COMPARISONS
from seen.linkage.model import (
    ARTEFACT_FORMAT,
    SEEN_MODEL_VERSION,
    Bands,
    LinkageModel,
)
from seen.linkage.prepare import prepare_records

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


def test_the_model_clusters_at_its_threshold_under_its_exclusions() -> None:
    prepared = prepare_records(
        [
            {"record_id": "a", "forename": "Ann", "surname": "Lee", "nhs_number": "9990000026"},
            {"record_id": "b", "forename": "Ann", "surname": "Lee"},
            {"record_id": "c", "forename": "Ann", "surname": "Lee", "nhs_number": "9990000018"},
            {"record_id": "d", "forename": "Bo", "surname": "Ng"},
        ]
    )
    pairs = pa.table(
        {
            "record_id_l": ["a", "b", "c"],
            "record_id_r": ["b", "c", "d"],
            "match_probability": [0.9999, 0.995, 0.2],
        }
    )
    model = LinkageModel({"comparisons": []})
    clustering = model.cluster(prepared, pairs, threshold=0.99, merge_mean=None)
    # b joins a (the stronger link); c holds another NHS number, so b-c is held back
    assert clustering.persons == {"a": "a", "b": "a", "c": "c", "d": "d"}
    assert [(h.left, h.right) for h in clustering.held] == [("b", "c")]
    assert "NHS numbers" in clustering.held[0].reason


def _level(comparison: str, left: dict[str, str], right: dict[str, str]) -> str:
    """The label of the first level of `comparison` that holds for two raw records."""
    prepared = prepare_records([{"record_id": "l", **left}, {"record_id": "r", **right}])
    levels = next(levels for name, _needs, levels in COMPARISONS if name == comparison)
    con = duckdb.connect()
    try:
        con.register("p", prepared)
        columns = ", ".join(
            f'l."{c}" AS "{c}_l", r."{c}" AS "{c}_r"' for c in prepared.column_names
        )
        con.execute(
            f"CREATE TABLE pair AS SELECT {columns} FROM p AS l, p AS r "
            "WHERE l.record_id = 'l' AND r.record_id = 'r'"
        )
        for level in levels:
            sql = level["sql_condition"]
            if sql == "ELSE" or con.execute(f"SELECT ({sql}) FROM pair").fetchall()[0][0]:
                return str(level["label_for_charts"])
    finally:
        con.close()
    raise AssertionError("no level holds")


def test_an_initial_agrees_with_the_forename_it_begins() -> None:
    label = _level("forename", {"forename": "J."}, {"forename": "Joseph"})
    assert label == "an initial and a forename it begins"
    assert _level("forename", {"forename": "K"}, {"forename": "Joseph"}) == "all other"


def test_names_swapped_with_a_slip_count_once() -> None:
    left = {"forename": "Imogen", "surname": "Braithwaite"}
    right = {"forename": "Braitwaite", "surname": "Imogen"}
    assert _level("forename", left, right) == "forename and surname swapped"
    assert _level("surname", left, right).startswith("missing on either side, or swapped")
    other = {"forename": "Braitwaite", "surname": "Jones"}
    assert _level("forename", left, other) == "all other"


def test_a_slip_in_the_year_is_told_from_one_in_the_day_or_month() -> None:
    level = _level("dob", {"dob": "1855-01-01"}, {"dob": "1865-01-01"})
    assert level == "year one digit different, same day and month (a slip)"
    level = _level("dob", {"dob": "1855-01-01"}, {"dob": "1855-01-04"})
    assert level == "same year, day or month one digit different (a slip)"


def test_addresses_with_slips_in_several_words_are_close() -> None:
    # three words in common of seven distinct ones: fewer than half
    left = {"address": "9 rodway sptreet cronulla", "postcode": "2230"}
    right = {"address": "9 rodway street canbermra hse cronulla", "postcode": "2230"}
    assert _level("address", left, right) == "address Jaro-Winkler >= 0.8 (postcodes agree)"
    right = {"address": "88 kent road peppermint grove", "postcode": "2230"}
    assert _level("address", left, right) == "all other (postcodes agree)"


def test_swapped_names_with_a_slip_on_one_date_of_birth_are_scored() -> None:
    prepared = prepare_records(
        [
            {"record_id": "1", "forename": "Laura", "surname": "Webb", "dob": "1969-04-12"},
            {"record_id": "2", "forename": "Wegb", "surname": "Laura", "dob": "1969-04-12"},
        ]
    )
    found = _blocked_by(prepared)
    assert found


def test_a_partner_known_by_name_and_phone_with_a_mistyped_forename_is_scored() -> None:
    prepared = prepare_records(
        [
            {"record_id": "1", "forename": "Darren", "surname": "Knight", "phone": "07700900061"},
            {"record_id": "2", "forename": "Darreen", "surname": "Knight", "phone": "07700900061"},
        ]
    )
    assert _blocked_by(prepared)


def _blocked_by(prepared: pa.Table) -> list[str]:
    """The always-used blocking rules under which the two records of `prepared` are a pair."""
    con = duckdb.connect()
    try:
        con.register("p", prepared)
        return [
            rule.sql
            for rule in BLOCKING_RULES
            if con.execute(
                f"SELECT count(*) FROM p AS l JOIN p AS r ON l.record_id < r.record_id "
                f"AND {rule.sql}"
            ).fetchall()[0][0]
        ]
    finally:
        con.close()


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
    clusters = trained.cluster(prepared, pairs, threshold=bands.auto_link).persons
    assert set(clusters) == set(prepared.column("record_id").to_pylist())
    assert evaluate.bcubed(clusters, partnership.truth).f1 >= 0.95
