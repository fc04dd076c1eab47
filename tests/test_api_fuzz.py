"""Schemathesis over the whole OpenAPI document: generated requests, valid and invalid, to every
operation, as the demo organisation's read-write API token, against the real app and database.

Every answer must be documented: no 5xx, a status the operation declares, a body and content
type that match its schema. A bounded number of examples per operation keeps the run short
(`FUZZ_EXAMPLES`, default 20). The examples are the same on every run, so that CI judges the
code and not the dice; `FUZZ_RANDOM=1 FUZZ_EXAMPLES=300` searches further locally.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from leerkoers.api import api
from leerkoers.orgs.models import Organization
from leerkoers.orgs.services import api_token_create

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
RANDOM = os.environ.get("FUZZ_RANDOM", "") == "1"

config = schemathesis.Config.from_dict(
    {
        # Most operations live under one organisation: fuzzing its slug would only ever meet 404.
        "parameters": {"org_slug": "demo"},
        "generation": {"max-examples": EXAMPLES, "mode": "all", "allow-x00": True, "deterministic": not RANDOM},
        "phases": {"stateful": {"enabled": False}},
        # What the API promises: no server error, and every answer as documented (status, content
        # type, body, headers). Left out: positive_data_acceptance, since business rules refuse
        # schema-valid input by design (an unknown team id, an end before the start: 422), and
        # negative_data_rejection, since pydantic's lax mode accepts "3" for 3 or 0 for a date.
        "checks": {
            "enabled": False,
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
            "response_headers_conformance": {"enabled": True},
        },
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"), config=config)
# In-process through WSGI: same thread, so the same test database (and its rollback) as the test.
schema.app = get_wsgi_application()


@pytest.fixture
def token(db):
    # The WSGI handler closes the database connection after each request, which on PostgreSQL
    # ends the test's transaction; Django's own test client suspends that the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    org = Organization.objects.get(slug="demo")
    admin = org.memberships.filter(role="admin").first().user
    yield api_token_create(organization=org, name="fuzz", can_write=True, created_by=admin)[1]
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=not RANDOM,
    database=None,  # nothing written beside the code
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_it_answers_every_generated_request_as_documented(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
