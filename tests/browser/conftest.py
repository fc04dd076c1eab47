"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Fixtures and helpers for every app's browser tests (mark them `@pytest.mark.browser`):

- `browser_page`: a new, logged-out Playwright `Page` whose base URL is `live_server.url`,
  so `browser_page.goto("/accounts/login/")` works; 1280×900, a Dutch browser (nl-NL,
  Europe/Amsterdam). The database is transactional and
  seeded with `seed_demo --small` for each test (live-server tests start empty).
- `login(page, email, password="leerkoers-demo")`: signs in through the real form and waits
  for the page after it.
- Every test fails when the Content-Security-Policy refused anything on a page it visited
  (Chromium's console messages naming the policy).
- `axe_check(page)`: runs axe-core 4.11.0 (vendored) on the current page and fails the test
  on any violation of impact "serious" or "critical", printing each with its elements.

`login` and `axe_check` are plain functions in tests/browser/helpers.py (import them from
there) and also fixtures of the same name (take them as test arguments).

Chromium is taken from /usr/bin/chromium (or $CHROMIUM). When it is missing the tests are
skipped with the reason, unless REQUIRE_BROWSER=1, when they fail instead (as in CI).
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.helpers import axe_check, login

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def _chromium():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # around it are still plain synchronous calls, so Django's async guard may stand down.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(_chromium, live_server, seed_demo, settings):
    # The live server serves static files from the apps' folders, not the hashed names of
    # the production manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A Dutch browser, as most users have: the pages come in Dutch unless the test switches.
    context = _chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    # Every page a test visits must run under the Content-Security-Policy without a refusal:
    # Chromium reports each blocked script, handler or style on the console.
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    yield page
    context.close()
    assert not refused, "Content-Security-Policy violations:\n" + "\n".join(refused)


@pytest.fixture(name="login")
def login_fixture():
    """`login(page, email, password=...)` — see tests/browser/helpers.py."""
    return login


@pytest.fixture(name="axe_check")
def axe_check_fixture():
    """`axe_check(page)` — see tests/browser/helpers.py."""
    return axe_check
