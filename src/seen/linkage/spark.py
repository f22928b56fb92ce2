"""Score pairs with a trained linkage model on Spark: the engine for a national run.

The model is trained on DuckDB (`LinkageModel.train`) and saved as one JSON artefact; Spark
scores with the same artefact, unchanged, and gives the pairs `LinkageModel.predict` gives.

    spark = spark_session()                              # local[2] here; see docs/scaling.md
    pairs = predict_with_spark(model.settings, prepared, threshold=0.1, spark=spark)
    stop_spark(spark)                                    # the session, its JVM and its temp folder

`predict_with_spark` without `spark` starts a local session and stops it when done (what
`seen link --engine spark` does). `predict_spark_frame` is the same scoring on a Spark
DataFrame, returning a DataFrame (nothing collected to the driver): the national job, run as
`python -m seen.linkage.spark score`, writes it to Parquet.

The artefact's comparison SQL is DuckDB's. `spark_settings` translates it with sqlglot: quoted
identifiers, and the functions Spark lacks or computes differently (see `to_spark_sql`). Jaro,
Jaro-Winkler and Hamming are Spark SQL functions defined here (`register_functions`) that give
DuckDB's values to the last bit: the Jaro-Winkler in Splink's bundled jar (Apache Commons Text)
counts transpositions as t/2 rather than DuckDB's floor(t/2) and shrinks the prefix weight for
strings over ten characters, so about one name pair in a hundred would land in another level.
The jar is still put on the classpath and registered, as Splink's docs say for SparkAPI.
Any function not known to behave the same on both engines is refused (`UnsupportedSQL`)
rather than passed through.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import copy
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import sqlglot
from sqlglot import exp

from seen.linkage.evidence import level_index_sql

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# Prepared columns holding lists (seen.linkage.prepare); their length is size() on Spark.
LIST_COLUMNS: frozenset[str] = frozenset({"forename_keys", "surnames", "address_tokens"})
TMPDIR_CONF = "spark.seen.tmpdir"  # the session's temporary folder, removed by stop_spark

LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
"""


class UnsupportedSQL(ValueError):
    """Model SQL this module cannot run on Spark with DuckDB's results."""


# --------------------------------------------------------------------------------------------
# The session


def _local_cores(master: str) -> int | None:
    """Cores of a local master ("local", "local[2]", "local[*]"); None for a cluster."""
    if master == "local":
        return 1
    if master.startswith("local[") and master.endswith("]"):
        inner = master[len("local[") : -1].split(",")[0]
        return (os.cpu_count() or 2) if inner == "*" else max(int(inner), 1)
    return None


def spark_session(
    app_name: str = "seen-linkage", *, master: str | None = "local[2]"
) -> SparkSession:
    """A Spark session for scoring. Locally (master "local[N]", the default two cores of this
    machine): driver memory SEEN_SPARK_DRIVER_MEMORY (default 8g of the 24 GB, leaving DuckDB
    and Django theirs), 2N shuffle partitions, bound to 127.0.0.1, no UI, no downloads, errors
    only in the log, and its scratch, warehouse and checkpoint folders in one temporary folder
    that stop_spark (or the end of the process) removes. With a cluster master, or None when
    spark-submit has set one, only what the cluster's own configuration leaves open is set;
    SEEN_SPARK_CHECKPOINT_DIR then names shared storage for Splink's intermediate tables.

    Splink's similarity jar is on the classpath (`spark.jars`, as Splink's docs say for
    SparkAPI; SparkAPI registers its functions). If a session is already running in this
    process, Spark returns it with its own configuration."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    folder = Path(tempfile.mkdtemp(prefix="seen-spark-"))
    atexit.register(shutil.rmtree, folder, True)
    (folder / "log4j2.properties").write_text(LOG4J2)
    builder = SparkSession.builder.appName(app_name)
    conf: dict[str, str] = {
        "spark.jars": similarity_jar_location(),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.log.structuredLogging.enabled": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.catalogImplementation": "in-memory",
        "spark.sql.warehouse.dir": str(folder / "warehouse"),
        TMPDIR_CONF: str(folder),
    }
    cores = _local_cores(master) if master else None
    if master:
        builder = builder.master(master)
    if cores is not None:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        partitions = str(2 * cores)
        conf |= {
            "spark.driver.memory": os.environ.get("SEEN_SPARK_DRIVER_MEMORY", "8g"),
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.sql.shuffle.partitions": partitions,
            "spark.default.parallelism": partitions,
            "spark.local.dir": str(folder / "local"),
            "spark.driver.extraJavaOptions": (
                f"-Djava.io.tmpdir={folder} "
                f"-Dlog4j2.configurationFile={(folder / 'log4j2.properties').as_uri()}"
            ),
        }
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    checkpoints = os.environ.get("SEEN_SPARK_CHECKPOINT_DIR") or str(folder / "checkpoints")
    spark.sparkContext.setCheckpointDir(checkpoints)
    return spark


def stop_spark(spark: SparkSession) -> None:
    """Stop the session, then the JVM PySpark started for it (spark.stop() alone leaves it
    running until Python exits), and remove the session's temporary folder."""
    from pyspark import SparkContext

    folder = None
    with contextlib.suppress(Exception):
        folder = spark.conf.get(TMPDIR_CONF, None)
    spark.stop()
    gateway = SparkContext._gateway
    if gateway is not None:
        process = getattr(gateway, "proc", None)
        with contextlib.suppress(Exception):
            gateway.shutdown()
        if process is not None:  # the JVM exits when its stdin closes
            with contextlib.suppress(Exception):
                process.stdin.close()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        SparkContext._gateway = None
        SparkContext._jvm = None
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# DuckDB's string functions as Spark SQL functions


def _jaro_sql(p: str, t: str) -> str:
    """DuckDB's jaro_similarity(p, t) (the rapidfuzz algorithm DuckDB bundles), bit for bit.

    Characters match within max(len) / 2 - 1 positions: t's characters in order each take the
    first unmatched equal character of p in their window. The accumulator `a` is p with its
    matched characters replaced by NUL, followed by t's matched characters in order. The
    transpositions are the matched characters of p and of t, each in order, that differ, halved
    and rounded down (counted in one pass: matched so far * 2^16 + differing so far). The
    similarity is ((m / |p| + m / |t|) + (m - transpositions) / m) / 3, added in that order."""
    lp, lt = f"char_length({p})", f"char_length({t})"
    bound = f"(greatest({lp}, {lt}) div 2 - 1)"
    lo, hi = f"greatest(0, j - {bound})", f"least({lp} - 1, j + {bound})"
    window = f"locate(substr({t}, j + 1, 1), substr(a, {lo} + 1, greatest({hi} - {lo} + 1, 0)))"
    step = (
        f"IF({window} = 0, a, "
        f"concat(overlay(a PLACING char(0) FROM {lo} + {window} FOR 1), substr({t}, j + 1, 1)))"
    )
    matched = f"aggregate(sequence(0, {lt} - 1), {p}, (a, j) -> {step})"
    counts = (
        f"aggregate(sequence(1, {lp}), 0L, (n, i) -> IF(substr(a, i, 1) = char(0), n + 65536"
        f" + IF(substr({p}, i, 1) <> substr(a, {lp} + 1 + CAST(n div 65536 AS INT), 1), 1, 0),"
        f" n))"
    )
    m = f"(char_length(a) - {lp})"
    score = (
        f"IF({m} = 0, 0.0D, ((CAST({m} AS DOUBLE) / {lp} + CAST({m} AS DOUBLE) / {lt})"
        f" + CAST({m} - ({counts} % 65536) div 2 AS DOUBLE) / {m}) / 3.0D)"
    )
    return (
        f"CASE WHEN {p} IS NULL OR {t} IS NULL THEN CAST(NULL AS DOUBLE)"
        f" WHEN {p} = {t} THEN IF({lp} = 0, 0.0D, 1.0D)"
        f" WHEN {lp} = 0 OR {lt} = 0 OR ({lp} = 1 AND {lt} = 1) THEN 0.0D"
        f" ELSE element_at(transform(array({matched}), a -> {score}), 1) END"
    )


_TWO_53 = "9007199254740992.0D"  # s * 2^53 is an integer for 0.5 <= s <= 1
_TWO_56 = "72057594037927936"  # x * 2^56 is an integer for x = k * 0.1, k = 1..4


def _fused_boost_sql(s: str, x: str) -> str:
    """s + x * (1 - s) rounded once, as a fused multiply-add gives it, for 0.7 < s <= 1 and
    x in {0, 0.1, 0.2, 0.3, 0.4} (doubles): exact integer arithmetic in DECIMAL(38, 0) on
    S = s 2^53, X = x 2^56, Y = (1 - s) 2^53, then N = S 2^56 + X Y rounded half to even to
    a multiple of 2^56."""
    d = "DECIMAL(38, 0)"
    n = (
        f"CAST(CAST({s} * {_TWO_53} AS BIGINT) AS {d}) * CAST({_TWO_56} AS {d})"
        f" + CAST(CAST({x} * {_TWO_56}.0D AS BIGINT) AS {d})"
        f" * CAST(CAST((1.0D - {s}) * {_TWO_53} AS BIGINT) AS {d})"
    )
    rest = f"n - q * CAST({_TWO_56} AS {d})"
    half = f"CAST({int(_TWO_56) // 2} AS {d})"
    return (
        f"element_at(transform(array({n}), n -> element_at(transform("
        f"array(n div CAST({_TWO_56} AS {d})), q -> CAST(q + CASE WHEN {rest} > {half} THEN 1"
        f" WHEN {rest} = {half} THEN q % 2 ELSE 0 END AS DOUBLE) / {_TWO_53}), 1)), 1)"
    )


def _jaro_winkler_sql(p: str, t: str, *, fused: bool) -> str:
    """DuckDB's jaro_winkler_similarity(p, t): the Jaro similarity s, and when s > 0.7,
    s + (prefix * 0.1) * (1 - s) with the common prefix up to 4 characters; `fused` when
    DuckDB's build computes that as one fused multiply-add (see _duckdb_fuses_multiply_add)."""
    shorter = f"least(char_length({p}), char_length({t}))"
    prefix = " ".join(
        [
            "CASE",
            *(
                f"WHEN {shorter} >= {k} AND left({p}, {k}) = left({t}, {k}) THEN {k}"
                for k in range(4, 0, -1)
            ),
            "ELSE 0 END",
        ]
    )
    weight = "CAST(x.pre AS DOUBLE) * 0.1D"
    boost = _fused_boost_sql("x.s", weight) if fused else f"x.s + {weight} * (1.0D - x.s)"
    return (
        f"element_at(transform(array(named_struct('s', {_jaro_sql(p, t)}, 'pre', {prefix})),"
        f" x -> IF(x.s > 0.7D, {boost}, x.s)), 1)"
    )


def _hamming_sql(a: str, b: str) -> str:
    """DuckDB's hamming(a, b): characters that differ position by position. DuckDB raises an
    error for strings of different or no length; this gives NULL (the level does not hold)."""
    return (
        f"CASE WHEN {a} IS NULL OR {b} IS NULL OR char_length({a}) <> char_length({b})"
        f" OR char_length({a}) = 0 THEN CAST(NULL AS INT)"
        f" ELSE size(filter(sequence(1, char_length({a})),"
        f" k -> substr({a}, k, 1) <> substr({b}, k, 1))) END"
    )


def _duckdb_fuses_multiply_add() -> bool:
    """Whether this DuckDB computes Jaro-Winkler's s + (prefix * 0.1) * (1 - s) as a fused
    multiply-add (one rounding; the x86-64 wheels do) or as two roundings: the two differ in
    the last bit for some pairs, which decides a level when the value is on its threshold."""
    import duckdb

    con = duckdb.connect()
    try:
        row = con.execute(
            "SELECT jaro_similarity('ababa', 'acba'), jaro_winkler_similarity('ababa', 'acba')"
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    jaro, value = float(row[0]), float(row[1])  # common prefix 1: weight 0.1
    plain = jaro + 0.1 * (1.0 - jaro)
    fused = float(Fraction(0.1) * Fraction(1.0 - jaro) + Fraction(jaro))
    if value == fused:
        return True
    if value == plain:
        return False
    raise UnsupportedSQL(
        f"DuckDB's jaro_winkler_similarity gives {value!r} for a probe pair, neither "
        f"{fused!r} nor {plain!r}: its arithmetic changed; check _jaro_winkler_sql"
    )


def function_definitions(*, fused: bool | None = None) -> list[str]:
    """The Spark SQL statements defining seen_jaro, seen_jaro_winkler and seen_hamming as
    temporary functions of a session."""
    if fused is None:
        fused = _duckdb_fuses_multiply_add()
    functions = {
        "seen_jaro(p STRING, t STRING) RETURNS DOUBLE": _jaro_sql("p", "t"),
        "seen_jaro_winkler(p STRING, t STRING) RETURNS DOUBLE": _jaro_winkler_sql(
            "p", "t", fused=fused
        ),
        "seen_hamming(a STRING, b STRING) RETURNS INT": _hamming_sql("a", "b"),
    }
    return [
        f"CREATE OR REPLACE TEMPORARY FUNCTION {signature} RETURN {body}"
        for signature, body in functions.items()
    ]


def register_functions(spark: SparkSession) -> None:
    """Define the functions translated model SQL calls in this session."""
    for statement in function_definitions():
        spark.sql(statement)


# --------------------------------------------------------------------------------------------
# DuckDB SQL to Spark SQL

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


# --------------------------------------------------------------------------------------------
# Scoring


def _tf_comparisons(settings: dict[str, Any]) -> dict[str, bool]:
    """comparison name -> whether a level of it has a term-frequency adjustment."""
    return {
        c["output_column_name"]: any(
            level.get("tf_adjustment_column") for level in c["comparison_levels"]
        )
        for c in settings["comparisons"]
    }


def _evidence_columns(settings: dict[str, Any]) -> list[str]:
    """LinkageModel.predict's columns (model._evidence_table) as Spark SQL expressions."""
    columns = ["record_id_l", "record_id_r", "match_probability", "match_weight"]
    for name, has_tf in _tf_comparisons(settings).items():
        weight = f"mw_{name} + coalesce(mw_tf_adj_{name}, 0.0D)" if has_tf else f"mw_{name}"
        columns.append(f"CAST({weight} AS FLOAT) AS mw_{name}")
        columns.append(f"{level_index_sql(settings, name, f'mw_{name}')} AS level_{name}")
    return columns


# Always true, and nondeterministic: Spark pushes no filter through a projection holding it
# (and, unlike rand() >= 0, no optimiser rule folds it to true).
OPTIMISER_BARRIER = "spark_partition_id() >= 0"


def _add_optimiser_barrier(settings: dict[str, Any]) -> None:
    """Keep Spark's optimiser from pushing the threshold below the comparisons.

    Splink filters on the match weight after the projections that compute each comparison's
    level once per pair. Spark pushes that filter down through them into the join that makes
    the pairs, substituting each level's SQL for every reference to it: a comparison's SQL then
    appears once per level it has (the weights are a CASE over the level), and the Jaro-Winkler
    functions above run tens of times per pair instead of a few. A nondeterministic term in
    the first level (`X AND spark_partition_id() >= 0`, X in three-valued logic) stops that."""
    levels = settings["comparisons"][0]["comparison_levels"] if settings["comparisons"] else []
    if levels and levels[0].get("sql_condition", "ELSE").strip().upper() != "ELSE":
        levels[0]["sql_condition"] = f"({levels[0]['sql_condition']}) AND {OPTIMISER_BARRIER}"


class _Scoring:
    """One scoring run's Splink objects, kept so its tables can be dropped afterwards."""

    def __init__(self, settings: dict[str, Any], records: DataFrame, threshold: float) -> None:
        from pyspark.sql.types import ArrayType
        from splink import Linker, SparkAPI

        for name in ("splink", "splink.internals"):
            logging.getLogger(name).setLevel(logging.WARNING)
        spark = records.sparkSession
        register_functions(spark)
        lists = {f.name for f in records.schema.fields if isinstance(f.dataType, ArrayType)}
        translated = spark_settings(settings, list_columns=lists or LIST_COLUMNS)
        master = spark.sparkContext.master or ""
        self.db_api = SparkAPI(
            spark_session=spark,
            # locally, Splink's intermediate tables stay in memory; on a cluster they are
            # written to the checkpoint folder, which bounds memory and lineage
            break_lineage_method="persist" if master.startswith("local") else "parquet",
        )
        self.view = f"seen_records_{uuid.uuid4().hex[:12]}"
        table = self.db_api.register(records, table_name=self.view)
        _add_optimiser_barrier(translated)
        linker = Linker(table, translated, log_level=None)
        self.predictions = linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        self.frame = self.predictions.as_spark_dataframe().selectExpr(*_evidence_columns(settings))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.predictions.as_spark_dataframe().unpersist()
        with contextlib.suppress(Exception):
            self.db_api.delete_tables_created_by_splink_from_db()
        with contextlib.suppress(Exception):
            self.db_api.spark.catalog.dropTempView(self.view)


def predict_spark_frame(
    settings: dict[str, Any], records: DataFrame, *, threshold: float
) -> DataFrame:
    """Score a Spark DataFrame of prepared records (prepare's columns): a DataFrame with
    LinkageModel.predict's columns, unordered, for writing out (nothing is collected)."""
    return _Scoring(settings, records, threshold).frame


def predict_with_spark(
    settings: dict[str, Any],
    prepared: pa.Table,
    *,
    threshold: float,
    spark: SparkSession | None = None,
) -> pa.Table:
    """LinkageModel.predict on Spark: the pairs with match probability >= threshold, columns
    record_id_l < record_id_r, match_probability, match_weight and mw_<comparison> (float32,
    term-frequency adjustment included), ordered by record_id_l, record_id_r. Without `spark`,
    the session this process runs is used, else a local one is started and stopped."""
    from pyspark.sql import SparkSession

    if spark is None:
        spark = SparkSession.getActiveSession()  # a session this process already runs
        own = spark is None
    else:
        own = False
    session = spark if spark is not None else spark_session()
    try:
        scoring = _Scoring(settings, session.createDataFrame(prepared), threshold)
        try:
            result = scoring.frame.toArrow()
        finally:
            scoring.close()
    finally:
        if own:
            stop_spark(session)
    return _as_predict_table(result, settings, prepared.schema.field("record_id").type)


def _as_predict_table(table: pa.Table, settings: dict[str, Any], id_type: pa.DataType) -> pa.Table:
    fields = [
        pa.field("record_id_l", id_type),
        pa.field("record_id_r", id_type),
        pa.field("match_probability", pa.float64()),
        pa.field("match_weight", pa.float64()),
        *(
            field
            for name in _tf_comparisons(settings)
            for field in (
                pa.field(f"mw_{name}", pa.float32()),
                pa.field(f"level_{name}", pa.int32()),
            )
        ),
    ]
    schema = pa.schema(fields)
    table = table.select(schema.names).cast(schema)
    return table.sort_by([("record_id_l", "ascending"), ("record_id_r", "ascending")])


# --------------------------------------------------------------------------------------------
# python -m seen.linkage.spark score | bench


def _records(source: Path) -> pa.Table:
    """Prepared records from a file in link-file's columns, or a synthetic extract folder
    (people.csv; record_id = agency:id, source = agency)."""
    from seen.linkage.prepare import prepare_file, prepare_records

    if not source.is_dir():
        return prepare_file(source)
    import csv

    columns = [
        "forename",
        "surname",
        "previous_surnames",
        "dob",
        "sex",
        "nhs_number",
        "postcode",
        "phone",
    ]
    with (source / "people.csv").open(newline="", encoding="utf-8") as handle:
        rows = [
            {
                "record_id": f"{row['agency']}:{row['id']}",
                "source": row["agency"],
                **{c: row.get(c) for c in columns},
            }
            for row in csv.DictReader(handle)
        ]
    return prepare_records(rows)


def _timed(step: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = step()
    return value, round(time.perf_counter() - started, 2)


def _candidate_pairs(settings: dict[str, Any], prepared: pa.Table) -> int:
    """The distinct pairs the blocking rules make (each is scored), counted on DuckDB."""
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    from seen.linkage.prepare import connect

    con = connect()
    try:
        records = DuckDBAPI(connection=con).register(prepared, table_name="seen_records")
        counts = count_comparisons_from_blocking_rules(
            records,
            blocking_rules=[
                rule["blocking_rule"] for rule in settings["blocking_rules_to_generate_predictions"]
            ],
            link_type="dedupe_only",
            unique_id_column_name="record_id",
            record_sample_proportion=1.0,
        )
        return int(counts[-1]["cumulative_comparison_count"]) if counts else 0
    finally:
        con.close()


def _bench(args: argparse.Namespace) -> dict[str, Any]:
    from seen.linkage.model import LinkageModel

    prepared, prepare_seconds = _timed(lambda: _records(Path(args.source)))
    if args.model:
        model = LinkageModel.load(Path(args.model))
        train_seconds = None
    else:
        model, train_seconds = _timed(lambda: LinkageModel.train(prepared, seed=1))
    candidates = _candidate_pairs(model.settings, prepared)
    duck, duck_seconds = _timed(lambda: model.predict(prepared, threshold=args.threshold))
    spark, start_seconds = _timed(lambda: spark_session(master=args.master))
    try:
        runs = []
        for _ in range(args.repeat):
            pairs, seconds = _timed(
                lambda: predict_with_spark(
                    model.settings, prepared, threshold=args.threshold, spark=spark
                )
            )
            runs.append(seconds)
    finally:
        stop_spark(spark)
    same = pairs.select(["record_id_l", "record_id_r"]).equals(
        duck.select(["record_id_l", "record_id_r"])
    )
    gap = (
        float(
            pc.max(
                pc.abs(pc.subtract(pairs["match_probability"], duck["match_probability"]))
            ).as_py()
            or 0.0
        )
        if same
        else None
    )
    best = min(runs)
    return {
        "source": str(args.source),
        "records": prepared.num_rows,
        "candidate_pairs": candidates,
        "pairs_at_threshold": pairs.num_rows,
        "threshold": args.threshold,
        "prepare_seconds": prepare_seconds,
        "train_seconds": train_seconds,
        "duckdb_predict_seconds": duck_seconds,
        "duckdb_candidates_per_second": round(candidates / max(duck_seconds, 1e-9)),
        "spark_master": args.master,
        "spark_start_seconds": start_seconds,
        "spark_predict_seconds": runs,
        "spark_candidates_per_second": round(candidates / max(best, 1e-9)),
        "same_pairs": same,
        "max_probability_difference": gap,
    }


def _score(args: argparse.Namespace) -> dict[str, Any]:
    from seen.linkage.model import LinkageModel

    model = LinkageModel.load(Path(args.model))
    spark = spark_session(master=args.master)
    try:
        started = time.perf_counter()
        records = spark.read.parquet(args.prepared)
        count, trained_on = records.count(), int(model.meta.get("records") or 0)
        if count > 2 * trained_on and not args.any_size:
            raise SystemExit(
                f"the model was trained on {trained_on:,} records and these are {count:,}: its "
                "blocking rules were chosen for the pairs they make at its training size and "
                "may make far more here. Train on records of this size (LinkageModel.train on "
                "DuckDB), or pass --any-size."
            )
        scoring = _Scoring(model.settings, records, args.threshold)
        try:
            scoring.frame.write.mode("overwrite").parquet(args.out)
        finally:
            scoring.close()
        written = spark.read.parquet(args.out).count()
        return {
            "model_version": model.version,
            "records": count,
            "pairs": written,
            "out": args.out,
            "seconds": round(time.perf_counter() - started, 2),
        }
    finally:
        stop_spark(spark)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m seen.linkage.spark", description="Score pairs with a Seen model on Spark."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    score = commands.add_parser(
        "score", help="score prepared records (Parquet) with a model artefact; write Parquet"
    )
    score.add_argument("--model", required=True, help="the model artefact (JSON)")
    score.add_argument("--prepared", required=True, help="prepared records: Parquet path/URI")
    score.add_argument("--out", required=True, help="where to write the pairs (Parquet)")
    score.add_argument("--threshold", type=float, required=True)
    score.add_argument(
        "--master", default=None, help="Spark master (default: spark-submit's, else local[2])"
    )
    score.add_argument(
        "--any-size",
        action="store_true",
        help="score even if the records are more than twice those the model was trained on",
    )
    bench = commands.add_parser(
        "bench", help="time DuckDB and Spark scoring of the same records and compare the pairs"
    )
    bench.add_argument("source", help="a synthetic extract folder or a link-file input file")
    bench.add_argument("--model", help="a model artefact (default: train on the records)")
    bench.add_argument("--threshold", type=float, default=0.1)
    bench.add_argument("--master", default="local[2]")
    bench.add_argument("--repeat", type=int, default=2, help="Spark runs (the first warms up)")
    args = parser.parse_args(argv)
    if args.command == "score":
        if args.master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:  # not spark-submit
            args.master = os.environ.get("SEEN_SPARK_MASTER", "local[2]")
        result = _score(args)
    else:
        result = _bench(args)
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
