from __future__ import annotations

from seen.linkage.clustering import cluster


def groups(mapping: dict[int, int]) -> set[frozenset[int]]:
    found: dict[int, set[int]] = {}
    for record, key in mapping.items():
        found.setdefault(key, set()).add(record)
    return {frozenset(g) for g in found.values()}


def test_edges_join_records_and_singletons_stay_alone() -> None:
    result = cluster([1, 2, 3, 4], [(1, 2, 0.99), (2, 3, 0.995)])
    assert groups(result) == {frozenset({1, 2, 3}), frozenset({4})}
    assert result[3] == 1  # the cluster key is its smallest record


def test_a_cannot_link_is_never_joined_through_a_third_record() -> None:
    edges = [(1, 2, 0.999), (2, 3, 0.995), (1, 3, 0.99)]
    result = cluster([1, 2, 3], edges, cannot_link=[(1, 3)])
    assert groups(result) == {frozenset({1, 2}), frozenset({3})}  # strongest edge wins


def test_a_must_link_joins_records_the_model_did_not() -> None:
    result = cluster([1, 2, 3], [], must_link=[(1, 3)])
    assert groups(result) == {frozenset({1, 3}), frozenset({2})}


def test_the_result_does_not_depend_on_edge_order() -> None:
    edges = [(1, 2, 0.99), (2, 3, 0.995), (3, 4, 0.991), (5, 6, 0.999)]
    a = cluster(range(1, 7), edges, cannot_link=[(1, 4)])
    b = cluster(range(1, 7), list(reversed(edges)), cannot_link=[(4, 1)])
    assert a == b
