"""Normalise person records into the one table the linkage model reads.

Agencies write the same person differently: "Bob" and "Robert", "O'Brien" and "OBrien", "qa1 2bc"
and "QA12BC", "03/07/1990" and "1990-07-03", "+44 7700 900123" and "07700900123". prepare turns
each record into plain, comparable values in DuckDB (one SQL statement, fast enough for millions
of rows), with helper columns that let the comparisons see the usual mistakes:

- record_id, source: as given (text); record_id must be unique.
- forename: the first given name, lower case, without accents, titles or punctuation;
  placeholders such as "Baby" (a newborn not yet named) become null.
- forename_canonical: the name a short form stands for (bob -> robert), chosen by sex where a
  form is ambiguous; the blocking key.
- forename_keys: every canonical name the forename may stand for, itself included; two
  forenames are "the same name" when these intersect.
- surname: lower case, letters only ("o'brien" -> "obrien", "smith-jones" -> "smithjones").
- surnames: the surname, each part of a double-barrelled one and every previous surname; a
  change of surname shows as an overlap.
- dob: the date of birth (DATE), null if missing or not a real date.
- dob_text: the date as YYYYMMDD, kept even when it is not a real date (1990-13-02 is a slip,
  not a missing date).
- dob_swapped: YYYYDDMM, day and month transposed, where that is another date (day <= 12 and
  day != month).
- sex: "m", "f" or null.
- nhs_number: ten digits passing the modulus 11 check, else null.
- postcode: upper case without spaces ("QA12BC"), kept even when it is not a UK postcode.
- postcode_sector, postcode_district: "QA1 2" and "QA1" for a UK postcode, else null.
- phone: digits only, +44 written as 0, at least 7 digits, else null.
- address, address_tokens: the address line (optional) in lower case, letters and digits
  only, and its distinct words.
- family_postcode, family_phone: for a record named as the parent or partner of a baby or
  pregnancy (an agency's "partner: Jon"), the postcode and phone of the home of that family
  (its mother's), normalised as postcode and phone; kept only where the record holds no
  postcode (phone) of its own, so the family's home is never counted twice.
- parent_on: the first date the record is named as a baby's or pregnancy's parent or partner
  (DATE): such a person was born years before it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from seen.core.errors import Invalid
from seen.linkage import nicknames

# The columns a raw person record may have; every one but record_id is optional.
RAW_COLUMNS: tuple[str, ...] = (
    "record_id",
    "source",
    "forename",
    "surname",
    "previous_surnames",
    "dob",
    "sex",
    "nhs_number",
    "postcode",
    "phone",
    "address",
    # what the agency records around the person (seen.linkage.context): relationship evidence
    "family_postcode",
    "family_phone",
    "parent_on",
)

PREPARED_COLUMNS: tuple[str, ...] = (
    "record_id",
    "source",
    "forename",
    "forename_canonical",
    "forename_keys",
    "surname",
    "surnames",
    "dob",
    "dob_text",
    "dob_swapped",
    "sex",
    "nhs_number",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "phone",
    "address",
    "address_tokens",
    "family_postcode",
    "family_phone",
    "parent_on",
)

SUPPORTED_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


class PrepareError(Invalid):
    """Input that cannot be linked as it stands; the message says what to fix."""


def connect(
    *, memory_limit: str | None = None, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection sized for this machine: all cores (at most 8), and at most
    about a third of memory. Beyond that DuckDB spills to a folder of its own in Seen's
    temporary folder (settings.SEEN_TMP_DIR, never the working directory's .tmp), at most
    settings.SEEN_TMP_MAX_BYTES: a query that needs more fails with DuckDB's out-of-memory
    error rather than fill the disk. DuckDB removes the folder when the connection closes; one
    left by a killed process is removed by the next connection (seen.core.scratch).

    SEEN_DUCKDB_MEMORY (e.g. "6GB") and SEEN_DUCKDB_THREADS override."""
    from django.conf import settings

    from seen.core import scratch

    con = duckdb.connect(":memory:")
    threads = (
        threads or int(os.environ.get("SEEN_DUCKDB_THREADS", "0")) or min(os.cpu_count() or 2, 8)
    )
    memory_limit = memory_limit or os.environ.get("SEEN_DUCKDB_MEMORY") or _default_memory()
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET memory_limit = ?", [memory_limit])
    con.execute("SET temp_directory = ?", [str(scratch.new_name("duckdb"))])
    spill = int(settings.SEEN_TMP_MAX_BYTES or 0)
    if spill > 0:
        con.execute("SET max_temp_directory_size = ?", [f"{spill}B"])
    con.execute("SET preserve_insertion_order = false")
    return con


def _default_memory() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "4GB"
    gigabytes = max(1, min(8, int(total / 3 / 2**30)))
    return f"{gigabytes}GB"


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def prepare_records(rows: Iterable[Mapping[str, object]]) -> pa.Table:
    """Normalise records given as mappings (keys as RAW_COLUMNS; missing keys are null)."""
    columns: dict[str, list[str | None]] = {name: [] for name in RAW_COLUMNS}
    for row in rows:
        for name in RAW_COLUMNS:
            columns[name].append(_text(row.get(name)))
    raw = pa.table({name: pa.array(values, type=pa.string()) for name, values in columns.items()})
    return prepare_table(raw)


def prepare_table(raw: pa.Table) -> pa.Table:
    """Normalise an Arrow table holding any of RAW_COLUMNS (record_id required)."""
    con = connect()
    try:
        con.register("seen_raw_input", raw)
        return _prepare(con, "seen_raw_input", raw.column_names)
    finally:
        con.close()


def read_file(
    path: Path, con: duckdb.DuckDBPyConnection, name: str = "seen_raw_input"
) -> list[str]:
    """Load a CSV or Parquet file into table `name` (all columns as text); return its columns."""
    path = Path(path)
    if not path.is_file():
        raise PrepareError(f"{path}: no such file")
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise PrepareError(
            f"{path}: unknown format {path.suffix or '(no suffix)'!r}; give a .csv or .parquet file"
        )
    quoted = str(path).replace("'", "''")
    try:
        if kind == "csv":
            con.execute(
                f"CREATE TABLE {name} AS SELECT * FROM read_csv('{quoted}', all_varchar = true, "
                "header = true)"
            )
        else:
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{quoted}')")
    except duckdb.Error as error:
        raise PrepareError(f"{path}: cannot read it as {kind}: {error}") from None
    return [row[0] for row in con.execute(f"DESCRIBE {name}").fetchall()]


def prepare_file(path: Path) -> pa.Table:
    """Normalise a CSV or Parquet file of person records (any of RAW_COLUMNS; record_id
    required; other columns are ignored)."""
    con = connect()
    try:
        columns = read_file(path, con)
        return _prepare(con, "seen_raw_input", columns)
    finally:
        con.close()


def _check_ids(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> None:
    if "record_id" not in [c.lower() for c in columns]:
        raise PrepareError(
            "no record_id column: every record needs an identifier that is unique in the input "
            f"(columns found: {', '.join(columns) or 'none'})"
        )
    empty = con.execute(
        f"SELECT count(*) FROM {table} WHERE nullif(trim(CAST(record_id AS VARCHAR)), '') IS NULL"
    ).fetchall()[0]
    if empty and empty[0]:
        raise PrepareError(f"{empty[0]} record(s) have an empty record_id")
    duplicates = con.execute(
        f"SELECT trim(CAST(record_id AS VARCHAR)) AS id, count(*) AS n FROM {table} "
        "GROUP BY 1 HAVING count(*) > 1 ORDER BY n DESC, id LIMIT 5"
    ).fetchall()
    if duplicates:
        total = con.execute(
            f"SELECT count(*) FROM (SELECT trim(CAST(record_id AS VARCHAR)) FROM {table} "
            "GROUP BY 1 HAVING count(*) > 1)"
        ).fetchall()[0]
        shown = ", ".join(f"{identifier!r} ({count} times)" for identifier, count in duplicates)
        raise PrepareError(
            f"duplicate record_id: {total[0] if total else len(duplicates)} identifier(s) occur "
            f"more than once, e.g. {shown}"
        )


def _register_lookups(con: duckdb.DuckDBPyConnection) -> None:
    rows = nicknames.table_rows()
    con.register(
        "seen_nicknames",
        pa.table(
            {
                "form": pa.array([r[0] for r in rows], pa.string()),
                "canon_m": pa.array([r[1] for r in rows], pa.string()),
                "canon_f": pa.array([r[2] for r in rows], pa.string()),
                "canon_any": pa.array([nicknames.canonical(r[0]) for r in rows], pa.string()),
                "keys": pa.array([r[3] for r in rows], pa.list_(pa.string())),
            }
        ),
    )


def _lit_list(words: Iterable[str]) -> str:
    return "[" + ", ".join("'" + w.replace("'", "''") + "'" for w in sorted(words)) + "]"


def _phone(digits: str) -> str:
    """SQL: a phone number's digits (`digits`, a column) as Seen compares them: +44 written as
    0, at least 7 digits, else null."""
    return (
        f"CASE WHEN {digits} LIKE '44%' AND length({digits}) IN (11, 12)"
        f" THEN '0' || substr({digits}, 3) WHEN length({digits}) >= 7 THEN {digits} END"
    )


def _prepare(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> pa.Table:
    _check_ids(con, table, columns)
    _register_lookups(con)
    present = {c.lower(): c for c in columns}

    def col(name: str) -> str:
        if name in present:
            return f"nullif(trim(CAST(\"{present[name]}\" AS VARCHAR)), '')"
        return "CAST(NULL AS VARCHAR)"

    titles = _lit_list(nicknames.TITLES)
    skip = _lit_list(nicknames.TITLES | nicknames.PLACEHOLDERS)
    placeholders = _lit_list(nicknames.PLACEHOLDERS | nicknames.SURNAME_PLACEHOLDERS)
    # Names: accents off, apostrophes dropped, anything not a letter becomes a separator.
    clean = (
        "nullif(trim(regexp_replace(regexp_replace(lower(strip_accents({x})),"
        " '[''\u2019`]', '', 'g'), '[^a-z]+', ' ', 'g')), '')"
    )
    sql = f"""
    WITH raw AS (
        SELECT
            trim(CAST(record_id AS VARCHAR)) AS record_id,
            {col("source")} AS source,
            {clean.format(x=col("forename"))} AS forename_clean,
            {clean.format(x=col("surname"))} AS surname_clean,
            {col("previous_surnames")} AS previous_raw,
            {col("dob")} AS dob_raw,
            lower({col("sex")}) AS sex_raw,
            regexp_replace({col("nhs_number")}, '[^0-9]', '', 'g') AS nhs_raw,
            upper(regexp_replace({col("postcode")}, '[^A-Za-z0-9]', '', 'g')) AS postcode_raw,
            regexp_replace({col("phone")}, '[^0-9]', '', 'g') AS phone_raw,
            nullif(trim(regexp_replace(lower(strip_accents({col("address")})), '[^a-z0-9]+',
                ' ', 'g')), '') AS address,
            upper(regexp_replace({col("family_postcode")}, '[^A-Za-z0-9]', '', 'g'))
                AS family_postcode_raw,
            regexp_replace({col("family_phone")}, '[^0-9]', '', 'g') AS family_phone_raw,
            TRY_CAST({col("parent_on")} AS DATE) AS parent_on
        FROM {table}
    ),
    parsed AS (
        SELECT
            *,
            CASE
                WHEN sex_raw IN ('m', 'male', 'man', 'boy', '1') THEN 'm'
                WHEN sex_raw IN ('f', 'female', 'woman', 'girl', '2') THEN 'f'
            END AS sex,
            list_filter(
                string_split(coalesce(forename_clean, ''), ' '),
                lambda w: w <> '' AND NOT list_contains({titles}, w)
            ) AS forename_tokens,
            CASE WHEN NOT list_contains({placeholders}, replace(surname_clean, ' ', ''))
                 THEN nullif(replace(surname_clean, ' ', ''), '') END AS surname,
            CASE
                WHEN regexp_matches(dob_raw, '^\\d{{4}}-\\d{{1,2}}-\\d{{1,2}}')
                    THEN regexp_extract(
                        dob_raw, '^(\\d{{4}})-(\\d{{1,2}})-(\\d{{1,2}})', ['y', 'm', 'd'])
                WHEN regexp_matches(dob_raw, '^\\d{{8}}$')
                    THEN regexp_extract(
                        dob_raw, '^(\\d{{4}})(\\d{{2}})(\\d{{2}})$', ['y', 'm', 'd'])
                WHEN regexp_matches(dob_raw, '^\\d{{4}}/\\d{{1,2}}/\\d{{1,2}}')
                    THEN regexp_extract(
                        dob_raw, '^(\\d{{4}})/(\\d{{1,2}})/(\\d{{1,2}})', ['y', 'm', 'd'])
                WHEN regexp_matches(dob_raw, '^\\d{{1,2}}[/.-]\\d{{1,2}}[/.-]\\d{{4}}')
                    THEN {{'y': regexp_extract(dob_raw, '(\\d{{4}})', 1),
                          'm': regexp_extract(dob_raw, '^\\d{{1,2}}[/.-](\\d{{1,2}})', 1),
                          'd': regexp_extract(dob_raw, '^(\\d{{1,2}})', 1)}}
            END AS ymd
        FROM raw
    ),
    dated AS (
        SELECT
            *,
            ymd.y AS dob_y,
            lpad(ymd.m, 2, '0') AS dob_m,
            lpad(ymd.d, 2, '0') AS dob_d,
            -- the first given name that is not a placeholder ("Baby") stands as the forename
            CASE WHEN len(forename_tokens) > 0
                      AND NOT list_contains({skip}, forename_tokens[1])
                 THEN forename_tokens[1] END AS forename
        FROM parsed
    ),
    normal AS (
        SELECT
            record_id,
            source,
            forename,
            surname,
            list_sort(list_distinct(list_filter(
                list_concat(
                    [surname],
                    string_split(coalesce(surname_clean, ''), ' '),
                    list_transform(
                        string_split(coalesce(previous_raw, ''), ';'),
                        lambda p: replace({clean.format(x="p")}, ' ', '')
                    )
                ),
                lambda s: s IS NOT NULL AND length(s) >= 2
                     AND NOT list_contains({placeholders}, s)
            ))) AS surnames,
            CASE WHEN dob_y IS NOT NULL AND dob_y <> '0000'
                 THEN dob_y || dob_m || dob_d END AS dob_text,
            sex,
            CASE WHEN length(nhs_raw) = 10
                      AND nhs_raw <> repeat(substr(nhs_raw, 1, 1), 10)
                      AND (11 - list_sum([CAST(substr(nhs_raw, i, 1) AS INTEGER) * (11 - i)
                                          FOR i IN range(1, 10)]) % 11) % 11
                          = CAST(substr(nhs_raw, 10, 1) AS INTEGER)
                 THEN nhs_raw END AS nhs_number,
            nullif(postcode_raw, '') AS postcode,
            {_phone("phone_raw")} AS phone,
            address,
            nullif(family_postcode_raw, '') AS family_postcode,
            {_phone("family_phone_raw")} AS family_phone,
            parent_on
        FROM dated
    )
    SELECT
        n.record_id,
        n.source,
        n.forename,
        CASE WHEN n.forename IS NOT NULL THEN
            coalesce(CASE n.sex WHEN 'm' THEN k.canon_m WHEN 'f' THEN k.canon_f
                     ELSE k.canon_any END, n.forename)
        END AS forename_canonical,
        CASE WHEN n.forename IS NOT NULL THEN coalesce(k.keys, [n.forename]) END
            AS forename_keys,
        n.surname,
        CASE WHEN len(n.surnames) > 0 THEN n.surnames END AS surnames,
        try_strptime(n.dob_text, '%Y%m%d')::DATE AS dob,
        n.dob_text,
        CASE WHEN TRY_CAST(substr(n.dob_text, 7, 2) AS INTEGER) BETWEEN 1 AND 12
                  AND substr(n.dob_text, 7, 2) <> substr(n.dob_text, 5, 2)
             THEN substr(n.dob_text, 1, 4) || substr(n.dob_text, 7, 2)
                  || substr(n.dob_text, 5, 2) END AS dob_swapped,
        n.sex,
        n.nhs_number,
        n.postcode,
        CASE WHEN regexp_full_match(n.postcode, '[A-Z]{{1,2}}[0-9][A-Z0-9]?[0-9][A-Z]{{2}}')
             THEN substr(n.postcode, 1, length(n.postcode) - 3) || ' '
                  || substr(n.postcode, length(n.postcode) - 2, 1) END AS postcode_sector,
        CASE WHEN regexp_full_match(n.postcode, '[A-Z]{{1,2}}[0-9][A-Z0-9]?[0-9][A-Z]{{2}}')
             THEN substr(n.postcode, 1, length(n.postcode) - 3) END AS postcode_district,
        n.phone,
        n.address,
        CASE WHEN n.address IS NOT NULL
             THEN list_sort(list_distinct(string_split(n.address, ' '))) END AS address_tokens,
        CASE WHEN n.postcode IS NULL THEN n.family_postcode END AS family_postcode,
        CASE WHEN n.phone IS NULL THEN n.family_phone END AS family_phone,
        n.parent_on
    FROM normal AS n
    LEFT JOIN seen_nicknames AS k ON k.form = n.forename
    ORDER BY n.record_id
    """
    return con.sql(sql).to_arrow_table()
