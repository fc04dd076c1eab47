"""Opinion groups on synthetic rating matrices (leerkoers.vision.groups)."""

import numpy as np
import pytest

from leerkoers.vision.groups import opinion_groups, silhouette, typical_statements

NAN = np.nan


def _planted(rng, sizes=(12, 9), statements=10, noise=0.1, missing=0.1):
    """Group 0 agrees with the first half and disagrees with the second; group 1 the reverse."""
    rows, truth = [], []
    for group, size in enumerate(sizes):
        for _ in range(size):
            row = []
            for c in range(statements):
                likes = (c < statements // 2) == (group == 0)
                vote = 1.0 if likes else -1.0
                if rng.random() < noise:
                    vote = -vote
                if rng.random() < missing:
                    vote = NAN
                row.append(vote)
            rows.append(row)
            truth.append(group)
    return np.array(rows), np.array(truth)


def test_it_finds_the_two_planted_groups():
    matrix, truth = _planted(np.random.default_rng(1))
    grouping = opinion_groups(matrix)
    assert grouping is not None and grouping.k == 2
    labels = np.full(len(truth), -1)
    labels[grouping.rows] = grouping.labels
    kept = labels >= 0
    assert kept.sum() >= 15
    # Group numbers are by size: the planted 12 are group 0.
    assert (labels[kept] == truth[kept]).mean() == 1.0
    assert grouping.silhouette > 0.5
    typical_0 = [t.column for t in grouping.typical[0]]
    assert typical_0 and all(c < 5 for c in typical_0)
    assert all(c >= 5 for c in (t.column for t in grouping.typical[1]))


def test_it_waits_for_fifteen_participants_with_seven_ratings():
    matrix, _truth = _planted(np.random.default_rng(2), sizes=(8, 6), missing=0.0)  # 14 people
    assert opinion_groups(matrix) is None
    matrix, _truth = _planted(np.random.default_rng(2), sizes=(9, 9), missing=0.0)
    matrix[:, :4] = NAN  # everyone rated 6 of 10
    assert opinion_groups(matrix) is None


def test_the_silhouette_of_two_tight_far_groups_is_near_one_and_computed_by_hand():
    points = np.array([[0.0, 0.0], [0.0, 2.0], [10.0, 0.0]])
    labels = np.array([0, 0, 1])
    # point 0: a = 2, b = 10 → 0.8; point 1: a = 2, b = √104 ≈ 10.198 → 1 − 2/10.198; point 2 alone → 0
    expected = (0.8 + (1 - 2 / np.sqrt(104)) + 0) / 3
    assert silhouette(points, labels) == pytest.approx(expected)


def test_typical_statements_are_those_a_group_agrees_with_more_than_the_rest():
    matrix = np.array([[1, -1, 1], [1, -1, NAN], [-1, 1, 1], [-1, 1, 1]], dtype=float)
    typical = typical_statements(matrix, np.array([0, 0, 1, 1]))
    # group 0 on column 0: (2+1)/(2+2) = 0.75 inside, (0+1)/(2+2) = 0.25 outside → ratio 3
    assert [t.column for t in typical[0]] == [0]
    assert typical[0][0].agree_in == pytest.approx(0.75) and typical[0][0].agree_out == pytest.approx(0.25)
    # group 1: column 1 (0.75 vs 0.25, ratio 3) before column 2 (0.75 vs 0.667)
    assert [t.column for t in typical[1]] == [1, 2]
