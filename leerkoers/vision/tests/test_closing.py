"""A round closes by itself once its closing date has passed: no scheduler needs to run."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from leerkoers.audit.models import AuditEvent
from leerkoers.vision.models import VisionRating, VisionRound
from leerkoers.vision.services import rounds_close_due
from leerkoers.vision.tests.conftest import join, seed_statement

pytestmark = pytest.mark.django_db


def _past_closing(vision_round, days=1):
    VisionRound.objects.filter(pk=vision_round.pk).update(
        closes_on=datetime.date.today() - datetime.timedelta(days=days)
    )
    vision_round.refresh_from_db()


def test_it_stays_open_on_its_closing_date(client, vision_round):
    VisionRound.objects.filter(pk=vision_round.pk).update(closes_on=datetime.date.today())
    link = vision_round.layer_links.first()
    assert client.get(f"/visie/l/{link.token}/").status_code == 200
    assert client.post(f"/visie/l/{link.token}/").status_code == 302


def test_participants_links_say_closed_in_dutch_and_english_the_day_after(client, vision_round):
    link = vision_round.layer_links.first()
    token = join(vision_round, "board")
    _past_closing(vision_round)
    english = client.get(f"/visie/l/{link.token}/", headers={"accept-language": "en"})
    assert english.status_code == 410 and "This vision round is closed." in english.content.decode()
    dutch = client.get(f"/visie/l/{link.token}/", headers={"accept-language": "nl"})
    assert dutch.status_code == 410 and "Deze visieronde is gesloten." in dutch.content.decode()
    assert client.post(f"/visie/l/{link.token}/").status_code == 410
    page = client.get(f"/visie/d/{token}/", headers={"accept-language": "nl"}).content.decode()
    assert "Deze visieronde is gesloten. Dank voor je deelname." in page and "Beoordeel een stelling" not in page
    page = client.get(f"/visie/d/{token}/", headers={"accept-language": "en"}).content.decode()
    assert "This vision round is closed. Thank you for taking part." in page


def test_it_refuses_ratings_statements_and_answers_after_the_closing_date(client, vision_round):
    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    token = join(vision_round, "board")
    _past_closing(vision_round)
    rated = client.post(
        f"/api/v1/vision/participants/{token}/ratings",
        json.dumps({"statement": str(statement.public_id), "vote": 1}),
        content_type="application/json",
    )
    assert rated.status_code == 409 and "closed" in rated.json()["detail"]
    assert (
        client.post(f"/visie/d/{token}/rate/", {"statement": str(statement.public_id), "vote": "1"}).status_code == 410
    )
    assert not VisionRating.objects.filter(round=vision_round).exists()
    proposed = client.post(f"/visie/d/{token}/statements/", {"text": "Nog een stelling"})
    assert proposed.status_code == 422 and vision_round.statements.count() == 1
    detail = client.get(f"/api/v1/vision/participants/{token}").json()
    assert detail["status"] == "closed" and detail["next_statement"] is None


def test_the_organisation_sees_it_closed_before_anything_records_it(admin_client, vision_round):
    _past_closing(vision_round)
    assert vision_round.status == "open"
    body = admin_client.get(f"/api/v1/orgs/demo/vision/rounds/{vision_round.public_id}").json()
    assert body["status"] == "closed"
    html = admin_client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/").content.decode()
    assert "Close the round" not in html and "E-mail a personal link" not in html


def test_the_daily_command_records_due_rounds_once_with_an_audit_entry(vision_round, org, admin_user):
    from leerkoers.vision.services import round_open

    later = round_open(
        organization=org, title="Later", closes_on=datetime.date.today() + datetime.timedelta(days=3), actor=admin_user
    )
    _past_closing(vision_round)
    out = io.StringIO()
    call_command("close_vision_rounds", stdout=out)
    assert out.getvalue().startswith("1 ")
    vision_round.refresh_from_db()
    later.refresh_from_db()
    assert vision_round.status == "closed" and vision_round.closed_at is not None
    assert later.status == "open"
    events = AuditEvent.objects.filter(organization=org, action="vision.round_close")
    assert events.count() == 1 and events.get().actor is None
    assert rounds_close_due() == 0
