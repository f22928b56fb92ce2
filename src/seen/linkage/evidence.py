"""The evidence a scored pair keeps: for each comparison, its match weight (`mw_<comparison>`, log2
of the Bayes factor, term-frequency adjustment included) and the level the pair met
(`level_<comparison>`), read back from the weights of Splink's prediction, which keeps weights
rather than levels. `LinkageModel.predict` (DuckDB), the Spark scoring (seen.linkage.spark) and
the incremental match give these columns the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa


def level_index_sql(settings: dict[str, Any], comparison: str, weight: str) -> str:
    """SQL giving the level a pair met from its comparison's match weight before any
    term-frequency adjustment (`weight`): Splink's prediction keeps the weights, not the
    levels, and each level's weight is its own log2(m / u). The index is the level's position
    among the non-null levels (0 the first); -1 for a weight of 0 (the null level, or a level
    that counts for nothing) and for a weight no level has."""
    cases = [
        f"WHEN abs({weight} - ({bits!r})) < 1e-6 THEN {index}"
        for index, bits in _level_weights(settings, comparison)
    ]
    return f"CASE {' '.join(cases)} ELSE -1 END" if cases else "-1"


def level_index(settings: dict[str, Any], comparison: str, weight: float | None) -> int | None:
    """level_index_sql for one weight in Python (the incremental match)."""
    if weight is None:
        return None
    for index, bits in _level_weights(settings, comparison):
        if abs(weight - bits) < 1e-6:
            return index
    return -1


def _level_weights(settings: dict[str, Any], comparison: str) -> list[tuple[int, float]]:
    """(index among the non-null levels, log2(m / u)) of each level with a weight other than 0."""
    for c in settings["comparisons"]:
        if c["output_column_name"] != comparison:
            continue
        out = []
        levels = [lv for lv in c["comparison_levels"] if not lv.get("is_null_level")]
        for index, level in enumerate(levels):
            m, u = level.get("m_probability"), level.get("u_probability")
            if m and u and abs(bits := math.log2(float(m) / float(u))) > 1e-9:
                out.append((index, bits))
        return out
    return []


def tf_comparisons(settings: dict[str, Any]) -> dict[str, bool]:
    """comparison name -> whether any of its levels has a term-frequency adjustment."""
    return {
        c["output_column_name"]: any(
            lv.get("tf_adjustment_column") for lv in c["comparison_levels"]
        )
        for c in settings["comparisons"]
    }


def evidence_table(
    con: duckdb.DuckDBPyConnection, table: str, settings: dict[str, Any]
) -> pa.Table:
    """LinkageModel.predict's columns from the table of Splink's prediction on DuckDB."""
    parts = [
        "record_id_l",
        "record_id_r",
        "match_probability",
        "match_weight",
    ]
    for name, has_tf in tf_comparisons(settings).items():
        weight = f"t.mw_{name}"
        if has_tf:
            weight = f"t.mw_{name} + coalesce(t.mw_tf_adj_{name}, 0.0)"
        parts.append(f"CAST({weight} AS FLOAT) AS mw_{name}")
        parts.append(f"{level_index_sql(settings, name, f't.mw_{name}')} AS level_{name}")
    sql = f"SELECT {', '.join(parts)} FROM {table} AS t ORDER BY record_id_l, record_id_r"
    return con.sql(sql).to_arrow_table()


def evidence_of(pairs: pa.Table, comparisons: Sequence[str], row: int) -> dict[str, float]:
    """The match weight of each comparison for one scored pair."""
    return {
        name: round(float(pairs.column(f"mw_{name}")[row].as_py()), 3)
        for name in comparisons
        if pairs.column(f"mw_{name}")[row].as_py() is not None
        and math.isfinite(float(pairs.column(f"mw_{name}")[row].as_py()))
    }
