"""Attacks on the anonymity of a round, each as it was reproduced, and the figures' uncertainty."""

import csv
import io
import re

import pytest
from django.core import mail
from django.db import connection
from pypdf import PdfReader

from leerkoers.scan import instrument
from leerkoers.scan.models import Layer, RoundLink, ScanInvitation, ScanResponse, ScanRound
from leerkoers.scan.tests.conftest import add_responses, old_start

pytestmark = pytest.mark.django_db

ITEMS = instrument.item_ids(1)
DIMENSIONS = instrument.dimension_ids(1)


def _close(scan_round):
    ScanRound.objects.filter(pk=scan_round.pk).update(status=ScanRound.Status.CLOSED)


def _results(client, scan_round, lang="en"):
    return client.get(f"/api/v1/orgs/demo/scan/rounds/{scan_round.public_id}/results?lang={lang}").json()


def _post_form(client, token, answers):
    data = {item: str(value) for item, value in answers.items()} | {"started": old_start(300)}
    response = client.post(f"/scan/r/{token}/", data)
    assert response.status_code == 302
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


# --- A1: padding a small layer through its shared link ---------------------------------------


def _real_hr_person():
    # 1, 2, 4, 5, 2 per dimension, shifted per dimension: scores unlike the fakes' 50s.
    pattern = [1, 2, 4, 5, 2, 5, 4, 1]
    return {item: pattern[index % len(pattern)] for index, item in enumerate(ITEMS)}


@pytest.mark.parametrize("vary", [False, True], ids=["identical-fakes", "fakes-varied-in-one-answer"])
def test_padding_the_hr_layer_with_fakes_no_longer_recovers_the_person(client, admin_client, open_round, vary):
    add_responses(open_round, Layer.BOARD, 6, 5)
    add_responses(open_round, Layer.MANAGERS, 8, 4)
    add_responses(open_round, Layer.EMPLOYEES, 14, 2)
    hr_link = RoundLink.objects.get(round=open_round, layer=Layer.HR).token
    real = _real_hr_person()
    real_id = _post_form(client, hr_link, real)
    for index in range(4):  # the attacker: four fakes, every answer 3, through the same link
        fake = dict.fromkeys(ITEMS, 3)
        if vary:
            fake[ITEMS[index]] = 4
        _post_form(client, hr_link, fake)
    _close(open_round)
    truth = ScanResponse.objects.get(public_id=real_id).dimension_scores

    body = _results(admin_client, open_round)
    hr = next(g for g in body["layers"] if g["key"] == "hr")
    assert not hr["shown"] and hr["dimensions"] == {} and "distinct" in hr["reason"]
    # Before, HR showed n = 5 and 5·score − 4·50 gave the person. Now the attacker's best is
    # the overall minus the shown layers — which mixes HR with the (hidden) board.
    shown = [g for g in body["layers"] if g["shown"]]
    assert "board" not in {g["key"] for g in shown}
    everyone = body["overall"]["respondents"]
    rest = everyone - sum(g["respondents"] for g in shown)
    recovered = {}
    for key in DIMENSIONS:
        residual_sum = everyone * body["overall"]["dimensions"][key] - sum(
            g["respondents"] * g["dimensions"][key] for g in shown
        )
        recovered[key] = residual_sum - 4 * 50 if rest == 5 else (residual_sum / rest) * 5 - 4 * 50
    assert rest > 5
    assert all(abs(recovered[key] - truth[key]) > 20 for key in DIMENSIONS)
    # The counts say nothing exact about HR either.
    counts = admin_client.get(f"/api/v1/orgs/demo/scan/rounds/{open_round.public_id}/counts").json()
    assert counts["layers"]["hr"] == "hidden" and counts["layers"]["board"] == "hidden"


def test_personal_link_answers_count_as_distinct_even_when_they_agree(admin_client, open_round):
    add_responses(open_round, Layer.HR, 5, 3, verified=True)
    add_responses(open_round, Layer.EMPLOYEES, 9, 2, verified=True)
    _close(open_round)
    hr = next(g for g in _results(admin_client, open_round)["layers"] if g["key"] == "hr")
    assert hr["shown"] and hr["respondents"] == 5


def test_too_fast_answers_count_nowhere_in_a_round(admin_client, open_round):
    add_responses(open_round, Layer.HR, 2, 3)
    add_responses(open_round, Layer.HR, 3, 3, too_fast=True)
    add_responses(open_round, Layer.EMPLOYEES, 9, 2)
    add_responses(open_round, Layer.MANAGERS, 6, 2)
    _close(open_round)
    body = _results(admin_client, open_round)
    assert body["excluded_too_fast"] == 3
    assert next(g for g in body["layers"] if g["key"] == "hr")["respondents"] == "<5"


# --- A2: personal links joined to responses in a database backup -----------------------------


def _columns(table):
    with connection.cursor() as cursor:
        return [column.name for column in connection.introspection.get_table_description(cursor, table)]


def test_a_database_join_cannot_tie_personal_links_to_responses(admin_client, client, open_round):
    admin_client.post(f"/o/demo/scan/rounds/{open_round.public_id}/invite/")
    tokens = [re.search(r"/scan/r/(p-[\w-]+)/", message.body).group(1) for message in mail.outbox]
    assert len(tokens) >= 6
    invitation_table, response_table = ScanInvitation._meta.db_table, ScanResponse._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {invitation_table} ORDER BY id")
        before = cursor.fetchall()
    truth = {}  # invitation row id → response id, in the order the links were sent
    for token in tokens:
        invitation = ScanInvitation.objects.get(token_hash=__import__("hashlib").sha256(token.encode()).hexdigest())
        public_id = _post_form(client, token, dict.fromkeys(ITEMS, 4))
        truth[invitation.pk] = ScanResponse.objects.get(public_id=public_id).pk

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {invitation_table} ORDER BY id")
        after = cursor.fetchall()
        # 1. Using a link changed nothing but the flag: no time of use to join on.
        names = _columns(invitation_table)
        changed = {
            names[i] for old, new in zip(before, after, strict=True) for i in range(len(names)) if old[i] != new[i]
        }
        assert changed == {"used"}
        # 2. The responses' timestamps are one day for all: a time join cannot tell them apart.
        cursor.execute(f"SELECT COUNT(DISTINCT created) FROM {response_table} WHERE round_id = %s", [open_round.pk])
        assert cursor.fetchone()[0] == 1
        # 3. The id order of the responses is not the order of answering, so pairing the used
        #    links (in the order they were sent and used) with the responses by id fails.
        cursor.execute(
            f"SELECT i.id, r.id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM {invitation_table} "
            f"WHERE used AND round_id = %s) i JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n "
            f"FROM {response_table} WHERE round_id = %s) r ON i.n = r.n",
            [open_round.pk, open_round.pk],
        )
        pairs = cursor.fetchall()
    assert len(pairs) == len(tokens)
    assert sum(truth[invitation] == response for invitation, response in pairs) < len(tokens)
    assert sorted(truth.values()) != list(truth.values())  # ids are not a sequence
    # 4. No column of a response refers to an invitation or a member.
    assert not {"invitation_id", "membership_id", "user_id", "used_at"} & set(_columns(response_table))


# --- A3 / A4 / A5: derivable counts and cells -----------------------------------------------


@pytest.fixture
def hr_of_three(open_round):
    """Everyone 30: board 5, managers 8, employees 14, HR 3 (the reported case)."""
    add_responses(open_round, Layer.BOARD, 5, 5)
    add_responses(open_round, Layer.MANAGERS, 8, 4)
    add_responses(open_round, Layer.EMPLOYEES, 14, 2)
    add_responses(open_round, Layer.HR, 3, 1)
    _close(open_round)
    return open_round


def test_the_hidden_layers_count_cannot_be_worked_out_anywhere(admin_client, hr_of_three):
    base = f"/api/v1/orgs/demo/scan/rounds/{hr_of_three.public_id}"
    counts = admin_client.get(f"{base}/counts").json()
    assert counts == {**counts, "total": 30, "layers": {"board": "hidden", "managers": 8, "employees": 14, "hr": "<5"}}
    results = admin_client.get(f"{base}/results").json()
    assert {g["key"]: g["respondents"] for g in results["layers"]} == {
        "board": "hidden",
        "managers": 8,
        "employees": 14,
        "hr": "<5",
    }
    page = admin_client.get(f"/o/demo/scan/rounds/{hr_of_three.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "n = 5<" not in page and "n = 3<" not in page and "<dd data-count>5</dd>" not in page
    rows = list(
        csv.reader(
            io.StringIO(
                admin_client.get(
                    f"/o/demo/scan/rounds/{hr_of_three.public_id}/results.csv", HTTP_ACCEPT_LANGUAGE="en"
                ).content.decode()
            )
        )
    )
    assert {row[1] for row in rows if row[0] == "Board"} == {"not shown"}
    pdf = admin_client.get(f"/o/demo/scan/rounds/{hr_of_three.public_id}/report.pdf", HTTP_ACCEPT_LANGUAGE="en")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).replace("\n", " ")
    assert "Respondents 30 not shown 8 14 fewer than 5 " in text


def test_the_pdf_says_why_each_group_is_hidden(admin_client, hr_of_three):
    pdf = admin_client.get(f"/o/demo/scan/rounds/{hr_of_three.public_id}/report.pdf", HTTP_ACCEPT_LANGUAGE="en")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).replace("\n", " ")
    assert "— Board: Not shown, because together with the overall it would reveal" in text
    assert "— HR / L&D: Fewer than 5 respondents" in text
    assert "fewer than 5 people answered" not in text  # no blanket legend that is wrong for the board


@pytest.fixture
def vision_few(open_round):
    """Board 6, managers 8 of whom 4 answer “I don't know” on every vision statement, employees 14."""
    add_responses(open_round, Layer.BOARD, 6, 5)
    add_responses(open_round, Layer.MANAGERS, 4, 4)
    add_responses(open_round, Layer.MANAGERS, 4, 4, changes=dict.fromkeys(ITEMS[5:10]))
    add_responses(open_round, Layer.EMPLOYEES, 14, 2)
    _close(open_round)
    return open_round


def test_a_hidden_cell_gets_a_complementary_cell_in_its_dimension(admin_client, vision_few):
    body = _results(admin_client, vision_few)
    layers = {g["key"]: g for g in body["layers"]}
    # Managers' vision: 4 answered → hidden. Overall vision (6×100 + 4×75 + 14×25) / 24 minus
    # the board and employees would give it back, so the board's vision cell goes too.
    assert layers["managers"]["hidden_cells"] == {"vision": "few"}
    assert layers["board"]["hidden_cells"] == {"vision": "complementary"}
    assert layers["board"]["dimensions"]["vision"] is None and layers["board"]["dimensions"]["situation"] == 100
    assert layers["employees"]["dimensions"]["vision"] == 25
    # A group's overall leaves its hidden cells out, so it cannot give them back either.
    assert layers["board"]["overall"] == 100 and layers["managers"]["overall"] == 75
    pdf = admin_client.get(f"/o/demo/scan/rounds/{vision_few.public_id}/report.pdf", HTTP_ACCEPT_LANGUAGE="en")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).replace("\n", " ")
    assert "* : fewer than 5 people answered this dimension" in text
    assert "† : not shown, so that a smaller hidden cell cannot be worked out" in text
    page = admin_client.get(f"/o/demo/scan/rounds/{vision_few.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not shown †" in page and "too few answers" in page


# --- B6 / B7: uncertainty and "I don't know" -------------------------------------------------


@pytest.fixture
def close_layers(open_round):
    """Managers 75, 50, 75, 50, 75 (mean 65); employees 50, 75, 50, 75, 50 (mean 60)."""
    add_responses(open_round, Layer.MANAGERS, 3, 4)
    add_responses(open_round, Layer.MANAGERS, 2, 3)
    add_responses(open_round, Layer.EMPLOYEES, 3, 3)
    add_responses(open_round, Layer.EMPLOYEES, 2, 4)
    _close(open_round)
    return open_round


def test_a_difference_within_the_noise_is_no_clear_difference(admin_client, close_layers):
    body = _results(admin_client, close_layers)
    managers = next(g for g in body["layers"] if g["key"] == "managers")
    # s² = (3·10² + 2·15²) / 4 = 187.5; 65 ± 2.776·√(187.5/5) = 65 ± 17.0
    assert managers["dimensions"]["situation"] == 65 and managers["intervals"]["situation"] == [48, 82]
    # Welch: 5 ± t(8)·√(37.5 + 37.5) = 5 ± 2.306·8.66 = −15.0 … 25.0
    gap = body["gaps"][0]
    assert gap["difference"] == 5 and gap["interval"] == [-15, 25] and not gap["clear"]
    assert gap["text"] == (
        "No clear difference between managers and employees on “Current situation”: 5 points, "
        "within the noise (95% interval -15 to 25)."
    )
    page = admin_client.get(
        f"/o/demo/scan/rounds/{close_layers.public_id}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "No clear difference between managers and employees" in page and "higher than" not in page
    assert '<span class="muted small" data-interval>48–82</span>' in page
    pdf = admin_client.get(f"/o/demo/scan/rounds/{close_layers.public_id}/report.pdf", HTTP_ACCEPT_LANGUAGE="en")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).replace("\n", " ")
    assert "(48–82)" in text and "No clear difference" in text


def test_it_reports_the_share_of_dont_know_and_flags_a_high_one(admin_client, open_round):
    add_responses(open_round, Layer.BOARD, 5, 4)
    conditions = [item for item in ITEMS if item.startswith("conditions")]
    add_responses(open_round, Layer.EMPLOYEES, 5, 4, changes=dict.fromkeys(conditions[:3]))
    _close(open_round)
    body = _results(admin_client, open_round)
    shares = {d["id"]: (d["dont_know"], d["dont_know_high"]) for d in body["dimensions"]}
    assert shares["conditions"] == (15 / 50, True) and shares["situation"] == (0, False)
    employees = next(g for g in body["layers"] if g["key"] == "employees")
    assert employees["dont_know"]["conditions"] == 15 / 25
    page = admin_client.get(f"/o/demo/scan/rounds/{open_round.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "30% of the answers were “I don&#x27;t know”" in page
    rows = list(
        csv.reader(
            io.StringIO(
                admin_client.get(
                    f"/o/demo/scan/rounds/{open_round.public_id}/results.csv", HTTP_ACCEPT_LANGUAGE="en"
                ).content.decode()
            )
        )
    )
    assert rows[6][:2] == ["Everyone", "10"] and rows[6][6] == "30%"
