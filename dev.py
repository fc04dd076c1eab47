#!/usr/bin/env python3
"""Set up and run Leerkoers for development, or run its tests. Needs only Python 3.11+.

python3 dev.py start   # venv, packages, database, demo data; serves http://127.0.0.1:8000
python3 dev.py test    # venv, packages, then the whole test suite (extra args go to pytest)
"""

import os
import subprocess
import sys
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


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "start":
        start()
    elif command == "test":
        sys.exit(test(sys.argv[2:]))
    elif command == "setup":
        setup()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
