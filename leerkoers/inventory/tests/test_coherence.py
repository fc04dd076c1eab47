"""Hand-computed cases for the pure coherence analysis."""

import datetime as dt
from decimal import Decimal

from django.utils import translation

from leerkoers.inventory.coherence import (
    ActivityFacts,
    TeamParticipation,
    analyse,
    overlaps,
    participation_per_team,
    shares,
    similarity,
    spend_by,
    starting_point,
    topic,
)

D = Decimal


def _a(id, title="X", **kw):
    return ActivityFacts(id=id, title=title, **kw)


def test_it_counts_goal_measured_and_linked_shares():
    acts = [
        _a(1, has_goal=True, has_result=True, result_measured=True),
        _a(2, has_goal=True, has_result=True, result_measured=False),  # a result, but not measured
        _a(3, has_goal=False, has_result=False, result_measured=True),
        _a(4),
    ]
    result = shares(acts, linked_ids={1, 3, 99})
    assert (result.with_goal.count, result.with_goal.percent) == (2, 50)
    assert (result.with_measured_result.count, result.with_measured_result.percent) == (1, 25)
    assert (result.linked_to_goal.count, result.linked_to_goal.percent) == (2, 50)


def test_it_reports_linked_share_as_unavailable_without_alignment():
    assert shares([_a(1)], linked_ids=None).linked_to_goal is None
    assert shares([], linked_ids=set()).with_goal.percent is None


def test_it_sums_spend_and_hours_by_initiator():
    acts = [
        _a(1, initiator="hr", cost=D("1000"), hours_per_participant=D("2"), participants=10),  # 20 h
        _a(2, initiator="manager", cost=D("300"), hours_per_participant=D("1.5"), participation_count=4),  # 6 h
        _a(3, initiator="hr", cost=D("500")),
        _a(4, initiator="", cost=None, hours_per_participant=D("3"), participants=2),  # 6 h
    ]
    rows = spend_by(acts, "initiator")
    assert [(r.key, r.spend, r.hours, r.activities) for r in rows] == [
        ("hr", D("1500.00"), D("20.0"), 2),
        ("manager", D("300.00"), D("6.0"), 1),
        ("", D("0.00"), D("6.0"), 1),
    ]


def test_it_splits_the_spend_of_a_shared_activity_over_its_teams():
    acts = [
        _a(1, teams=("Sales", "Service"), cost=D("900")),
        _a(2, teams=("Sales",), cost=D("100")),
        _a(3, cost=D("50")),
    ]
    rows = {r.key: r.spend for r in spend_by(acts, "team")}
    assert rows == {"Sales": D("550.00"), "Service": D("450.00"), "": D("50.00")}


def test_it_orders_months_in_time_with_undated_last():
    acts = [
        _a(1, start_date=dt.date(2026, 3, 5), cost=D("1")),
        _a(2, start_date=dt.date(2025, 12, 1), cost=D("10")),
        _a(3, cost=D("100")),
        _a(4, start_date=dt.date(2026, 3, 20), cost=D("2")),
    ]
    assert [(r.key, r.spend) for r in spend_by(acts, "month")] == [
        ("2025-12", D("10.00")),
        ("2026-03", D("3.00")),
        ("", D("100.00")),
    ]


def test_it_computes_participation_per_employee():
    rows = participation_per_team(
        [TeamParticipation("A", 30, 10), TeamParticipation("B", 50, 10), TeamParticipation("C", 5, 0)]
    )
    assert [(r.team, r.per_employee) for r in rows] == [("B", D("5.0")), ("A", D("3.0")), ("C", None)]


def test_it_strips_form_words_from_topics():
    assert topic("Training Klantgericht werken") == "klantgericht"
    assert topic("Klantgerichtheid (2-daagse)") == "klantgerichtheid"


def test_it_scores_derived_words_as_similar_but_not_unrelated_ones():
    assert similarity("klantgericht", "klantgerichtheid") == 100
    assert similarity("timemanagement", "klantgericht") < 60


def test_it_groups_near_duplicate_purchases_with_their_combined_spend():
    acts = [
        _a(1, "Klantgericht werken", provider="Acme", teams=("Sales",), cost=D("4000")),
        _a(2, "Training klantgericht werken", provider="Beta", teams=("Service",), cost=D("3500")),
        _a(3, "Klantgerichtheid (2-daagse)", provider="Gamma", teams=("Backoffice",), cost=D("2500")),
        _a(4, "Timemanagement", provider="Acme", cost=D("999")),
        _a(5, "Excel gevorderd", provider="Office BV", cost=D("300")),
        _a(6, "Excel basis", provider="Office BV", cost=D("200")),  # same provider and teams: a series
    ]
    groups = overlaps(acts)
    assert len(groups) == 1
    assert sorted(a.id for a in groups[0].activities) == [1, 2, 3]
    assert groups[0].spend == D("10000")
    assert groups[0].providers == ["Acme", "Beta", "Gamma"]


def _analysis(acts, teams=(), linked=None):
    return analyse(acts, linked, list(teams))


def test_it_writes_a_starting_point_in_plain_language():
    acts = [
        _a(
            1,
            "Klantgericht werken",
            provider="A",
            cost=D("1000"),
            initiator="manager",
            has_goal=True,
            hours_per_participant=D(4),
            participation_count=3,
            completed_count=2,
        ),
        _a(2, "Klantgerichtheid", provider="B", cost=D("500"), initiator="hr"),
    ]
    with translation.override("en"):
        text = starting_point(_analysis(acts), {"manager": "Manager", "hr": "HR"})
    with translation.override("nl"):
        dutch = starting_point(_analysis(acts), {"manager": "Leidinggevende"})
    # Amounts are written as the reader's language writes them; 4 h × 2 completed, 4 h × 3 booked.
    assert text[0] == (
        "The inventory holds 2 learning activities, costing €1,500, with 8 completed hours of learning time "
        "(12 hours booked, counting every enrolment)."
    )
    assert "€\u00a01.500" in dutch[0]  # CLDR nl, with a no-break space
    assert text[1] == "50% of them state a goal and 0% have a measured result."
    # 1000 of 1500 is a majority: "most".
    assert text[2] == "Most of the spend (67%) was initiated by “Manager”."
    assert "“Leidinggevende”" in dutch[2]
    # Overlap 1500: at least 10% (150), at most everything but the cheapest purchase (1000).
    assert "1 subjects were bought more than once" in text[3]
    assert "between €150 (a volume discount of 10%) and €1,000 (keeping only the cheapest purchase)" in text[3]
    assert text[-1].startswith("In short")


def test_it_does_not_call_a_plurality_most_of_the_spend():
    acts = [
        _a(1, cost=D("360"), initiator="manager"),
        _a(2, cost=D("340"), initiator="hr"),
        _a(3, cost=D("300"), initiator="employee"),
    ]
    with translation.override("en"):
        text = starting_point(_analysis(acts), {"manager": "Manager"})
    assert text[2] == (
        "The largest share of the spend (36%) was initiated by “Manager”; no initiator accounts for more than half."
    )
    with translation.override("nl"):
        dutch = starting_point(_analysis(acts), {"manager": "Leidinggevende"})
    assert "36%" in dutch[2] and "Leidinggevende" in dutch[2] and "helft" in dutch[2]


def test_it_counts_only_completed_records_as_completed_hours():
    acts = [
        _a(1, hours_per_participant=D(8), participation_count=5, completed_count=3, initiator="hr", cost=D(10)),
        _a(2, hours_per_participant=D(2), participants=10, participation_count=0, initiator="hr", cost=D(10)),
    ]
    result = _analysis(acts)
    # booked: 8 × 5 + 2 × 10 (the stated number); completed: 8 × 3 (no records for activity 2)
    assert (result.booked_hours, result.completed_hours) == (D(60), D(24))
    assert (result.by_initiator[0].hours, result.by_initiator[0].completed_hours) == (D(60), D(24))


def test_it_gives_the_possible_saving_of_an_overlap_as_a_range():
    acts = [
        _a(1, "Klantgericht werken", provider="Acme", cost=D("4000")),
        _a(2, "Training klantgericht werken", provider="Beta", cost=D("3500")),
        _a(3, "Klantgerichtheid (2-daagse)", provider="Gamma", cost=D("2500")),
    ]
    result = _analysis(acts)
    group = result.overlaps[0]
    # 10,000 combined: low 10% = 1,000; high 10,000 − 2,500 (the cheapest) = 7,500
    assert (group.spend, group.saving_low, group.saving_high) == (D(10000), D(1000), D(7500))
    assert (result.overlap_saving_low, result.overlap_saving_high) == (D(1000), D(7500))


def test_it_says_so_when_there_is_nothing_yet():
    assert "No learning activities" in starting_point(_analysis([]), {})[0]


def test_it_does_not_call_a_series_from_one_provider_an_overlap():
    acts = [
        _a(1, "BHV herhaling", provider="Veilig BV", teams=("Noord",), cost=D("900")),
        _a(2, "BHV herhaling", provider="veilig bv ", teams=("Zuid",), cost=D("900")),
        _a(3, "BHV-herhaling", provider="", teams=("Staf",), cost=D("500")),  # provider unknown
    ]
    assert overlaps(acts) == []


def test_it_compares_titles_that_differ_only_in_spacing():
    acts = [
        _a(1, "Timemanagement", provider="A", cost=D("900")),
        _a(2, "Time management basis", provider="B", cost=D("100")),
    ]
    assert [sorted(a.id for a in g.activities) for g in overlaps(acts)] == [[1, 2]]
