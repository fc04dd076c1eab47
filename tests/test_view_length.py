"""Views stay short: at most MAX_LINES lines of body, so that each reads as an adapter.

It walks every view of the product itself: the functions the URL configuration resolves to
(the product's own, unwrapped from their decorators) and every operation of the API's
routers. The body is counted from the first statement after the docstring to the last
line, blank lines left out (comments count: they are part of what a reader reads). A view
that may be longer is in ALLOWED with the reason why; a workflow belongs in the app's
services.py, a read that aggregates in its selectors.
"""

import ast
import inspect
import textwrap

from django.urls import get_resolver

from leerkoers.api import api
from tests.test_isolation import _walk

MAX_LINES = 30

# "module.function" → why it may be longer than MAX_LINES (one line each; keep this short).
ALLOWED: dict[str, str] = {}


def _product_views() -> dict[str, object]:
    views = {}
    for _route, pattern in _walk(get_resolver().url_patterns):
        func = inspect.unwrap(getattr(pattern.callback, "view_class", pattern.callback))
        if func.__module__.startswith("leerkoers."):
            views[f"{func.__module__}.{func.__qualname__}"] = func
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                func = inspect.unwrap(operation.view_func)
                views[f"{func.__module__}.{func.__qualname__}"] = func
    return views


def body_lines(func) -> int:
    """The lines of `func`'s body without its docstring and blank lines."""
    source = textwrap.dedent(inspect.getsource(func))
    node = ast.parse(source).body[0]
    if isinstance(node, ast.ClassDef):
        return 0  # a class-based view: its methods are not one view function
    body = node.body
    if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    lines = source.splitlines()[body[0].lineno - 1 : node.end_lineno]
    return sum(1 for line in lines if line.strip())


def test_it_counts_a_body_without_its_docstring_and_blank_lines():
    def view(request):
        """A docstring
        of two lines."""
        first = 1

        # a comment counts
        return first

    assert body_lines(view) == 3


def test_it_finds_html_views_and_api_operations():
    views = _product_views()
    assert "leerkoers.orgs.views.members" in views
    assert "leerkoers.orgs.api.team_list" in views
    assert not any(name.startswith("django.") or name.startswith("ninja.") for name in views)


def test_every_view_is_short_or_says_why_not():
    views = _product_views()
    too_long = {name: n for name, func in views.items() if (n := body_lines(func)) > MAX_LINES}
    unexplained = [f"{name}: {n} lines" for name, n in sorted(too_long.items()) if name not in ALLOWED]
    assert not unexplained, f"views longer than {MAX_LINES} lines:\n" + "\n".join(unexplained)
    stale = sorted(set(ALLOWED) - set(too_long))
    assert not stale, f"allowed as long but no longer long (or gone): {stale}"
