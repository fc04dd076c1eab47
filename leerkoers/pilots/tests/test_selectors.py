"""The summary the policy document reads (selectors.policy_summary) and the pilot analysis."""

import pytest
from django.utils import translation

from leerkoers.pilots.demo import FINISHED, RUNNING, STOPPED
from leerkoers.pilots.selectors import policy_summary

pytestmark = pytest.mark.django_db


def test_it_summarises_every_pilot_for_the_policy_document(org, django_assert_max_num_queries):
    with translation.override("en"), django_assert_max_num_queries(40):
        summary = policy_summary(org)
    by_title = {p.title: p for p in summary.pilots}
    finished = by_title[FINISHED]
    assert finished.status == "Decided" and finished.decision == "Scale up"
    assert finished.effects[0].verdict == "Likely improvement"
    assert "interval" in finished.effects[0].explanation and "p = " in finished.effects[0].explanation
    assert finished.scale_up_teams == ["Wijkteam Noord", "Wijkteam Zuid"] and finished.scale_up_start
    assert by_title[RUNNING].effects[0].verdict == "Too early or too few teams to tell"
    assert (STOPPED, by_title[STOPPED].lessons) in summary.lessons


def test_it_writes_the_summary_in_dutch_when_asked(org):
    with translation.override("nl"):
        finished = next(p for p in policy_summary(org).pilots if p.title == FINISHED)
    assert finished.decision == "Opschalen" and finished.effects[0].verdict == "Waarschijnlijk verbetering"
