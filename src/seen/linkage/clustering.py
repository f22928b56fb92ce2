"""Clustering records into persons: the one way Seen does it, for `seen link`, re-clustering
after a clerical decision, `seen link-file` and the benchmark.

1. A practitioner's must-link joins records whatever the model says.
2. Automatic links (pairs at or above the auto-link threshold) join clusters strongest first.
   A link is held back for clerical review when it would put in one person two records a
   practitioner said are different people (cannot-link), or two records the data itself says
   are different people (seen.linkage.exclusions: two different NHS numbers, dates of birth
   no slip explains, a father's record against his son's). The check is made on the whole of
   both clusters, so a record that lacks the identifier cannot chain two people who disagree
   on it; and since links are taken strongest first, a conflicting cluster is split at its
   weakest links. A pair resting on a name and a date of birth alone (`uncorroborated`) is
   never an automatic link.
3. A record that fits two people the exclusions keep apart joins neither (`ambiguous`): the
   part of the forest it touches is linked again without it (`_relink`).
4. Optionally, clusters then join by the mean probability of all their record pairs
   (`merge_mean`, see `_merge_by_mean`), under the same checks. No command uses it.

Pure Python over ids: no database, no model."""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from seen.linkage.exclusions import EXCLUSIONS, UNCORROBORATED, Exclusion

K = TypeVar("K", int, str)  # record ids: the database's, or a file's

# Clusters join while the mean match probability over all their record pairs is at least this
# (a pair not scored counts as 0). Chosen on the benchmark (docs/linkage.md).
CLUSTER_MERGE_MEAN = 0.3


@dataclass(frozen=True)
class HeldLink(Generic[K]):
    """An automatic link not made: the two records go to clerical review instead."""

    left: K
    right: K
    probability: float
    reason: str


@dataclass
class Clustering(Generic[K]):
    persons: dict[K, K]  # record -> its person's key (the smallest record of the cluster)
    held: list[HeldLink[K]] = field(default_factory=list)


class _Forest(Generic[K]):
    """Union-find that keeps, per cluster, its members and the identifiers they hold. A
    record's identifiers are read when first needed: most records never meet a check."""

    def __init__(self, identifiers: Mapping[K, Mapping[str, str | None]]) -> None:
        self.parent: dict[K, K] = {}
        self.members: dict[K, set[K]] = {}
        self._values: dict[K, dict[str, set[str]]] = {}
        self.identifiers: Mapping[K, Mapping[str, str | None]] = identifiers

    def add(self, item: K) -> None:
        if item not in self.parent:
            self.parent[item] = item
            self.members[item] = {item}

    def find(self, item: K) -> K:
        parent = self.parent
        root = parent[item]
        if root == item:
            return item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:  # path compression
            parent[item], item = root, parent[item]
        return root

    def values(self, root: K) -> dict[str, set[str]]:
        """The identifiers a cluster's records hold (column -> values)."""
        found = self._values.get(root)
        if found is None:  # a record alone, not yet read
            held = self.identifiers.get(root) or {}
            found = self._values[root] = {name: {value} for name, value in held.items() if value}
        return found

    def union(self, a: K, b: K) -> K:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return root_a
        if len(self.members[root_a]) < len(self.members[root_b]):
            root_a, root_b = root_b, root_a
        values_a, values_b = self.values(root_a), self.values(root_b)
        self.parent[root_b] = root_a
        self.members[root_a] |= self.members.pop(root_b)
        for name, values in values_b.items():
            values_a.setdefault(name, set()).update(values)
        del self._values[root_b]
        return root_a


class _Checks(Generic[K]):
    """Whether two clusters may become one person, and if not, why."""

    def __init__(
        self,
        forest: _Forest[K],
        cannot_link: Iterable[tuple[K, K]],
        exclusions: Iterable[Exclusion],
    ) -> None:
        self.forest: _Forest[K] = forest
        self.apart: dict[K, set[K]] = {}
        for a, b in cannot_link:
            self.apart.setdefault(a, set()).add(b)
            self.apart.setdefault(b, set()).add(a)
        self.exclusions = tuple(exclusions)
        # values a practitioner put in one person (must-link) are that person's, not a
        # conflict: kept by the records the decision joined, so that they excuse nothing in a
        # stranger's links (and a component clustered alone, as on Spark, gives the same)
        self.accepted: dict[K, set[tuple[str, frozenset[str]]]] = {}

    def accept_values_of(self, root: K) -> None:
        pairs = {
            (name, frozenset((x, y)))
            for name, values in self.forest.values(root).items()
            for x in values
            for y in values
            if x != y
        }
        for record in self.forest.members[root]:
            self.accepted.setdefault(record, set()).update(pairs)

    def _accepted_in(self, *clusters: Iterable[K]) -> set[tuple[str, frozenset[str]]]:
        found: set[tuple[str, frozenset[str]]] = set()
        if self.accepted:
            for members in clusters:
                for record in members:
                    found |= self.accepted.get(record, set())
        return found

    def refusal(self, a: K, b: K) -> str | None:
        forest = self.forest
        root_a, root_b = forest.find(a), forest.find(b)
        small, large = forest.members[root_a], forest.members[root_b]
        if len(small) > len(large):
            small, large = large, small
        if self.apart and any(self.apart.get(item, set()) & large for item in small):
            return DECIDED_APART
        return conflict(
            forest.values(root_a),
            forest.values(root_b),
            self.exclusions,
            self._accepted_in(small, large),
        )


def conflict(
    values_a: Mapping[str, Iterable[str]],
    values_b: Mapping[str, Iterable[str]],
    exclusions: Iterable[Exclusion] = EXCLUSIONS,
    accepted: set[tuple[str, frozenset[str]]] | None = None,
) -> str | None:
    """Why the records holding `values_a` and those holding `values_b` (column -> values) are
    different people, or None. `accepted`: pairs of values a practitioner put in one person."""
    for exclusion in exclusions:
        if exclusion.against is not None:  # one record's column against the other's
            for ours, theirs in ((values_a, values_b), (values_b, values_a)):
                for x in ours.get(exclusion.column, ()):
                    for y in theirs.get(exclusion.against, ()):
                        if exclusion.apart(x, y):
                            return exclusion.reason
            continue
        for x in values_a.get(exclusion.column, ()):
            for y in values_b.get(exclusion.column, ()):
                if (
                    x != y
                    and exclusion.apart(x, y)
                    and (exclusion.column, frozenset((x, y))) not in (accepted or set())
                ):
                    return exclusion.reason
    return None


def cluster(
    records: Iterable[K],
    edges: Iterable[tuple[K, K, float]],
    *,
    threshold: float = 0.0,
    must_link: Iterable[tuple[K, K]] = (),
    cannot_link: Iterable[tuple[K, K]] = (),
    identifiers: Mapping[K, Mapping[str, str | None]] | None = None,
    exclusions: Iterable[Exclusion] = EXCLUSIONS,
    merge_mean: float | None = None,
    uncorroborated: Collection[tuple[K, K]] = (),
) -> Clustering[K]:
    """Records into persons. `edges` are scored pairs (a, b, match probability); those at or
    above `threshold` are automatic links, and all of them count towards the mean when
    `merge_mean` is given. `identifiers` gives each record's values of the exclusions'
    columns (record -> {column: value}); a record not in it holds none.

    A record that fits two people the exclusions keep apart (a police record with a name and an
    address but no date of birth, at the home of a father and the son named after him) is
    joined to neither: its links go to clerical review (`ambiguous`). Pairs in
    `uncorroborated` (seen.linkage.exclusions.uncorroborated) are never automatic links."""
    records = list(records)
    ordered = sorted(edges, key=lambda edge: (-edge[2], edge[0], edge[1]))
    must, cannot = list(must_link), list(cannot_link)
    exclusions = tuple(exclusions)
    weak = {(min(a, b), max(a, b)) for a, b in uncorroborated}
    forest, checks, held = _link(
        records, ordered, threshold, must, cannot, identifiers, exclusions, weak=weak
    )
    bound = {record for pair in must for record in pair}
    torn = ambiguous(forest, ordered, held, threshold, bound, exclusions) if exclusions else set()
    if torn:
        held = _relink(forest, held, torn, ordered, threshold, must, cannot, exclusions, weak)
    if merge_mean is not None:
        _merge_by_mean(forest, checks, ordered, merge_mean)
    key = {root: min(members) for root, members in forest.members.items()}
    persons = {record: key[forest.find(record)] for record in forest.parent}
    return Clustering(persons, held)


FITS_BOTH = "the record fits two people whom other records say are different"
DECIDED_APART = "a practitioner decided these are different people"
# A record is ambiguous when its strongest link into the person it was not joined to is within
# this many bits (a factor of 2^4 = 16 in the odds) of its strongest link into its own.
AMBIGUITY_BITS = 4.0


def _link(
    records: list[K],
    ordered: list[tuple[K, K, float]],
    threshold: float,
    must: list[tuple[K, K]],
    cannot: list[tuple[K, K]],
    identifiers: Mapping[K, Mapping[str, str | None]] | None,
    exclusions: tuple[Exclusion, ...],
    alone: set[K] | None = None,
    weak: set[tuple[K, K]] | None = None,
) -> tuple[_Forest[K], _Checks[K], list[HeldLink[K]]]:
    """Must-links, then automatic links strongest first under the checks; records in `alone`
    join no one automatically (their links are held back as fitting two people)."""
    forest: _Forest[K] = _Forest(identifiers or {})
    for record in records:
        forest.add(record)
    checks = _Checks(forest, cannot, exclusions)
    for a, b in must:
        forest.add(a)
        forest.add(b)
        checks.accept_values_of(forest.union(a, b))
    held: list[HeldLink[K]] = []
    for a, b, probability in ordered:
        if probability < threshold:
            break
        forest.add(a)
        forest.add(b)
        if forest.find(a) == forest.find(b):
            continue
        if weak and (min(a, b), max(a, b)) in weak:
            reason: str | None = UNCORROBORATED
        elif alone and (a in alone or b in alone):
            reason = FITS_BOTH
        else:
            reason = checks.refusal(a, b)
        if reason is None:
            forest.union(a, b)
        else:
            held.append(HeldLink(a, b, probability, reason))
    return forest, checks, held


def _relink(
    forest: _Forest[K],
    held: list[HeldLink[K]],
    torn: set[K],
    ordered: list[tuple[K, K, float]],
    threshold: float,
    must: list[tuple[K, K]],
    cannot: list[tuple[K, K]],
    exclusions: tuple[Exclusion, ...],
    weak: set[tuple[K, K]],
) -> list[HeldLink[K]]:
    """Link again, with the ambiguous records alone, the part of the forest they touch: the
    clusters holding them and the clusters a held link ties to those (only a cluster that
    loses a record can change; what it may join was held back from it). The rest stands as
    linked. Returns the held links of the whole."""
    roots = {forest.find(record) for record in torn}
    for link in held:
        left, right = forest.find(link.left), forest.find(link.right)
        if left in roots or right in roots:
            roots |= {left, right}
    affected = {record for root in roots for record in forest.members[root]}
    part, _checks, part_held = _link(
        sorted(affected),
        [e for e in ordered if e[0] in affected and e[1] in affected],
        threshold,
        [m for m in must if m[0] in affected],
        [c for c in cannot if c[0] in affected or c[1] in affected],
        forest.identifiers,
        exclusions,
        torn,
        weak,
    )
    for root in roots:  # graft the part's clusters in place of the old ones
        del forest.members[root]
        forest._values.pop(root, None)
    for record in affected:
        forest.parent[record] = part.find(record)
    for root, members in part.members.items():
        forest.members[root] = members
        if root in part._values:
            forest._values[root] = part._values[root]
    kept = [h for h in held if h.left not in affected and h.right not in affected]
    return kept + part_held


def bits(probability: float) -> float:
    """A probability as a match weight: log2 of its odds (bounded away from 0 and 1)."""
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))


def ambiguous(
    forest: _Forest[K],
    ordered: list[tuple[K, K, float]],
    held: list[HeldLink[K]],
    threshold: float,
    bound: set[K],
    exclusions: tuple[Exclusion, ...],
) -> set[K]:
    """Records joined to one person while an automatic link, held back by an exclusion, ties
    them almost as strongly to another (within AMBIGUITY_BITS). A practitioner's must-link
    (`bound`) settles a record: it is never ambiguous."""
    # links held back by the data's exclusions (not by a decision, nor for want of evidence)
    excluded = [h for h in held if h.reason not in (FITS_BOTH, DECIDED_APART, UNCORROBORATED)]
    ends = {record for h in excluded for record in (h.left, h.right)}
    into: dict[K, dict[K, float]] = {}  # record -> cluster -> its strongest link there
    for a, b, probability in ordered:
        if probability < threshold:
            break
        for x, y in ((a, b), (b, a)):
            if x in ends:
                cluster_of_y = forest.find(y)
                best = into.setdefault(x, {})
                best[cluster_of_y] = max(best.get(cluster_of_y, 0.0), probability)
    found: set[K] = set()
    for link in excluded:
        for x, y in ((link.left, link.right), (link.right, link.left)):
            own, other = forest.find(x), forest.find(y)
            if x in bound or len(forest.members[own]) == 1:
                continue
            # x itself must fit the other person: it lacks what its own person and that one
            # disagree on
            held_by_x = {c: {v} for c, v in (forest.identifiers.get(x) or {}).items() if v}
            if conflict(held_by_x, forest.values(other), exclusions) is not None:
                continue
            inside = into.get(x, {}).get(own, 0.0)
            if bits(into[x][other]) >= bits(inside) - AMBIGUITY_BITS:
                found.add(x)
    return found


def _merge_by_mean(
    forest: _Forest[K], checks: _Checks[K], edges: list[tuple[K, K, float]], mean: float
) -> None:
    """Average-linkage agglomeration on top of the clusters: repeatedly join the two clusters
    whose record pairs have the highest mean match probability (pairs without an edge count
    as 0), while that mean is at least `mean` and the checks allow it.

    Automatic links chain: one wrong link joins two people's records wholesale. A mean over
    every pair of records needs most of the two clusters' records to look like one person, so
    a single wrong pair between two clusters of ten records weighs a hundredth; yet a record
    whose pairs with a person's records are each just short of the auto-link band (no date of
    birth, a short form of the name) joins it."""
    between: dict[K, dict[K, float]] = {}
    for a, b, probability in edges:
        forest.add(a)
        forest.add(b)
        ra, rb = forest.find(a), forest.find(b)
        if ra != rb and probability > 0:
            between.setdefault(ra, {})
            between.setdefault(rb, {})
            between[ra][rb] = between[ra].get(rb, 0.0) + probability
            between[rb][ra] = between[ra][rb]
    version: dict[K, int] = dict.fromkeys(between, 0)  # bumped on each join: skip stale entries

    def entry(a: K, b: K) -> tuple[float, K, K, int, int]:
        size = len(forest.members[a]) * len(forest.members[b])
        return (-between[a][b] / size, a, b, version[a], version[b])

    # both orders of each pair are queued: ties are then broken the same whatever the input order
    heap = [entry(a, b) for a, others in between.items() for b in others]
    heapq.heapify(heap)
    while heap:
        negative, a, b, version_a, version_b = heapq.heappop(heap)
        if -negative < mean:
            break
        if (
            a not in version
            or b not in version
            or (version_a, version_b)
            != (
                version[a],
                version[b],
            )
        ):
            continue
        if checks.refusal(a, b) is not None:
            continue
        root = forest.union(a, b)
        gone = b if root == a else a
        version[root] += 1
        del version[gone]
        for other, total in between.pop(gone).items():
            if other != root:
                del between[other][gone]
                between[root][other] = between[root].get(other, 0.0) + total
                between[other][root] = between[root][other]
        between[root].pop(gone, None)
        for other in between[root]:
            heapq.heappush(heap, entry(root, other))
