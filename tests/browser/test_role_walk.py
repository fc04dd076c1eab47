"""Each demo role walks the newer steps — vision (2), ownership (4), pilots (5), the policy
document and the organisation's data (export, deletion, my data) — the way they would: from
each step's page they follow every link into these apps, one page per URL pattern, and then
try the remaining pages of those apps by address.

On each page, at 390 px and again at 1280 px:
- the answer: 200 for a page the role may open (a link that leads to a refusal is a fault),
  otherwise the refusal the role rules of orgs/access.py give (403 as in
  tests/test_role_matrix.py, or 404 for someone else's POP, conversation or team plan), as a
  page in the user's language with a way on (a link to the start page);
- at 390 px, no sideways scrolling;
- every form field has a label and a type, every image and chart a text alternative, and no
  drawing has a coordinate written as a Dutch number (311,4);
- on a Dutch page no English heading, button, label or summary (a few words are the same in
  both: KPI, POP, …);
- the keyboard: from the skip link, Tab reaches the page's main action, and its focus shows;
- no Content-Security-Policy refusal (the `browser_page` fixture).

The sample, to keep the walk under two minutes: every role in Dutch (the default, and the
only language in which untranslated text can be seen), English for the admin (the most pages)
and the employee (the most refusals); both widths on every page (a resize, not a reload).
The layout crawl (test_layout.py) covers all pages at three widths, but only as the admin.
"""

import re
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation

from leerkoers.accounts.models import User
from leerkoers.orgs.models import Organization
from tests.browser.helpers import login
from tests.browser.layout import NOT_A_PAGE
from tests.test_isolation import ORG_PREFIX, _fill_route, org_page_routes
from tests.test_role_matrix import PAGES

pytestmark = pytest.mark.browser

APPS = re.compile(r"^(vision|ownership|pilots|policy|data|my-data)/")
STARTS = ("vision/", "ownership/", "pilots/", "policy/", "data/", "my-data/")
# Pages of one person or team: another role gets 404, as if they did not exist.
PERSONAL = {
    "ownership/pops/<uuid:pop_id>/",
    "ownership/cycle/<uuid:conversation_id>/",
    "ownership/plans/<uuid:team_plan_id>/",
}
ROLES = {"admin": "a", "director": "d", "manager": "m", "employee": "e", "advisor": "v"}
WALKS = [(role, "nl") for role in ROLES] + [("admin", "en"), ("employee", "en")]
NARROW, WIDE = 390, 1280
# Words that read the same in Dutch, or names.
SAME_IN_DUTCH = {"KPI", "KPI's", "POP", "POP's", "RACI", "API", "CSV", "PDF", "DOCX", "Leerkoers", "OK", "Team"}
# Short English words that are no Dutch words: one of them in a Dutch heading gives it away.
_ENGLISH = """
the and with your for this that new add save edit delete remove cancel back create send show hide close
approve answers statements learning goals ownership policy step members sign out my next previous results
round rounds draft version compare decision evaluate evaluation activities people year quarter
conversation conversations all none yes no
"""
ENGLISH_WORDS = set(_ENGLISH.split())

CHECKS_JS = r"""
(dutch) => {
  const problems = [];
  const text = (el) => (el.innerText || el.textContent || "").trim().replace(/\s+/g, " ");
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    else if (el.getAttribute("name")) s += `[name=${el.getAttribute("name")}]`;
    else if (el.classList.length) s += "." + [...el.classList].join(".");
    return s;
  };
  const labelled = (el) => el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || el.getAttribute("title");
  const fields = document.querySelectorAll(
    "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]), select, textarea");
  for (const el of fields) {
    const labels = [...(el.labels || [])].filter((l) => text(l));
    if (!labels.length && !labelled(el)) problems.push(`the field ${name(el)} has no label`);
    // The stylesheet styles text fields by their type: one without looks like no other.
    if (el.tagName === "INPUT" && !el.hasAttribute("type")) problems.push(`the field ${name(el)} has no type`);
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problems.push(`the image ${img.getAttribute("src")} has no alt text`);
  }
  for (const canvas of document.querySelectorAll("canvas")) {
    const hidden = canvas.closest("[aria-hidden=true]");
    if (!hidden && !labelled(canvas) && !canvas.getAttribute("aria-describedby") && !text(canvas))
      problems.push(`the chart ${name(canvas)} has no text alternative`);
  }
  for (const svg of document.querySelectorAll("svg")) {
    if (svg.closest("[aria-hidden=true]")) continue;
    if (!(svg.getAttribute("role") === "img" && (labelled(svg) || svg.querySelector("title"))))
      problems.push(`the drawing ${name(svg)} is neither hidden nor labelled`);
  }
  // A coordinate written as a Dutch number ("311,4") puts a drawing's parts in the wrong place.
  for (const el of document.querySelectorAll("svg *")) {
    for (const attr of ["x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height"]) {
      const value = el.getAttribute(attr);
      if (value && value.includes(",")) problems.push(`the drawing's ${el.tagName} has ${attr}="${value}"`);
    }
  }
  const words = [];
  if (dutch) {
    for (const el of document.querySelectorAll("h1, h2, h3, h4, button, .button, label, summary, legend, th, caption")) {
      if (el.closest("[lang]:not(html)") || el.closest(".context-line")) continue;  // the language switch
      const t = text(el);
      if (t) words.push(t);
    }
  }
  return { problems, texts: words };
}
"""

MAIN_ACTION_JS = r"""
() => {
  const shown = (el) => el.checkVisibility() && el.getBoundingClientRect().width > 1;
  const actions = [...document.querySelectorAll(
    "main .button, main button, main a[href], main summary, main input, main select, main textarea")]
    .filter((el) => shown(el) && !el.disabled && !el.closest(".messages"));
  const primary = actions.find((el) => el.matches(".button:not(.button--secondary):not([class*=danger])"));
  const target = primary || actions[0];
  if (!target) return null;
  target.setAttribute("data-main-action", "");
  const label = (target.innerText || target.value || target.getAttribute("aria-label") || target.tagName).trim();
  // What it is, in any language: to try each action once.
  const form = target.closest("form");
  const what = [target.tagName, target.className, target.getAttribute("href"), form && form.getAttribute("action")];
  return { label, what: what.join(" ") };
}
"""

FOCUS_JS = r"""
(selector) => {
  // Called after a key press, so that the browser treats the focus as the keyboard's.
  const el = document.querySelector(selector);
  const was = el === document.activeElement;
  if (!was) el.focus();
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2;
  const reachable = el.tabIndex >= 0 && !el.disabled && !el.closest("[inert], [aria-hidden=true]")
    && el.checkVisibility() && document.activeElement === el;
  return { was, reachable, shows: el.matches(":focus-visible") && (outline || cs.boxShadow !== "none") };
}
"""


@cache
def _english_msgids() -> frozenset[str]:
    """The English texts that the Dutch catalogues translate (not those that some catalogue
    keeps as they are: "Start" is Dutch too)."""
    translated, kept = set(), set()
    for po in Path(settings.BASE_DIR, "leerkoers").glob("**/locale/nl/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po)):
            if entry.msgstr and not entry.obsolete:
                (kept if entry.msgstr == entry.msgid else translated).add(entry.msgid.strip())
    return frozenset(translated - kept)


def _untranslated(texts: list[str], english: frozenset[str]) -> list[str]:
    problems = []
    for text in texts:
        plain = re.sub(r"\S+@\S+", "", text)
        words = {w for w in re.findall(r"[A-Za-z']+", plain) if w not in SAME_IN_DUTCH}
        if text in english or {w.lower() for w in words} & ENGLISH_WORDS:
            problems.append(f"English on a Dutch page: “{text[:60]}”")
    return problems


def _route(path: str) -> str | None:
    try:
        route = resolve(path).route
    except Resolver404:
        return None
    if not route.startswith(ORG_PREFIX):
        return None
    route = route.removeprefix(ORG_PREFIX)
    return route if APPS.match(route) else None


def _refused_roles(route: str) -> str:
    rule = PAGES[route]
    return rule[0] if isinstance(rule, tuple) else rule


def _admin_pages(org) -> dict[str, str]:
    """Route → a path of each page of these apps that the admin opens (a whole HTML page)."""
    client = Client()
    client.force_login(User.objects.get(email="admin@demo.example"))
    pages = {}
    for route in org_page_routes():
        short = route.removeprefix(ORG_PREFIX)
        path = _fill_route(route, org.slug, org)
        if not APPS.match(short) or NOT_A_PAGE.search(path) or path.endswith((".ics", "/download/")):
            continue
        response = client.get(path)
        if response.status_code == 200 and b"<html" in response.content[:300]:
            pages[short] = path
    return pages


def _refusal_title(status: int, language: str) -> str:
    with translation.override(language):
        return translation.gettext("No access" if status == 403 else "Page not found")


class Walk:
    def __init__(self, page, role: str, language: str, keyboard_done: set):
        self.page, self.role, self.language = page, role, language
        # (route, main action) already tried with the keyboard by an earlier walk: the focus
        # order and its styles do not depend on the language or on who looks.
        self.keyboard_done = keyboard_done
        self.english = _english_msgids() if language == "nl" else frozenset()
        self.problems: dict[str, list[str]] = {}
        self.seen: dict[str, str] = {}
        self.no_action: list[str] = []

    def note(self, path: str, problems: list[str]) -> None:
        if problems:
            self.problems.setdefault(path, []).extend(problems)

    def open(self, path: str) -> int:
        self.page.set_viewport_size({"width": NARROW, "height": 844})
        response = self.page.goto(path)
        lang = self.page.locator("html").get_attribute("lang")
        if lang != self.language:
            self.note(path, [f"the page is in {lang!r}, not {self.language!r}"])
        return response.status

    def check_page(self, path: str) -> list[str]:
        page, found = self.page, []
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            found.append(f"at {NARROW} px the page is {width[0]} px wide")
        page.set_viewport_size({"width": WIDE, "height": 900})
        result = page.evaluate(CHECKS_JS, self.language == "nl")
        found += result["problems"] + _untranslated(result["texts"], self.english)
        found += self.keyboard(path)
        self.note(path, found)
        return page.eval_on_selector_all("main a[href], nav a[href]", "(links) => links.map((a) => a.pathname)")

    def keyboard(self, path: str) -> list[str]:
        """The skip link comes first and moves the focus into the page; the main action is in
        the Tab order and shows its focus. (Tabbing all the way to it would take a hundred
        key presses on a long form; being in the Tab order is what makes it reachable.)"""
        page = self.page
        action = page.evaluate(MAIN_ACTION_JS)
        if action is None:
            self.no_action.append(path)
            return []
        if (_route(path), action["what"]) in self.keyboard_done:
            return []
        self.keyboard_done.add((_route(path), action["what"]))
        action = action["label"]
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.keyboard.press("Tab")
        skip = page.evaluate(FOCUS_JS, ".skip-link")
        if not (skip["was"] and skip["shows"]):
            return ["the first Tab does not show the skip link"]
        page.keyboard.press("Enter")
        if page.evaluate("() => document.activeElement.id") != "main":
            return ["the skip link does not move the focus to the content"]
        focus = page.evaluate(FOCUS_JS, "[data-main-action]")
        if not focus["reachable"]:
            return [f"the main action “{action}” is not in the Tab order"]
        return [] if focus["shows"] else [f"the main action “{action}” shows no focus"]

    def crawl(self) -> None:
        slug = "/o/demo/"
        queue = [slug + start for start in STARTS]
        while queue:
            path = queue.pop(0)
            route = _route(path)
            if route is None or route in self.seen or NOT_A_PAGE.search(path) or path.endswith(".ics"):
                continue
            if route.endswith("/download/"):
                continue
            if ROLES[self.role] in _refused_roles(route) and path.removeprefix(slug) in STARTS:
                continue  # a step page the role may not open: the refusals below check it
            self.seen[route] = path
            status = self.open(path)
            if status != 200:
                self.note(path, [f"a link leads to {status}"])
                continue
            queue += [link for link in self.check_page(path) if link.startswith(slug)]

    def refusals(self, admin_pages: dict[str, str]) -> None:
        for route, path in admin_pages.items():
            if route in self.seen:
                continue
            self.seen[route] = path
            status = self.open(path)
            refused = ROLES[self.role] in _refused_roles(route)
            expected = {403} if refused else ({200, 404} if route in PERSONAL else {200})
            if status not in expected:
                self.note(path, [f"answers {status}, expected {' or '.join(map(str, sorted(expected)))}"])
            elif status == 200:
                self.check_page(path)
            else:
                title = _refusal_title(status, self.language)
                h1 = self.page.locator("main h1").inner_text()
                if h1 != title:
                    self.note(path, [f"the {status} page says “{h1}”, not “{title}”"])
                if not self.page.locator("main a[href]").count():
                    self.note(path, [f"the {status} page offers no way on"])


def test_every_role_walks_the_newer_steps_in_both_widths(browser_page):
    # One test for every walk: the live server's database is seeded again for each test, which
    # takes longer than a walk.
    page = browser_page
    admin_pages = _admin_pages(Organization.objects.get(slug="demo"))
    assert len(admin_pages) >= 15, admin_pages  # the enumeration found these apps' pages
    report, pages, keyboard_done = [], 0, set()
    for role, language in WALKS:
        page.context.clear_cookies()
        login(page, f"{role}@demo.example")
        page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
        walk = Walk(page, role, language, keyboard_done)
        walk.crawl()
        walk.refusals(admin_pages)
        pages += len(walk.seen)
        print(f"{role} [{language}]: {len(walk.seen)} pages; no main action on {walk.no_action}")
        report += [f"{role} [{language}] {path}:\n  " + "\n  ".join(found) for path, found in walk.problems.items()]
    assert not report, f"{len(report)} of {pages} pages fail:\n" + "\n".join(report)


BROKEN = """<!doctype html><html lang="nl"><head><style>
  .skip-link { position: absolute; left: -999px; } .skip-link:focus { left: 0; outline: 3px solid blue; }
  .button:focus { outline: none; }</style></head><body>
<a class="skip-link" href="#main">Naar de inhoud</a>
<main id="main" tabindex="-1">
  <h1>Save the plan</h1><h2>Resultaten per laag</h2>
  <div style="width: 600px">breed</div>
  <input name="year"><label for="team">Team</label><select id="team" name="team"></select>
  <img src="/chart.png"><canvas id="spend"></canvas><svg><circle r="3" cx="311,4"></circle></svg>
  <a class="button" href="/next/">Volgende</a>
</main></body></html>"""


def test_the_checks_find_what_a_user_would_run_into(_chromium):
    context = _chromium.new_context(viewport={"width": NARROW, "height": 844})
    page = context.new_page()
    page.set_content(BROKEN)
    walk = Walk(page, "admin", "nl", set())
    walk.check_page("/broken/")
    found = "\n".join(walk.problems["/broken/"])
    context.close()
    assert f"at {NARROW} px the page is" in found
    assert "the field input[name=year] has no label" in found and "select" not in found
    assert "the field input[name=year] has no type" in found
    assert "the image /chart.png has no alt text" in found
    assert "the chart canvas#spend has no text alternative" in found
    assert "the drawing svg is neither hidden nor labelled" in found
    assert 'the drawing\'s circle has cx="311,4"' in found
    assert "English on a Dutch page: “Save the plan”" in found and "Resultaten" not in found
    assert "the main action “Volgende” shows no focus" in found
