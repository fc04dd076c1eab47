"""The analysis rules on hand-computed rating matrices (leerkoers.vision.consensus)."""

import pytest

from leerkoers.vision.consensus import (
    CONSENSUS,
    DIVIDING,
    NO_CONSENSUS,
    UNCLEAR,
    Candidate,
    Tally,
    classify,
    near_duplicates,
    next_order,
    smoothed,
    support_summary,
    suppress,
    text_diff,
    wilson,
)

THREE = ["board", "managers", "employees"]


def test_it_smooths_the_share_with_one_imagined_vote_on_each_side():
    assert smoothed(3, 4) == pytest.approx(4 / 6)
    assert smoothed(0, 0) == 0.5
    assert smoothed(5, 5) == pytest.approx(6 / 7)


def test_it_computes_the_wilson_interval():
    low, high = wilson(8, 10)  # by hand: (0.8 + z²/20 ∓ z·√(0.016 + z²/400)) / (1 + z²/10)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)
    assert wilson(0, 5)[0] == 0.0 and wilson(5, 5)[1] == 1.0


def test_it_hides_small_groups_and_then_the_smallest_shown_one():
    # board 3 is hidden; 3 alone would follow from the total, so managers (6) goes too.
    assert suppress({"board": 3, "managers": 6, "employees": 12, "hr": 0}, 5) == {"board", "managers"}
    assert suppress({"board": 5, "managers": 5}, 5) == set()
    assert suppress({"board": 4}, 5) == {"board"}
    assert suppress({"board": 2, "hr": 3, "employees": 9}, 5) == {"board", "hr"}  # together 5


def test_it_finds_consensus_when_every_layer_agrees_above_the_threshold():
    result = classify(
        {"board": Tally(6), "managers": Tally(5), "employees": Tally(9, 0, 1)},
        layers=THREE,
        threshold=0.75,
        minimum=5,
    )
    assert result.kind == CONSENSUS
    assert result.layers["board"].agree == pytest.approx(7 / 8)
    assert result.layers["employees"].agree == pytest.approx(10 / 12)


def test_the_threshold_itself_counts_as_consensus():
    tallies = {"board": Tally(5), "managers": Tally(5), "employees": Tally(8, 2)}  # 9/12 = 0.75
    assert classify(tallies, layers=THREE, threshold=0.75, minimum=5).kind == CONSENSUS


def test_a_pass_is_a_vote_that_does_not_agree():
    tallies = {"board": Tally(3, 0, 3), "managers": Tally(5), "employees": Tally(5)}  # board 4/8
    assert classify(tallies, layers=THREE, threshold=0.75, minimum=5).kind == NO_CONSENSUS


def test_it_finds_layers_on_opposite_sides_and_the_size_of_the_split():
    result = classify(
        {"board": Tally(5), "managers": Tally(3, 2), "employees": Tally(1, 6)},
        layers=THREE,
        threshold=0.75,
        minimum=5,
    )
    assert result.kind == DIVIDING
    assert result.agree_side == ("board", "managers")  # 6/7 and 4/7
    assert result.disagree_side == ("employees",)  # disagree 7/9
    assert result.split == pytest.approx(6 / 7 - 2 / 9)  # 40/63


def test_a_layer_without_enough_ratings_makes_a_statement_unclear():
    result = classify(
        {"board": Tally(5), "managers": Tally(5), "employees": Tally(2)}, layers=THREE, threshold=0.75, minimum=5
    )
    assert result.kind == UNCLEAR and result.lacking == ("employees",)
    absent = classify({"board": Tally(5)}, layers=THREE, threshold=0.75, minimum=5)
    assert absent.kind == UNCLEAR and absent.lacking == ("managers", "employees")


def test_a_split_between_the_layers_that_have_enough_ratings_is_dividing_even_if_one_lacks():
    result = classify({"board": Tally(6), "managers": Tally(0, 6)}, layers=THREE, threshold=0.75, minimum=5)
    assert result.kind == DIVIDING and result.lacking == ("employees",)


def test_it_refuses_to_classify_without_layers():
    with pytest.raises(ValueError):
        classify({}, layers=[], threshold=0.75, minimum=5)


def test_the_next_statement_is_pinned_then_short_of_ratings_in_the_own_layer_then_least_rated():
    candidates = [
        Candidate(1, True, 10, 40),
        Candidate(2, False, 2, 20),
        Candidate(3, False, 2, 3),
        Candidate(4, False, 0, 0),
        Candidate(5, False, 7, 7),
        Candidate(6, False, 9, 30),
    ]
    assert next_order(candidates, minimum=5) == [1, 4, 3, 2, 5, 6]
    assert next_order([], minimum=5) == []


def test_it_summarises_support_per_layer_with_its_spread():
    summary = support_summary([5, 5, 4, 3, 1])
    assert summary.count == 5 and summary.mean == pytest.approx(3.6)
    assert summary.spread == pytest.approx((11.2 / 5) ** 0.5)
    assert summary.support_share == pytest.approx(0.6) and summary.blocks == 1
    assert summary.distribution == {5: 2, 4: 1, 3: 1, 2: 0, 1: 1}
    assert support_summary([]).mean is None
    with pytest.raises(ValueError):
        support_summary([6])


def test_it_suggests_near_duplicates_to_merge():
    pairs = near_duplicates(
        {1: "Leren hoort bij het werk", 2: "Leren hoort bij ons werk!", 3: "Elk team krijgt een eigen budget"}
    )
    assert [(a, b) for a, b, _score in pairs] == [(1, 2)]


def test_it_diffs_two_versions_word_by_word():
    assert text_diff("Leren is belangrijk", "Leren is heel belangrijk") == [
        ("same", "Leren is "),
        ("added", "heel "),
        ("same", "belangrijk"),
    ]
    assert text_diff("a b", "a c") == [("same", "a "), ("removed", "b"), ("added", "c")]


def test_only_personal_link_votes_count_towards_the_minimum_and_a_link_only_layer_needs_twice_as_many():
    padded = Tally(1, 4, 0, verified=1)  # one real participant and four made up through the link
    assert not padded.enough(5)
    assert Tally(5, 4, 0, verified=5).enough(5)
    assert not Tally(9, 0, 0).enough(5, link_only=True) and Tally(10, 0, 0).enough(5, link_only=True)
    result = classify(
        {"board": Tally(6), "hr": Tally(2, 3, 0, verified=1)}, layers=["board", "hr"], threshold=0.75, minimum=5
    )
    assert result.kind == UNCLEAR and result.lacking == ("hr",)
