"""The independent set in `seen bench`: the dataset the linkage benchmark loads, the false-join
counts it prints, and `seen bench independent` writing a file `seen link-file` reads."""

from __future__ import annotations

import csv
from datetime import date
from io import StringIO
from pathlib import Path

import pyarrow as pa
import pytest
from django.core.management import CommandError, call_command

from seen.bench.linkage import DATASETS, DEFAULT_DATASETS
from seen.bench.linkage_datasets import Dataset, load_independent
from seen.bench.linkage_evaluation import Run, false_joins
from seen.bench.linkage_report import report_lines
from seen.linkage import evaluate
from seen.linkage.prepare import prepare_file


def test_independent_is_a_default_dataset() -> None:
    assert "independent" in DATASETS and "independent" in DEFAULT_DATASETS


def test_load_independent_gives_truth_and_breakdowns() -> None:
    dataset = load_independent(300)
    ids = dataset.raw.column("record_id").to_pylist()
    assert set(ids) == set(dataset.truth)
    assert {"sex", "hard case", "naming", "role"} <= set(dataset.groups)
    people = set(dataset.truth.values())
    assert people <= set(dataset.groups["hard case"])
    assert set(dataset.groups["sex"].values()) == {"male", "female"}
    assert "nhs_number" in dataset.raw.column_names


def test_conflicting_clusters_counts_persons_holding_two_values() -> None:
    clusters = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "3"}
    nhs = {"a": "9990000018", "b": "9990000026", "c": "9990000034", "d": None, "e": "x"}
    assert evaluate.conflicting_clusters(clusters, nhs) == 1
    assert evaluate.conflicting_clusters({}, nhs) == 0  # everyone alone


def _run(clusters: dict[str, str], nhs: list[str | None], dobs: list[date | None]) -> Run:
    prepared = pa.table(
        {
            "record_id": list(clusters),
            "nhs_number": pa.array(nhs, pa.string()),
            "dob": pa.array(dobs, pa.date32()),
        }
    )
    return Run(prepared, None, None, clusters, 0, {}, 0.0)  # type: ignore[arg-type]


def test_false_join_counts() -> None:
    # person 1: two true people, two NHS numbers; person 2: a day/month swap and one slipped
    # digit in the year, all within a year of each other or one slip apart (one person); person
    # 3: ten years and a month apart (not a slip).
    clusters = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "2", "f": "3", "g": "3"}
    truth = {"a": "X", "b": "Y", "c": "Z", "d": "Z", "e": "Z", "f": "W", "g": "V"}
    run = _run(
        clusters,
        ["9990000018", "9990000026", None, None, None, None, None],
        [
            None,
            None,
            date(1990, 3, 7),
            date(1990, 7, 3),
            date(1991, 3, 7),
            date(1975, 5, 1),
            date(1985, 6, 2),
        ],
    )
    dataset = Dataset("x", pa.table({"record_id": list(clusters)}), truth)
    figures = false_joins(dataset, run)
    assert figures == {
        "auto_persons_joining_people": 2,
        "auto_persons_two_nhs_numbers": 1,
        "auto_persons_dobs_apart": 1,
    }


def test_no_nhs_count_without_nhs_numbers() -> None:
    clusters = {"a": "1", "b": "1"}
    run = _run(clusters, [None, None], [None, None])
    dataset = Dataset("x", pa.table({"record_id": ["a", "b"]}), {"a": "X", "b": "X"})
    assert "auto_persons_two_nhs_numbers" not in false_joins(dataset, run)


def test_report_prints_the_false_joins_and_the_groups() -> None:
    scores = {"precision": 0.99, "recall": 0.98, "f1": 0.985}
    group = {"records": 10, "pairwise": scores, "clustered": scores, "bcubed": scores}
    result = {
        "records": 100,
        "people": 40,
        "true_pairs": 60,
        "scored_pairs": 80,
        "notes": "",
        "seconds": {"end_to_end": 1, "prepare": 0, "train": 1, "predict": 0, "cluster": 0},
        "peak_rss_mb": 1,
        **{
            k: scores
            for k in (
                "pairwise_auto_link",
                "pairwise_auto_or_review",
                "clustered_auto_link",
                "clustered_auto_or_review",
                "bcubed_auto_link",
                "clustered_merge_by_mean",
            )
        },
        "held_back": 7,
        "review_queue": 12,
        "best_pairwise_f1": {"threshold": 0.5, **scores},
        "auto_persons_joining_people": 3,
        "auto_persons_two_nhs_numbers": 2,
        "auto_persons_dobs_apart": 1,
        "by hard case": {
            "auto_link": {"same name and dob": group},
            "auto_or_review": {"same name and dob": group},
        },
    }
    lines = report_lines({"independent": result}, {"auto_link": 0.995, "review": 0.1})
    text = "\n".join(lines)
    assert "(40 people)" in text
    assert "automatic links held back for review: 7; review queue: 12 pairs of persons" in text
    assert "joining two or more people: 3; holding two NHS numbers: 2" in text
    assert "     same name and dob records       10  R 0.9800, 0.9800 | P 0.9900" in text


def test_bench_independent_writes_a_file_link_file_reads(tmp_path: Path) -> None:
    out = StringIO()
    call_command(
        "bench",
        "independent",
        "--people",
        "150",
        "--seed",
        "2",
        "--out",
        str(tmp_path / "set.csv"),
        stdout=out,
    )
    assert "records of 150 people" in out.getvalue()
    truth = list(csv.DictReader((tmp_path / "set.truth.csv").open(encoding="utf-8")))
    assert len({row["person_id"] for row in truth}) <= 150
    prepared = prepare_file(tmp_path / "set.csv")
    assert prepared.num_rows == len(truth)


def test_bench_independent_refuses_bad_options(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--people"):
        call_command("bench", "independent", "--people", "3", "--out", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("bench", "independent", "--out", str(tmp_path / "none" / "x.csv"))


def test_the_queue_counts_pairs_of_persons_not_outweighed() -> None:
    from seen.bench.linkage_evaluation import queue_size
    from seen.linkage.model import Bands

    pairs = pa.table(
        {
            "record_id_l": ["a", "c", "a", "b", "e"],
            "record_id_r": ["b", "d", "c", "d", "a"],
            "match_probability": [0.99999, 0.99999, 0.3, 0.4, 0.5],
        }
    )
    persons = {"a": "a", "b": "a", "c": "c", "d": "c", "e": "e"}
    # a-c and b-d are between the same two persons, each record held far more strongly: not
    # queued; e (alone) against a's person is
    assert queue_size(pairs, persons, Bands()) == 1
