"""The HTTP face of the service: routes, API keys, body size limit, request ids,
admission (503 at once past `max_in_flight`), and errors that always say what went
wrong (422 naming the field, 404 for an unknown reference, 401, 413, 503), each an
`ErrorBody` the OpenAPI schema declares, never a bare 500 and never echoing the input
back (it may hold personal data)."""

from __future__ import annotations

import hmac
import logging
import re
import uuid
from typing import Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adcraft.serving.feedback import UnknownReference
from adcraft.serving.review_api import review_router
from adcraft.serving.schemas import (
    CopyBody,
    CopyResponse,
    ErrorBody,
    FeedbackBody,
    FeedbackResponse,
    Health,
    RecommendationRequest,
    RecommendationResponse,
)
from adcraft.serving.service import DependencyError, NotReloadable, RecommendationService
from adcraft.settings import ServingSettings
from adcraft.store.copy import InvalidTransition, UnknownCopy

log = logging.getLogger(__name__)
REQUEST_ID_HEADER = "x-request-id"
API_KEY_HEADER = "x-api-key"
_GOOD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _error(status: int, request_id: str, detail, field: str | None = None,
           headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorBody(request_id=request_id, detail=detail, field=field)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def request_id_of(scope: Scope) -> str:
    return scope.setdefault("state", {}).get("request_id", "")


class RequestIdMiddleware:
    """Every response carries X-Request-ID: the caller's (if well formed) or a new one.
    Behind Ray Serve's proxy, which already gives every request an id and sets the
    header on the response, `echo=False` only reads it."""

    def __init__(self, app: ASGIApp, echo: bool = True):
        self.app, self.echo = app, echo

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = given if _GOOD_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if self.echo and message["type"] == "http.response.start":
                message.setdefault("headers", []).append(
                    (REQUEST_ID_HEADER.encode(), request_id.encode()))
            await send(message)

        await self.app(scope, receive, send_with_id)


class AdmissionMiddleware:
    """Overload is answered at once: past `max_in_flight` /v1 requests in this replica,
    503 with Retry-After and an error body, in well under 100 ms, instead of a queue that
    makes every caller wait seconds. /healthz and /admin are always admitted."""

    def __init__(self, app: ASGIApp, max_in_flight: int):
        self.app, self.max_in_flight, self.in_flight = app, max_in_flight, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            return await self.app(scope, receive, send)
        if self.in_flight >= self.max_in_flight:
            response = _error(503, request_id_of(scope), f"overloaded: {self.in_flight} "
                              "requests in flight; retry after 1 s", headers={"Retry-After": "1"})
            return await response(scope, receive, send)
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


ROLE_RANK = {"serving": 0, "marketer": 1, "admin": 2}
# the least role each protected path needs (first match); other paths stay open
NEEDS = (("/admin/", "admin"), ("/v1/review", "marketer"), ("/v1/", "serving"))


def needed_role(path: str) -> str | None:
    return next((role for prefix, role in NEEDS if path.startswith(prefix)), None)


def principal_of(scope: Scope) -> str:
    """Who made the request: the API key's name (dev mode: "dev")."""
    return scope.setdefault("state", {}).get("principal", "")


class ApiKeyMiddleware:
    """401 for /v1 and /admin calls without a valid key (X-API-Key or a Bearer token),
    403 for a key whose role is short of the route's (`NEEDS`), checked before the body
    is read; off only in dev mode (every caller an admin named "dev")."""

    def __init__(self, app: ASGIApp, settings: ServingSettings):
        self.app = app
        self.keys = [(k.key.get_secret_value().encode(), k.role, k.name or f"{k.role}-key-{i}")
                     for i, k in enumerate(settings.api_keys, start=1)]
        self.dev_mode = settings.dev_mode
        if not self.keys and not self.dev_mode:
            log.warning("no API keys configured and not in dev mode: every /v1 call is refused")

    def _holder(self, scope: Scope) -> tuple[str, str] | None:
        headers = dict(scope["headers"])
        key = headers.get(API_KEY_HEADER.encode(), b"")
        auth = headers.get(b"authorization", b"")
        if not key and auth.lower().startswith(b"bearer "):
            key = auth[7:].strip()
        found = None
        for known, role, name in self.keys:  # every key compared: no timing hint
            if key and hmac.compare_digest(key, known) and found is None:
                found = (role, name)
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        needs = needed_role(scope["path"]) if scope["type"] == "http" else None
        if needs is None:
            return await self.app(scope, receive, send)
        holder = ("admin", "dev") if self.dev_mode else self._holder(scope)
        if holder is None:
            response = _error(401, request_id_of(scope), "a valid API key is required",
                              headers={"WWW-Authenticate": "Bearer"})
            return await response(scope, receive, send)
        if ROLE_RANK[holder[0]] < ROLE_RANK[needs]:
            response = _error(403, request_id_of(scope), f"this key's role ({holder[0]}) "
                              f"cannot call {scope['path']}: it needs {needs}")
            return await response(scope, receive, send)
        scope.setdefault("state", {}).update(role=holder[0], principal=holder[1])
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """413 for a body over the limit, whether or not it declares its length."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        too_big = _error(413, request_id_of(scope),
                         f"the body is over the limit of {self.max_bytes} bytes")
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await too_big(scope, receive, send)
        chunks, size, more = [], 0, True
        while more:  # read it all (bounded) so the app never sees a partial body
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.max_bytes:
                return await too_big(scope, receive, send)
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class ReloadBody(BaseModel):
    component: Literal["all", "embedder", "ranker", "conversion", "generator"] = "all"


def _errors(*statuses: int) -> dict[int | str, dict]:
    """The error answers a route may give, each an `ErrorBody`, for the OpenAPI schema."""
    why = {400: "the body cannot be read", 401: "no API key, or a wrong one",
           403: "the API key's role may not call this route",
           404: "the request names something unknown (a product, a request id, a "
                "variant): `field` says which",
           409: "the action does not apply here", 413: "the body is too large",
           422: "the body is not valid: `field` names the first bad one",
           500: "an unexpected failure: quote the request id",
           503: "a model the answer needs is unavailable, or the replica is overloaded: "
                "retry after the Retry-After seconds"}
    return {s: {"model": ErrorBody, "description": why[s]} for s in statuses}


V1_ERRORS = _errors(400, 401, 404, 413, 422, 500, 503)


def _field(loc) -> str:
    return ".".join(str(p) for p in loc)


class ReplicaHeaderMiddleware:
    """Every response names the replica that answered (`X-Adcraft-Replica`: node and
    process), for operators tracing a request across replicas and nodes."""

    def __init__(self, app: ASGIApp, replica: str):
        self.app, self.header = app, (b"x-adcraft-replica", replica.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append(self.header)
            await send(message)

        await self.app(scope, receive, send_named if scope["type"] == "http" else send)


def _json(answer: BaseModel) -> Response:
    """A response model as JSON in one pass, as FastAPI would write it (by alias), without
    dumping, validating and encoding it again; the route's response_model still
    declares it in the schema."""
    return Response(answer.model_dump_json(by_alias=True), media_type="application/json")


def create_api(service: RecommendationService, settings: ServingSettings,
               behind_serve: bool = False, replica: str | None = None) -> FastAPI:
    """The app; `replica` (e.g. "node:pid"): named on every response."""
    api = FastAPI(title="adcraft", version="1", description="Personalised recommendations "
                  "with copy written for each shopper; feedback trains what is shown.")

    @api.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
                  for e in exc.errors()]  # no "input": it may be personal or hostile
        return _error(422, request_id_of(request.scope), errors,
                      _field(errors[0]["loc"]) if errors else None)

    @api.exception_handler(UnknownReference)
    async def unknown(request: Request, exc: UnknownReference) -> JSONResponse:
        return _error(404, request_id_of(request.scope), str(exc), f"body.{exc.field}")

    @api.exception_handler(DependencyError)
    async def unavailable(request: Request, exc: DependencyError) -> JSONResponse:
        return _error(503, request_id_of(request.scope), str(exc), headers={"Retry-After": "1"})

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, request_id_of(request.scope), str(exc.detail),
                      headers=exc.headers)

    @api.exception_handler(UnknownCopy)
    async def no_copy(request: Request, exc: UnknownCopy) -> JSONResponse:
        return _error(404, request_id_of(request.scope), str(exc), "path.copy_id")

    @api.exception_handler(InvalidTransition)
    async def cannot(request: Request, exc: InvalidTransition) -> JSONResponse:
        return _error(409, request_id_of(request.scope), str(exc))

    @api.exception_handler(NotReloadable)
    async def not_here(request: Request, exc: NotReloadable) -> JSONResponse:
        return _error(409, request_id_of(request.scope), str(exc))

    @api.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("request %s failed: %s", request_id_of(request.scope), type(exc).__name__)
        return _error(500, request_id_of(request.scope), "internal error; quote the request id")

    @api.post("/v1/recommendations", response_model=RecommendationResponse,
              responses=V1_ERRORS)
    async def recommendations(body: RecommendationRequest, request: Request):
        return _json(await service.recommend(body, request_id_of(request.scope)))

    @api.post("/v1/copy", response_model=CopyResponse, responses=V1_ERRORS)
    async def copy(body: CopyBody, request: Request):
        return _json(await service.copy(body, request_id_of(request.scope)))

    @api.post("/v1/feedback", response_model=FeedbackResponse, responses=V1_ERRORS)
    async def feedback(body: FeedbackBody, request: Request):
        return await service.record_feedback(body, request_id_of(request.scope))

    @api.get("/healthz", response_model=Health)
    async def healthz():
        store = service.feedback.log.engine.dialect.name
        return Health(status="ok", components={"event_log": store})

    @api.post("/admin/reload", responses=_errors(400, 401, 403, 409, 413, 422, 500, 503))
    async def reload(body: ReloadBody):
        return {"reloaded": await service.reload(body.component)}

    api.include_router(review_router(lambda: service.review,
                                     _errors(400, 401, 403, 404, 409, 413, 422, 500, 503),
                                     preview=lambda **ask: service.preview(**ask)))
    api.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    api.add_middleware(ApiKeyMiddleware, settings=settings)
    api.add_middleware(AdmissionMiddleware, max_in_flight=settings.max_in_flight)
    if replica:
        api.add_middleware(ReplicaHeaderMiddleware, replica=replica)
    api.add_middleware(RequestIdMiddleware, echo=not behind_serve)  # last added: outermost
    return api
