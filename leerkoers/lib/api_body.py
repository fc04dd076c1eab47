"""Request bodies: how the API parses JSON, and bodies validated after the access check.

`LimitedJsonParser` is the API's parser: it refuses JSON nested deeper than MAX_DEPTH or with an
array longer than MAX_ITEMS (400), before any schema or service sees it — deep nesting would
otherwise exhaust the recursion of whatever walks the value next, a 500.

An operation declares `payload: JsonBody` (the JSON as sent), calls `api_access(...)` first and
only then `validate_body(Schema, payload)`, so that another organisation's caller learns nothing
from validation errors. `body_schema(Schema)` documents the real schema in OpenAPI.
"""

import json
from typing import Any

import pydantic
from django.utils.translation import gettext as _
from ninja import Body
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

JsonBody = Body[Any]

# No body of this API nests deeper than ~6 levels (an xAPI statement with extensions); 64 leaves
# room and stays far below Python's recursion limit (1000).
MAX_DEPTH = 64
# The longest list a body may hold: a batch of measurements or of xAPI statements is smaller;
# lists of ids have their own, lower limit in the schemas (leerkoers.lib.params.MAX_IDS).
MAX_ITEMS = 10_000


class BodyRefused(ValueError):
    """A body that is valid JSON but too deep or too long; its message is for the caller."""


def check_shape(value: Any) -> None:
    """Raise BodyRefused when `value` nests deeper than MAX_DEPTH or has a list over MAX_ITEMS.

    Iterative on purpose: this runs before anything recursive may look at the value.
    """
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BodyRefused(_("The JSON is nested too deeply (at most %(max)d levels).") % {"max": MAX_DEPTH})
        if isinstance(item, list):
            if len(item) > MAX_ITEMS:
                raise BodyRefused(_("A list in the body has more than %(max)d items.") % {"max": MAX_ITEMS})
            stack.extend((child, depth + 1) for child in item if isinstance(child, (list, dict)))
        elif isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values() if isinstance(child, (list, dict)))


def parse_json(body: bytes) -> Any:
    """The JSON in `body`, checked by check_shape. Raises ValueError (incl. BodyRefused) for bad bodies.

    Every body of this API is an object (a few take an array of them): a bare string or number
    is refused here, as ninja would otherwise read a schema's fields from the string's
    attributes (`"abc"` → title "Abc").
    """
    try:
        value = json.loads(body)
    except RecursionError:
        raise BodyRefused(_("The JSON is nested too deeply (at most %(max)d levels).") % {"max": MAX_DEPTH}) from None
    if not isinstance(value, (dict, list)):
        raise BodyRefused(_("The body must be a JSON object."))
    check_shape(value)
    return value


class LimitedJsonParser(Parser):
    def parse_body(self, request):
        return parse_json(request.body)


def _inline_refs(schema: Any, defs: dict) -> Any:
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("#/$defs/"):
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            return {**_inline_refs(defs[ref.removeprefix("#/$defs/")], defs), **_inline_refs(rest, defs)}
        return {k: _inline_refs(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline_refs(item, defs) for item in schema]
    return schema


def body_schema(schema: type[pydantic.BaseModel], *, partial: bool = False) -> dict:
    """openapi_extra documenting `schema` as the JSON request body; `partial` (PATCH): no field required.

    pydantic puts nested models and enums under `$defs` and refers to them as `#/$defs/...`,
    which in an OpenAPI document points at its root, where they are not: they are inlined
    (none of the request schemas is recursive).
    """
    generated = schema.model_json_schema()
    inlined = _inline_refs(generated, generated.get("$defs", {}))
    if partial:
        inlined.pop("required", None)
    return {"requestBody": {"content": {"application/json": {"schema": inlined}}, "required": True}}


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
    if not isinstance(payload, dict) and not issubclass(schema, pydantic.RootModel):
        # ninja's Schema would read fields from any object's attributes (a list's, a string's).
        raise NinjaValidationError([{"loc": list(prefix), "msg": _("Send a JSON object.")}])
    try:
        return schema.model_validate(payload)
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(
            [{**error, "loc": [*prefix, *error["loc"]]} for error in exc.errors(include_url=False, include_input=False)]
        ) from None
