"""Background work of vision rounds: e-mailing personal links."""

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from leerkoers.accounts.models import User
from leerkoers.jobs.services import ProgressReporter, job_fail, job_finish
from leerkoers.vision.models import VisionRound
from leerkoers.vision.services import invitations_send


@task()
def invitations_send_task(round_id: int, job_id: str, actor_id: int | None, language: str = "nl") -> None:
    with translation.override(language):
        vision_round = VisionRound.objects.select_related("organization").get(pk=round_id)
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None
        try:
            sent = invitations_send(vision_round=vision_round, actor=actor, progress=ProgressReporter(job_id))
        except ValidationError as exc:
            job_fail(job_id, message=" ".join(exc.messages))
            return
        job_finish(job_id, result={"sent": sent}, message=_("%(count)s personal links sent.") % {"count": sent})
