"""One dataset through Seen's linkage model, and the figures of the run: `run_seen` trains,
scores and clusters from the raw records (timed, with peak memory), as `seen link` would;
`evaluate_run` measures the pairs and the persons against the truth (pairwise, clustered,
B-cubed, the best thresholds, the review queue, false joins, the breakdowns by group).
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from seen.bench.linkage_datasets import Dataset
from seen.linkage import evaluate
from seen.linkage.clustering import CLUSTER_MERGE_MEAN
from seen.linkage.model import Bands, LinkageModel
from seen.linkage.prepare import prepare_table
from seen.linkage.review import outweighed

SCORE_THRESHOLD = 0.01  # pairs kept for the figures; bands are applied to these


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
        "review_queue": queue_size(run.pairs, persons, bands),
        "seconds": {k: round(v, 2) for k, v in run.seconds.items()},
        "peak_rss_mb": round(run.peak_rss_mb),
        "model_version": run.model.version,
        "probability_two_random_records_match": run.model.settings[
            "probability_two_random_records_match"
        ],
        **false_joins(dataset, run),
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


def edges(pairs: pa.Table) -> list[tuple[str, str, float]]:
    """Scored pairs as (record, record, match probability)."""
    return list(
        zip(
            pairs.column("record_id_l").to_pylist(),
            pairs.column("record_id_r").to_pylist(),
            pairs.column("match_probability").to_pylist(),
            strict=True,
        )
    )


def queue_size(pairs: pa.Table, persons: dict[str, str], bands: Bands) -> int:
    """The clerical review queue as a practitioner meets it (seen.linkage.review): pairs of
    persons (not of records) with a scored pair at or above the review band between them that
    the records' own links do not outweigh; one decision settles each."""
    scored = edges(pairs)
    own: dict[str, float] = {}
    for a, b, p in scored:
        if p >= bands.auto_link and persons[a] == persons[b]:
            own[a], own[b] = max(own.get(a, 0.0), p), max(own.get(b, 0.0), p)
    queued = set()
    for a, b, p in scored:
        if (
            p >= bands.review
            and persons[a] != persons[b]
            and not outweighed(p, own.get(a), own.get(b))
        ):
            queued.add((min(persons[a], persons[b]), max(persons[a], persons[b])))
    return len(queued)


def false_joins(dataset: Dataset, run: Run) -> dict[str, int]:
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
