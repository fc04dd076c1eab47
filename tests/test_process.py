"""A web process loads every page before its first request and freezes what it loaded out of
the garbage collector's sight (leerkoers/wsgi.py, leerkoers.lib.process)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import gc, json, sys
before = gc.get_freeze_count()
import leerkoers.wsgi
print(json.dumps({
    "before": before,
    "frozen": gc.get_freeze_count(),
    "loaded": sorted(m for m in ("leerkoers.ownership.views", "leerkoers.pilots.api", "leerkoers.api") if m in sys.modules),
    "tracked": len(gc.get_objects()),
}))
"""


def test_the_wsgi_module_loads_every_page_and_freezes_what_it_loaded(tmp_path):
    env = {**os.environ, "DEBUG": "0", "LEERKOERS_VAR_DIR": str(tmp_path), "ALLOWED_HOSTS": "example.org"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["before"] == 0
    # The views and the API of every app are imported before the first request…
    assert found["loaded"] == ["leerkoers.api", "leerkoers.ownership.views", "leerkoers.pilots.api"]
    # …and what they made is frozen: far more objects than are left for collections to walk.
    assert found["frozen"] > 100_000
    assert found["tracked"] < found["frozen"] / 10
