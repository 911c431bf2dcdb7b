"""OpenAPI pieces: the error responses every route declares, and request bodies that take
either JSON or multipart (FastAPI documents one body type per route on its own)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from app.api.schemas import ErrorBody

Responses = dict[int | str, dict[str, Any]]


def errors(*statuses: int) -> Responses:
    described = {
        400: "The body cannot be parsed (not JSON, or not UTF-8).",
        401: "No API key was sent.",
        403: "The key is not valid, or is read-only on a write route.",
        404: "No such resource (or it belongs to another key's label).",
        409: "The request conflicts with the current state (e.g. no case notes yet).",
        413: "The request body or an uploaded file is too large.",
        422: "A field is missing or invalid; `details` names each one.",
        429: "Too many requests for this key; wait `Retry-After` seconds.",
        503: "The case-note store is unavailable.",
    }
    return {s: {"model": ErrorBody, "description": described[s]} for s in statuses}


READ = errors(401, 403, 422, 429)
WRITE = errors(400, 401, 403, 413, 422, 429)


def json_or_multipart(json_model: type[BaseModel], multipart: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra` for a route that reads the body itself (JSON or multipart)."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": f"#/components/schemas/{json_model.__name__}"}
                },
                "multipart/form-data": {"schema": multipart},
            },
        }
    }


def files_form(extra: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["files", *required],
        "properties": {
            "files": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "format": "binary"},
            },
            **extra,
        },
    }


def install(app: FastAPI, body_models: list[type[BaseModel]]) -> None:
    """Generate the schema once, adding the models that routes read by hand."""

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in body_models:
            found = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in found.pop("$defs", {}).items():
                components.setdefault(name, definition)
            components[model.__name__] = found
        app.openapi_schema = schema
        return schema

    setattr(app, "openapi", build)  # noqa: B010 - FastAPI's documented override
