"""conflict_on: which refusals of a service the API answers with 409, and that others stay 422."""

import pytest
from django.core.exceptions import ValidationError
from ninja.errors import HttpError

from leerkoers.lib.api_errors import STATE, conflict_on


def _refuse(message: str, code: str | None = None):
    raise ValidationError(message, code=code)


def test_a_refusal_with_a_listed_code_is_a_409_with_all_its_messages():
    with pytest.raises(HttpError) as raised, conflict_on(STATE):
        _refuse("The plan is agreed.", code=STATE)
    assert (raised.value.status_code, str(raised.value)) == (409, "The plan is agreed.")
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_several_messages_are_joined_with_a_space():
    with pytest.raises(HttpError) as raised, conflict_on():
        raise ValidationError([ValidationError("Closed."), ValidationError("Used.")])
    assert (raised.value.status_code, str(raised.value)) == (409, "Closed. Used.")


def test_a_list_of_errors_has_no_code_of_its_own_so_it_stays_a_422():
    with pytest.raises(ValidationError), conflict_on(STATE):
        raise ValidationError([ValidationError("Agreed.", code=STATE)])


def test_a_refusal_with_another_code_or_none_is_raised_unchanged():
    error = ValidationError({"title": "Required."})
    with pytest.raises(ValidationError) as raised, conflict_on(STATE):
        raise error
    assert raised.value is error
    with pytest.raises(ValidationError, match="Closed"), conflict_on("used"):
        _refuse("Closed.", code="closed")


def test_without_codes_every_refusal_is_a_conflict():
    with pytest.raises(HttpError) as raised, conflict_on():
        _refuse("This round is closed already.")
    assert (raised.value.status_code, str(raised.value)) == (409, "This round is closed already.")


def test_other_exceptions_and_results_pass_through():
    with pytest.raises(KeyError), conflict_on():
        raise KeyError("x")
    with conflict_on(STATE):
        value = 42
    assert value == 42
