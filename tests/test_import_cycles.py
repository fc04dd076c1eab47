"""leerkoers/api.py mounts every app's router, so an app that imports it back makes a cycle
that only import order keeps from failing (shared API pieces live in leerkoers/lib/)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BACK = re.compile(r"^\s*(from leerkoers\.api import|from leerkoers import api\b|import leerkoers\.api\b)", re.M)


def test_it_finds_the_app_modules():
    assert len(list((ROOT / "leerkoers").glob("*/api.py"))) >= 10


def test_no_app_module_imports_the_module_that_mounts_the_routers():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "leerkoers").glob("*/**/*.py")
        if "tests" not in path.parts and BACK.search(path.read_text())
    ]
    assert offenders == []
