import datetime

from leerkoers.ownership import indicators


def test_team_plan_coverage_counts_only_teams_with_members():
    share = indicators.team_plan_coverage([(5, True), (3, False), (0, True), (8, True)])
    assert (share.part, share.whole) == (2, 3)


def test_pop_coverage_hides_a_small_team_and_the_next_smallest_to_protect_it():
    # Teams of 12, 6 and 3 members: the 3 is below 5; total minus the shown 12 would give
    # the 3-team's figure away, so the 6-team is hidden too.
    found = indicators.pop_coverage([("A", 12, 6), ("B", 6, 3), ("C", 3, 3)], minimum=5)
    assert (found.overall.part, found.overall.whole) == (12, 21)
    rows = {row.team: row for row in found.teams}
    assert (rows["A"].members, rows["A"].agreed.part) == (12, 6)
    assert rows["B"].members is None and rows["B"].reason == "complementary"
    assert rows["C"].members is None and rows["C"].reason == "primary"


def test_pop_coverage_hides_everything_below_the_threshold():
    found = indicators.pop_coverage([("A", 2, 1), ("B", 2, 0)], minimum=5)
    assert found.overall is None
    assert all(row.members is None for row in found.teams)


def test_initiative_share_counts_managers_and_employees_against_known_initiators():
    found = indicators.initiative_share(
        [
            ("hr", datetime.date(2026, 1, 10)),
            ("manager", datetime.date(2026, 2, 1)),
            ("employee", datetime.date(2026, 4, 1)),
            ("board", None),
            ("", datetime.date(2026, 4, 2)),
        ]
    )
    assert (found.overall.part, found.overall.whole) == (2, 4)
    assert [(q, s.part, s.whole) for q, s in found.by_quarter] == [("2026-Q1", 1, 2), ("2026-Q2", 1, 1)]


def test_agreed_by_quarter_is_cumulative_at_each_quarter_end():
    dates = [datetime.date(2026, 3, 31), datetime.date(2026, 4, 1), datetime.date(2026, 12, 31)]
    found = indicators.agreed_by_quarter(dates, 10, 2026)
    assert [(q, s.part) for q, s in found] == [("2026-Q1", 1), ("2026-Q2", 2), ("2026-Q3", 2), ("2026-Q4", 3)]
    assert found[0][1].value == 0.1


def test_the_trend_per_team_is_cumulative_per_quarter_with_small_teams_hidden_in_every_quarter():
    d = datetime.date
    found = indicators.agreed_by_quarter_per_team(
        [
            ("A", 10, [d(2026, 2, 10), d(2026, 3, 31), d(2026, 4, 1), d(2026, 9, 30), d(2026, 12, 31)]),
            ("B", 6, [d(2026, 5, 5)]),
            ("C", 3, [d(2026, 1, 5)]),
        ],
        2026,
        minimum=5,
    )
    rows = {row.team: row for row in found}
    assert [(q, s.part, s.whole) for q, s in rows["A"].quarters] == [
        ("2026-Q1", 2, 10),
        ("2026-Q2", 3, 10),
        ("2026-Q3", 4, 10),
        ("2026-Q4", 5, 10),
    ]
    # C (3 members) is below 5; B, the smallest other team, is hidden too, or C's figures
    # would follow from the overall trend minus A's.
    assert (rows["B"].members, rows["B"].quarters, rows["B"].reason) == (None, [], "complementary")
    assert (rows["C"].members, rows["C"].quarters, rows["C"].reason) == (None, [], "primary")


def test_the_trend_per_team_hides_every_team_below_the_threshold_in_all():
    found = indicators.agreed_by_quarter_per_team([("A", 2, []), ("B", 2, [])], 2026, minimum=5)
    assert all(row.members is None and row.quarters == [] for row in found)
