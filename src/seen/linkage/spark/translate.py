"""The model's DuckDB SQL as Spark SQL with the same results.

The artefact's comparison SQL is DuckDB's. `spark_settings` translates a trained model's
settings with sqlglot (`to_spark_sql`): quoted identifiers, and the functions Spark lacks or
computes differently (Jaro, Jaro-Winkler and Hamming become the functions
seen.linkage.spark.similarity defines). Any construct not known to behave the same on both
engines is refused (`UnsupportedSQL`) rather than passed through.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

import sqlglot
from sqlglot import exp

# Prepared columns holding lists (seen.linkage.prepare); their length is size() on Spark.
LIST_COLUMNS: frozenset[str] = frozenset({"forename_keys", "surnames", "address_tokens"})


class UnsupportedSQL(ValueError):
    """Model SQL that cannot be run on Spark with DuckDB's results."""


# Node types whose meaning is the same on both engines (for the values the model compares).
_SAME_ON_BOTH: tuple[type[exp.Expr], ...] = (
    exp.Column,
    exp.Identifier,
    exp.Literal,
    exp.Boolean,
    exp.Null,
    exp.Paren,
    exp.And,
    exp.Or,
    exp.Not,
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.Is,
    exp.In,
    exp.Between,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Neg,
    exp.Abs,
    exp.Case,
    exp.If,
    exp.Coalesce,
    exp.Nullif,
    exp.Substring,
    exp.Length,  # of a string: characters on both
    exp.Lower,
    exp.Upper,
    exp.Cast,
    exp.TryCast,
    exp.DataType,
    exp.DPipe,
)
# Functions the translation writes (Spark's, and those register_functions defines).
_SPARK_FUNCTIONS = frozenset(
    {
        "seen_jaro",
        "seen_jaro_winkler",
        "seen_hamming",
        "arrays_overlap",
        "array_intersect",
        "array_distinct",
        "array_compact",
        "array",
        "concat",
        "size",
        "nullif",
        "datediff",
        "octet_length",
    }
)
_LIST_FUNCTIONS = frozenset({"array_intersect", "array_distinct", "array_compact", "array"})
_DAY_UNITS = frozenset({"day", "days", "d", "dayofmonth"})


def _call(name: str, *args: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this=name, expressions=list(args))


def _is_list(node: exp.Expr, list_columns: frozenset[str]) -> bool:
    if isinstance(node, exp.Column):
        name = node.name
        stem = name[:-2] if name.endswith(("_l", "_r")) else name
        return stem in list_columns or name in list_columns
    if isinstance(node, exp.Paren | exp.Coalesce):
        return _is_list(node.this, list_columns)
    if isinstance(node, exp.Array | exp.ArrayDistinct | exp.ArrayConcat):
        return True
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        if name in _LIST_FUNCTIONS or name.startswith("list_"):
            return True
        if name == "concat":
            return any(_is_list(arg, list_columns) for arg in node.expressions)
    return False


def _translate_node(node: exp.Expr, list_columns: frozenset[str]) -> exp.Expr:
    """The Spark form of one node whose children are already translated (or the node)."""
    if isinstance(node, exp.JarowinklerSimilarity):
        return _call("seen_jaro_winkler", node.this, node.expression)
    if isinstance(node, exp.ArrayOverlaps):  # list_has_any
        return _call("arrays_overlap", node.this, node.expression)
    if isinstance(node, exp.DateDiff):
        unit = node.args.get("unit")
        unit_name = (unit.name if unit is not None else "day").lower()
        if unit_name not in _DAY_UNITS:
            raise UnsupportedSQL(
                f"date_diff in {unit_name}: DuckDB counts boundaries crossed, Spark whole units"
            )
        return _call("datediff", node.this, node.expression)  # this - expression, in days
    if isinstance(node, exp.ArraySize) or (
        isinstance(node, exp.Length) and _is_list(node.this, list_columns)
    ):
        # len(list): DuckDB gives NULL for NULL; Spark's size gives -1 unless ANSI mode is on
        return _call("nullif", _call("size", node.this), exp.Literal.number(-1))
    if isinstance(node, exp.ArrayDistinct):  # list_distinct drops NULLs, array_distinct not
        return _call("array_compact", _call("array_distinct", node.this))
    if isinstance(node, exp.ArrayConcat):  # list_concat takes NULL as an empty list
        parts = [node.this, *node.expressions]
        return _call("concat", *(exp.Coalesce(this=p, expressions=[_call("array")]) for p in parts))
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        renamed = {
            "jaro_similarity": "seen_jaro",
            "jaro_winkler_similarity": "seen_jaro_winkler",
            "hamming": "seen_hamming",
            "mismatches": "seen_hamming",
            "list_intersect": "array_intersect",
            "array_intersect": "array_intersect",
            "strlen": "octet_length",
        }.get(name)
        if renamed:
            return _call(renamed, *node.expressions)
    return node


def to_spark_sql(sql: str, list_columns: Iterable[str] = LIST_COLUMNS) -> str:
    """One DuckDB SQL condition or expression as Spark SQL with the same results.

    Translated: "quoted" identifiers (`quoted` on Spark, where "x" is a string);
    jaro_winkler_similarity, jaro_similarity, hamming -> seen_jaro_winkler, seen_jaro,
    seen_hamming (register_functions); list_has_any -> arrays_overlap; date_diff('day', a, b)
    -> datediff(b, a); len / length of a list -> size; list_intersect -> array_intersect;
    list_distinct -> array_compact(array_distinct); list_concat -> concat with NULL as [];
    strlen -> octet_length. Anything else must be in the list of constructs known to behave
    alike (_SAME_ON_BOTH), else UnsupportedSQL."""
    lists = frozenset(list_columns)
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as error:
        raise UnsupportedSQL(f"cannot parse {sql!r}: {error}") from None
    for node in reversed(list(tree.walk())):  # every node after its descendants
        new = _translate_node(node, lists)
        if new is not node:
            if node is tree:
                tree = new
            else:
                node.replace(new)
    for node in tree.walk():
        if isinstance(node, exp.Anonymous):
            if node.name.lower() not in _SPARK_FUNCTIONS:
                raise UnsupportedSQL(f"{node.name}() is not known on Spark, in {sql!r}")
        elif not isinstance(node, _SAME_ON_BOTH):
            raise UnsupportedSQL(
                f"{node.key} ({node.sql('duckdb')}) is not known to behave alike on DuckDB "
                f"and Spark, in {sql!r}"
            )
    return tree.sql(dialect="spark")


def spark_settings(
    settings: dict[str, Any], *, list_columns: Iterable[str] = LIST_COLUMNS
) -> dict[str, Any]:
    """A copy of a trained model's Splink settings with its SQL (comparison levels and
    blocking rules) in Spark's dialect. The parameters are untouched: no retraining."""
    out = copy.deepcopy(settings)
    out["sql_dialect"] = "spark"
    for comparison in out.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            sql = level.get("sql_condition")
            if isinstance(sql, str) and sql.strip().upper() != "ELSE":
                level["sql_condition"] = to_spark_sql(sql, list_columns)
    rules: list[Any] = []
    for rule in out.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, str):
            rules.append({"blocking_rule": to_spark_sql(rule, list_columns)})
        else:
            rule = dict(rule)
            rule["blocking_rule"] = to_spark_sql(rule["blocking_rule"], list_columns)
            rules.append(rule)
        rules[-1]["sql_dialect"] = "spark"
    out["blocking_rules_to_generate_predictions"] = rules
    return out
