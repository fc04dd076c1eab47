"""Creating and advancing jobs: the progress record behind every long-running task.

A task gets the job id, calls `job_progress` as it goes (cheap: one UPDATE, at most a few
times a second) and ends with `job_finish` or `job_fail`. Pages include
`components/progress.html`, which polls the job's fragment until it is finished.
"""

import time

from django.utils import timezone

from leerkoers.jobs.models import Job


def job_create(*, organization, kind: str, title: str, created_by=None, total: int | None = None) -> Job:
    return Job.objects.create(organization=organization, kind=kind, title=title, created_by=created_by, total=total)


class ProgressReporter:
    """Reports progress of a job without writing to the database on every row."""

    def __init__(self, job_id, *, every_seconds: float = 0.5):
        self.job_id = job_id
        self.every_seconds = every_seconds
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "", *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.every_seconds:
            return
        self._last = now
        fields = {"done": done, "status": Job.Status.RUNNING, "updated": timezone.now()}
        if total is not None:
            fields["total"] = total
        if message:
            fields["message"] = message[:500]
        Job.objects.filter(pk=self.job_id).update(**fields)


def job_finish(job_id, *, result: dict | None = None, message: str = "", result_url: str = "") -> None:
    job = Job.objects.get(pk=job_id)
    job.status = Job.Status.DONE
    if job.total is not None:
        job.done = job.total
    job.result = result or {}
    job.message = message[:500]
    job.result_url = result_url
    job.save()


def job_fail(job_id, *, message: str, result: dict | None = None) -> None:
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.FAILED, message=message[:500], result=result or {}, updated=timezone.now()
    )
