"""Ids kept outside foreign keys (`registry.Ids`): where a path finds them, what a restore makes of them."""

from leerkoers.portability.registry import DECLARATIONS, Declaration, Ids, build_plan

NEW = {3: 30, 4: 40, 7: 70}


def _new(old):
    new = NEW.get(int(old))
    return None if new is None else str(new) if isinstance(old, str) else new


def test_a_path_reaches_lists_keys_and_elements_and_leaves_the_rest():
    data = {"tallies": {"3": [1, 2], "4": [0, 1]}, "groups": {"groups": [{"typical": [[7, 0.5, 0.1]], "size": 4}]}}

    tallies = Ids("data", "tallies.{}", "vision.VisionStatement").translate(data, _new)
    typical = Ids("data", "groups.groups.[].typical.[].0", "vision.VisionStatement").translate(data, _new)

    assert tallies["tallies"] == {"30": [1, 2], "40": [0, 1]}
    assert typical["groups"] == {"groups": [{"typical": [[70, 0.5, 0.1]], "size": 4}]}
    assert data["tallies"] == {"3": [1, 2], "4": [0, 1]}  # the old value is not changed
    assert Ids("ratings_seen", "", "vision.VisionRating").translate(7, _new) == 70


def test_an_id_the_export_does_not_hold_becomes_empty_and_a_missing_path_is_no_error():
    candidates = Ids("draw_candidates", "[]", "orgs.Team")

    assert candidates.translate([3, 99], _new) == [30, None]
    assert Ids("data", "tallies.{}", "x").translate({"tallies": {"99": [1]}}, _new) == {"tallies": {}}
    assert Ids("data", "groups.groups.[].typical", "x").translate({"groups": None}, _new) == {"groups": None}
    assert candidates.translate([], _new) == []


def test_ids_apply_only_to_rows_of_their_action():
    parent = Ids("changes", "parent.[]", "orgs.Team", when=("action", "team.update"))

    assert parent.applies({"action": "team.update"})
    assert not parent.applies({"action": "membership.change_team"})


def test_a_declaration_of_ids_that_do_not_exist_is_a_gap(monkeypatch):
    monkeypatch.setitem(
        DECLARATIONS,
        "pilots.Pilot",
        Declaration(
            ids=(
                Ids("draw_candidate", "[]", "orgs.Team"),
                Ids("draw_candidates", "{}.x", "orgs.Team"),
                Ids("draw_candidates", "[]", "orgs.Nothing"),
            ),
            no_ids=("follow_up_dates",),
        ),
    )

    gaps = "\n".join(build_plan().gaps())

    assert "pilots.Pilot: declares ids in 'draw_candidate' at '[]', but the field does not exist" in gaps
    assert "'{}' (the keys of an object) must come last" in gaps
    assert "of orgs.Nothing, which is not an exported organisation's table" in gaps
    assert "JSON field 'draw_candidates'" not in gaps  # named in ids, so declared
