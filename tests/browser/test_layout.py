"""The layout crawl: every page of the demo organisation (enumerated from the URL patterns, as
the isolation test does) and the public pages, at 390, 1280 and 1920 px, in Dutch and English,
checked by tests/browser/layout.py, and by axe at 1280 px in Dutch (its rules do not depend on the
language; running it twice would double the crawl's time). One browser page is reused: each
page is loaded once per language and re-laid out at each width."""

import os
import re
import time

import pytest
from django.test import Client

from leerkoers.accounts.models import User
from leerkoers.orgs.models import Organization
from leerkoers.scan.models import ScanResponse
from tests.browser.helpers import AXE, login
from tests.browser.layout import layout_problems, org_page_paths, public_paths

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280, 1920)
LANGUAGES = ("nl", "en")
AXE_WIDTH = 1280


def _html_pages(client: Client, paths: list[str]) -> list[str]:
    """The paths that answer a GET with a page (not a redirect, a download or a 405)."""
    pages = []
    for path in paths:
        response = client.get(path)
        # A whole page, not an htmx fragment.
        html = response["Content-Type"].startswith("text/html") and b"<html" in response.content[:300]
        if response.status_code == 200 and html:
            pages.append(path)
    return pages


def _axe_problems(page) -> list[str]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Through the debugging protocol: the page's CSP would refuse an added inline <script>.
        page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate("async () => await window.axe.run(document)")
    return [
        f"axe {v['impact']}: {v['id']} on {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _crawl(page, paths: list[str], language: str, *, axe: bool = True) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url or "http://localhost"}])
    for path in paths:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(path)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            # Charts follow their card through a ResizeObserver; two frames let them redraw.
            page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
            problems = layout_problems(page)
            if axe and width == AXE_WIDTH and language == LANGUAGES[0]:
                problems += _axe_problems(page)
            if problems:
                found[f"{path} [{language}, {width}px]"] = problems
    return found


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())


def test_every_page_reads_well_at_three_widths_in_both_languages(browser_page, live_server):
    started = time.monotonic()
    page = browser_page
    org = Organization.objects.get(slug="demo")
    client = Client()
    public = public_paths()
    response = ScanResponse.objects.filter(organization=org).order_by("pk").first()
    if response is not None:
        public.append(f"/scan/resultaat/{response.public_id}/")
    public = _html_pages(client, public)
    client.force_login(User.objects.get(email="admin@demo.example"))
    pages = _html_pages(client, org_page_paths(org))
    assert len(pages) >= 30, pages  # the enumeration found the organisation's pages
    if only := os.environ.get("LAYOUT_PAGES"):  # e.g. LAYOUT_PAGES=inventory|alignment while working on a page
        pages, public = [p for p in pages if re.search(only, p)], [p for p in public if re.search(only, p)]

    page.goto("/")
    found = {}
    for language in LANGUAGES:
        found |= _crawl(page, public, language)
    login(page, "admin@demo.example")
    for language in LANGUAGES:
        found |= _crawl(page, pages, language)
    visited = (len(pages) + len(public)) * len(WIDTHS) * len(LANGUAGES)
    print(
        f"layout crawl: {len(pages) + len(public)} pages × {len(WIDTHS)} widths × {len(LANGUAGES)} languages "
        f"= {visited} views in {time.monotonic() - started:.0f} s"
    )
    assert not found, f"{len(found)} of {visited} views read badly:\n{_report(found)}"


BROKEN_CSS = """
main.container { width: 1500px !important; max-width: none !important; }
.card h2 { white-space: nowrap !important; overflow: hidden !important; width: 4rem !important; }
td.num { display: block !important; width: 3rem !important; white-space: normal !important; word-break: break-all !important; }
"""


def _inject_css(page, css: str) -> None:
    # A constructed stylesheet: the page's CSP refuses an inline <style>, not the CSSOM.
    page.evaluate(
        "(css) => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);"
        " document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }",
        css,
    )


def test_the_checker_reports_a_broken_stylesheet(browser_page):
    page = browser_page
    login(page, "admin@demo.example")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/o/demo/inventory/")
    assert layout_problems(page) == [], "the page should read well before the stylesheet breaks it"
    _inject_css(page, BROKEN_CSS)
    problems = "\n".join(layout_problems(page))
    assert "the page scrolls sideways" in problems
    assert "h2" in problems and "cuts its content" in problems
    assert "wraps onto" in problems


def test_the_checker_reports_overlapping_text_and_a_cramped_chart(browser_page):
    page = browser_page
    login(page, "admin@demo.example")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/o/demo/inventory/")
    _inject_css(
        page, ".page-head h1 { margin-bottom: -2.5em !important; } .chart-box--bars { width: 90px !important; }"
    )
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.wait_for_timeout(300)
    problems = "\n".join(layout_problems(page))
    assert "texts overlap" in problems
    assert "the chart" in problems
