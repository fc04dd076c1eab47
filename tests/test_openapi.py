"""The OpenAPI document at /api/v1/openapi.json is valid and says what the API answers."""

import pytest
from openapi_spec_validator import validate

from leerkoers.api import ERRORS_OF_AUTHENTICATED, ERRORS_OF_EVERY_OPERATION, ERRORS_OF_WRITES

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_it_is_a_valid_openapi_document(document):
    validate(document)


def test_it_resolves_every_reference(document):
    # The validator does not follow schema references; a `#/$defs/...` left by pydantic points
    # at the document's root, where nothing is.
    for ref in set(_refs(document)):
        assert ref.startswith("#/"), ref
        node = document
        for part in ref.removeprefix("#/").split("/"):
            assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
            node = node[part]


def test_it_documents_the_error_answers_of_every_operation(document):
    for method, path, operation in _operations(document):
        documented = {int(status) for status in operation["responses"]}
        expected = set(ERRORS_OF_EVERY_OPERATION)
        if operation.get("security"):
            expected |= set(ERRORS_OF_AUTHENTICATED)
        if method in {"POST", "PUT", "PATCH", "DELETE"}:
            expected |= set(ERRORS_OF_WRITES)
        assert expected <= documented, f"{method} {path} lacks {sorted(expected - documented)}"


def test_it_gives_errors_one_documented_shape(document):
    error = document["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"] and set(error["properties"]) == {"detail", "errors"}
    for method, path, operation in _operations(document):
        content = operation["responses"]["404"]["content"]["application/json"]["schema"]
        assert content == {"$ref": "#/components/schemas/ErrorOut"}, f"{method} {path}"


def test_it_does_not_document_a_partial_update_as_needing_every_field(document):
    for method, path, operation in _operations(document):
        if method == "PATCH" and "requestBody" in operation:
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            assert not schema.get("required"), path


def test_it_names_each_schema_component_after_one_model():
    # Two models of one name become one component in the document, and one of them is then
    # documented wrongly (the scan's and the alignment's LinkOut were).
    import pydantic

    names: dict[str, set[str]] = {}

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("leerkoers"):
                names.setdefault(sub.__name__, set()).add(f"{sub.__module__}.{sub.__qualname__}")
            walk(sub)

    walk(pydantic.BaseModel)
    assert {name: found for name, found in names.items() if len(found) > 1} == {}
