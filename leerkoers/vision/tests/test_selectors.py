"""selectors.approved_vision: what the policy document reads of step 2."""

import pytest

from leerkoers.vision.models import VisionEndorsement, VisionParticipant, VisionRound
from leerkoers.vision.selectors import approved_vision
from leerkoers.vision.services import endorsement_open, version_approve, version_create

pytestmark = pytest.mark.django_db


def _endorse(version, layer, levels):
    for n, level in enumerate(levels):
        participant = VisionParticipant.objects.create(
            organization=version.organization, round=version.round, layer=layer, token_hash=f"{layer}{n}{version.pk}"
        )
        VisionEndorsement.objects.create(
            organization=version.organization, version=version, participant=participant, layer=layer, support=level
        )


def test_it_is_none_until_the_board_approves_a_version(vision_round, admin_user, other_org):
    VisionRound.objects.exclude(pk=vision_round.pk).delete()  # the demo's approved round
    version_create(vision_round=vision_round, text="Leren hoort bij het werk.", actor=admin_user)
    assert approved_vision(vision_round.organization) is None
    assert approved_vision(other_org) is None


def test_it_gives_the_latest_approved_text_with_support_per_layer_suppressed(
    vision_round, admin_user, director_user, other_org, django_assert_max_num_queries
):
    first = version_create(vision_round=vision_round, text="Leren is belangrijk.", actor=admin_user)
    version_approve(version=first, actor=director_user)
    second = version_create(vision_round=vision_round, text="Leren hoort bij het werk.", actor=admin_user)
    endorsement_open(version=second, actor=admin_user)
    _endorse(second, "employees", [5, 5, 4, 3, 1, 4])
    _endorse(second, "board", [5, 4])  # too few; the others still add up above 5
    _endorse(second, "managers", [3, 3, 4])
    approval = version_approve(version=second, actor=director_user)
    with django_assert_max_num_queries(4):
        vision = approved_vision(vision_round.organization)
    assert vision.text == "Leren hoort bij het werk." and vision.version == 2
    assert vision.version_id == second.public_id and vision.round_id == vision_round.public_id
    assert vision.approved_at == approval.approved_at and vision.approved_by == director_user.display_name
    support = {row.layer: row for row in vision.support}
    assert [row.layer for row in vision.support] == ["board", "managers", "employees", "hr"]
    employees = support["employees"]
    assert employees.shown and employees.summary.count == 6
    assert employees.summary.mean == pytest.approx(22 / 6) and employees.summary.support_share == pytest.approx(4 / 6)
    assert employees.summary.blocks == 1 and employees.comments == []
    assert not support["board"].shown and support["board"].summary is None
    assert not support["managers"].shown and not support["hr"].shown
    assert approved_vision(other_org) is None
