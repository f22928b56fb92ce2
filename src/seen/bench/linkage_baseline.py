"""The baseline `seen bench linkage` sets beside Seen's model on the historical figures: a
straightforward Splink model with Splink's stock comparisons, its links joined into persons
without Seen's exclusions, measured against the same truth.
"""

from __future__ import annotations

import time
from typing import Any

import pyarrow as pa

from seen.bench.linkage_datasets import Dataset
from seen.bench.linkage_evaluation import SCORE_THRESHOLD, edges
from seen.linkage import evaluate
from seen.linkage.clustering import cluster
from seen.linkage.model import Bands
from seen.linkage.prepare import connect
from seen.linkage.splink_duckdb import quiet_splink


def run_baseline(raw: pa.Table, threshold: float, *, seed: int = 1) -> dict[str, Any]:
    """A straightforward Splink model: block on names, date of birth and postcode; Splink's
    stock NameComparison, DateOfBirthComparison and PostcodeComparison; u by random sampling,
    m by EM, the prior from deterministic rules."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    quiet_splink()
    started = time.perf_counter()
    con = connect()
    try:
        db_api = DuckDBAPI(connection=con)
        table = db_api.register(
            raw.select(["record_id", "forename", "surname", "dob", "postcode"]),
            dataset_display_name="baseline",
        )
        settings = SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="record_id",
            blocking_rules_to_generate_predictions=[
                block_on("forename", "surname"),
                block_on("surname", "dob"),
                block_on("forename", "dob"),
                block_on("postcode", "forename"),
            ],
            comparisons=[
                cl.NameComparison("forename"),
                cl.NameComparison("surname"),
                cl.DateOfBirthComparison("dob", input_is_string=True),
                cl.PostcodeComparison("postcode"),
            ],
        )
        linker = Linker(table, settings, log_level=None)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("forename", "surname", "dob")], recall=0.7
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("forename", "surname")
        )
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
        scored = linker.inference.predict(threshold_match_probability=SCORE_THRESHOLD)
        pairs = con.sql(
            f"SELECT record_id_l, record_id_r, match_probability FROM {scored.physical_name}"
        ).to_arrow_table()
    finally:
        con.close()
    seconds = time.perf_counter() - started
    strong = [
        (a, b)
        for a, b, p in zip(
            pairs.column("record_id_l").to_pylist(),
            pairs.column("record_id_r").to_pylist(),
            pairs.column("match_probability").to_pylist(),
            strict=True,
        )
        if p >= threshold
    ]
    clusters = _components(raw.column("record_id").to_pylist(), strong)
    return {"pairs": pairs, "clusters": clusters, "seconds": seconds, "strong": strong}


def _components(ids: list[str], links: list[tuple[str, str]]) -> dict[str, str]:
    """The baseline's persons: connected components of its links, without Seen's exclusions."""
    return cluster(ids, ((a, b, 1.0) for a, b in links), exclusions=()).persons


def evaluate_baseline(dataset: Dataset, bands: Bands) -> dict[str, Any]:
    out = run_baseline(dataset.raw, bands.auto_link)
    truth = dataset.truth
    pairs = out["pairs"]
    best = max(
        (
            (
                evaluate.pairwise(
                    [
                        (a, b)
                        for a, b, p in zip(
                            pairs.column("record_id_l").to_pylist(),
                            pairs.column("record_id_r").to_pylist(),
                            pairs.column("match_probability").to_pylist(),
                            strict=True,
                        )
                        if p >= t
                    ],
                    truth,
                ),
                t,
            )
            for t in (0.1, 0.2, 0.3, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999)
        ),
        key=lambda item: item[0].f1,
    )
    ids = dataset.raw.column("record_id").to_pylist()
    scored = edges(pairs)
    best_clustered = max(
        (
            (
                evaluate.cluster_pairwise(
                    _components(ids, [(a, b) for a, b, p in scored if p >= t]), truth
                ),
                t,
            )
            for t in (0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999)
        ),
        key=lambda item: item[0].f1,
    )
    return {
        "best_clustered_f1": {"threshold": best_clustered[1], **best_clustered[0].as_dict()},
        "model": "Splink stock comparisons (NameComparison x2, DateOfBirthComparison, "
        "PostcodeComparison), blocking on names, dob and postcode",
        "threshold": bands.auto_link,
        "pairwise_auto_link": evaluate.pairwise(out["strong"], truth).as_dict(),
        "clustered_auto_link": evaluate.cluster_pairwise(out["clusters"], truth).as_dict(),
        "bcubed_auto_link": evaluate.bcubed(out["clusters"], truth).as_dict(),
        "best_pairwise_f1": {"threshold": best[1], **best[0].as_dict()},
        "seconds": round(out["seconds"], 2),
    }
