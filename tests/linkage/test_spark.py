"""Scoring on Spark: the model trained on DuckDB scores the same pairs with the same evidence.

The translation tests are plain Python. The others (marked slow) share one local Spark session
(two cores, no network; about a minute in all), stopped with its JVM at the end of the module.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from seen.linkage.blocking import BLOCKING_RULES, LOOSE_BLOCKING_RULES
from seen.linkage.comparisons import COMPARISONS
from seen.linkage.model import Bands, LinkageModel
from seen.linkage.prepare import prepare_records
from seen.linkage.spark.scoring import predict_with_spark
from seen.linkage.spark.session import spark_session, stop_spark
from seen.linkage.spark.similarity import COMPILED, SQL, register_functions
from seen.linkage.spark.translate import UnsupportedSQL, spark_settings, to_spark_sql

PEOPLE_COLUMNS = (
    "forename",
    "surname",
    "previous_surnames",
    "dob",
    "sex",
    "nhs_number",
    "postcode",
    "phone",
)
LEVEL_SQL = [
    level["sql_condition"]
    for _name, _needs, levels in COMPARISONS
    for level in levels
    if level["sql_condition"] != "ELSE"
]


# --------------------------------------------------------------------------------------------
# Translation (no Spark)


def test_every_comparison_and_blocking_rule_translates() -> None:
    for sql in [*LEVEL_SQL, *(rule.sql for rule in (*BLOCKING_RULES, *LOOSE_BLOCKING_RULES))]:
        spark_sql = to_spark_sql(sql)
        assert '"' not in spark_sql  # DuckDB's quoted identifiers are backticks on Spark
        lowered = spark_sql.lower()
        for duckdb_only in ("jaro_winkler_similarity", "hamming(", "list_", "date_diff", "len("):
            assert duckdb_only not in lowered.replace("seen_hamming(", "")


def test_translations() -> None:
    assert to_spark_sql('abs(date_diff(\'day\', "dob_l", "dob_r")) <= 31') == (
        "ABS(DATEDIFF(`dob_r`, `dob_l`)) <= 31"
    )
    assert to_spark_sql('list_has_any("surnames_l", "surnames_r")') == (
        "ARRAYS_OVERLAP(`surnames_l`, `surnames_r`)"
    )
    assert to_spark_sql('jaro_winkler_similarity("forename_l", "forename_r") >= 0.92') == (
        "SEEN_JARO_WINKLER(`forename_l`, `forename_r`) >= 0.92"
    )
    # len of a list is its size; of a string its length
    assert to_spark_sql('len("surnames_l") > 1') == "NULLIF(SIZE(`surnames_l`), -1) > 1"
    assert to_spark_sql('len("surname_l") > 1') == "LENGTH(`surname_l`) > 1"


def test_sql_not_known_to_behave_alike_is_refused() -> None:
    with pytest.raises(UnsupportedSQL, match="levenshtein"):
        to_spark_sql('levenshtein("surname_l", "surname_r") <= 1')
    with pytest.raises(UnsupportedSQL, match="month"):
        to_spark_sql('date_diff(\'month\', "dob_l", "dob_r") <= 1')
    with pytest.raises(UnsupportedSQL, match="regexp"):
        to_spark_sql("regexp_matches(\"postcode_l\", '^QA')")


def test_spark_settings_keep_the_parameters() -> None:
    settings = {
        "link_type": "dedupe_only",
        "sql_dialect": "duckdb",
        "probability_two_random_records_match": 0.001,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": "l.surname = r.surname", "sql_dialect": "duckdb"}
        ],
        "comparisons": [
            {
                "output_column_name": "surname",
                "comparison_levels": [
                    {"sql_condition": '"surname_l" IS NULL', "is_null_level": True},
                    {"sql_condition": '"surname_l" = "surname_r"', "m_probability": 0.9},
                    {"sql_condition": "ELSE", "m_probability": 0.1},
                ],
            }
        ],
    }
    translated = spark_settings(settings)
    assert settings["sql_dialect"] == "duckdb"  # a copy
    assert translated["sql_dialect"] == "spark"
    assert translated["blocking_rules_to_generate_predictions"] == [
        {"blocking_rule": "l.surname = r.surname", "sql_dialect": "spark"}
    ]
    levels = translated["comparisons"][0]["comparison_levels"]
    assert [level["sql_condition"] for level in levels] == [
        "`surname_l` IS NULL",
        "`surname_l` = `surname_r`",
        "ELSE",
    ]
    assert levels[1]["m_probability"] == 0.9


# --------------------------------------------------------------------------------------------
# On a local Spark


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark import SparkContext

    session = spark_session("seen-test")
    gateway = SparkContext._gateway
    jvm = getattr(gateway, "proc", None)
    yield session
    stop_spark(session)
    assert SparkContext._gateway is None
    if jvm is not None:
        assert jvm.poll() is not None, "the Spark JVM is still running"


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    from seen.synth.generator import generate

    out = tmp_path_factory.mktemp("spark-synth")
    generate(out, areas=2, births=60, seed=3, start=date(2025, 4, 1))
    with (Path(out) / "people.csv").open(newline="", encoding="utf-8") as handle:
        return [
            {
                "record_id": f"{row['agency']}:{row['id']}",
                "source": row["agency"],
                **{column: row[column] for column in PEOPLE_COLUMNS},
            }
            for row in csv.DictReader(handle)
        ]


@pytest.mark.slow
def test_spark_scores_the_same_pairs_as_duckdb(spark: Any, people: list[dict[str, Any]]) -> None:
    prepared = prepare_records(people)
    model = LinkageModel.train(prepared, seed=1)
    threshold = Bands().review
    on_duckdb = model.predict(prepared, threshold=threshold)
    on_spark = predict_with_spark(model.settings, prepared, threshold=threshold, spark=spark)

    assert on_duckdb.num_rows > 100
    assert on_spark.schema == on_duckdb.schema
    assert on_spark.column("record_id_l").to_pylist() == on_duckdb.column("record_id_l").to_pylist()
    assert on_spark.column("record_id_r").to_pylist() == on_duckdb.column("record_id_r").to_pylist()
    for column, tolerance in (("match_probability", 1e-6), ("match_weight", 1e-6)):
        for a, b in zip(on_spark[column].to_pylist(), on_duckdb[column].to_pylist(), strict=True):
            assert a == pytest.approx(b, abs=tolerance), column
    for name in model.comparison_names:  # float32 evidence, term frequencies included
        spark_weights = on_spark[f"mw_{name}"].to_pylist()
        duckdb_weights = on_duckdb[f"mw_{name}"].to_pylist()
        for a, b in zip(spark_weights, duckdb_weights, strict=True):
            assert a == pytest.approx(b, abs=1e-4), name


def _string_pairs(words: list[str], rng: random.Random) -> list[tuple[str, str]]:
    """Pairs of names and postcodes as the data has them, slips of them, and strings made to
    stress the algorithm: tiny alphabets, long strings, accents, empty strings."""

    def slip(text: str, alphabet: str) -> str:
        chars = list(text)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(chars) + 1)
            operation = rng.randrange(4)
            if operation == 0 or not chars:
                chars.insert(i, rng.choice(alphabet))
            elif operation == 1:
                del chars[min(i, len(chars) - 1)]
            elif operation == 2:
                chars[min(i, len(chars) - 1)] = rng.choice(alphabet)
            elif i + 1 < len(chars):
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
        return "".join(chars)

    pairs = {(rng.choice(words), rng.choice(words)) for _ in range(3000)}
    pairs |= {(word, slip(word, "abcdefghijklmnopqrstuvwxyz")) for word in rng.sample(words, 300)}
    for _ in range(3000):
        alphabet = rng.choice(["ab", "abc", "abcdefgh", "aeiouxyz ", "aéëßz"])
        text = "".join(rng.choice(alphabet) for _ in range(rng.choice([2, 5, 9, 14, 70])))
        pairs.add((text, slip(text, alphabet) if rng.random() < 0.7 else text[::-1]))
    pairs |= {("", "a"), ("a", ""), ("", ""), ("a", "a"), ("a", "b"), ("ab", "ba"), ("0", "00")}
    return sorted(pairs)


@pytest.mark.slow
@pytest.mark.parametrize("definition", [COMPILED, SQL])
def test_string_functions_give_duckdbs_values_to_the_bit(
    spark: Any, people: list[dict[str, Any]], definition: str
) -> None:
    """Both definitions, the compiled Java UDFs (this machine has a JDK, as CI's has) and the
    SQL fallback, over about 6,000 pairs of names, slips and strings made to stress them."""
    rng = random.Random(11)
    words = sorted(
        {str(row[c]).lower() for row in people for c in ("forename", "surname") if row[c]}
        | {str(row["postcode"]) for row in people if row["postcode"]}
    )
    pairs = _string_pairs(words, rng)
    table = pa.table(
        {
            "id": list(range(len(pairs))),
            "a": [a for a, _ in pairs],
            "b": [b for _, b in pairs],
        }
    )
    con = duckdb.connect()
    con.register("pairs", table)
    expected = con.execute(
        "SELECT id, jaro_similarity(a, b), jaro_winkler_similarity(a, b),"
        " CASE WHEN length(a) = length(b) AND length(a) > 0 THEN hamming(a, b) END"
        " FROM pairs ORDER BY id"
    ).fetchall()
    assert register_functions(spark, prefer=definition) == definition
    spark.createDataFrame(table).createOrReplaceTempView("seen_test_pairs")
    got = [
        tuple(row)
        for row in spark.sql(
            "SELECT id, seen_jaro(a, b), seen_jaro_winkler(a, b), seen_hamming(a, b)"
            " FROM seen_test_pairs ORDER BY id"
        ).collect()
    ]
    assert len(got) > 5000
    differing = [(pairs[e[0]], e[1:], g[1:]) for e, g in zip(expected, got, strict=True) if e != g]
    assert not differing, differing[:5]
    register_functions(spark)  # the module's other tests use the default


@pytest.mark.slow
def test_every_comparison_level_holds_for_the_same_pairs(
    spark: Any, people: list[dict[str, Any]]
) -> None:
    """Each level's condition on its own (not only the first that holds), addresses included,
    over every pair of a few dozen records: people of one family, their slips and moves."""
    rng = random.Random(5)
    streets = ["acacia avenue", "acacia ave", "high street", "station road", "the crescent"]
    rows = []
    for row in people[:60]:
        number = rng.randint(1, 12)
        address = f"{number} {rng.choice(streets)}"
        if rng.random() < 0.3:
            address = f"flat {rng.randint(1, 4)}, {address}"
        rows.append({**row, "address": address if rng.random() < 0.9 else None})
    prepared = prepare_records(rows)
    con = duckdb.connect()
    con.register("records", prepared)
    columns = [name for name in prepared.column_names if name != "record_id"]
    sides = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns)
    pairs = con.sql(
        f"SELECT l.record_id || '|' || r.record_id AS pair, {sides} FROM records AS l "
        "JOIN records AS r ON l.record_id < r.record_id ORDER BY pair"
    ).to_arrow_table()
    con.register("pairs", pairs)
    holds = ", ".join(f"coalesce(({sql}), false) AS level_{i}" for i, sql in enumerate(LEVEL_SQL))
    expected = con.execute(f"SELECT pair, {holds} FROM pairs ORDER BY pair").fetchall()

    register_functions(spark)
    spark.createDataFrame(pairs).createOrReplaceTempView("seen_test_record_pairs")
    spark_holds = ", ".join(
        f"coalesce(({to_spark_sql(sql)}), false) AS level_{i}" for i, sql in enumerate(LEVEL_SQL)
    )
    got = [
        tuple(row)
        for row in spark.sql(
            f"SELECT pair, {spark_holds} FROM seen_test_record_pairs ORDER BY pair"
        ).collect()
    ]
    assert len(expected) == len(got) > 1000
    for e, g in zip(expected, got, strict=True):
        different = [
            LEVEL_SQL[i] for i, (x, y) in enumerate(zip(e[1:], g[1:], strict=True)) if x != y
        ]
        assert not different, (e[0], different)
    # the address levels are exercised: some pairs share an address, some half their words
    address_levels = [i for i, sql in enumerate(LEVEL_SQL) if "address" in sql]
    assert any(row[i + 1] for row in expected for i in address_levels)


def test_without_a_java_compiler_there_is_no_jar_and_spark_uses_sql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seen.linkage.spark import compiled

    monkeypatch.setenv("SEEN_SPARK_JAR_DIR", str(tmp_path / "jars"))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(compiled.shutil, "which", lambda _name: None)
    compiled.similarity_jar.cache_clear()
    try:
        assert compiled.similarity_jar() is None
        assert not (tmp_path / "jars").exists()
    finally:
        compiled.similarity_jar.cache_clear()


def test_the_jar_is_built_once_per_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from seen.linkage.spark import compiled

    if shutil.which("javac") is None:
        pytest.skip("no JDK on this machine (CI installs one: .ci/run)")
    monkeypatch.setenv("SEEN_SPARK_JAR_DIR", str(tmp_path))
    compiled.similarity_jar.cache_clear()
    try:
        jar = compiled.similarity_jar()
        assert jar is not None and jar.parent == tmp_path
        import zipfile

        names = zipfile.ZipFile(jar).namelist()
        assert "seen/spark/SeenSimilarity$JaroWinklerFused.class" in names
        built = jar.stat().st_mtime_ns
        compiled.similarity_jar.cache_clear()
        assert compiled.similarity_jar() == jar and jar.stat().st_mtime_ns == built
    finally:
        compiled.similarity_jar.cache_clear()
