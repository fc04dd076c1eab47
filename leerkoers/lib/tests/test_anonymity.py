"""The suppression rule on hand-computed tables (threshold 5 unless stated)."""

import pytest

from leerkoers.lib.anonymity import COMPLEMENTARY, PRIMARY, distinct_respondents, feasible_ranges, respondents, suppress


def test_it_hides_nothing_when_every_cell_reaches_the_threshold():
    assert suppress({"board": 5, "managers": 8, "employees": 14}, 5) == {}


def test_it_never_hides_an_empty_cell():
    assert suppress({"board": 0, "managers": 8, "employees": 14}, 5) == {}


def test_it_hides_a_small_cell_and_the_smallest_other_so_the_total_gives_nothing_away():
    # Everyone 30 = 5 + 8 + 14 + 3: hiding HR alone leaves HR = 30 − 27 = 3.
    # With the board hidden too, HR + board = 8 and HR is only known to be 1…3.
    hidden = suppress({"board": 5, "managers": 8, "employees": 14, "hr": 3}, 5)
    assert hidden == {"hr": PRIMARY, "board": COMPLEMENTARY}
    counts = {"board": 5, "managers": 8, "employees": 14, "hr": 3}
    assert feasible_ranges(counts, hidden, 5) == {"hr": (1, 3), "board": (5, 7)}


def test_it_adds_cells_until_the_hidden_remainder_reaches_the_threshold():
    # 1 + 2 = 3 < 5: the smallest shown cell (6) joins; 9 people remain hidden together.
    assert suppress({"a": 1, "b": 2, "c": 6, "d": 20}, 5) == {"a": PRIMARY, "b": PRIMARY, "c": COMPLEMENTARY}


def test_two_small_cells_that_pin_each_other_get_a_complementary_cell():
    # 4 + 4 = 8 ≥ 5, but each is at most 4, so both would be exactly 4.
    assert feasible_ranges({"a": 4, "b": 4}, {"a": PRIMARY, "b": PRIMARY}, 5) == {"a": (4, 4), "b": (4, 4)}
    assert suppress({"a": 4, "b": 4, "c": 20, "d": 9}, 5) == {"a": PRIMARY, "b": PRIMARY, "d": COMPLEMENTARY}


def test_a_single_person_beside_a_cell_of_exactly_the_threshold_needs_a_third_cell():
    # 1 + 5 = 6, and the complementary cell is known to hold ≥ 5: the small one would be 1.
    assert feasible_ranges({"a": 1, "b": 5}, {"a": PRIMARY, "b": COMPLEMENTARY}, 5) == {"a": (1, 1), "b": (5, 5)}
    assert suppress({"a": 1, "b": 5, "c": 20, "d": 30}, 5) == {"a": PRIMARY, "b": COMPLEMENTARY, "c": COMPLEMENTARY}
    # With 6 beside it, the single person is only known to be 1 or 2… of at most 4.
    assert suppress({"a": 1, "b": 6, "c": 20}, 5) == {"a": PRIMARY, "b": COMPLEMENTARY}


def test_ties_go_to_the_earlier_cell():
    assert suppress({"a": 3, "b": 7, "c": 7}, 5) == {"a": PRIMARY, "b": COMPLEMENTARY}


def test_cells_hidden_by_the_caller_are_kept_and_count_as_hidden():
    # "b" is hidden by the caller (e.g. too few distinct respondents); with it, a's 2 people
    # are mixed with 6 others, so nothing more needs to go.
    assert suppress({"a": 2, "b": 6, "c": 20}, 5, hidden={"b": "distinct"}) == {"b": "distinct", "a": PRIMARY}
    # A caller-hidden cell on its own of 3 people is topped up like a small one.
    assert suppress({"b": 3, "c": 6, "d": 20}, 5, hidden={"b": "distinct"}) == {"b": "distinct", "c": COMPLEMENTARY}


def test_it_hides_everything_when_nothing_else_can_protect_a_small_cell():
    assert suppress({"a": 2, "b": 1}, 5) == {"a": PRIMARY, "b": PRIMARY}


def test_a_higher_threshold_applies_to_every_rule():
    assert suppress({"a": 8, "b": 9, "c": 30}, 9) == {"a": PRIMARY, "b": COMPLEMENTARY}


def test_it_refuses_a_meaningless_threshold_or_negative_counts():
    with pytest.raises(ValueError):
        suppress({"a": 1}, 1)
    with pytest.raises(ValueError):
        suppress({"a": -1}, 5)


def test_near_copies_count_once():
    real = (1, 2, 3, 4, 5, None)
    fake = (3, 3, 3, 3, 3, 3)
    assert distinct_respondents([real, fake, fake, fake, fake], tolerance=1) == 2
    # Changing one answer per copy does not make a new respondent at tolerance 1…
    assert distinct_respondents([real, fake, (3, 3, 3, 3, 3, 4), (4, 3, 3, 3, 3, 3)], tolerance=1) == 2
    # …two changes do.
    assert distinct_respondents([fake, (4, 4, 3, 3, 3, 3)], tolerance=1) == 2
    assert distinct_respondents([real, fake, (5, 5, 5, 5, 5, 5)], tolerance=1, enough=2) == 2


def test_it_counts_personal_links_once_each_and_shared_link_near_copies_once_together():
    ten = (3,) * 10  # ten questions: a tolerance of one differing answer
    one_off = (4,) + (3,) * 9
    two_off = (4, 4) + (3,) * 8
    # 1 personal link + 4 copies (one of them a single answer apart) through the shared link: 2.
    assert respondents(1, [ten, ten, one_off, ten], 5) == 2
    # Two answers apart is another respondent.
    assert respondents(1, [ten, two_off], 5) == 3
    # Enough personal links: the shared link's answers are not looked at.
    assert respondents(5, [ten, ten], 5) == 5
    assert respondents(2, [], 5) == 2
    # Three questions: no tolerance at all, only identical answers count once.
    assert respondents(0, [(3, 3, 3), (3, 3, 4), (3, 3, 3)], 5) == 2
