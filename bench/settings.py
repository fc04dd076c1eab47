"""Settings of the benchmarks: the product's own, plus the `bench` app.

The `bench` app holds what only a benchmark needs: a one-row table and a view that stores one
row (the floor a submission is compared with, in the same run). Benchmarks that start
gunicorn run it with `DJANGO_SETTINGS_MODULE=bench.settings` (bench/driver.py); the product
never installs this app.
"""

from leerkoers.settings import *  # noqa: F403
from leerkoers.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
