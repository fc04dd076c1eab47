"""Registry of demo seeders: each app adds its demo data for the `demo` organisation.

An app registers `seed(*, demo, other, small: bool)` in its AppConfig.ready(); seed_demo
calls them in registration order after the organisations and people exist. `small` is
used by the test suite to keep fixtures quick. Every seeder must be idempotent.
"""

from collections.abc import Callable

SEEDERS: list[tuple[str, Callable]] = []


def register(name: str, seeder: Callable) -> None:
    if name not in {existing for existing, _ in SEEDERS}:
        SEEDERS.append((name, seeder))
