"""The role matrix: which roles of `demo` get 403 on each page and API operation.

Every org view declares its rule on its first line (`@org_view(RULE)` or
`@org_view(read=…, write=…)`), every API operation starts with
`access = api_access(request, org_slug, RULE, write=…)`. This test

1. reads those declarations (the view's `role_rule`; the operation's first statement),
2. checks them against the table below, written by hand: a change of who may do what has
   to change this table too, and a new page or operation is refused until it is listed;
3. calls every page (GET for reading, POST for writing) and every operation as each role
   and checks that exactly the roles the table names get 403 — so no view narrows its rule
   further down in its body, where the first line would not show it.

Roles: a = admin (HR / L&D), d = director, m = manager, e = employee, v = advisor.
Object ids in the paths are ones that do not exist: a role that passes the rule gets 404
(or a form error), one that does not gets 403 before any lookup.
"""

import ast
import inspect
import re
import textwrap

import pytest
from django.urls import get_resolver

from leerkoers.api import api
from leerkoers.orgs.access import UNSAFE_METHODS
from leerkoers.orgs.models import ADVISOR, Role
from tests.test_isolation import ORG_PREFIX, PARAM, _call, _walk

ROLE_CODES = {"a": Role.ADMIN, "d": Role.DIRECTOR, "m": Role.MANAGER, "e": Role.EMPLOYEE, "v": ADVISOR}
CLIENTS = {
    Role.ADMIN: "admin_client",
    Role.DIRECTOR: "director_client",
    Role.MANAGER: "manager_client",
    Role.EMPLOYEE: "employee_client",
    ADVISOR: "advisor_client",
}

# Page (below /o/<org_slug>/) → the roles refused: one string for every method, or
# (reading, writing) where they differ.
PAGES = {
    "": "",
    "journey/": "",
    "alignment/": "",
    "alignment/activities/": "",
    "alignment/activities/<id:activity_id>/link/": "me",
    "alignment/goals/": "",
    "alignment/goals/<id:strategic_goal_id>/": "",
    "alignment/goals/<id:strategic_goal_id>/delete/": "me",
    "alignment/goals/<id:strategic_goal_id>/edit/": "me",
    "alignment/goals/new/": "me",
    "alignment/kpis/": "",
    "alignment/kpis/<id:kpi_id>/": ("", "me"),
    "alignment/kpis/<id:kpi_id>/delete/": "me",
    "alignment/kpis/<id:kpi_id>/edit/": "me",
    "alignment/kpis/<id:kpi_id>/measurements/<id:measurement_id>/delete/": "me",
    "alignment/kpis/import/": "me",
    "alignment/kpis/new/": "me",
    "alignment/learning-goals/": "",
    "alignment/learning-goals/<id:learning_goal_id>/": "",
    "alignment/learning-goals/<id:learning_goal_id>/activities/": "me",
    "alignment/learning-goals/<id:learning_goal_id>/activities/<id:activity_id>/remove/": "me",
    "alignment/learning-goals/<id:learning_goal_id>/delete/": "me",
    "alignment/learning-goals/<id:learning_goal_id>/edit/": "me",
    "alignment/learning-goals/new/": "me",
    "alignment/learning-goals/smart-check/": "me",
    "alignment/suggestions/": "",
    "alignment/suggestions/accept/": "me",
    "alignment/suggestions/reject/": "me",
    "alignment/themes/": ("", "me"),
    "alignment/themes/<id:theme_id>/delete/": "me",
    "api-tokens/": "dme",
    "api-tokens/<uuid:api_token_id>/revoke/": "dme",
    "audit/": "dme",
    "inventory/": "me",
    "inventory/activities/": "me",
    "inventory/activities/<id:activity_id>/": "dme",
    "inventory/activities/<id:activity_id>/delete/": "dme",
    "inventory/activities/export/": "me",
    "inventory/activities/new/": "dme",
    "inventory/analysis/export/": "me",
    "inventory/import/": "dme",
    "inventory/import/<uuid:import_run_uuid>/": "dme",
    "inventory/import/<uuid:import_run_uuid>/errors.csv": "dme",
    "inventory/participations/": "me",
    "inventory/participations/<id:participation_id>/": "dme",
    "inventory/participations/<id:participation_id>/delete/": "dme",
    "inventory/participations/export/": "me",
    "inventory/participations/new/": "dme",
    "invitations/<id:invitation_id>/revoke/": "dme",
    "jobs/<uuid:job_id>/": "",
    "data/": "dmev",
    "data/delete/": "dmev",
    "data/delete/cancel/": "dmev",
    "data/export/": "dmev",
    "data/exports/<uuid:job_id>/download/": "dmev",
    "members/": "dme",
    "members/<id:membership_id>/remove/": "dme",
    "members/<id:membership_id>/role/": "dme",
    "members/<id:membership_id>/team/": "dme",
    "ownership/": "",
    "ownership/matrix/": ("", "dme"),
    "ownership/matrix/processes/": "dme",
    "ownership/matrix/processes/<uuid:learning_process_id>/delete/": "dme",
    "ownership/plans/": ("", "de"),
    "ownership/plans/<uuid:team_plan_id>/": ("", "de"),
    "ownership/plans/<uuid:team_plan_id>/goals/": "de",
    "ownership/plans/<uuid:team_plan_id>/activities/": "de",
    "ownership/plans/goals/<uuid:team_plan_goal_id>/delete/": "de",
    "ownership/plans/activities/<uuid:team_plan_activity_id>/delete/": "de",
    "ownership/bulk-start/": "dme",
    "ownership/cycle/": ("", "de"),
    "ownership/cycle/onboarding/": "de",
    "ownership/cycle/conversations.ics": "",
    "ownership/cycle/address/": "v",
    "ownership/cycle/<uuid:conversation_id>/": ("", "de"),
    "ownership/pops/": "",
    "ownership/pops/<uuid:pop_id>/": "",
    "ownership/pops/<uuid:pop_id>/steps/": "",
    "ownership/pops/<uuid:pop_id>/goals/": "",
    "ownership/pops/<uuid:pop_id>/activities/": "",
    "ownership/pops/goals/<uuid:pop_goal_id>/delete/": "",
    "ownership/pops/activities/<uuid:pop_activity_id>/delete/": "",
    "my-data/": "",
    "my-data/download/": "",
    "policy/": "me",
    "policy/compare/": "me",
    "policy/exports/": "me",
    "policy/exports/<uuid:policy_export_id>/file/": "me",
    "policy/sections/": "dme",
    "scan/": "",
    "scan/rounds/": "dme",
    "scan/rounds/<uuid:scan_round_id>/": "me",
    "scan/rounds/<uuid:scan_round_id>/close/": "dme",
    "scan/rounds/<uuid:scan_round_id>/counts/": "dme",
    "scan/rounds/<uuid:scan_round_id>/invite/": "dme",
    "scan/rounds/<uuid:scan_round_id>/report.pdf": "me",
    "scan/rounds/<uuid:scan_round_id>/results.csv": "me",
    "sessions/": "",
    "teams/": ("", "dme"),
    "teams/<id:team_id>/": "dme",
    "pilots/": "",
    "pilots/new/": "me",
    "pilots/<uuid:pilot_id>/": "",
    "pilots/<uuid:pilot_id>/edit/": "me",
    "pilots/<uuid:pilot_id>/draw/": "me",
    "pilots/<uuid:pilot_id>/start/": "me",
    "pilots/<uuid:pilot_id>/rule/": "me",
    "pilots/<uuid:pilot_id>/evaluate/": "me",
    "pilots/<uuid:pilot_id>/decide/": "me",
    "pilots/<uuid:pilot_id>/forms/": "me",
    "pilots/forms/<uuid:evaluation_form_id>/invite/": "me",
    "vision/": "",
    "vision/rounds/": "dme",
    "vision/rounds/<uuid:vision_round_id>/": "me",
    "vision/rounds/<uuid:vision_round_id>/invite/": "dme",
    "vision/rounds/<uuid:vision_round_id>/close/": "dme",
    "vision/rounds/<uuid:vision_round_id>/moderation/": "dme",
    "vision/rounds/<uuid:vision_round_id>/statements/": "dme",
    "vision/rounds/<uuid:vision_round_id>/answers/": "dme",
    "vision/rounds/<uuid:vision_round_id>/draft/": "dme",
    "vision/rounds/<uuid:vision_round_id>/ratings.csv": "me",
    "vision/rounds/<uuid:vision_round_id>/report.pdf": "me",
    "vision/statements/<uuid:vision_statement_id>/moderate/": "dme",
    "vision/statements/<uuid:vision_statement_id>/merge/": "dme",
    "vision/versions/<uuid:vision_version_id>/": "me",
    "vision/versions/<uuid:vision_version_id>/endorse/": "dme",
    "vision/versions/<uuid:vision_version_id>/approve/": "amev",
}

# API operation (below /api/v1) → the roles refused.
OPERATIONS = {
    ("GET", "/orgs/{org_slug}/"): "",
    ("GET", "/orgs/{org_slug}/teams"): "",
    ("POST", "/orgs/{org_slug}/teams"): "dme",
    ("GET", "/orgs/{org_slug}/teams/{team_id}"): "",
    ("PATCH", "/orgs/{org_slug}/teams/{team_id}"): "dme",
    ("GET", "/orgs/{org_slug}/members"): "dme",
    ("GET", "/orgs/{org_slug}/jobs/{job_id}"): "",
    ("POST", "/orgs/{org_slug}/exports"): "dmev",
    ("GET", "/orgs/{org_slug}/exports/{job_id}/download"): "dmev",
    ("POST", "/orgs/{org_slug}/policy/exports"): "me",
    ("GET", "/orgs/{org_slug}/policy/exports"): "me",
    ("GET", "/orgs/{org_slug}/policy/exports/{policy_export_uuid}"): "me",
    ("GET", "/orgs/{org_slug}/policy/exports/{policy_export_uuid}/file"): "me",
    ("GET", "/orgs/{org_slug}/policy/compare"): "me",
    ("GET", "/orgs/{org_slug}/scan/rounds"): "me",
    ("POST", "/orgs/{org_slug}/scan/rounds"): "dme",
    ("GET", "/orgs/{org_slug}/scan/rounds/{scan_round_uuid}"): "dme",
    ("POST", "/orgs/{org_slug}/scan/rounds/{scan_round_uuid}/close"): "dme",
    ("GET", "/orgs/{org_slug}/scan/rounds/{scan_round_uuid}/counts"): "dme",
    ("GET", "/orgs/{org_slug}/scan/rounds/{scan_round_uuid}/results"): "me",
    ("GET", "/orgs/{org_slug}/activities"): "me",
    ("POST", "/orgs/{org_slug}/activities"): "dme",
    ("GET", "/orgs/{org_slug}/activities/export"): "me",
    ("GET", "/orgs/{org_slug}/activities/{activity_id}"): "me",
    ("PUT", "/orgs/{org_slug}/activities/{activity_id}"): "dme",
    ("DELETE", "/orgs/{org_slug}/activities/{activity_id}"): "dme",
    ("GET", "/orgs/{org_slug}/participations"): "me",
    ("POST", "/orgs/{org_slug}/participations"): "dme",
    ("GET", "/orgs/{org_slug}/participations/export"): "me",
    ("GET", "/orgs/{org_slug}/participations/{participation_id}"): "me",
    ("PUT", "/orgs/{org_slug}/participations/{participation_id}"): "dme",
    ("DELETE", "/orgs/{org_slug}/participations/{participation_id}"): "dme",
    ("POST", "/orgs/{org_slug}/imports"): "dme",
    ("GET", "/orgs/{org_slug}/imports/{import_run_uuid}"): "dme",
    ("POST", "/orgs/{org_slug}/xapi/statements"): "dme",
    ("GET", "/orgs/{org_slug}/analysis"): "me",
    ("GET", "/orgs/{org_slug}/analysis/export"): "me",
    ("GET", "/orgs/{org_slug}/themes"): "",
    ("POST", "/orgs/{org_slug}/themes"): "me",
    ("DELETE", "/orgs/{org_slug}/themes/{theme_id}"): "me",
    ("GET", "/orgs/{org_slug}/strategic-goals"): "",
    ("POST", "/orgs/{org_slug}/strategic-goals"): "me",
    ("GET", "/orgs/{org_slug}/strategic-goals/{strategic_goal_id}"): "",
    ("PUT", "/orgs/{org_slug}/strategic-goals/{strategic_goal_id}"): "me",
    ("PATCH", "/orgs/{org_slug}/strategic-goals/{strategic_goal_id}"): "me",
    ("DELETE", "/orgs/{org_slug}/strategic-goals/{strategic_goal_id}"): "me",
    ("GET", "/orgs/{org_slug}/kpis"): "",
    ("POST", "/orgs/{org_slug}/kpis"): "me",
    ("GET", "/orgs/{org_slug}/kpis/{kpi_id}"): "",
    ("PUT", "/orgs/{org_slug}/kpis/{kpi_id}"): "me",
    ("PATCH", "/orgs/{org_slug}/kpis/{kpi_id}"): "me",
    ("DELETE", "/orgs/{org_slug}/kpis/{kpi_id}"): "me",
    ("GET", "/orgs/{org_slug}/kpis/{kpi_id}/measurements"): "",
    ("POST", "/orgs/{org_slug}/kpis/{kpi_id}/measurements"): "me",
    ("DELETE", "/orgs/{org_slug}/kpis/{kpi_id}/measurements/{measurement_id}"): "me",
    ("GET", "/orgs/{org_slug}/learning-goals"): "",
    ("POST", "/orgs/{org_slug}/learning-goals"): "me",
    ("GET", "/orgs/{org_slug}/learning-goals/{learning_goal_id}"): "",
    ("PUT", "/orgs/{org_slug}/learning-goals/{learning_goal_id}"): "me",
    ("PATCH", "/orgs/{org_slug}/learning-goals/{learning_goal_id}"): "me",
    ("DELETE", "/orgs/{org_slug}/learning-goals/{learning_goal_id}"): "me",
    ("POST", "/orgs/{org_slug}/learning-goals/{learning_goal_id}/activities"): "me",
    ("DELETE", "/orgs/{org_slug}/learning-goals/{learning_goal_id}/activities/{activity_id}"): "me",
    ("POST", "/orgs/{org_slug}/rejected-suggestions"): "me",
    ("GET", "/orgs/{org_slug}/golden-thread"): "",
    ("GET", "/orgs/{org_slug}/sessions"): "",
    ("GET", "/orgs/{org_slug}/pilots"): "",
    ("POST", "/orgs/{org_slug}/pilots"): "me",
    ("GET", "/orgs/{org_slug}/pilots/{pilot_uuid}"): "",
    ("PUT", "/orgs/{org_slug}/pilots/{pilot_uuid}"): "me",
    ("GET", "/orgs/{org_slug}/pilots/{pilot_uuid}/design-check"): "",
    ("GET", "/orgs/{org_slug}/pilots/{pilot_uuid}/effects"): "",
    ("POST", "/orgs/{org_slug}/pilots/{pilot_uuid}/draw"): "me",
    ("POST", "/orgs/{org_slug}/pilots/{pilot_uuid}/start"): "me",
    ("POST", "/orgs/{org_slug}/pilots/{pilot_uuid}/rule"): "me",
    ("POST", "/orgs/{org_slug}/pilots/{pilot_uuid}/evaluate"): "me",
    ("POST", "/orgs/{org_slug}/pilots/{pilot_uuid}/decision"): "me",
    ("GET", "/orgs/{org_slug}/pilots/{pilot_uuid}/forms"): "me",
    ("POST", "/orgs/{org_slug}/pilots/{pilot_uuid}/forms"): "me",
    ("GET", "/orgs/{org_slug}/pilots/forms/{evaluation_form_uuid}/invitations"): "me",
    ("POST", "/orgs/{org_slug}/pilots/forms/{evaluation_form_uuid}/invitations"): "me",
    ("GET", "/orgs/{org_slug}/vision/rounds"): "me",
    ("POST", "/orgs/{org_slug}/vision/rounds"): "dme",
    ("GET", "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}"): "me",
    ("POST", "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}/close"): "dme",
    ("GET", "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}/statements"): "dme",
    ("POST", "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}/statements"): "dme",
    ("POST", "/orgs/{org_slug}/vision/statements/{vision_statement_uuid}/moderate"): "dme",
    ("POST", "/orgs/{org_slug}/vision/statements/{vision_statement_uuid}/merge"): "dme",
    ("GET", "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}/results"): "me",
    ("GET", "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}/ratings.csv"): "dme",
    ("GET", "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}/versions"): "me",
    ("POST", "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}/versions"): "dme",
    ("GET", "/orgs/{org_slug}/vision/versions/{vision_version_uuid}"): "me",
    ("POST", "/orgs/{org_slug}/vision/versions/{vision_version_uuid}/endorsement"): "dme",
    ("POST", "/orgs/{org_slug}/vision/versions/{vision_version_uuid}/approve"): "amev",
    ("GET", "/orgs/{org_slug}/ownership/matrix"): "",
    ("PUT", "/orgs/{org_slug}/ownership/matrix"): "dme",
    ("GET", "/orgs/{org_slug}/ownership/team-plans"): "",
    ("POST", "/orgs/{org_slug}/ownership/team-plans"): "de",
    ("GET", "/orgs/{org_slug}/ownership/team-plans/{team_plan_uuid}"): "",
    ("PATCH", "/orgs/{org_slug}/ownership/team-plans/{team_plan_uuid}"): "de",
    ("POST", "/orgs/{org_slug}/ownership/team-plans/{team_plan_uuid}/goals"): "de",
    ("POST", "/orgs/{org_slug}/ownership/team-plans/{team_plan_uuid}/activities"): "de",
    ("GET", "/orgs/{org_slug}/ownership/pops"): "",
    ("POST", "/orgs/{org_slug}/ownership/pops"): "",
    ("GET", "/orgs/{org_slug}/ownership/pops/{pop_uuid}"): "",
    ("PATCH", "/orgs/{org_slug}/ownership/pops/{pop_uuid}"): "",
    ("POST", "/orgs/{org_slug}/ownership/pops/{pop_uuid}/goals"): "",
    ("POST", "/orgs/{org_slug}/ownership/pops/{pop_uuid}/activities"): "",
    ("POST", "/orgs/{org_slug}/ownership/pops/{pop_uuid}/transitions"): "",
    ("GET", "/orgs/{org_slug}/ownership/indicators"): "me",
    ("GET", "/orgs/{org_slug}/ownership/conversations"): "",
    ("POST", "/orgs/{org_slug}/ownership/conversations"): "de",
}

MISSING_ID = "2147483000"
MISSING_UUID = "00000000-0000-4000-8000-000000000000"


def _refused(codes: str) -> frozenset:
    return frozenset(ROLE_CODES[code] for code in codes)


def _codes(roles) -> str:
    return "".join(code for code, role in ROLE_CODES.items() if role not in roles)


def _page_views() -> dict:
    return {
        route.removeprefix(ORG_PREFIX): pattern.callback
        for route, pattern in _walk(get_resolver().url_patterns)
        if route.startswith(ORG_PREFIX)
    }


def _operations() -> dict:
    found = {}
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            if path.startswith("/orgs/{org_slug}"):
                for operation in path_view.operations:
                    for method in operation.methods:
                        found[(method, path)] = operation.view_func
    return found


def _declared_page(view) -> str | tuple[str, str]:
    rule = getattr(view, "role_rule", None)
    assert rule is not None, f"{view.__module__}.{view.__name__} is not an @org_view"
    read, write = _codes(rule.read), _codes(rule.write)
    return read if read == write else (read, write)


def _declared_operation(func) -> tuple[str, bool]:
    """The rule and write flag of an operation's first statement, `access = api_access(...)`."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    body = tree.body[0].body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    first = body[0]
    call = first.value if isinstance(first, ast.Assign | ast.Expr) else None
    name = f"{func.__module__}.{func.__name__}"
    assert isinstance(call, ast.Call) and getattr(call.func, "id", "") == "api_access", (
        f"{name} does not start with api_access(...)"
    )
    assert len(call.args) == 3 and isinstance(call.args[2], ast.Name), f"{name}: api_access without a named rule"
    write = any(k.arg == "write" and getattr(k.value, "value", False) is True for k in call.keywords)
    return _codes(func.__globals__[call.args[2].id]), write


def test_it_lists_every_page_and_operation_with_the_rule_it_declares():
    declared_pages = {route: _declared_page(view) for route, view in _page_views().items()}
    assert declared_pages == PAGES
    declared_ops = {key: _declared_operation(func)[0] for key, func in _operations().items()}
    assert declared_ops == OPERATIONS


def test_it_declares_every_unsafe_operation_as_a_write():
    wrong = [f"{m} {p}" for (m, p), f in _operations().items() if _declared_operation(f)[1] != (m in UNSAFE_METHODS)]
    assert not wrong


def _fill(route: str, org_slug: str) -> str:
    def sub(match):
        if match.group("name") == "org_slug":
            return org_slug
        return MISSING_UUID if match.group("conv") == "uuid" else MISSING_ID

    return "/" + PARAM.sub(sub, ORG_PREFIX + route)


def _fill_api(path: str) -> str:
    def sub(match):
        name = match.group(1)
        if name == "org_slug":
            return "demo"
        return MISSING_UUID if name.endswith("_uuid") or name == "job_id" else MISSING_ID

    return "/api/v1" + re.sub(r"\{(\w+)\}", sub, path)


@pytest.mark.django_db
def test_it_refuses_exactly_the_roles_of_the_matrix_on_every_page(request):
    clients = {role: request.getfixturevalue(name) for role, name in CLIENTS.items()}
    failures = []
    for route, refused in PAGES.items():
        read, write = refused if isinstance(refused, tuple) else (refused, refused)
        url = _fill(route, "demo")
        for method, codes in (("get", read), ("post", write)):
            for role, client in clients.items():
                status = _call(client, method, url).status_code
                if (status == 403) != (role in _refused(codes)):
                    failures.append(f"{role}: {method.upper()} {url} → {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_it_refuses_exactly_the_roles_of_the_matrix_on_every_api_operation(request):
    clients = {role: request.getfixturevalue(name) for role, name in CLIENTS.items()}
    failures = []
    for (method, path), codes in OPERATIONS.items():
        url = _fill_api(path)
        for role, client in clients.items():
            response = _call(client, method.lower(), url)
            if (response.status_code == 403) != (role in _refused(codes)):
                failures.append(f"{role}: {method} {url} → {response.status_code} {response.content[:100]!r}")
    assert not failures, "\n".join(failures)
