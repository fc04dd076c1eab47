"""The golden thread on a hand-computed example (see the comments for the arithmetic)."""

from datetime import date
from decimal import Decimal

from leerkoers.alignment import golden_thread as gt

# Strategic goals 1, 2, 3; learning goals 10–13; activities 100–103.
#   goal links:     1–10, 1–11, 2–11, 2–13          (12 serves no strategic goal)
#   activity links: 10–100, 11–101, 12–101, 12–102  (103 serves no learning goal)
#   activity  cost  hours  teams   start       aligned?
#   100       1000   10    7       2025-03-01  yes (via 10 → 1)
#   101        600   30    7, 8    2025-09-01  yes (via 11 → 1, 2)
#   102        400   20    8       2026-02-01  no  (12 has no strategic goal)
#   103       2000   60    –       –           no  (no learning goal)
THREAD = gt.Thread(
    strategic_goals=[gt.StrategicGoalData(1, "Klantgerichter"), gt.StrategicGoalData(2, "Efficiënter"),
                     gt.StrategicGoalData(3, "Behoud")],
    learning_goals=[
        gt.LearningGoalData(10, "Communicatie"),
        gt.LearningGoalData(11, "Klantinzicht"),
        gt.LearningGoalData(12, "Feedback", has_measure=False),
        gt.LearningGoalData(13, "Lean"),
    ],
    activities=[
        gt.ActivityData(100, "A", Decimal(1000), Decimal(10), (7,), date(2025, 3, 1)),
        gt.ActivityData(101, "B", Decimal(600), Decimal(30), (7, 8), date(2025, 9, 1)),
        gt.ActivityData(102, "C", Decimal(400), Decimal(20), (8,), date(2026, 2, 1)),
        gt.ActivityData(103, "D", Decimal(2000), Decimal(60), (), None),
    ],
    goal_links={(1, 10), (1, 11), (2, 11), (2, 13)},
    activity_links={(10, 100), (11, 101), (12, 101), (12, 102)},
)  # fmt: skip


def test_it_lists_the_four_gaps():
    assert gt.gaps(THREAD).as_dict() == {
        "strategic_goals_without_learning_goals": [3],
        "learning_goals_without_activities": [13],
        "activities_without_learning_goals": [103],
        "learning_goals_without_measure": [12],
    }


def test_it_counts_an_activity_as_aligned_only_through_a_learning_goal_with_a_strategic_goal():
    assert gt.aligned_activity_ids(THREAD) == {100, 101}


def test_it_computes_the_aligned_spend_share():
    share = gt.aligned_share(THREAD, gt.SPEND)
    # (1000 + 600) / 4000
    assert (share.aligned, share.total, share.share) == (Decimal(1600), Decimal(4000), 0.4)


def test_it_computes_the_aligned_hours_share():
    share = gt.aligned_share(THREAD, gt.HOURS)
    # (10 + 30) / 120
    assert (share.aligned, share.total) == (Decimal(40), Decimal(120))
    assert abs(share.share - 1 / 3) < 1e-12


def test_it_splits_an_activity_evenly_over_its_teams():
    by_team = gt.aligned_share_by_team(THREAD, gt.SPEND)
    # team 7: 1000 + 600/2, all aligned; team 8: 600/2 aligned of 300 + 400; no team: 0 of 2000
    assert (by_team[7].aligned, by_team[7].total) == (Decimal(1300), Decimal(1300))
    assert (by_team[8].aligned, by_team[8].total) == (Decimal(300), Decimal(700))
    assert (by_team[None].aligned, by_team[None].total, by_team[None].share) == (Decimal(0), Decimal(2000), 0.0)


def test_it_gives_the_trend_per_year_leaving_out_undated_activities():
    trend = gt.aligned_share_trend(THREAD, gt.SPEND)
    assert [(year, s.aligned, s.total) for year, s in trend] == [
        ("2025", Decimal(1600), Decimal(1600)),
        ("2026", Decimal(0), Decimal(400)),
    ]
    assert [key for key, _s in gt.aligned_share_trend(THREAD, gt.SPEND, "quarter")] == ["2025-Q1", "2025-Q3", "2026-Q1"]


def test_it_gives_zero_share_when_there_is_no_spend():
    empty = gt.Thread([], [], [gt.ActivityData(1, "free")])
    assert gt.aligned_share(empty).share == 0.0


def test_it_draws_the_matrix_in_the_threads_order():
    rows = gt.matrix(THREAD)
    assert [(sg.id, cells) for sg, cells in rows] == [
        (1, [True, True, False, False]),
        (2, [False, True, False, True]),
        (3, [False, False, False, False]),
    ]


def test_it_splits_the_flow_evenly_and_keeps_every_column_at_the_total():
    result = gt.flow(THREAD, gt.SPEND)
    first = {(link.source, link.target): link.value for link in result.goal_to_learning}
    second = {(link.source, link.target): link.value for link in result.learning_to_activity}
    assert second == {
        (10, 100): Decimal(1000),
        (11, 101): Decimal(300),
        (12, 101): Decimal(300),
        (12, 102): Decimal(400),
        (None, 103): Decimal(2000),
    }
    # 11 gets 300 and serves two strategic goals: 150 each; 12 serves none.
    assert first == {
        (1, 10): Decimal(1000),
        (1, 11): Decimal(150),
        (2, 11): Decimal(150),
        (None, 12): Decimal(700),
        (None, None): Decimal(2000),
    }
    assert sum(first.values()) == sum(second.values()) == result.total == Decimal(4000)


def test_it_weights_the_flow_by_hours_when_asked():
    result = gt.flow(THREAD, gt.HOURS)
    assert {(link.source, link.target): link.value for link in result.goal_to_learning}[(1, 10)] == Decimal(10)
    assert result.total == Decimal(120)


def test_it_suggests_learning_goals_for_unlinked_activities_by_similar_words():
    thread = gt.Thread(
        strategic_goals=[],
        learning_goals=[
            gt.LearningGoalData(
                1, "Communicatieve vaardigheden", text="Communicatieve vaardigheden in klantgesprekken"
            ),
            gt.LearningGoalData(2, "Veilig werken met medicatie", text="Veilig werken met medicatie"),
        ],
        activities=[
            gt.ActivityData(10, "Training communicatie en klantgesprekken"),
            gt.ActivityData(11, "Medicatieveiligheid e-learning", text="Medicatie veilig toedienen"),
            gt.ActivityData(12, "BHV herhaling"),
            gt.ActivityData(13, "Klantgesprekken oefenen"),
        ],
        activity_links={(1, 13)},
    )
    found = [(s.activity_id, s.learning_goal_id) for s in gt.suggestions(thread)]
    assert (10, 1) in found and (11, 2) in found
    assert all(activity != 12 for activity, _lg in found), "an unrelated activity gets no suggestion"
    assert all(activity != 13 for activity, _lg in found), "a linked activity gets no suggestion"


def test_it_never_suggests_a_rejected_pair_again():
    thread = gt.Thread(
        [], [gt.LearningGoalData(1, "Feedback verwerken")], [gt.ActivityData(5, "Feedback geven en verwerken")]
    )
    assert [s.activity_id for s in gt.suggestions(thread)] == [5]
    assert gt.suggestions(thread, rejected={(1, 5)}) == []


# Who a goal is for, which goals count, the strategy period and the participant split.
# Teams 7 and 8. Strategic goals: 1 active (period 2025), 2 dropped, 3 achieved.
# Learning goals: 10 for everyone → 1; 11 for team 8 → 1; 12 → 2 and 3 only.
#   activity cost hours teams start       link  aligned?                     records
#   100      1000  10   7     2025-03-01  10    yes (goal for everyone)       team 7: 3, team 8: 1
#   101       600  30   7     2025-06-01  11    no (goal for team 8 only)     team 8: 2
#   102       400  20   –     2025-09-01  12    no (only dropped/achieved)    –
#   103      2000  60   8     2024-05-01  11    yes, before the period       –
#   104       500   5   7, 8  –           11    yes (team 8), undated        –
SCOPED = gt.Thread(
    strategic_goals=[
        gt.StrategicGoalData(1, "Actief", gt.ACTIVE, date(2025, 1, 1), date(2025, 12, 31)),
        gt.StrategicGoalData(2, "Vervallen", "dropped", date(2020, 1, 1), date(2030, 12, 31)),
        gt.StrategicGoalData(3, "Bereikt", "achieved"),
    ],
    learning_goals=[gt.LearningGoalData(10, "Iedereen"), gt.LearningGoalData(11, "Team 8", team_ids=(8,)),
                    gt.LearningGoalData(12, "Oud")],
    activities=[
        gt.ActivityData(100, "A", Decimal(1000), Decimal(10), (7,), date(2025, 3, 1),
                        participations_by_team=((7, 3), (8, 1))),
        gt.ActivityData(101, "B", Decimal(600), Decimal(30), (7,), date(2025, 6, 1), participations_by_team=((8, 2),)),
        gt.ActivityData(102, "C", Decimal(400), Decimal(20), (), date(2025, 9, 1)),
        gt.ActivityData(103, "D", Decimal(2000), Decimal(60), (8,), date(2024, 5, 1)),
        gt.ActivityData(104, "E", Decimal(500), Decimal(5), (7, 8), None),
    ],
    goal_links={(1, 10), (1, 11), (2, 12), (3, 12)},
    activity_links={(10, 100), (11, 101), (12, 102), (11, 103), (11, 104)},
)  # fmt: skip


def test_it_counts_a_goal_only_for_the_teams_it_is_for_and_only_through_active_strategic_goals():
    # 101: its goal is for team 8, the activity for team 7; 102: only a dropped and an achieved goal
    assert gt.aligned_activity_ids(SCOPED) == {100, 103, 104}


def test_it_takes_the_strategy_period_from_the_active_goals():
    assert gt.strategy_period(SCOPED) == (date(2025, 1, 1), date(2025, 12, 31))


def test_it_computes_the_share_within_the_strategy_period_beside_the_whole_inventory():
    period = gt.strategy_period(SCOPED)
    # within 2025: 100, 101, 102 → 1000 of 2000; 10 of 60 hours
    assert gt.aligned_share(SCOPED, gt.SPEND, period) == gt.Share(Decimal(1000), Decimal(2000))
    assert gt.aligned_share(SCOPED, gt.HOURS, period) == gt.Share(Decimal(10), Decimal(60))
    # everything: 1000 + 2000 + 500 of 4500
    assert gt.aligned_share(SCOPED, gt.SPEND) == gt.Share(Decimal(3500), Decimal(4500))


def test_it_counts_a_target_teams_piece_only_when_the_goal_is_for_that_team():
    by_team = gt.aligned_share_by_team(SCOPED, gt.SPEND)
    # 104's 500 splits 250/250: aligned for team 8 (its goal's team), not for team 7.
    # team 7: 1000 (aligned) + 600 + 250; team 8: 2000 + 250, all aligned; no team: 400
    assert by_team[7] == gt.Share(Decimal(1000), Decimal(1850))
    assert by_team[8] == gt.Share(Decimal(2250), Decimal(2250))
    assert by_team[None] == gt.Share(Decimal(0), Decimal(400))


def test_it_splits_by_participation_records_within_the_period():
    by_people = gt.aligned_share_by_participants(SCOPED, gt.SPEND, gt.strategy_period(SCOPED))
    # 100: 1000 over 3 + 1 records → 750 team 7, 250 team 8, both aligned (goal for everyone);
    # 101: 600 to team 8, not aligned; 102: no records, not aligned
    assert by_people[7] == gt.Share(Decimal(750), Decimal(750))
    assert by_people[8] == gt.Share(Decimal(250), Decimal(850))
    assert by_people[gt.NO_RECORDS] == gt.Share(Decimal(0), Decimal(400))


def test_the_report_holds_every_figure_once():
    result = gt.report(SCOPED)
    assert result.period == (date(2025, 1, 1), date(2025, 12, 31))
    assert (result.spend.share, result.spend_all.aligned) == (0.5, Decimal(3500))
    assert [row.team for row in result.by_participants] == [7, 8, gt.NO_RECORDS]
    assert [row.period for row in result.trend] == ["2024", "2025"]
    assert result.unlinked_titles() == []


def test_without_a_dated_active_goal_the_share_covers_every_activity():
    undated = gt.Thread(
        [gt.StrategicGoalData(1, "S")],
        [gt.LearningGoalData(10, "L")],
        [gt.ActivityData(100, "A", Decimal(10))],
        {(1, 10)},
        {(10, 100)},
    )
    result = gt.report(undated)
    assert result.period is None and result.spend == gt.Share(Decimal(10), Decimal(10))
