"""The scoring rules on hand-computed cases (no database)."""

import pytest

from leerkoers.scan import instrument, scoring

# A small instrument: two dimensions of 4 and 5 items, plus one of 2.
DEFINITION = {
    "dimensions": [
        {"id": "a", "items": [{"id": f"a{i}"} for i in range(1, 5)]},
        {"id": "b", "items": [{"id": f"b{i}"} for i in range(1, 6)]},
        {"id": "c", "items": [{"id": "c1"}, {"id": "c2"}]},
    ]
}


def test_it_maps_the_scale_onto_0_to_100():
    assert [scoring.item_score(v) for v in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]


def test_it_scores_a_dimension_as_the_mean_of_its_answered_items():
    # 4, 5, 3, 2 → 75, 100, 50, 25 → 62.5, reported as 63 (half up)
    score = scoring.dimension_score([4, 5, 3, 2])
    assert score == 62.5
    assert scoring.round_score(score) == 63


def test_it_leaves_i_dont_know_out_instead_of_counting_it_low():
    # 5, 5, None, None → 100 (not 50)
    assert scoring.dimension_score([5, 5, None, None]) == 100
    # 2, 4, 3, None, None (5 items, 3 answered: enough) → 25, 75, 50 → 50
    assert scoring.dimension_score([2, 4, 3, None, None]) == 50


def test_it_says_not_enough_information_below_half_of_the_items():
    # 5 items need 3 answers; 4 items need 2; 2 items need 2 (never fewer than 2).
    assert scoring.dimension_score([5, 4, None, None, None]) is None
    assert scoring.dimension_score([5, None, None, None]) is None
    assert scoring.dimension_score([5, None]) is None
    assert scoring.dimension_score([None, None, None, None]) is None
    assert scoring.min_answered(5) == 3 and scoring.min_answered(4) == 2 and scoring.min_answered(2) == 2


def test_it_scores_all_ones_as_0_and_all_fives_as_100():
    ones = {item["id"]: 1 for dim in DEFINITION["dimensions"] for item in dim["items"]}
    fives = dict.fromkeys(ones, 5)
    assert scoring.score_answers(DEFINITION, ones).dimensions == {"a": 0, "b": 0, "c": 0}
    assert scoring.score_answers(DEFINITION, ones).overall == 0
    assert scoring.score_answers(DEFINITION, fives).overall == 100


def test_it_computes_the_overall_from_the_dimensions_that_have_a_score():
    answers = {"a1": 3, "a2": 3, "a3": 3, "a4": 3}  # a = 50
    answers |= {"b1": 5, "b2": 4, "b3": 4, "b4": None, "b5": None}  # b = (100+75+75)/3 = 83.33
    answers |= {"c1": 1, "c2": None}  # c: 1 of 2 answered → not enough information
    result = scoring.score_answers(DEFINITION, answers)
    assert result.dimensions["a"] == 50
    assert result.dimensions["b"] == pytest.approx(83.333, abs=0.001)
    assert result.dimensions["c"] is None
    # overall = (50 + 83.33) / 2 = 66.67 → 67 → established
    assert scoring.round_score(result.overall) == 67
    assert result.level == "established"
    assert result.starting_point == ["a", "b"]


def test_it_gives_no_overall_when_fewer_than_half_of_the_dimensions_have_a_score():
    answers = {"a1": 4, "a2": 4, "a3": None, "a4": None}  # a = 75; b and c: nothing
    answers |= {f"b{i}": None for i in range(1, 6)} | {"c1": None, "c2": None}
    result = scoring.score_answers(DEFINITION, answers)
    assert result.dimensions == {"a": 75, "b": None, "c": None}
    assert result.overall is None and result.level is None
    assert result.starting_point == ["a"]


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, "start"),
        (39.4, "start"),
        (39.5, "developing"),
        (59, "developing"),
        (60, "established"),
        (79.49, "established"),
        (80, "strategic"),
        (100, "strategic"),
        (None, None),
    ],
)
def test_it_reads_the_level_from_the_rounded_score(score, level):
    assert scoring.level_for(score) == level


def test_it_breaks_ties_in_the_starting_point_by_instrument_order():
    scores = {"a": 50, "b": 25, "c": 50, "d": None}
    assert scoring.starting_point(scores, ["a", "b", "c", "d"]) == ["b", "a"]


def test_it_rejects_unknown_missing_and_out_of_range_answers():
    v1 = instrument.definition(1)
    ids = instrument.item_ids(1)
    good = dict.fromkeys(ids, 3)
    assert scoring.validate_answers(v1, good) == []
    assert scoring.validate_answers(v1, {}) != []
    assert scoring.validate_answers(v1, ["3"]) != []
    assert any("nope" in e for e in scoring.validate_answers(v1, good | {"nope": 3}))
    assert any(ids[0] in e for e in scoring.validate_answers(v1, {k: v for k, v in good.items() if k != ids[0]}))
    for bad in (0, 6, "3", 3.5, True, [3]):
        assert scoring.validate_answers(v1, good | {ids[0]: bad}) != [], bad


def test_it_aggregates_a_group_with_the_threshold_per_cell():
    respondents = [{"a": 100, "b": None}, {"a": 50, "b": 40}, {"a": 0, "b": 60}]
    result = scoring.group_scores(respondents, ["a", "b"], minimum=3)
    assert result["dimensions"] == {"a": 50, "b": None}  # b has only 2 scores
    assert result["overall"] == 50
    assert scoring.group_scores(respondents, ["a", "b"], minimum=2)["dimensions"]["b"] == 50


def test_it_finds_the_largest_perception_gaps_first():
    layers = {
        "managers": {"a": 80, "b": 50, "c": None},
        "employees": {"a": 45, "b": 40, "c": 60},
        "board": {"a": 70, "b": 70, "c": None},
    }
    gaps = scoring.perception_gaps(layers, ["a", "b", "c"])
    assert [(g.dimension, g.high_layer, g.low_layer, g.difference) for g in gaps] == [
        ("a", "managers", "employees", 35),
        ("b", "board", "employees", 30),
    ]


def test_the_published_instrument_has_six_dimensions_of_five_statements_in_both_languages():
    v1 = instrument.definition(1)
    assert [d["id"] for d in v1["dimensions"]] == [
        "situation",
        "vision",
        "strategy",
        "ownership",
        "experiment",
        "conditions",
    ]
    for d in v1["dimensions"]:
        assert len(d["items"]) == 5
        assert d["name"]["nl"] and d["name"]["en"]
        assert all(i["text"]["nl"] and i["text"]["en"] for i in d["items"])
        assert set(d["advice"]) == set(scoring.LEVEL_LABELS)
    assert len(set(instrument.item_ids(1))) == 30
