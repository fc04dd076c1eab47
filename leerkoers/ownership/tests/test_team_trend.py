"""The per-team quarterly trend of POP coverage: on the step page as a chart with a table,
and in the API, with the small teams hidden in every quarter."""

import datetime
import json
import re

import pytest

from leerkoers.accounts.models import User
from leerkoers.orgs.models import Membership, Organization, Role, Team
from leerkoers.ownership.models import Pop, PopStatus, PopVersion
from leerkoers.ownership.tests.conftest import client_for

YEAR = datetime.date.today().year  # the step page shows this year
Q = [f"{YEAR}-Q{n}" for n in range(1, 5)]


@pytest.fixture
def trend_org(db):
    """Teams Alfa (8), Bravo (6), Charlie (7) and Delta (2). Delta is below 5; Bravo, the
    smallest other team, is hidden with it. Alfa: POPs first agreed on 1 Feb, 10 Feb and
    1 Aug (and agreed again on 1 Nov); Charlie: one on 30 June; Bravo and Delta one each."""
    org = Organization.objects.create(name="Trend BV", slug="trend")
    admin = User.objects.create(email="hr@trend.example", full_name="H R")
    Membership.objects.create(organization=org, user=admin, role=Role.ADMIN)
    agreed = {"Alfa": [[(2, 1)], [(2, 10)], [(8, 1), (11, 1)]], "Charlie": [[(6, 30)]], "Bravo": [[(1, 5)]],
              "Delta": [[(3, 3)]]}  # fmt: skip
    for name, size in [("Alfa", 8), ("Bravo", 6), ("Charlie", 7), ("Delta", 2)]:
        team = Team.objects.create(organization=org, name=name)
        for index in range(size):
            user = User.objects.create(email=f"{name.lower()}{index}@trend.example")
            member = Membership.objects.create(organization=org, user=user, role=Role.EMPLOYEE, team=team)
            dates = agreed[name][index] if index < len(agreed[name]) else []
            if dates:
                pop = Pop.objects.create(organization=org, member=member, year=YEAR, status=PopStatus.AGREED)
                for number, (month, day) in enumerate(dates, start=1):
                    PopVersion.objects.create(
                        organization=org, pop=pop, number=number, agreed_on=datetime.date(YEAR, month, day),
                        agreed_by_name="M", content={},
                    )  # fmt: skip
    return client_for(admin)


def test_the_api_gives_the_trend_per_team_with_the_small_teams_hidden(trend_org):
    body = trend_org.get(f"/api/v1/orgs/trend/ownership/indicators?year={YEAR}").json()
    rows = {row["team"]: row for row in body["pops_by_team_and_quarter"]}
    alfa = {q: (s["part"], s["whole"]) for q, s in rows["Alfa"]["quarters"].items()}
    assert alfa == dict(zip(Q, [(2, 8), (2, 8), (3, 8), (3, 8)], strict=True))
    charlie = {q: s["part"] for q, s in rows["Charlie"]["quarters"].items()}
    assert charlie == dict(zip(Q, [0, 1, 1, 1], strict=True))
    for hidden in ("Bravo", "Delta"):
        assert rows[hidden]["members"] is None and rows[hidden]["quarters"] == {}
    # the overall trend counts everyone: 2+1+1 by Q1 (Alfa, Bravo, Delta), 5 by Q2, 6 from Q3
    assert {q: s["part"] for q, s in body["pops_by_quarter"].items()} == dict(zip(Q, [4, 5, 6, 6], strict=True))


def test_the_step_page_draws_the_trend_per_team_with_a_table(trend_org):
    page = trend_org.get("/o/trend/ownership/").content.decode()
    chart = json.loads(re.search(r'<script id="team-trend-data" type="application/json">(.*?)</script>', page).group(1))
    assert chart["labels"] == Q
    assert [team["label"] for team in chart["teams"]] == ["Alfa", "Charlie"]  # no hidden team in the data
    assert chart["teams"][0]["data"] == [25.0, 25.0, 37.5, 37.5]
    assert 'id="team-trend-chart" role="img" aria-label="' in page
    table = page[page.index('aria-labelledby="team-trend-title"') :]
    table = table[: table.index("</table>")]
    assert '<th scope="row">Bravo</th>' in table and "hidden (small group)" in table
    assert re.search(r'<script src="/static/ownership/charts\.\w+\.js"></script>', page)
    assert "<script>" not in page  # no inline script (CSP)
