#!/usr/bin/env python3
"""Set up and run Leerkoers for development, or run its tests. Needs only Python 3.11+.

python3 dev.py start   # venv, packages, database, demo data; serves http://127.0.0.1:8000
python3 dev.py test    # venv, packages, then the whole test suite (extra args go to pytest)
python3 dev.py screenshots  # the README's screenshots (docs/screenshots/*.png), from a temporary database
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
LOCK = ROOT / "requirements-dev.lock"
STAMP = VENV / ".installed-lock"


def run(*args, env=None, check=True):
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=check)


def setup() -> None:
    if sys.version_info < (3, 11):
        sys.exit("Leerkoers needs Python 3.11 or newer.")
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    lock = LOCK.read_text()
    if not STAMP.exists() or STAMP.read_text() != lock:
        run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PY, "-m", "pip", "install", "--quiet", "-r", LOCK)
        STAMP.write_text(lock)
    run(PY, "manage.py", "compile_translations")
    run(PY, "manage.py", "collectstatic", "--no-input", "--verbosity", "0")


def start() -> None:
    setup()
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    run(PY, "manage.py", "migrate", "--no-input", env=env)
    run(PY, "manage.py", "createcachetable", env=env)
    run(PY, "manage.py", "seed_demo", env=env)
    # The task worker runs beside the web server, so imports and e-mails proceed.
    worker = subprocess.Popen([str(PY), "manage.py", "db_worker"], cwd=ROOT, env=env)
    try:
        print("\nLeerkoers runs at http://127.0.0.1:8000 — stop with Ctrl+C.\n", flush=True)
        run(PY, "manage.py", "runserver", "127.0.0.1:8000", env=env, check=False)
    except KeyboardInterrupt:
        pass
    finally:
        worker.terminate()


def test(pytest_args: list[str]) -> int:
    setup()
    env = {**os.environ, "DEBUG": "0", "TASKS_BACKEND": "immediate"}
    return run(PY, "-m", "pytest", *pytest_args, env=env, check=False).returncode


def screenshots() -> None:
    """Seeds the demo into a throw-away SQLite database, serves it, and photographs four pages."""
    setup()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DEBUG": "1",
            "TASKS_BACKEND": "immediate",
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'screenshots.sqlite3'}",
        }
        run(PY, "manage.py", "migrate", "--no-input", "--verbosity", "0", env=env)
        run(PY, "manage.py", "createcachetable", env=env)
        run(PY, "manage.py", "seed_demo", env=env)
        result = (
            subprocess.run(
                [str(PY), "manage.py", "shell", "-c", SCAN_RESULT],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )  # after shell's own notes
        address = "127.0.0.1:8765"
        server = subprocess.Popen([str(PY), "manage.py", "runserver", address, "--noreload"], cwd=ROOT, env=env)
        try:
            for _attempt in range(60):
                try:
                    urllib.request.urlopen(f"http://{address}/accounts/login/", timeout=2)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.5)
            run(PY, ROOT / "docs" / "screenshots" / "take.py", f"http://{address}", result, env=env)
        finally:
            server.terminate()
            server.wait()


# The newest response of the demo's first scan round: its public result page.
SCAN_RESULT = (
    "from leerkoers.scan.models import ScanResponse;"
    "r = ScanResponse.objects.filter(organization__slug='demo').order_by('-pk').first();"
    "print(f'/scan/resultaat/{r.public_id}/')"
)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "start":
        start()
    elif command == "test":
        sys.exit(test(sys.argv[2:]))
    elif command == "setup":
        setup()
    elif command == "screenshots":
        screenshots()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
