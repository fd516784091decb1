"""OpenAPI schema post-processing: the error answers every operation really gives.

Views declare their success answers and any error code special to them (409, 429, a 400 from a
query parameter) with ``extend_schema``; this hook, registered in
``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``, adds the answers common to all of them, in the
format of ``core.api.exception_handler``:

- ``401`` (``Error``) on every operation that needs authentication;
- ``400`` (``ValidationError``) and ``413`` (``Error``, the body is over
  ``DATA_UPLOAD_MAX_MEMORY_SIZE``) on every operation that takes a request body;
- ``404`` (``Error``) on every operation with path or query parameters (ids that are unknown or
  not yours, and pages past the end, answer 404);
- a body for every 4xx a view declared with a description only: ``ValidationError`` for 400,
  ``Error`` otherwise.

It also keeps pagination where DRF applies it, on ``GET`` only: a ``POST`` that answers a list
(``POST assignments/``) returns it whole, without ``page`` parameters.
"""

from __future__ import annotations

from typing import Any

ERROR = "#/components/schemas/Error"
VALIDATION_ERROR = "#/components/schemas/ValidationError"

ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "description": "Every error answer. Some add fields, e.g. a 409 with the `id` of the "
        "object that is already there.",
        "properties": {
            "detail": {"type": "string", "description": "A message for people."},
            "code": {
                "type": "string",
                "description": "A stable code for programs, e.g. `not_found`, `conflict`, "
                "`time_up`; docs/api.md lists every one with its status.",
            },
        },
        "required": ["detail", "code"],
    },
    "ValidationError": {
        "type": "object",
        "description": "Invalid input: `errors` names each field with its messages "
        "(`non_field_errors` for the input as a whole); it is absent when the body could not "
        "be read at all.",
        "properties": {
            "detail": {"type": "string"},
            "code": {
                "type": "string",
                "description": "`invalid`, or a more precise code such as `not_in_set`; "
                "`parse_error` or `bad_request` when the body could not be read.",
            },
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["detail", "code"],
    },
}

DESCRIPTIONS = {
    "400": "Invalid input.",
    "401": "Not authenticated: the token is missing, unknown or revoked.",
    "404": "Not found, or not yours.",
    "409": "The object's state does not allow this.",
    "413": "The request body is over the size limit.",
    "429": "Too many tries.",
}

PAGINATION_PARAMETERS = {"page", "page_size"}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": ref}}}


def _unpaginate(operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    operation["parameters"] = [
        p
        for p in operation.get("parameters", [])
        if not (p.get("in") == "query" and p.get("name") in PAGINATION_PARAMETERS)
    ]
    if not operation["parameters"]:
        del operation["parameters"]
    for response in operation.get("responses", {}).values():
        for media in response.get("content", {}).values():
            ref = media.get("schema", {}).get("$ref", "")
            name = ref.rsplit("/", 1)[-1]
            if name.startswith("Paginated") and name in schemas:
                media["schema"] = schemas[name]["properties"]["results"]


def _used_refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= _used_refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_used_refs(item) for item in node)) if node else set()
    return set()


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool, **kwargs: Any
) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(ERROR_SCHEMAS)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if method != "get":
                _unpaginate(operation, schemas)
            responses = operation["responses"]
            if operation.get("security"):
                responses.setdefault("401", {})
            if "requestBody" in operation:
                responses.setdefault("400", {})
                responses.setdefault("413", {})
            if operation.get("parameters"):
                responses.setdefault("404", {})
            for code, response in list(responses.items()):
                if code.startswith("4") and "content" not in response:
                    description = response.get("description", "")
                    if description in ("", "No response body"):
                        description = DESCRIPTIONS.get(code, "")
                    responses[code] = {
                        **response,
                        "description": description,
                        "content": _json(VALIDATION_ERROR if code == "400" else ERROR),
                    }
            operation["responses"] = dict(sorted(responses.items()))
    # Drop the paginated wrappers no operation uses any more.
    used = _used_refs(result.get("paths", {})) | _used_refs(schemas)
    for name in [n for n in schemas if n.startswith("Paginated")]:
        if f"#/components/schemas/{name}" not in used:
            del schemas[name]
    return result
