"""Unknown query parameters are refused (422 validation_error), as unknown JSON keys are.

Why: a misspelt parameter (`?qq=mari`, `?form=` for `?from=`) was ignored, and the call
answered as if it had not been given: a client bug that passes every test against a lenient
server. The published schema promises this too: schemathesis sends extra parameters as
invalid data and expects a refusal (it found one accepted, in a full test run).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError


def known_query_only(request: Request) -> None:
    """An app-wide dependency: runs after routing, so it knows the route's parameters."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.query_params:
        return
    # read once per route, kept with the app that owns the routes (an id is unique only
    # while its route lives, and tests build many apps in one process): create_app's
    cache: dict[int, frozenset[str]] = request.app.state.query_names
    known = cache.get(id(route))
    if known is None:
        known = cache[id(route)] = _query_names(dependant)
    unknown = sorted(set(request.query_params.keys()) - known)
    if unknown:
        raise RequestValidationError(
            [
                {
                    "loc": ("query", name),
                    "msg": "unknown query parameter",
                    "type": "extra_forbidden",
                }
                for name in unknown
            ]
        )


def _query_names(dependant: Any) -> frozenset[str]:
    """The query parameters a route and all its dependencies declare (FastAPI's Dependant)."""
    names: set[str] = set()
    todo = [dependant]
    while todo:
        current = todo.pop()
        names.update(field.alias for field in current.query_params)
        todo.extend(current.dependencies)
    return frozenset(names)
