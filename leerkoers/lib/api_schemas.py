"""Schemas every part of the API shares. A module of its own, so that the apps' `api.py`
need not import `leerkoers.api`, which mounts their routers."""

from ninja import Field, Schema


class FieldError(Schema):
    field: str = Field(description="where in the request, dotted (`teams.0`); empty for the whole request")
    message: str


class ErrorOut(Schema):
    """The one shape of every error answer."""

    detail: str
    errors: list[FieldError] = Field(default_factory=list, description="per field, on 422")
