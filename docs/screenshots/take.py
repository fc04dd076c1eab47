"""Takes the README's screenshots from a running Leerkoers (`python3 dev.py screenshots` starts
one on a temporary database with the demo data and runs this with the venv's Python).

python docs/screenshots/take.py BASE_URL RESULT_PATH
"""

import io
import os
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
WIDTH, HEIGHT = 1280, 1000
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def save(png: bytes, name: str) -> None:
    # A 256-colour palette keeps a screenshot of flat UI at a fraction of its size, sharp.
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)
    path = HERE / f"{name}.png"
    image.save(path, optimize=True)
    print(f"{path.relative_to(HERE.parent.parent)}: {path.stat().st_size // 1024} KB")


def main(base: str, result_path: str) -> None:
    shots = [
        ("journey", "/o/demo/"),
        ("step1-analysis", "/o/demo/inventory/"),
        ("step3-golden-thread", "/o/demo/alignment/"),
        ("scan-result", result_path),
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(base_url=base, viewport={"width": WIDTH, "height": HEIGHT}, locale="nl-NL")
        page = context.new_page()
        page.goto("/accounts/login/")
        page.locator("input[name=email]").fill("admin@demo.example")
        page.locator("input[name=password]").fill("leerkoers-demo")
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        for name, path in shots:
            page.goto(path)
            page.wait_for_load_state("networkidle")
            save(page.screenshot(), name)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
