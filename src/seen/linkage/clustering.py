"""Clustering records into persons under practitioners' decisions.

Edges are added strongest first into a union-find. A practitioner's must-link joins records
whatever the model says; a cannot-link keeps two records apart: an automatic edge that would
put them in one person is skipped, so a rejected link can never come back through a third
record. Pure Python, no database: the same function serves batch runs and re-clustering."""

from __future__ import annotations

from collections.abc import Iterable


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.members: dict[int, set[int]] = {}

    def find(self, item: int) -> int:
        parent = self.parent.setdefault(item, item)
        if parent == item:
            self.members.setdefault(item, {item})
            return item
        root = self.find(parent)
        self.parent[item] = root
        return root

    def union(self, a: int, b: int) -> int:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return root_a
        if len(self.members[root_a]) < len(self.members[root_b]):
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.members[root_a] |= self.members.pop(root_b)
        return root_a


def cluster(
    records: Iterable[int],
    edges: Iterable[tuple[int, int, float]],
    *,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
) -> dict[int, int]:
    """Map each record to a cluster key (the smallest record id in its cluster)."""
    forest = _UnionFind()
    for record in records:
        forest.find(record)
    apart: dict[int, set[int]] = {}
    for a, b in cannot_link:
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)

    def allowed(a: int, b: int) -> bool:
        small, large = forest.members[forest.find(a)], forest.members[forest.find(b)]
        if len(small) > len(large):
            small, large = large, small
        return not any(apart.get(item, set()) & large for item in small)

    for a, b in must_link:
        forest.find(a)
        forest.find(b)
        forest.union(a, b)
    for a, b, _probability in sorted(edges, key=lambda edge: (-edge[2], edge[0], edge[1])):
        forest.find(a)
        forest.find(b)
        if forest.find(a) != forest.find(b) and allowed(a, b):
            forest.union(a, b)
    return {record: min(forest.members[forest.find(record)]) for record in list(forest.parent)}
