"""Every error as JSON `{error: {code, message, details, request_id}}`, never a traceback.

Our own exceptions carry their status and code; validation errors name each field; anything
unexpected is logged with the request id and answered with a 500 that names only that id.
"""

from __future__ import annotations

import logging
import re
import uuid
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Host, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.schemas import ErrorBody, ErrorDetail, FieldProblem
from app.errors import InvalidInputError, PrimedError, RateLimitedError

log = logging.getLogger("primed.api")
REQUEST_ID = "X-Request-ID"
NOT_JSON = "the body is not valid JSON"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives each request an id (the client's X-Request-ID when sane) and echoes it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_id)


class JsonCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in the JSON error envelope rather
    than as text/plain."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await super().__call__(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if "origin" not in headers or "access-control-request-method" not in headers:
            await super().__call__(scope, receive, send)
            return
        answer = self.preflight_response(request_headers=headers)
        if answer.status_code < 400:
            await answer(scope, receive, send)
            return
        refused = bytes(answer.body).decode("utf-8").removeprefix("Disallowed CORS ")
        kept = {
            k: v for k, v in answer.headers.items() if k not in ("content-type", "content-length")
        }
        response = error_response(
            Request(scope),
            answer.status_code,
            "cors_refused",
            f"CORS preflight refused: {refused} not allowed (PRIMED_API_CORS_ORIGINS)",
            headers=kept,
        )
        await response(scope, receive, send)


def request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    rid = request_id(request)
    body = ErrorBody(
        error=ErrorDetail(code=code, message=message, details=details or [], request_id=rid)
    )
    all_headers = dict(headers or {})
    if rid:
        all_headers[REQUEST_ID] = rid
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=all_headers)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    """`copy`, `notes.3.industry` for the body; `query.k`, `path.note_id` for the rest."""
    parts = [str(part) for part in loc]
    if parts[:1] == ["body"] and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or "body"


async def on_primed_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PrimedError)
    details: list[FieldProblem] = []
    headers: dict[str, str] = {}
    if isinstance(exc, InvalidInputError):
        if exc.field:
            details.append(FieldProblem(field=exc.field, message=str(exc)))
        details.extend(FieldProblem(field=where, message=what) for where, what in exc.problems)
    if isinstance(exc, RateLimitedError):
        headers["Retry-After"] = str(exc.retry_after)
    if exc.http_status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if exc.http_status >= 500:
        log.warning("request %s: %s: %s", request_id(request), exc.code, exc)
    return error_response(request, exc.http_status, exc.code, str(exc), details, headers)


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if any(error.get("type") == "json_invalid" for error in exc.errors()):
        # FastAPI names the byte offset as if it were a field ("check 9"): say it plainly, and
        # the same way for the routes that parse their body themselves.
        details = [FieldProblem(field="body", message=NOT_JSON)]
        return error_response(request, 422, "validation_error", NOT_JSON, details)
    details = [
        FieldProblem(field=_field(error.get("loc", ())), message=str(error.get("msg", "invalid")))
        for error in exc.errors()
    ]
    fields = ", ".join(dict.fromkeys(d.field for d in details))
    return error_response(
        request, 422, "validation_error", f"the request is not valid: check {fields}", details
    )


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    if status == 400 and exc.detail == "There was an error parsing the body":
        # FastAPI's answer to a body that is not UTF-8 or nests too deep: the same 422 as any
        # body that does not parse, on every route.
        details = [FieldProblem(field="body", message=NOT_JSON)]
        return error_response(request, 422, "validation_error", NOT_JSON, details)
    code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
        status, HTTPStatus(status).phrase.lower().replace(" ", "_")
    )
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    headers = dict(exc.headers or {})
    if status == 404 and message == "Not Found":
        message = f"no such endpoint: {request.method} {request.url.path} (see /docs)"
    if status == 405:
        # Starlette names only the first route's methods; a path may have several routes.
        allowed = _allowed_methods(request) or sorted(
            (m.strip() for m in headers.get("Allow", "").split(",") if m.strip()),
            key=lambda m: _METHODS.index(m) if m in _METHODS else len(_METHODS),
        )
        if allowed:
            headers["Allow"] = ", ".join(allowed)
            use = " or ".join(allowed)
            message = f"{request.method} is not allowed on {request.url.path}; use {use}"
    return error_response(request, status, code, message, headers=headers)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> list[str]:
    """The methods some route of the app takes on this path, asked of the routes themselves
    (Starlette's `matches`, as routing does: included routers, root_path and routes kept out
    of OpenAPI, like HEAD /healthz, all count)."""
    # A Mount or Host matches every method (its own app answers a 405): left out.
    routes = [route for route in request.app.routes if not isinstance(route, (Mount, Host))]
    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in routes):
            allowed.append(method)
    return allowed


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    rid = request_id(request)
    log.error("request %s failed", rid, exc_info=exc)
    return error_response(
        request,
        500,
        "internal_error",
        f"something went wrong on our side; quote request id {rid} when reporting it",
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(PrimedError, on_primed_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
