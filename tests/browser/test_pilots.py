"""Step 5 in a real browser: HR designs a pilot from a template and sees that four teams can
never convince, starts it, makes an evaluation form that a participant answers on a phone,
moves it to evaluation and records the decision. axe on every page of the walk."""

import re

import pytest
from django.core import mail

from leerkoers.alignment.models import Kpi
from leerkoers.orgs.models import Team
from leerkoers.pilots.models import EvaluationResponse, Pilot
from tests.browser.helpers import axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _team(name):
    return Team.objects.get(organization__slug="demo", name=name).pk


def test_a_pilot_goes_from_its_design_check_through_a_form_to_the_decision(browser_page):
    page = browser_page
    login(page, "admin@demo.example")
    page.goto("/o/demo/pilots/")
    axe_check(page)
    page.get_by_role("link", name="Koppel een training aan een kpi").click()
    page.locator("input[name=title]").fill("Training feedback geven")
    for name in ("Wijkteam Noord", "Wijkteam Zuid"):
        page.locator(f"input[name=pilot_teams][value='{_team(name)}']").check()
    for name in ("Klantenservice", "Dagbesteding"):
        page.locator(f"input[name=comparison_teams][value='{_team(name)}']").check()
    kpi = Kpi.objects.get(organization__slug="demo", name="Klachten per 1.000 cliënten")
    page.locator(f"input[name=kpis][value='{kpi.pk}']").check()
    page.locator("input[name=start]").fill("2026-01-05")
    axe_check(page)
    page.locator("main form button[type=submit]").click()

    # The design check, before the start: 1/6 can never convince; three comparison teams would.
    main = page.locator("main")
    assert "1/6" in main.inner_text()
    assert "kan nooit een overtuigend resultaat geven" in main.inner_text()
    assert "minstens 3 nodig" in main.inner_text()
    axe_check(page)
    page.get_by_role("button", name="Pilot starten (legt de beslisregel vast)").click()
    assert "De pilot loopt" in main.inner_text()

    page.locator("summary", has_text="Een evaluatieformulier maken").click()
    page.locator("select[name=level]").select_option("1")
    page.locator("input[name=invited]").fill("12")
    page.get_by_role("button", name="Formulier maken").click()
    assert page.get_by_role("link", name="gedeelde link").count() == 1
    pilot_url = page.url
    axe_check(page)

    # HR e-mails a single-use personal link; the page shows the e-mailing's progress.
    page.locator("summary", has_text="Persoonlijke links voor").click()
    page.locator("details.invite textarea[name=emails]").fill("deelnemer@zorg.example")
    page.get_by_role("button", name="Persoonlijke links mailen").click()
    assert "(1 verstuurd)" in main.inner_text()
    page.locator("summary", has_text="Persoonlijke links voor").click()
    assert "1 / 1" in page.locator("details.invite .progress-card").inner_text()
    axe_check(page)
    (message,) = [m for m in mail.outbox if m.to == ["deelnemer@zorg.example"]]
    link = re.search(r"https?://\S+/pilot/f/p-[\w-]+/", message.body).group(0)
    link = "/pilot/" + link.split("/pilot/", 1)[1]

    # The participant answers on a phone, without an account, through the personal link.
    participant = page.context.browser.new_page(base_url=pilot_url.split("/o/")[0], locale="nl-NL")
    participant.set_viewport_size({"width": 390, "height": 844})
    participant.goto(link)
    axe_check(participant)
    participant.get_by_role("radio", name="4 – eens").first.check()
    participant.get_by_role("radio", name="5 – helemaal eens").last.check()
    participant.get_by_role("button", name="Versturen").click()
    assert "zonder je naam" in participant.locator("[role=status]").inner_text()
    participant.goto(link)  # the link works once
    assert "al gebruikt" in participant.locator("main").inner_text()
    participant.close()
    pilot = Pilot.objects.get(title="Training feedback geven")
    assert list(EvaluationResponse.objects.filter(form__pilot=pilot).values_list("verified", flat=True)) == [True]

    page.goto(pilot_url)
    assert "verborgen: minder dan 5 reacties" in main.inner_text()
    page.get_by_role("button", name="Naar de evaluatie").click()
    page.locator("input[name=decision][value=stop]").check()
    page.locator("#decision_reason").fill("Te weinig teams om iets te zien; opnieuw met vijf teams.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    assert "Besloten door admin@demo.example" in main.inner_text()
    axe_check(page)
    pilot.refresh_from_db()
    assert pilot.status == Pilot.Status.DECIDED and pilot.decision == "stop"
