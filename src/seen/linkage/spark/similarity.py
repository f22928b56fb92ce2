"""DuckDB's string functions as Spark SQL functions: seen_jaro, seen_jaro_winkler and
seen_hamming give DuckDB's jaro_similarity, jaro_winkler_similarity and hamming to the last bit,
so that a pair meets the same comparison level on both engines. (The Jaro-Winkler in Splink's
bundled jar counts transpositions as t/2 rather than DuckDB's floor(t/2) and shrinks the prefix
weight for strings over ten characters, so about one name pair in a hundred would land in
another level.) `register_functions` defines them in a session; seen.linkage.spark.translate
writes calls to them.

Two definitions give the same values: the compiled Java UDFs (java/SeenSimilarity.java, built
by seen.linkage.spark.compiled), which Spark runs as JIT-compiled code (docs/scaling.md), and
the SQL ones here, used when the session has no compiled jar.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from typing import TYPE_CHECKING

from seen.linkage.spark.translate import UnsupportedSQL

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


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


@cache  # a property of the DuckDB build: asked once a process, not once a scoring
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


COMPILED = "compiled"
SQL = "sql"


def _register_compiled(spark: SparkSession) -> bool:
    """Register the Java UDFs if the session's classpath has them."""
    from pyspark.sql.types import DoubleType, IntegerType

    from seen.linkage.spark.compiled import CLASSES

    winkler = "JaroWinklerFused" if _duckdb_fuses_multiply_add() else "JaroWinklerPlain"
    functions = {
        "seen_jaro": ("Jaro", DoubleType()),
        "seen_jaro_winkler": (winkler, DoubleType()),
        "seen_hamming": ("Hamming", IntegerType()),
    }
    try:
        for name, (java_class, kind) in functions.items():
            spark.udf.registerJavaFunction(name, f"{CLASSES}${java_class}", kind)
    except Exception:  # the class is not on this session's classpath
        return False
    return True


def register_functions(spark: SparkSession, *, prefer: str = COMPILED) -> str:
    """Define the functions translated model SQL calls in this session: compiled when the
    session has the jar and `prefer` allows, else in SQL. Returns which (COMPILED or SQL)."""
    if prefer == COMPILED and _register_compiled(spark):
        return COMPILED
    for name in ("seen_jaro", "seen_jaro_winkler", "seen_hamming"):  # Spark will not replace
        spark.sql(f"DROP TEMPORARY FUNCTION IF EXISTS {name}")  # a Java UDF with SQL
    for statement in function_definitions():
        spark.sql(statement)
    return SQL
