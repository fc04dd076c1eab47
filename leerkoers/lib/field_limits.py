"""The limits a model field puts on its values, for code that checks values before the ORM.

A file import parses millions of cells without model instances, and an API schema validates a
body before anything is saved; both must refuse exactly what the table cannot hold. Their
limits come from here, read off the model field itself, so that one definition (the model)
governs the form, the API and the import alike.
"""

import contextlib
from decimal import Context, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, models


def field_of(model, name: str) -> models.Field:
    return model._meta.get_field(name)


def decimal_limits(model, name: str) -> dict:
    """`max_digits` and `decimal_places` of a DecimalField, as pydantic's Field takes them."""
    field = field_of(model, name)
    return {"max_digits": field.max_digits, "decimal_places": field.decimal_places}


def integer_range(model, name: str) -> dict:
    """`ge` and `le` of an integer field: the range its database column holds."""
    field = field_of(model, name)
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return {"ge": low, "le": high}


def max_length(model, name: str) -> int:
    return field_of(model, name).max_length


def checked(field: models.Field, value):
    """`value` as the field would store it, or ValueError with the field's own message.

    Decimals are rounded to the field's decimal places first (a spreadsheet's 12.499999999
    hours is 12.50, as the cell shows it); then every validator of the field runs, among them
    the digit limit of a DecimalField and the range the database gives an integer field.
    """
    if value is None:
        return None
    if isinstance(field, models.DecimalField) and isinstance(value, Decimal):
        # More digits than any field holds cannot be rounded: the validators below say so.
        with contextlib.suppress(InvalidOperation):
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places), context=Context(prec=1000))
    try:
        field.run_validators(value)
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from None
    return value
