"""`manage.py check --deploy` is clean with the production variables set."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_it_passes_the_deployment_checks_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "LEERKOERS_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "example.org",
        "SITE_URL": "https://example.org",
        "SECURE_SSL_REDIRECT": "1",
        "LEERKOERS_VAR_DIR": str(tmp_path),
    }
    # The browser tests' fixture sets this for Playwright in the same session; a deployment
    # never has it, and `check --deploy` rightly refuses it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    env = {**os.environ, "DEBUG": "0", "LEERKOERS_PRODUCTION": "1", "LEERKOERS_VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production." in result.stderr


def test_it_renders_the_error_page_without_a_request(settings):
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "Er ging iets mis" in page and "Something went wrong" in page
