from django.shortcuts import render

from leerkoers.jobs.models import Job
from leerkoers.orgs.access import EVERYONE, org_view


@org_view(EVERYONE)
def job_detail(request, access, job_id):
    job = access.get(Job, pk=job_id)
    template = "components/progress.html" if request.htmx else "jobs/job_detail.html"
    return render(request, template, {"job": job, "access": access})
