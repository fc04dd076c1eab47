"""Background work of the inventory besides the import itself (`importing.runs.run_import`)
and the analysis refresh (`selectors.refresh_analysis`, beside the cache it fills)."""

from django_tasks import task

from leerkoers.inventory.importing.runs import import_runs_expire


@task()
def imports_expire() -> int:
    """The daily clean-up of uploads never imported (importing.runs.import_runs_expire)."""
    return import_runs_expire()
