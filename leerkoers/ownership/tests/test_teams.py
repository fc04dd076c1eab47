from leerkoers.ownership.teams import TeamTree

# Teams: 1 (manager 10) ─ 2 (manager 20) ─ 3 (no manager); 4 (no manager, no parent).
TREE = TeamTree(parent={1: None, 2: 1, 3: 2, 4: None}, manager={1: 10, 2: 20, 3: None, 4: None})


def test_it_finds_the_manager_of_a_member_in_their_team():
    assert TREE.manager_of(99, 2) == 20


def test_it_goes_up_for_a_team_without_a_manager():
    assert TREE.manager_of(99, 3) == 20


def test_the_manager_of_a_manager_is_the_manager_above():
    assert TREE.manager_of(20, 2) == 10


def test_nobody_manages_the_top_or_a_team_without_managers():
    assert TREE.manager_of(10, 1) is None
    assert TREE.manager_of(99, 4) is None
    assert TREE.manager_of(99, None) is None


def test_a_manager_manages_their_teams_and_every_team_below():
    assert TREE.managed_by(10) == {1, 2, 3}
    assert TREE.managed_by(20) == {2, 3}
    assert TREE.managed_by(99) == set()


def test_it_survives_a_cycle_in_the_tree():
    tree = TeamTree(parent={1: 2, 2: 1}, manager={1: None, 2: None})
    assert tree.manager_of(5, 1) is None


def test_reports_are_the_members_of_the_teams_below_and_the_managers_one_level_down():
    teams, managers = TREE.reports_of(10, {10: 1, 20: 2})
    assert teams == {1}
    assert managers == {20}
    teams, managers = TREE.reports_of(20, {10: 1, 20: 2})
    assert teams == {2, 3}
    assert managers == set()
