"""Background work of vision rounds: recomputing a round's figures after ratings or moderation.
(E-mailing personal links is the shared service of leerkoers.jobs.invitations.)"""

from django_tasks import task

from leerkoers.vision.models import VisionRound


@task()
def results_refresh_task(round_id: int) -> None:
    """Recompute a round's figures (results.results_refresh) after ratings or moderation."""
    from leerkoers.vision import results

    vision_round = VisionRound.objects.select_related("organization").filter(pk=round_id).first()
    if vision_round is not None:
        results.results_refresh(vision_round)
