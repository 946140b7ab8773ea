"""The published OpenAPI schema, with every answer the server gives documented.

FastAPI documents each route's own answer (200, 201) and 422. The others come from what every
route shares, so they are added here for every operation: 400 (a request the capability
refuses, `TechleadError`), 404 (no such repository, or not granted, or no such record), 422
where FastAPI lists it (in this server's error shape), and in team mode 401 (not signed in)
and 403 (not allowed: a viewer's change, a missing CSRF token, hiring records without a
hiring role). Every error is `{"error": "..."}`. 405 needs no entry: it answers methods the
schema does not list, with the `Allow` header naming those it does.
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "title": "Error",
    "type": "object",
    "properties": {"error": {"type": "string", "description": "What went wrong, in one line."}},
    "required": ["error"],
}
_ERROR_REFERENCE = {"$ref": "#/components/schemas/Error"}
_REFUSED = {"400": "The request cannot be done as given (the message says why)."}
_INVALID = {"422": "A parameter or the body does not have the documented form."}
_IN_A_REPOSITORY = {
    "404": "No such repository here (or it is not granted to the user), or no such record.",
}
_TEAM = {
    "401": "Not signed in: send a session cookie or `Authorization: Bearer TOKEN`.",
    "403": "Not allowed for this user: changes need an editor (and, from a browser, the "
    "session's CSRF token); candidates and calibration need a hiring role.",
}
_WWW_AUTHENTICATE = {"WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}}


_SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "`techlead user token`"},
    "session": {"type": "apiKey", "in": "cookie", "name": "techlead_session"},
}


def document_responses(schema: dict[str, Any], team: bool) -> dict[str, Any]:
    """`schema` (FastAPI's) with the shared error answers added to every operation, and in
    team mode how to authenticate (a bearer token or the session cookie)."""
    components = schema.setdefault("components", {})
    if team:
        components["securitySchemes"] = _SECURITY_SCHEMES
        schema["security"] = [{"bearer": []}, {"session": []}]
    schemas = components.setdefault("schemas", {})
    schemas["Error"] = ERROR
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)  # this server answers 422 as an Error too
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            answers = {**_REFUSED, **(_INVALID if "422" in responses else {})}
            if "{repository}" in path:
                answers.update(_IN_A_REPOSITORY)
            if team:
                answers.update(_TEAM)
            for status, description in answers.items():
                response: dict[str, Any] = {
                    "description": description,
                    "content": {"application/json": {"schema": _ERROR_REFERENCE}},
                }
                if status == "401":
                    response["headers"] = _WWW_AUTHENTICATE
                responses[status] = response
    return schema
