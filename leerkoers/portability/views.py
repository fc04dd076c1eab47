from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from leerkoers.jobs.models import Job
from leerkoers.lib.forms import call_service
from leerkoers.orgs.access import ADMINS, EVERYONE, org_view
from leerkoers.portability import services
from leerkoers.portability.forms import DeletionForm, ExportForm


def _page(request, access, *, export_form=None, deletion_form=None, status=200):
    exports = access.filter(Job, kind=services.EXPORT_KIND).order_by("-created")[:5]
    context = {
        "access": access,
        "export_form": export_form or ExportForm(),
        "deletion_form": deletion_form or DeletionForm(),
        "exports": [(job, services.export_file(job) is not None) for job in exports],
        "pending": services.pending_deletion(access.organization),
        "grace_days": settings.ORG_DELETION_GRACE_DAYS,
    }
    return render(request, "portability/data.html", context, status=status)


@org_view(ADMINS)
@require_GET
def data(request, access):
    return _page(request, access)


@org_view(ADMINS)
@require_POST
def export_start(request, access):
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _page(request, access, export_form=form, status=422)
    services.export_start(
        organization=access.organization, fmt=form.cleaned_data["format"], actor=request.user, language=get_language()
    )
    return redirect("portability:data", org_slug=access.organization.slug)


@org_view(ADMINS)
@require_GET
def download(request, access, job_id):
    job = access.get(Job, pk=job_id, kind=services.EXPORT_KIND)
    return services.export_download(job, name=f"{access.organization.slug}-{job.created:%Y%m%d-%H%M}")


@org_view(ADMINS)
@require_POST
def deletion_request(request, access):
    form = DeletionForm(request.POST)
    if form.is_valid() and call_service(
        request,
        services.deletion_request,
        errors_on=form,
        organization=access.organization,
        actor=request.user,
        confirmation=form.cleaned_data["confirmation"],
    ):
        messages.success(request, _("The organisation will be deleted when the grace period is over."))
        return redirect("portability:data", org_slug=access.organization.slug)
    return _page(request, access, deletion_form=form, status=422)


@org_view(ADMINS)
@require_POST
def deletion_cancel(request, access):
    if call_service(request, services.deletion_cancel, organization=access.organization, actor=request.user):
        messages.success(request, _("The deletion has been cancelled."))
    return redirect("portability:data", org_slug=access.organization.slug)


@org_view(EVERYONE)
@require_GET
def my_data(request, access):
    held = services.member_data(membership=access.membership) if access.membership else None
    return render(request, "portability/my_data.html", {"access": access, "held": held})


@org_view(EVERYONE)
@require_GET
def my_data_download(request, access):
    if access.membership is None:
        raise Http404
    response = HttpResponse(services.member_data_json(membership=access.membership), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="my-data-{access.organization.slug}.json"'
    return response
