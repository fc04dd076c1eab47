"""Moderation: hide, hold back, pin, merge near-duplicates, seed statements."""

import pytest

from leerkoers.audit.models import AuditEvent
from leerkoers.vision.models import VisionRating, VisionStatement
from leerkoers.vision.tests.conftest import add_votes, join, seed_statement

pytestmark = pytest.mark.django_db


def _moderate(client, statement, action):
    return client.post(f"/o/demo/vision/statements/{statement.public_id}/moderate/", {"action": action})


def test_the_admin_seeds_a_statement_marked_as_added_by_hr(admin_client, vision_round):
    url = f"/o/demo/vision/rounds/{vision_round.public_id}/statements/"
    admin_client.post(url, {"text": "Leren is van ons allemaal."})
    statement = VisionStatement.objects.get(round=vision_round)
    assert statement.seeded and statement.author is None
    html = admin_client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/moderation/").content.decode()
    assert "Leren is van ons allemaal." in html and "added by HR" in html
    assert AuditEvent.objects.filter(action="vision.statement_seed").exists()
    refused = admin_client.post(url, {"text": "x" * 141}, follow=True)
    assert "at most 140 characters" in refused.content.decode()


def test_hiding_takes_a_statement_out_of_the_queue_and_the_results(admin_client, client, vision_round):
    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    add_votes(vision_round, statement, "board", agree=5)
    round_url = f"/o/demo/vision/rounds/{vision_round.public_id}/"
    assert "Leren hoort bij het werk." in admin_client.get(round_url).content.decode()
    _moderate(admin_client, statement, "hide")
    assert "Leren hoort bij het werk." not in admin_client.get(round_url).content.decode()
    token = join(vision_round, "employees")
    assert "Leren hoort bij het werk." not in client.get(f"/visie/d/{token}/").content.decode()
    _moderate(admin_client, statement, "show")
    assert "Leren hoort bij het werk." in admin_client.get(round_url).content.decode()


def test_holding_back_keeps_it_from_raters_and_pinning_puts_it_first(admin_client, client, vision_round):
    first = seed_statement(vision_round, "Eerste stelling.")
    second = seed_statement(vision_round, "Tweede stelling.")
    token = join(vision_round, "employees")
    page = client.get(f"/visie/d/{token}/").content.decode()
    assert f'value="{second.public_id}"' in page  # the newest first
    _moderate(admin_client, first, "pin")
    assert f'value="{first.public_id}"' in client.get(f"/visie/d/{token}/").content.decode()
    _moderate(admin_client, first, "hold")
    first.refresh_from_db()
    assert first.status == "held" and not first.pinned
    assert f'value="{second.public_id}"' in client.get(f"/visie/d/{token}/").content.decode()


def test_it_suggests_near_duplicates_and_merges_their_ratings(admin_client, vision_round):
    older = seed_statement(vision_round, "Leren hoort bij het werk.")
    newer = seed_statement(vision_round, "Leren hoort bij ons werk!")
    seed_statement(vision_round, "Elk team krijgt een eigen budget.")
    add_votes(vision_round, newer, "board", agree=3)
    html = admin_client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/moderation/").content.decode()
    assert "Possible duplicates" in html and f'name="into" value="{older.public_id}"' in html
    admin_client.post(f"/o/demo/vision/statements/{newer.public_id}/merge/", {"into": str(older.public_id)})
    newer.refresh_from_db()
    assert newer.status == "merged" and newer.merged_into == older
    assert VisionRating.objects.filter(statement=older).count() == 3
    assert (
        "Possible duplicates"
        not in admin_client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/moderation/").content.decode()
    )


def test_it_refuses_merging_into_a_statement_of_another_round_or_itself(admin_client, vision_round, org):
    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    demo_statement = VisionStatement.objects.filter(organization=org).exclude(round=vision_round).first()
    for into in (demo_statement.public_id, statement.public_id, "nonsense"):
        response = admin_client.post(
            f"/o/demo/vision/statements/{statement.public_id}/merge/", {"into": str(into)}, follow=True
        )
        assert "Choose another statement of the same round." in response.content.decode()
    statement.refresh_from_db()
    assert statement.status == "shown"


def test_only_steering_roles_moderate(director_client, employee_client, vision_round):
    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    for client in (director_client, employee_client):
        assert _moderate(client, statement, "hide").status_code == 403
        assert client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/moderation/").status_code == 403
    statement.refresh_from_db()
    assert statement.status == "shown"
