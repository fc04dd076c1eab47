"""The vision text: drafting from consensus statements, versions and diffs, endorsement, approval."""

import pytest

from leerkoers.vision.models import VisionApproval, VisionEndorsement, VisionVersion
from leerkoers.vision.tests.conftest import add_votes, join, seed_statement

pytestmark = pytest.mark.django_db


def _draft_url(vision_round):
    return f"/o/demo/vision/rounds/{vision_round.public_id}/draft/"


def test_one_click_puts_a_consensus_statement_into_the_draft(admin_client, vision_round):
    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    add_votes(vision_round, statement, "board", agree=5)
    html = admin_client.get(_draft_url(vision_round)).content.decode()
    assert f'name="add" value="{statement.public_id}"' in html
    admin_client.post(_draft_url(vision_round), {"text": "Onze visie.", "add": str(statement.public_id)})
    vision_round.refresh_from_db()
    assert vision_round.draft == "Onze visie.\n\nLeren hoort bij het werk."
    assert not VisionVersion.objects.filter(round=vision_round).exists()


def test_versions_are_numbered_and_shown_with_a_readable_diff(admin_client, vision_round):
    admin_client.post(_draft_url(vision_round), {"text": "Leren is belangrijk", "save": "version"})
    same = admin_client.post(_draft_url(vision_round), {"text": "Leren is belangrijk", "save": "version"}, follow=True)
    assert "same as the latest version" in same.content.decode()
    admin_client.post(_draft_url(vision_round), {"text": "Leren is heel belangrijk", "save": "version"})
    second = VisionVersion.objects.get(round=vision_round, number=2)
    assert VisionVersion.objects.filter(round=vision_round).count() == 2
    html = admin_client.get(f"/o/demo/vision/versions/{second.public_id}/").content.decode()
    assert "Changes since version 1" in html and "<ins>heel </ins>" in html
    empty = admin_client.post(_draft_url(vision_round), {"text": "  ", "save": "version"}, follow=True)
    assert "Write the vision text." in empty.content.decode()


def test_an_endorsement_round_shows_support_per_layer_only_above_the_threshold(admin_client, client, vision_round):
    admin_client.post(_draft_url(vision_round), {"text": "Leren hoort bij het werk.", "save": "version"})
    version = VisionVersion.objects.get(round=vision_round)
    admin_client.post(f"/o/demo/vision/versions/{version.public_id}/endorse/")
    tokens = [join(vision_round, "employees") for _ in range(5)] + [join(vision_round, "board") for _ in range(2)]
    tokens += [join(vision_round, "hr") for _ in range(3)]  # board and HR hidden, but together 5: employees shown
    assert "Do you support the vision (version 1)?" in client.get(f"/visie/d/{tokens[0]}/").content.decode()
    for token, level in zip(tokens, [5, 5, 4, 3, 1, 5, 4, 3, 3, 3], strict=True):
        client.post(f"/visie/d/{token}/endorse/", {"support": str(level), "comment": ""})
    client.post(f"/visie/d/{tokens[0]}/endorse/", {"support": "4"})  # a second answer replaces the first
    assert VisionEndorsement.objects.filter(version=version).count() == 10
    refused = client.post(f"/visie/d/{tokens[0]}/endorse/", {"support": "9"})
    assert refused.status_code == 422 and "how far you support" in refused.content.decode()
    html = admin_client.get(f"/o/demo/vision/versions/{version.public_id}/").content.decode()
    employees = html.split('<th scope="row">Employees</th>')[1].split("</tr>")[0]
    board = html.split('<th scope="row">Board</th>')[1].split("</tr>")[0]
    assert ">5<" in employees and ">60%<" in employees and ">3.4<" in employees  # 4,5,4,3,1
    assert "too few answers to show" in board
    hr_only = VisionEndorsement.objects.filter(version=version, layer="hr")
    hr_only.delete()  # board alone (2) would follow from a total: employees are hidden as well now
    html = admin_client.get(f"/o/demo/vision/versions/{version.public_id}/").content.decode()
    assert html.count("too few answers to show") == 4


def test_only_the_board_approves_and_a_high_score_approves_nothing(admin_client, director_client, vision_round):
    admin_client.post(_draft_url(vision_round), {"text": "Leren hoort bij het werk.", "save": "version"})
    version = VisionVersion.objects.get(round=vision_round)
    url = f"/o/demo/vision/versions/{version.public_id}/approve/"
    assert not VisionApproval.objects.filter(version=version).exists()
    assert admin_client.post(url).status_code == 403
    director_client.post(url)
    approval = VisionApproval.objects.get(version=version)
    assert approval.approved_by.email == "director@demo.example" and approval.approved_at
    html = director_client.get(f"/o/demo/vision/versions/{version.public_id}/").content.decode()
    assert "Approved on behalf of the board by" in html and 'action="' + url not in html
    again = director_client.post(url, follow=True)
    assert "already been approved" in again.content.decode()
    assert VisionApproval.objects.filter(version=version).count() == 1
