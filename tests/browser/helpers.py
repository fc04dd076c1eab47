"""Plain helpers for browser tests; see the docstring of tests/browser/conftest.py."""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-4.11.0.min.js"
DEMO_PASSWORD = "leerkoers-demo"  # noqa: S105


def login(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert "/accounts/login/" not in page.url, f"log-in as {email} failed"


def axe_check(page, *, impacts=("serious", "critical")) -> None:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated by the browser's debugging protocol, which the page's Content-Security-Policy
        # does not govern (an added <script> tag would be an inline script it refuses).
        page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate("async () => await window.axe.run(document)")
    problems = [violation for violation in result["violations"] if violation["impact"] in impacts]
    for violation in problems:
        print(f"axe {violation['impact']}: {violation['id']} — {violation['help']} ({page.url})")
        for node in violation["nodes"][:5]:
            print("   ", node["target"], node.get("failureSummary", "").replace("\n", " "))
    assert not problems, f"axe found {len(problems)} serious/critical violation(s) on {page.url}: " + ", ".join(
        v["id"] for v in problems
    )
