"""Measuring linkage against ground truth: pairwise and clustered precision, recall and F1.

Truth is a mapping record_id -> true entity id. Two records are a true pair when they name the
same entity. Every function is plain Python over mappings and iterables, so the benchmark, the
tests and a notebook use the same arithmetic.

- **Pairwise** (`pairwise`): the predicted pairs (for example every scored pair at or above a
  threshold) against every true pair, whether or not blocking found it.
- **Clustered, pairwise over clusters** (`cluster_pairwise`): every pair of records the
  clustering puts together, against every true pair. This is "clustered F1" in Seen's figures:
  it counts what a practitioner sees (two records shown as one person) including the links a
  cluster implies but no scored pair made.
- **B-cubed** (`bcubed`): per record, the share of its predicted cluster that is truly its
  entity (precision) and the share of its entity that its cluster holds (recall), averaged over
  records. Reported alongside; less dominated by the largest clusters.

Breakdowns (`by_group`) give any of these per group of a record's true entity (sex, age band).

`conflicting_clusters` counts the persons a clustering makes that hold two different values of
an identifier (two different NHS numbers in one automatically linked person: a false join that
no truth is needed to see).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Scores:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self, digits: int = 4) -> dict[str, float | int]:
        return {
            **asdict(self),
            "precision": round(self.precision, digits),
            "recall": round(self.recall, digits),
            "f1": round(self.f1, digits),
        }


@dataclass(frozen=True)
class BCubed:
    precision: float
    recall: float
    records: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self, digits: int = 4) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, digits),
            "recall": round(self.recall, digits),
            "f1": round(self.f1, digits),
            "records": self.records,
        }


def _pairs_within(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def true_pair_count(truth: Mapping[str, str], records: Iterable[str] | None = None) -> int:
    """How many pairs of records (of `records`, default all) name the same entity."""
    keys = truth.keys() if records is None else records
    return _pairs_within(Counter(truth[r] for r in keys).values())


def pairwise(pairs: Iterable[tuple[str, str]], truth: Mapping[str, str]) -> Scores:
    """Predicted pairs against all true pairs among the records in `truth`. A pair given twice
    (either order) counts once; pairs naming a record not in truth are false positives."""
    seen: set[tuple[str, str]] = set()
    tp = fp = 0
    for a, b in pairs:
        key = (a, b) if a <= b else (b, a)
        if a == b or key in seen:
            continue
        seen.add(key)
        ta, tb = truth.get(a), truth.get(b)
        if ta is not None and ta == tb:
            tp += 1
        else:
            fp += 1
    return Scores(tp, fp, true_pair_count(truth) - tp)


def cluster_pairwise(clusters: Mapping[str, str], truth: Mapping[str, str]) -> Scores:
    """Every pair inside a predicted cluster against every true pair (records in both maps;
    a record missing from `clusters` counts as alone)."""
    records = list(truth)
    predicted = Counter(clusters.get(r, "\0" + r) for r in records)
    both = Counter((clusters.get(r, "\0" + r), truth[r]) for r in records)
    tp = _pairs_within(both.values())
    found = _pairs_within(predicted.values())
    real = true_pair_count(truth)
    return Scores(tp, found - tp, real - tp)


def bcubed(
    clusters: Mapping[str, str],
    truth: Mapping[str, str],
    records: Iterable[str] | None = None,
) -> BCubed:
    """B-cubed precision and recall averaged over `records` (default every record in truth);
    clusters and entities are always those of all records in truth."""
    everyone = list(truth)
    cluster_of = {r: clusters.get(r, "\0" + r) for r in everyone}
    cluster_size = Counter(cluster_of.values())
    entity_size = Counter(truth[r] for r in everyone)
    overlap = Counter((cluster_of[r], truth[r]) for r in everyone)
    chosen = everyone if records is None else list(records)
    if not chosen:
        return BCubed(1.0, 1.0, 0)
    precision = recall = 0.0
    for r in chosen:
        shared = overlap[(cluster_of[r], truth[r])]
        precision += shared / cluster_size[cluster_of[r]]
        recall += shared / entity_size[truth[r]]
    return BCubed(precision / len(chosen), recall / len(chosen), len(chosen))


def conflicting_clusters(clusters: Mapping[str, str], values: Mapping[str, str | None]) -> int:
    """How many clusters hold two or more different non-empty values among their records'
    `values` (record id -> value, e.g. each record's valid NHS number). A record missing from
    `clusters` is alone and cannot conflict."""
    held: dict[str, set[str]] = defaultdict(set)
    for record, value in values.items():
        if value and record in clusters:
            held[clusters[record]].add(value)
    return sum(1 for found in held.values() if len(found) > 1)


def by_group(
    truth: Mapping[str, str],
    group_of_entity: Mapping[str, str] | Callable[[str], str | None],
    *,
    pairs: Iterable[tuple[str, str]] | None = None,
    clusters: Mapping[str, str] | None = None,
) -> dict[str, dict[str, object]]:
    """Scores per group of the true entity (e.g. sex, age band).

    Pairwise recall in a group counts the group's true pairs; pairwise precision counts the
    predicted pairs whose first record's entity is in the group (a false pair across groups is
    charged to the first record's group). Clustered figures: pairwise over clusters charged the
    same way, and B-cubed averaged over the group's records."""
    lookup = group_of_entity if callable(group_of_entity) else group_of_entity.get
    record_group: dict[str, str] = {}
    for record, entity in truth.items():
        group = lookup(entity)
        record_group[record] = group if group else "unknown"
    groups = sorted(set(record_group.values()))
    members: dict[str, list[str]] = defaultdict(list)
    for record, group in record_group.items():
        members[group].append(record)
    result: dict[str, dict[str, object]] = {}
    pair_list = list(pairs) if pairs is not None else None
    for group in groups:
        entry: dict[str, object] = {"records": len(members[group])}
        real = true_pair_count(truth, members[group])
        if pair_list is not None:
            tp = fp = 0
            done: set[tuple[str, str]] = set()
            for a, b in pair_list:
                key = (a, b) if a <= b else (b, a)
                if a == b or key in done or record_group.get(key[0]) != group:
                    continue
                done.add(key)
                if truth.get(a) is not None and truth.get(a) == truth.get(b):
                    tp += 1
                else:
                    fp += 1
            entry["pairwise"] = Scores(tp, fp, real - tp).as_dict()
        if clusters is not None:
            cluster_of = {r: clusters.get(r, "\0" + r) for r in truth}
            in_group = Counter((cluster_of[r], truth[r]) for r in members[group])
            tp = _pairs_within(in_group.values())
            # predicted pairs charged to this group: pairs (x, y) in one cluster where x is in
            # the group; counted as pairs among the group's records plus half of the pairs with
            # records outside it.
            size_in_group = Counter(cluster_of[r] for r in members[group])
            size_all = Counter(cluster_of.values())
            found = 0
            for cluster, k in size_in_group.items():
                found += k * (k - 1) // 2 + (k * (size_all[cluster] - k)) // 2
            entry["clustered"] = Scores(tp, max(found - tp, 0), real - tp).as_dict()
            entry["bcubed"] = bcubed(clusters, truth, members[group]).as_dict()
        result[group] = entry
    return result


def age_band(years: float | None) -> str:
    """Age bands used in Seen's breakdowns."""
    if years is None:
        return "unknown"
    if years < 1:
        return "under 1"
    if years < 18:
        return "1-17"
    if years < 25:
        return "18-24"
    if years < 35:
        return "25-34"
    if years < 45:
        return "35-44"
    return "45+"
