from datetime import date

from leerkoers.alignment.smart import is_smart, smart_check

TODAY = date(2026, 11, 28)


def missing(**overrides):
    values = {
        "who": "Medewerkers klantenservice",
        "behaviour": "vatten de vraag van de klant samen voordat ze antwoorden",
        "measure": "klantwaardering minstens 8 in de enquête",
        "deadline": date(2027, 6, 30),
        "has_target_groups": False,
        "strategic_goal_count": 1,
        "today": TODAY,
    }
    values.update(overrides)
    return [check.key for check in smart_check(**values) if not check.ok]


def test_a_complete_goal_is_smart():
    assert missing() == []
    assert is_smart(
        smart_check(
            who="x",
            behaviour="a b c",
            measure="1",
            deadline=TODAY,
            has_target_groups=False,
            strategic_goal_count=2,
            today=TODAY,
        )
    )


def test_it_points_out_each_missing_part():
    assert missing(who="", has_target_groups=False) == ["who"]
    assert missing(who="", has_target_groups=True) == []
    assert missing(behaviour="beter communiceren") == ["behaviour"]
    assert missing(measure="") == ["measure", "level"]
    assert missing(measure="enquête") == ["level"]
    assert missing(strategic_goal_count=0) == ["relevant"]
    assert missing(deadline=None) == ["deadline"]
    assert missing(deadline=date(2026, 11, 27)) == ["deadline"]
