from decimal import Decimal

from leerkoers.alignment import golden_thread as gt
from leerkoers.alignment.flow_layout import OTHER, layout
from leerkoers.alignment.tests.test_golden_thread import THREAD


def _diagram(max_activities=15):
    return layout(
        gt.flow(THREAD, gt.SPEND),
        strategic_goal_titles={1: "S1", 2: "S2", 3: "S3"},
        learning_goal_titles={10: "L10", 11: "L11", 12: "L12", 13: "L13"},
        activity_titles={100: "A", 101: "B", 102: "C", 103: "D"},
        no_strategic_goal="no SG",
        no_learning_goal="no LG",
        other_activities="%(count)d others",
        max_activities=max_activities,
    )


def test_every_column_adds_up_to_the_total_and_every_link_is_a_band():
    diagram = _diagram()
    for column in range(3):
        assert sum(n.value for n in diagram.nodes if n.column == column) == Decimal(4000)
    assert len(diagram.bands) == 10
    assert [n.label for n in diagram.nodes if n.column == 0] == ["S1", "S2", "no SG"]
    assert not [band for band in diagram.bands if band.linked and "no" in band.title]


def test_it_groups_the_smallest_activities_but_keeps_the_linked_ones_first():
    diagram = _diagram(max_activities=2)
    activities = [n for n in diagram.nodes if n.column == 2]
    # A (1000) and B (600) serve learning goals; D (2000) is bigger but serves none.
    assert [n.key for n in activities] == [100, 101, OTHER]
    assert activities[-1].label == "2 others" and activities[-1].value == Decimal(2400)


def test_nothing_to_draw_without_weight():
    empty = layout(
        gt.flow(gt.Thread([], [], [gt.ActivityData(1, "free")]), gt.SPEND),
        strategic_goal_titles={},
        learning_goal_titles={},
        activity_titles={},
        no_strategic_goal="",
        no_learning_goal="",
        other_activities="",
    )
    assert empty.nodes == [] and empty.height == 0
