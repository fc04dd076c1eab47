"""Background work of the inventory besides the import itself (`importing.runs.run_import`)."""

from django_tasks import task

from leerkoers.inventory import selectors
from leerkoers.inventory.importing.runs import import_runs_expire
from leerkoers.orgs.models import Organization


@task()
def refresh_analysis(organization_id: int) -> None:
    """Compute the analysis after a change (enqueued by `selectors.bump_revision` on commit),
    so that the first visitor of the step's page reads it from the cache."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is not None:
        selectors.store_analysis(organization)
    selectors.refresh_done(organization_id)


@task()
def imports_expire() -> int:
    """The daily clean-up of uploads never imported (importing.runs.import_runs_expire)."""
    return import_runs_expire()
