from django.utils import translation

from leerkoers.ownership import raci


def _problems(board="", hr="", managers="", employees=""):
    with translation.override("en"):
        return raci.problems("Budget", {"board": board, "hr": hr, "managers": managers, "employees": employees})


def test_it_accepts_one_accountable_and_a_responsible():
    assert _problems("A", "R", "C", "I") == []


def test_it_refuses_a_process_without_an_accountable_with_a_clear_message():
    assert _problems("R", "R", "C", "I") == ["“Budget”: exactly one layer must be Accountable (A); now 0."]


def test_it_refuses_two_accountables():
    assert _problems("A", "A", "R", "I") == ["“Budget”: exactly one layer must be Accountable (A); now 2."]


def test_it_refuses_a_process_without_a_responsible():
    assert _problems("A", "C", "C", "I") == ["“Budget”: at least one layer must be Responsible (R)."]


def test_it_refuses_an_unknown_letter():
    assert "“Budget”: use only R, A, C or I." in _problems("A", "R", "X", "")


def test_every_row_of_the_template_is_valid():
    for row in raci.TEMPLATE:
        assert raci.problems(str(row.name), row.letters) == [], row.key
