"""Request bodies that are validated after the access check.

An operation declares `payload: JsonBody` (the JSON as sent), calls `api_access(...)` first and
only then `validate_body(Schema, payload)`, so that another organisation's caller learns nothing
from validation errors. `body_schema(Schema)` documents the real schema in OpenAPI.
"""

from typing import Any

import pydantic
from django.utils.translation import gettext as _
from ninja import Body
from ninja.errors import ValidationError as NinjaValidationError

JsonBody = Body[Any]


def body_schema(schema: type[pydantic.BaseModel]) -> dict:
    """openapi_extra documenting `schema` as the JSON request body."""
    return {"requestBody": {"content": {"application/json": {"schema": schema.model_json_schema()}}, "required": True}}


def _nul_errors(value: Any, loc: list) -> list[dict]:
    """Text with NUL characters (which PostgreSQL refuses to store), wherever it is in the body."""
    if isinstance(value, str):
        return [{"loc": loc, "msg": _("Text may not contain NUL characters.")}] if "\x00" in value else []
    if isinstance(value, dict):
        return [e for key, item in value.items() for e in _nul_errors(key, loc) + _nul_errors(item, [*loc, key])]
    if isinstance(value, list):
        return [e for i, item in enumerate(value) for e in _nul_errors(item, [*loc, i])]
    return []


def validate_body(schema: type[pydantic.BaseModel], payload: Any, prefix: tuple = ()) -> pydantic.BaseModel:
    """Validate `payload` against `schema`; errors become the API's 422 with field locations."""
    if errors := _nul_errors(payload, list(prefix)):
        raise NinjaValidationError(errors)
    try:
        return schema.model_validate(payload)
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(
            [{**error, "loc": [*prefix, *error["loc"]]} for error in exc.errors(include_url=False, include_input=False)]
        ) from None
