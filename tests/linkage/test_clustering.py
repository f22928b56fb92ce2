from __future__ import annotations

from seen.linkage.clustering import FITS_BOTH, cluster


def groups(mapping: dict[int, int]) -> set[frozenset[int]]:
    found: dict[int, set[int]] = {}
    for record, key in mapping.items():
        found.setdefault(key, set()).add(record)
    return {frozenset(g) for g in found.values()}


def test_edges_join_records_and_singletons_stay_alone() -> None:
    result = cluster([1, 2, 3, 4], [(1, 2, 0.99), (2, 3, 0.995)]).persons
    assert groups(result) == {frozenset({1, 2, 3}), frozenset({4})}
    assert result[3] == 1  # the cluster key is its smallest record


def test_a_cannot_link_is_never_joined_through_a_third_record() -> None:
    edges = [(1, 2, 0.999), (2, 3, 0.995), (1, 3, 0.99)]
    result = cluster([1, 2, 3], edges, cannot_link=[(1, 3)]).persons
    assert groups(result) == {frozenset({1, 2}), frozenset({3})}  # strongest edge wins


def test_a_must_link_joins_records_the_model_did_not() -> None:
    result = cluster([1, 2, 3], [], must_link=[(1, 3)]).persons
    assert groups(result) == {frozenset({1, 3}), frozenset({2})}


def test_the_result_does_not_depend_on_edge_order() -> None:
    edges = [(1, 2, 0.99), (2, 3, 0.995), (3, 4, 0.991), (5, 6, 0.999)]
    a = cluster(range(1, 7), edges, cannot_link=[(1, 4)])
    b = cluster(range(1, 7), list(reversed(edges)), cannot_link=[(4, 1)])
    assert a.persons == b.persons


def test_edges_below_the_threshold_are_not_automatic_links() -> None:
    result = cluster([1, 2, 3], [(1, 2, 0.999), (2, 3, 0.9)], threshold=0.995)
    assert groups(result.persons) == {frozenset({1, 2}), frozenset({3})}


# ---- exclusions: what the data says about two people (seen.linkage.exclusions) -------------

NHS_A, NHS_B = "9990000026", "9990000018"  # both pass the check digit, one digit apart


def test_two_different_nhs_numbers_are_never_one_automatic_person() -> None:
    identifiers = {1: {"nhs_number": NHS_A}, 2: {"nhs_number": NHS_B}}
    result = cluster([1, 2], [(1, 2, 0.99999)], threshold=0.995, identifiers=identifiers)
    assert groups(result.persons) == {frozenset({1}), frozenset({2})}
    [held] = result.held
    assert (held.left, held.right, held.probability) == (1, 2, 0.99999)
    assert "two different NHS numbers" in held.reason


def test_no_chain_through_a_record_without_the_identifier() -> None:
    # 2 has no NHS number: it joins 1 (the far stronger link), and 3 cannot come in through it
    identifiers = {1: {"nhs_number": NHS_A}, 3: {"nhs_number": NHS_B}}
    edges = [(1, 2, 0.99999), (2, 3, 0.996)]
    result = cluster([1, 2, 3], edges, threshold=0.995, identifiers=identifiers)
    assert groups(result.persons) == {frozenset({1, 2}), frozenset({3})}
    assert [(h.left, h.right) for h in result.held] == [(2, 3)]


def test_a_record_that_fits_two_people_kept_apart_joins_neither() -> None:
    # a police record (2) with a name and an address, no date of birth, at the home of a father
    # (1) and the son named after him (3): it fits both almost equally
    identifiers = {1: {"dob_text": "19700101"}, 3: {"dob_text": "20000101"}}
    edges = [(1, 2, 0.9999), (2, 3, 0.9995), (3, 4, 0.9999)]
    result = cluster(range(1, 5), edges, threshold=0.995, identifiers=identifiers)
    assert groups(result.persons) == {frozenset({1}), frozenset({2}), frozenset({3, 4})}
    assert {(h.left, h.right, h.reason) for h in result.held} == {
        (1, 2, FITS_BOTH),
        (2, 3, FITS_BOTH),
    }
    # one link far stronger than the other (more than AMBIGUITY_BITS): it joins that one
    edges = [(1, 2, 0.99999), (2, 3, 0.996), (3, 4, 0.9999)]
    result = cluster(range(1, 5), edges, threshold=0.995, identifiers=identifiers)
    assert groups(result.persons) == {frozenset({1, 2}), frozenset({3, 4})}
    # a practitioner's must-link settles it
    edges = [(1, 2, 0.9999), (2, 3, 0.9995), (3, 4, 0.9999)]
    result = cluster(
        range(1, 5), edges, threshold=0.995, identifiers=identifiers, must_link=[(2, 3)]
    )
    assert groups(result.persons) == {frozenset({1}), frozenset({2, 3, 4})}


def test_a_conflicting_cluster_is_split_at_its_weakest_link() -> None:
    # a chain 1-2-3-4 where 1 and 4 disagree: the weakest link (3-4) is the one held back
    identifiers = {1: {"dob_text": "19900101"}, 4: {"dob_text": "19850612"}}
    edges = [(1, 2, 0.9999), (2, 3, 0.9998), (3, 4, 0.996)]
    result = cluster(range(1, 5), edges, threshold=0.995, identifiers=identifiers)
    assert groups(result.persons) == {frozenset({1, 2, 3}), frozenset({4})}
    assert [(h.left, h.right) for h in result.held] == [(3, 4)]
    assert "dates of birth" in result.held[0].reason


def test_dates_a_slip_explains_are_one_persons() -> None:
    slips = {
        "19900702": ["19900207", "19900703", "19910702", "19900802", "19900601"],
        "19900101": ["19901231"],  # within a year
    }
    for dob, others in slips.items():
        for other in others:
            identifiers = {1: {"dob_text": dob}, 2: {"dob_text": other}}
            result = cluster([1, 2], [(1, 2, 0.999)], threshold=0.995, identifiers=identifiers)
            assert result.persons[2] == 1, (dob, other)
    for dob, other in [
        ("19900702", "19880702"),
        ("19900702", "20240702"),
        ("19900732", "19801032"),
    ]:
        identifiers = {1: {"dob_text": dob}, 2: {"dob_text": other}}
        result = cluster([1, 2], [(1, 2, 0.999)], threshold=0.995, identifiers=identifiers)
        assert result.persons[2] == 2, (dob, other)


def test_without_exclusions_the_data_is_not_read() -> None:
    identifiers = {1: {"nhs_number": NHS_A}, 2: {"nhs_number": NHS_B}}
    result = cluster([1, 2], [(1, 2, 0.999)], identifiers=identifiers, exclusions=())
    assert result.persons[2] == 1


def test_a_practitioners_must_link_binds_over_the_exclusions() -> None:
    # a practitioner found that 1 and 2 are one man whose number was mistyped somewhere
    identifiers = {1: {"nhs_number": NHS_A}, 2: {"nhs_number": NHS_B}, 3: {"nhs_number": NHS_A}}
    result = cluster(
        [1, 2, 3], [(2, 3, 0.999)], threshold=0.995, must_link=[(1, 2)], identifiers=identifiers
    )
    # his two numbers are now one person's: a third record with either joins him
    assert groups(result.persons) == {frozenset({1, 2, 3})}
    assert result.held == []


def test_a_must_links_two_numbers_excuse_nothing_between_strangers() -> None:
    # 1 and 2 are one man with a mistyped number; 3 and 4 are two other records holding the
    # same two numbers, linked by the model: their conflict is theirs, not excused by his
    identifiers = {
        1: {"nhs_number": NHS_A},
        2: {"nhs_number": NHS_B},
        3: {"nhs_number": NHS_A},
        4: {"nhs_number": NHS_B},
    }
    result = cluster(
        [1, 2, 3, 4], [(3, 4, 0.999)], threshold=0.995, must_link=[(1, 2)], identifiers=identifiers
    )
    assert groups(result.persons) == {frozenset({1, 2}), frozenset({3}), frozenset({4})}
    assert [(held.left, held.right) for held in result.held] == [(3, 4)]
    # clustered apart (as Spark clusters each component alone), the strangers stay apart too
    alone = cluster([3, 4], [(3, 4, 0.999)], threshold=0.995, identifiers=identifiers)
    assert groups(alone.persons) == {frozenset({3}), frozenset({4})}


def test_a_practitioners_cannot_link_is_a_held_link_with_its_reason() -> None:
    result = cluster([1, 2], [(1, 2, 0.9999)], threshold=0.995, cannot_link=[(1, 2)])
    assert groups(result.persons) == {frozenset({1}), frozenset({2})}
    assert result.held[0].reason == "a practitioner decided these are different people"


# ---- merging by the mean probability (not used by seen link) --------------------------------


def test_clusters_join_on_the_mean_probability_of_their_pairs() -> None:
    # 1-3 one person, 4-6 another, one wrong pair 3-4 between them
    strong = [(1, 2, 0.999), (2, 3, 0.999), (4, 5, 0.999), (5, 6, 0.999)]
    wrong = [(3, 4, 0.9)]
    result = cluster(range(1, 8), strong + wrong, threshold=0.995, merge_mean=0.3)
    assert len(set(result.persons.values())) == 3
    # record 7 (no date of birth, say) is just short of auto-link with each of 1, 2 and 3
    near = [(1, 7, 0.6), (2, 7, 0.6), (3, 7, 0.3)]
    joined = cluster(range(1, 8), strong + wrong + near, threshold=0.995, merge_mean=0.3)
    assert joined.persons[7] == joined.persons[1] == 1
    assert joined.persons[4] == 4
    # with one of those three pairs alone, the mean (0.2) is too low
    alone = cluster(range(1, 8), [*strong, (1, 7, 0.6)], threshold=0.995, merge_mean=0.3)
    assert alone.persons[7] == 7


def test_merging_by_the_mean_keeps_the_exclusions() -> None:
    identifiers = {1: {"nhs_number": NHS_A}, 2: {"nhs_number": NHS_B}}
    result = cluster(
        [1, 2], [(1, 2, 0.9)], threshold=0.995, identifiers=identifiers, merge_mean=0.3
    )
    assert result.persons[2] == 2


def test_a_name_and_a_date_of_birth_alone_against_another_address_is_not_an_automatic_link() -> (
    None
):
    from seen.linkage.exclusions import UNCORROBORATED, uncorroborated

    # two men of one name and one date of birth, one known without an NHS number elsewhere
    assert uncorroborated({"forename": 8.0, "surname": 7.7, "dob": 11.1, "postcode": -3.2})
    # the same with a phone in common, or with nothing to disagree on: linked as scored
    assert not uncorroborated({"forename": 8.0, "dob": 11.1, "postcode": -3.2, "phone": 12.3})
    assert not uncorroborated({"forename": 8.0, "surname": 7.7, "dob": 11.1})
    result = cluster([1, 2, 3], [(1, 2, 0.9991), (2, 3, 0.9999)], threshold=0.995,
                     uncorroborated=[(2, 1)])  # fmt: skip
    assert groups(result.persons) == {frozenset({1}), frozenset({2, 3})}
    assert [(h.left, h.right, h.reason) for h in result.held] == [(1, 2, UNCORROBORATED)]


def test_the_batch_and_the_service_hold_back_the_same_uncorroborated_pairs() -> None:
    # The batch reads the rule over pyarrow columns (model.uncorroborated_rows); the service
    # and the review page read it pair by pair (exclusions.uncorroborated). Every mix of signs
    # over the corroborating comparisons, with a missing weight, must get one answer from both.
    import itertools

    import pyarrow as pa

    from seen.linkage.exclusions import CORROBORATING, uncorroborated
    from seen.linkage.model import uncorroborated_rows

    signs = (None, -2.5, 0.0, 3.0)
    evidences = [
        dict(zip(CORROBORATING, combination, strict=True))
        for combination in itertools.product(signs, repeat=len(CORROBORATING))
    ]
    probabilities = [0.999 if i % 3 else 0.5 for i in range(len(evidences))]
    table = pa.table(
        {
            "match_probability": probabilities,
            **{
                f"mw_{name}": pa.array([e[name] for e in evidences], type=pa.float64())
                for name in CORROBORATING
            },
        }
    )
    held_by_batch = set(uncorroborated_rows(table, 0.995))
    held_by_service = {
        i
        for i, (evidence, p) in enumerate(zip(evidences, probabilities, strict=True))
        if p >= 0.995 and uncorroborated(evidence)
    }
    assert held_by_batch == held_by_service
    assert 0 < len(held_by_service) < len(evidences)
