"""Step 1 in a real browser: the inventory pages pass axe, the charts draw, and the import
flow works from upload to summary (the import runs as a task)."""

import pytest

from leerkoers.inventory.models import Activity
from tests.browser.helpers import axe_check, login

pytestmark = pytest.mark.browser


def test_the_inventory_pages_are_accessible_and_the_charts_draw(browser_page):
    page = browser_page
    login(page, "admin@demo.example")
    activity = Activity.objects.filter(organization__slug="demo").first()
    for path in [
        "/o/demo/inventory/",
        "/o/demo/inventory/activities/",
        f"/o/demo/inventory/activities/{activity.pk}/",
        "/o/demo/inventory/activities/new/",
        "/o/demo/inventory/participations/",
        "/o/demo/inventory/participations/new/",
        "/o/demo/inventory/import/",
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        axe_check(page)
    page.goto("/o/demo/inventory/")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas.inventory-chart'))")


def test_the_import_flow_runs_from_upload_to_summary(browser_page, tmp_path):
    page = browser_page
    login(page, "admin@demo.example")
    path = tmp_path / "opleidingen.csv"
    path.write_text("Titel;Aanbieder;Kosten;Startdatum\nBrowsercursus;Acme;€ 1.250,00;3-2-2026\n", encoding="utf-8")
    page.goto("/o/demo/inventory/import/")
    page.locator("select[name=kind]").select_option("activities")
    page.locator("input[type=file]").set_input_files(str(path))
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    axe_check(page)
    with page.expect_navigation():
        page.locator("button[name=check]").click()
    assert page.locator("text=1").first.is_visible()
    axe_check(page)
    with page.expect_navigation():
        page.locator("button[name=import]").click()
    page.wait_for_selector(".progress-card")
    page.wait_for_function("() => !document.querySelector('.progress-card[hx-get]')", timeout=20000)
    assert Activity.objects.filter(organization__slug="demo", title="Browsercursus").exists()


def test_a_real_workbook_imports_through_the_page(browser_page, tmp_path):
    from leerkoers.inventory.tests.files import workbook_bytes

    page = browser_page
    login(page, "admin@demo.example")
    path = tmp_path / "opleidingen.xlsx"
    path.write_bytes(workbook_bytes())
    page.goto("/o/demo/inventory/import/")
    page.locator("select[name=kind]").select_option("activities")
    page.locator("input[type=file]").set_input_files(str(path))
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.locator("text=Excel-cursus gevorderd").first.is_visible()  # the preview, below the title rows
    with page.expect_navigation():
        page.locator("button[name=check]").click()
    with page.expect_navigation():
        page.locator("button[name=import]").click()
    page.wait_for_function("() => !document.querySelector('.progress-card[hx-get]')", timeout=20000)
    stored = Activity.objects.filter(organization__slug="demo", external_id__in=["X-1", "X-2"])
    assert sorted(stored.values_list("title", flat=True)) == ["Excel-cursus gevorderd", "Veilig werken"]
