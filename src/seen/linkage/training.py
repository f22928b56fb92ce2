"""Training Seen's linkage model without labels: u probabilities by random sampling (seeded), m
probabilities by expectation maximisation over EM_RULES, the prior from DETERMINISTIC_RULES,
then the adjustments that make the trained settings safe to score with (true pairs taken out of
u, floors, conditioned levels turned into chances given their state, the values training cannot
learn set by seen.linkage.reasoned, rounding so that one seed gives one artefact).

`train_settings` gives the Splink settings document and the training's metadata;
`LinkageModel.train` (seen.linkage.model) wraps them in a model.
"""

from __future__ import annotations

import contextlib
import copy
import time
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa

from seen.linkage import reasoned
from seen.linkage.blocking import BlockingRule, choose_blocking
from seen.linkage.comparisons import (
    COMPARISONS,
    GIVEN_FORENAMES_AGREE,
    GIVEN_FORENAMES_DO_NOT,
    GIVEN_POSTCODES_AGREE,
    GIVEN_POSTCODES_DO_NOT,
    GIVEN_SURNAMES_AGREE,
    GIVEN_SURNAMES_DO_NOT,
)
from seen.linkage.prepare import PREPARED_COLUMNS, connect
from seen.linkage.splink_duckdb import db_api, quiet_splink

Progress = Callable[[str], None]  # called with the name of each step as it starts

# Expectation maximisation runs once per entry, with the first rule of the entry whose columns
# the records have; a rule leaves the comparisons it does not use free to be estimated, and
# the last session to estimate a comparison sets it. The first entry estimates dates of birth:
# pairs sharing an NHS number (else a postcode) are mostly one person, so they show how one
# person's dates of birth differ better than pairs sharing a name (which include a father and
# the son named after him). The second, pairs sharing a date of birth, estimates the rest.
EM_RULES: tuple[tuple[BlockingRule, ...], ...] = (
    (BlockingRule(("nhs_number",)), BlockingRule(("postcode",))),
    (BlockingRule(("dob_text",)),),
)
# For the prior (the chance that two records picked at random are one person): pairs these
# rules find are counted as true, and divided by the share of all true pairs the rules find,
# which the trained model gives (the chance that both records hold the values, times the
# chance that a true pair agrees exactly on them).
DETERMINISTIC_RULES: tuple[tuple[tuple[str, str], ...], ...] = (
    (("nhs_number", "same NHS number"),),
    (
        ("forename", "same forename"),
        ("surname", "same surname"),
        ("dob_text", "same date of birth"),
    ),
)
U_MAX_PAIRS = 2e6
EM_MAX_PAIRS = 3e6
# No level is ever certain: an m or u probability estimated as 0 (a level never seen among
# matches, or never among random pairs) would give an infinite weight, and one wrong NHS number
# would then forbid a link whatever else agrees. An m is kept at least reasoned.M_FLOOR, a u at
# least U_FLOOR.
U_FLOOR = 1e-6
U_MATCH_CORRECTION_LIMIT = 0.05


def train_settings(
    prepared: pa.Table,
    *,
    seed: int = 1,
    progress: Progress | None = None,
    u_max_pairs: float = U_MAX_PAIRS,
    em_max_pairs: float = EM_MAX_PAIRS,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The trained Splink settings and the training's metadata (seed, records, blocked pairs,
    columns used, seconds, the levels training could not learn), trained on the records
    themselves, with no labels."""
    from splink import Linker

    quiet_splink()
    step = progress or (lambda _label: None)
    started = time.perf_counter()
    present = _columns_present(prepared)
    con = connect()
    try:
        api = db_api(con)
        records = api.register(prepared, dataset_display_name="records")
        step("choosing blocking rules")
        blocking, pair_count = choose_blocking(con, records.physical_name, present)
        settings = _settings(present, blocking)
        if not settings["comparisons"]:
            raise ValueError("the records have no columns the model can compare")
        linker = Linker(records, settings, log_level=None)
        step("estimating u by random sampling")
        linker.training.estimate_u_using_random_sampling(
            max_pairs=u_max_pairs, seed=seed, min_count_per_level=None, num_chunks=1
        )
        step("estimating m by expectation maximisation")
        for alternatives in EM_RULES:
            for rule in alternatives:
                if rule.needs <= present:
                    linker.training.estimate_parameters_using_expectation_maximisation(
                        rule.sql, max_pairs=em_max_pairs
                    )
                    break
        step("estimating the prior")
        trained = linker.misc.save_model_to_json()
        rules, recall = _deterministic_rules(trained, prepared, present)
        if rules:
            # nothing counted, or more than the recall allows: the fallback below
            with contextlib.suppress(ValueError, ZeroDivisionError):
                linker.training.estimate_probability_two_random_records_match(rules, recall=recall)
        trained = linker.misc.save_model_to_json()
        prior = float(trained.get("probability_two_random_records_match") or 0.0)
        if not 0 < prior < 1:  # no pair the rules could count: one in as many as records
            trained["probability_two_random_records_match"] = 1 / max(prepared.num_rows, 2)
        untrained = reasoned.untrained_levels(trained)
        trained = _condition(_floor_parameters(_u_without_matches(trained)))
        trained = _rounded(reasoned.apply(trained, untrained))
        step(reasoned.summary(untrained))
    finally:
        con.close()
    meta = {
        "seed": seed,
        "records": prepared.num_rows,
        "blocked_pairs_upper_bound": pair_count,
        "columns_used": sorted(present & set(PREPARED_COLUMNS)),
        "training_seconds": round(time.perf_counter() - started, 2),
        "untrained_levels": [f"{name}: {label}" for name, label in untrained],
    }
    return trained, meta


def _columns_present(prepared: pa.Table) -> set[str]:
    present = set()
    for name in prepared.column_names:
        column = prepared.column(name)
        if len(column) and column.null_count < len(column):
            present.add(name)
    return present


def _settings(present: set[str], blocking_rules: Sequence[BlockingRule] = ()) -> dict[str, Any]:
    comparisons = []
    for name, needs, levels in COMPARISONS:
        if all(column in present for column in needs):
            comparisons.append(
                {
                    "output_column_name": name,
                    "comparison_description": name,
                    "comparison_levels": copy.deepcopy(levels),
                }
            )
    blocking = [{"blocking_rule": rule.sql} for rule in blocking_rules]
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "record_id",
        "probability_two_random_records_match": 1e-4,
        "blocking_rules_to_generate_predictions": blocking,
        "comparisons": comparisons,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": [],
        "em_convergence": 0.001,
        "max_iterations": 25,
    }


def _condition(settings: dict[str, Any]) -> dict[str, Any]:
    """Turn the joint chances of conditioned levels into chances given the state.

    People in one household share a postcode and mostly a surname, so among records of
    different people "same surname" and "same postcode" are far from independent, and adding
    both full weights makes a father and the son named after him look like one man; likewise two
    people of one forename are nearly always of one sex. The postcode (sex) comparison's levels
    are therefore split by whether the surnames (forenames) agree; training estimates the joint
    chance of each level-and-state, and dividing by the chance of the state (the sum over its
    levels, among matches and among non-matches) gives the chance of the level given the state.
    The two comparisons' weights then add up to the weight of the two facts together."""
    for comparison in settings["comparisons"]:
        groups: dict[str, list[dict[str, Any]]] = {}
        for level in comparison["comparison_levels"]:
            label = level.get("label_for_charts", "")
            for state in (
                GIVEN_POSTCODES_AGREE,
                GIVEN_POSTCODES_DO_NOT,
                GIVEN_SURNAMES_AGREE,
                GIVEN_SURNAMES_DO_NOT,
                GIVEN_FORENAMES_AGREE,
                GIVEN_FORENAMES_DO_NOT,
            ):
                if label.endswith(f"({state})"):
                    groups.setdefault(state, []).append(level)
        for levels in groups.values():
            for key in ("m_probability", "u_probability"):
                total = sum(float(level.get(key) or 0.0) for level in levels)
                if total > 0:
                    for level in levels:
                        level[key] = float(level.get(key) or 0.0) / total
    return settings


def _rounded(settings: dict[str, Any]) -> dict[str, Any]:
    """Probabilities to 10 significant digits and a fixed linker id, so that training twice with
    one seed on one machine gives one artefact (DuckDB's parallel sums differ in the last bits)."""
    settings["linker_uid"] = "seen"
    settings["probability_two_random_records_match"] = float(
        f"{float(settings['probability_two_random_records_match']):.10g}"
    )
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            for key in ("m_probability", "u_probability"):
                if level.get(key) is not None:
                    level[key] = float(f"{float(level[key]):.10g}")
    return settings


def _u_without_matches(settings: dict[str, Any]) -> dict[str, Any]:
    """Take the true pairs out of the u probabilities.

    Random sampling counts every sampled pair as two different people; a share (the prior) of
    them are in fact one person, and they land mostly in the agreeing levels. Among all pairs
    that hardly matters, but it does for rare agreements (the same NHS number) and for the
    conditioned levels (of random pairs sharing a postcode in a small file, many are one
    person). The observed u is (1 - prior) u + prior m, so u = (observed - prior m) / (1 - prior).
    The difference is small against large numbers when the prior is a little too high, so the
    correction takes away at most 1 - U_MATCH_CORRECTION_LIMIT of the observed u."""
    prior = float(settings["probability_two_random_records_match"])
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("u_probability") is None:
                continue
            m = float(level.get("m_probability") or 0.0)
            observed = float(level["u_probability"])
            u = (observed - prior * m) / (1 - prior)
            level["u_probability"] = max(u, observed * U_MATCH_CORRECTION_LIMIT)
    return settings


def _floor_parameters(settings: dict[str, Any]) -> dict[str, Any]:
    """Keep every m and u probability at or above its floor (then renormalised)."""
    for comparison in settings["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for key, floor in (("m_probability", reasoned.M_FLOOR), ("u_probability", U_FLOOR)):
            values = [max(float(lv.get(key) or 0.0), floor) for lv in levels]
            total = sum(values)
            for lv, value in zip(levels, values, strict=True):
                lv[key] = value / total
    return settings


def _deterministic_rules(
    trained: dict[str, Any], prepared: pa.Table, present: set[str]
) -> tuple[list[Any], float]:
    """DETERMINISTIC_RULES the records have columns for, with the share of true pairs they find:
    for each rule, the product over its columns of (share of records holding the column)^2
    times the trained chance that a true pair agrees exactly; rules are taken as independent."""
    m_of: dict[tuple[str, str], float] = {}
    for comparison in trained["comparisons"]:
        for level in comparison["comparison_levels"]:
            m_of[(comparison["output_column_name"], level.get("label_for_charts", ""))] = float(
                level.get("m_probability") or 0.0
            )
    by_column = {
        "nhs_number": "nhs_number",
        "forename": "forename",
        "surname": "surname",
        "dob_text": "dob",
    }
    rules: list[Any] = []
    missed = 1.0
    rows = max(prepared.num_rows, 1)
    for rule in DETERMINISTIC_RULES:
        if not all(column in present for column, _label in rule):
            continue
        recall = 1.0
        for column, label in rule:
            held = 1 - prepared.column(column).null_count / rows
            recall *= held * held * m_of.get((by_column[column], label), 0.0)
        rules.append(" AND ".join(f"l.{column} = r.{column}" for column, _label in rule))
        missed *= 1 - recall
    recall = min(max(1 - missed, 0.05), 1.0)
    return rules, recall
