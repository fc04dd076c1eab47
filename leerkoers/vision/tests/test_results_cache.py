"""The round's figures are computed once, kept per round, and refreshed in the background
after ratings or moderation; the page says when they were computed and when they are being
updated."""

import pytest

from leerkoers.vision.models import VisionRating, VisionResults
from leerkoers.vision.results import results_refresh
from leerkoers.vision.tests.conftest import add_votes, seed_statement

pytestmark = pytest.mark.django_db

QUEUED_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queued_only(settings):
    """A task backend that queues and never runs: what a page sees before the worker ran."""
    from django_tasks import default_task_backend

    settings.TASKS = QUEUED_ONLY
    default_task_backend.clear()
    return default_task_backend


def _page(client, vision_round):
    return client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/").content.decode()


def test_it_computes_the_figures_once_and_then_reads_the_snapshot(
    admin_client, vision_round, django_assert_max_num_queries
):
    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    add_votes(vision_round, statement, "board", agree=5, disagree=1)
    html = _page(admin_client, vision_round)
    snapshot = VisionResults.objects.get(round=vision_round)
    assert snapshot.computed_at and snapshot.ratings_seen == VisionRating.objects.order_by("-pk").first().pk
    assert "Figures computed at" in html and "being taken in" not in html
    with django_assert_max_num_queries(20):
        _page(admin_client, vision_round)
    assert VisionResults.objects.get(round=vision_round).computed_at == snapshot.computed_at


def test_new_ratings_show_as_being_updated_until_the_background_task_has_run(admin_client, vision_round, queued_only):
    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    add_votes(vision_round, statement, "board", agree=2)
    _page(admin_client, vision_round)  # the first view computes the figures itself
    add_votes(vision_round, statement, "board", agree=3, disagree=1)  # now 6 board ratings
    html = _page(admin_client, vision_round)
    assert "newer ratings or moderation are being taken in" in html
    assert "n = 6" not in html  # still the stored figures
    _page(admin_client, vision_round)
    assert len(queued_only.results) == 1  # one recomputation queued, not one per view
    api = admin_client.get(f"/api/v1/orgs/demo/vision/rounds/{vision_round.public_id}/results").json()
    assert api["updating"] is True and api["computed_at"]
    results_refresh(vision_round)  # what the worker runs
    html = _page(admin_client, vision_round)
    assert "being taken in" not in html and "n = 6" in html and "75%" in html
    assert (
        admin_client.get(f"/api/v1/orgs/demo/vision/rounds/{vision_round.public_id}/results").json()["updating"]
        is False
    )


def test_moderation_queues_a_recomputation_and_a_hidden_statement_leaves_at_once(
    admin_client, vision_round, queued_only
):
    kept = seed_statement(vision_round, "Leren hoort bij het werk.")
    hidden = seed_statement(vision_round, "Een stelling die weg moet.")
    add_votes(vision_round, kept, "board", agree=5)
    add_votes(vision_round, hidden, "board", agree=5)
    assert "Een stelling die weg moet." in _page(admin_client, vision_round)
    admin_client.post(f"/o/demo/vision/statements/{hidden.public_id}/moderate/", {"action": "hide"})
    html = _page(admin_client, vision_round)
    assert "Een stelling die weg moet." not in html and "being taken in" in html
    assert len(queued_only.results) == 1


def test_a_rating_keeps_whether_it_came_through_a_personal_link(client, vision_round, org):
    from leerkoers.vision.tests.test_anonymity import _invite, _take_part_and_rate

    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    _take_part_and_rate(client, _invite(org, vision_round, "hr", 1)[0], statement, 1)
    _take_part_and_rate(client, vision_round.layer_links.get(layer="hr").token, statement, -1)
    assert sorted(VisionRating.objects.filter(statement=statement).values_list("vote", "verified")) == [
        (-1, False),
        (1, True),
    ]


def test_the_next_statement_counts_the_snapshot_and_the_ratings_made_since(client, vision_round, queued_only):
    from leerkoers.vision.tests.conftest import join

    older = seed_statement(vision_round, "Leren hoort bij het werk.")
    newer = seed_statement(vision_round, "Iedereen krijgt leertijd.")
    add_votes(vision_round, older, "board", agree=3)
    results_refresh(vision_round)  # the snapshot: older 3 board ratings, newer none
    token = join(vision_round, "board")
    detail = client.get(f"/api/v1/vision/participants/{token}").json()
    assert detail["next_statement"]["id"] == str(newer.public_id)  # fewest in the layer first
    add_votes(vision_round, newer, "board", agree=4)  # after the snapshot, not recomputed
    detail = client.get(f"/api/v1/vision/participants/{token}").json()
    assert detail["next_statement"]["id"] == str(older.public_id)  # 3 < 4: the newer ratings count
    assert len(queued_only.results) == 0  # a few ratings behind: no recomputation for this
