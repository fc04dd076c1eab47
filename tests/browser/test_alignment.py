"""Step 3 in a real browser: the golden-thread pages pass axe, the KPI chart draws, and the
guided form's SMART check follows what is typed."""

import pytest

from leerkoers.alignment.models import Kpi, LearningGoal
from tests.browser.helpers import axe_check, login

pytestmark = pytest.mark.browser


def test_the_alignment_pages_are_accessible_and_the_chart_draws(browser_page):
    page = browser_page
    login(page, "admin@demo.example")
    kpi = Kpi.objects.filter(organization__slug="demo", measurements__isnull=False).first()
    learning_goal = LearningGoal.objects.filter(organization__slug="demo").first()
    for path in [
        "/o/demo/alignment/",
        "/o/demo/alignment/goals/",
        "/o/demo/alignment/kpis/",
        f"/o/demo/alignment/kpis/{kpi.pk}/",
        "/o/demo/alignment/learning-goals/",
        f"/o/demo/alignment/learning-goals/{learning_goal.pk}/",
        "/o/demo/alignment/activities/",
        "/o/demo/alignment/suggestions/",
        "/o/demo/alignment/kpis/import/",
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        axe_check(page)
    page.goto(f"/o/demo/alignment/kpis/{kpi.pk}/")
    # Chart.js drew on the canvas: it has a chart instance.
    assert page.evaluate("() => !!Chart.getChart(document.getElementById('kpi-chart'))")


def test_the_smart_check_updates_while_the_goal_is_written(browser_page):
    page = browser_page
    login(page, "admin@demo.example")
    page.goto("/o/demo/alignment/learning-goals/new/")
    assert page.locator(".smart-item--missing").count() == 6
    page.locator("#id_title").fill("Doorvragen")
    # Typing is enough: the check follows the input, without leaving the field.
    page.locator("#id_who").press_sequentially("Medewerkers klantenservice")
    page.wait_for_function("() => document.querySelectorAll('.smart-item--missing').length === 5")
    page.locator("#id_measure").press_sequentially("Klantwaardering minstens 8")
    page.wait_for_function("() => document.querySelectorAll('.smart-item--missing').length === 3")
    axe_check(page)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/learning-goals/*/")
    assert LearningGoal.objects.filter(organization__slug="demo", title="Doorvragen").exists()


def test_the_overview_works_on_a_phone(browser_page):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, "admin@demo.example")
    page.goto("/o/demo/alignment/")
    # Nothing but the flow diagram (which scrolls inside its card) is wider than the screen.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 380, width
    axe_check(page)
