"""The benchmark's comparison group, and instrument versions that never rescore old answers."""

import copy
import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from leerkoers.orgs.models import Organization
from leerkoers.scan import instrument, results
from leerkoers.scan.models import Instrument, Layer, ScanResponse, ScanRound
from leerkoers.scan.services import instrument_ensure, round_open
from leerkoers.scan.tests.conftest import add_responses

pytestmark = pytest.mark.django_db


def _peer(n: int, *, sector="care", size_band="50-249", responses=5, value=4, too_fast=False):
    organization = Organization.objects.create(name=f"Peer {n}", slug=f"peer-{n}", sector=sector, size_band=size_band)
    scan_round = round_open(organization=organization, title="Ronde", actor=None)
    add_responses(scan_round, Layer.EMPLOYEES, responses, value, too_fast=too_fast)
    ScanRound.objects.filter(pk=scan_round.pk).update(status=ScanRound.Status.CLOSED)
    return organization


def test_the_benchmark_needs_ten_comparable_organisations(closed_round):
    for n in range(9):
        _peer(n)
    _peer(90, sector="education")  # another sector
    _peer(91, size_band="1-49")  # another size
    _peer(92, responses=4)  # below the anonymity threshold
    _peer(93, too_fast=True)  # answered by a script: kept out
    assert results.benchmark(closed_round) == {
        **results.benchmark(closed_round),
        "available": False,
        "organisations": 9,
    }
    _peer(9)
    benchmark = results.benchmark(closed_round)
    assert benchmark["available"] and benchmark["organisations"] == 10
    assert benchmark["overall"] == 75 and benchmark["dimensions"]["vision"] == 75


def test_the_round_page_shows_the_benchmark_only_with_enough_organisations(admin_client, closed_round):
    url = f"/o/demo/scan/rounds/{closed_round.public_id}/"
    assert "Fewer than 10 comparable organisations" in admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for n in range(10):
        _peer(n)
    assert "Compared with 10 organisations" in admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_new_instrument_version_leaves_old_scores_alone(client, monkeypatch, answers):
    old = client.post(
        "/api/v1/scan/responses",
        json.dumps({"answers": answers}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="nl",
    ).json()
    v2 = copy.deepcopy(instrument.definition(1))
    v2["version"] = 2
    v2["dimensions"][0]["items"] = v2["dimensions"][0]["items"][:3]  # situation_4 and _5 dropped
    v2["dimensions"][0]["name"]["nl"] = "Vertrekpunt"
    real = instrument.definition
    monkeypatch.setattr(instrument, "current_version", lambda: 2)
    monkeypatch.setattr(instrument, "definition", lambda version: v2 if version == 2 else real(version))
    new_answers = {k: v for k, v in answers.items() if k not in ("situation_4", "situation_5")} | {"situation_1": 1}
    new = client.post(
        "/api/v1/scan/responses",
        json.dumps({"answers": new_answers}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert new.status_code == 201 and new.json()["instrument_version"] == 2
    assert new.json()["dimensions"][0]["name"] == "Vertrekpunt"
    # The old response is still scored, named and advised from version 1.
    stored = ScanResponse.objects.select_related("instrument").get(public_id=old["id"])
    assert stored.instrument_id == 1
    page = client.get(f"/scan/resultaat/{old['id']}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Huidige situatie" in page and "Vertrekpunt" not in page
    assert Instrument.objects.filter(version=2).exists()


def test_it_refuses_a_published_version_that_was_changed(db):
    stored = instrument_ensure(1)
    stored.definition = {**stored.definition, "title": {"nl": "anders", "en": "other"}}
    stored.save()
    with pytest.raises(ImproperlyConfigured):
        instrument_ensure(1)
