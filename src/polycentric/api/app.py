"""The FastAPI application: read-only routes over the library, the dashboard, errors as JSON.

:func:`create_app` builds the app; ``polycentric serve`` runs it with uvicorn. Library
errors map to HTTP statuses (see :data:`polycentric.errors.ERROR_TABLE`); every error body is
``{"error": {"type": ..., "message": ..., "details": ...}}``.

Dependency rule: may import any library package; imports no other shell.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from polycentric import __version__
from polycentric.api.backend import Backend
from polycentric.api.caching import ResponseCache
from polycentric.api.limits import MAX_BODY, READ_TIMEOUT, REQUEST_TIMEOUT, RequestLimits
from polycentric.errors import PolycentricError, http_status
from polycentric.record.cite import record_id

__all__ = ["CITATION", "create_app"]

CITATION = (
    "United Nations Digital Library, General Assembly voting data (record 4060887), "
    "https://digitallibrary.un.org/record/4060887; Erik Voeten, United Nations General Assembly "
    "Voting Data, Harvard Dataverse, hdl:1902.1/12379; Bailey, Strezhnev & Voeten (2017), "
    "Journal of Conflict Resolution 61(2)."
)

def _status_of(exc: PolycentricError) -> int:
    """The HTTP status of a library error: :func:`polycentric.errors.http_status` (one table for every shell)."""
    return http_status(exc)


def _error(status: int, kind: str, message: str, details: Any = None) -> JSONResponse:
    body: dict[str, Any] = {"error": {"type": kind, "message": message}}
    if details is not None:
        body["error"]["details"] = details
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _static_dir() -> Path:
    from polycentric.web import static_dir

    return static_dir()


DOCS_ASSETS = "/api/docs-assets"
"""Where the Swagger UI files are served from: no CDN, so the docs work offline."""


def _swagger_ui_dir() -> Path | None:
    """Swagger UI 5 (npm ``swagger-ui-dist``, pinned in web/package-lock.json), copied by scripts/build-web.sh.

    Swagger UI 5 renders the OpenAPI 3.1 schema FastAPI writes (4.x, as in the PyPI
    ``swagger-ui-bundle`` package, cannot); ``None`` when the dashboard is not built.
    """
    folder = _static_dir() / "api-docs"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def _mount_api_docs(app: FastAPI) -> None:
    """Serve the interactive API docs at ``/api/docs`` from the self-hosted Swagger UI assets."""
    from fastapi.openapi.docs import get_swagger_ui_html

    folder = _swagger_ui_dir()
    if folder is not None:
        app.mount(DOCS_ASSETS, StaticFiles(directory=str(folder)), name="docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        if folder is None:
            return HTMLResponse(
                "<h1>polycentric API</h1><p>The interactive docs need the dashboard's assets: run "
                "<code>bash scripts/build-web.sh</code>. The schema is at "
                "<a href='/api/openapi.json'>/api/openapi.json</a>.</p>"
            )
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="polycentric API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url="/favicon.svg",
        )


def _lower_priority(niceness: int = 5) -> None:
    """Lower the CPU priority of the calling thread only (Linux: a thread is a task with its own nice value)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError):  # not Linux, or not allowed: run at the normal priority
        pass


WORKER_THREADS = 4
"""Requests computed at once (the thread pool of the synchronous routes). The machine has few cores, so
more threads add no speed, only memory: each whole-record measure holds its working frames while it runs."""


def create_app(
    home: str | Path | None = None,
    *,
    record: Any = None,
    warm: bool = False,
    max_body: int = MAX_BODY,
    request_timeout: float | None = REQUEST_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    threads: int = WORKER_THREADS,
    persist_answers: bool = False,
) -> FastAPI:
    """Build the HTTP API and dashboard app.

    Parameters
    ----------
    home
        The record's home folder (default ``$POLYCENTRIC_HOME`` or the user data dir); the
        record is opened on the first request, so the app starts even before a record exists.
    record
        An opened record to serve instead (tests).
    warm
        Open the record and load what ``polycentric build`` stored (the record's tables, ideal points,
        polarity, the forecaster) in a background thread started with the server, then fit anything not
        stored (``polycentric serve`` does this). The server accepts requests at once: routes that need
        nothing still loading answer straight away, and a route whose model is loading waits for that load
        (not for the others) instead of starting its own.
    max_body
        Largest request body in bytes (413 beyond; :mod:`polycentric.api.limits`).
    request_timeout
        Seconds within which a request is answered (503 with ``Retry-After`` beyond).
    read_timeout
        Seconds a client may take to send each chunk of its body (408 beyond).
    threads
        Requests computed at once (bounds the server's memory under load).
    persist_answers
        Write every 200 answer to the home's answer store (``polycentric build`` computes the
        dashboard's default pages this way; :mod:`polycentric.api.precompute`).

    Returns
    -------
    FastAPI
        The app: ``/api/...`` JSON/CSV routes (OpenAPI at ``/api/openapi.json``, docs at
        ``/api/docs``) and the dashboard at ``/``.
    """
    backend = Backend(home, record)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        if warm:
            from polycentric.api.routes import forecast, idealpoints

            def load_record() -> None:
                try:
                    backend.preload()
                except Exception:  # no record yet: the requests say so
                    return

            def load_models() -> None:
                _lower_priority()  # requests (and the record's tables they wait for) go first on a busy machine
                # the forecaster first: a forecast of a new draft is the one answer build cannot store ahead
                forecast.warm(backend, stored_only=True)
                idealpoints.warm(backend, stored_only=True)
                idealpoints.warm(backend)  # anything not stored: fitted now
                forecast.warm(backend)

            # In the background, on two threads (the record's tables are read by Polars, which releases the
            # GIL, while the models are unpickled): the server answers at once (health, and whatever is
            # already loaded); a request that needs what is still loading waits for that one load
            # (``Backend.memo`` is single-flight) instead of starting its own.
            for target, name in ((load_record, "polycentric-warm-record"), (load_models, "polycentric-warm-models")):
                threading.Thread(target=target, daemon=True, name=name).start()
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="polycentric",
        version=__version__,
        summary="Read-only API over the UN General Assembly voting record and the measures built on it.",
        description=(
            "Every route is a thin shell over a polycentric library function. Tables come as a JSON page "
            "`{total, limit, offset, count, data}` or as CSV (`?format=csv` or `Accept: text/csv`). "
            "Errors are JSON `{error: {type, message}}`: 404 unknown state/group/roll call, 422 bad input. "
            f"Data: {CITATION}"
        ),
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.backend = backend
    _mount_api_docs(app)

    @app.exception_handler(PolycentricError)
    async def _library_error(request: Request, exc: PolycentricError) -> JSONResponse:
        return _error(_status_of(exc), type(exc).__name__, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")} for e in exc.errors()
        ]
        message = "; ".join(f"{d['where']}: {d['problem']}" for d in details) or "invalid request"
        return _error(422, "ValidationError", message, details)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, "HTTPError", str(exc.detail))

    @app.get("/api/health", tags=["meta"], summary="Liveness probe")
    async def health() -> dict[str, str]:
        """Always ``{"status": "ok"}`` while the server runs (does not open the record)."""
        return {"status": "ok", "version": __version__}

    @app.get("/api/meta", tags=["meta"], summary="Record version, package version, citation")
    def meta() -> dict[str, Any]:
        """The record's id (``Record.version``, as Python and the reports show it), polycentric's version,
        how to cite the data, and its coverage.

        ``coverage``: ``General Assembly votes through DATE; Security Council through DATE`` (the footer says it).
        """
        rec = backend.record
        coverage = getattr(rec, "coverage_line", None)
        return {
            "record_version": record_id(rec),
            "polycentric_version": __version__,
            "citation": CITATION,
            "coverage": coverage() if callable(coverage) else None,
        }

    from polycentric.api.routes import browse as browse_routes
    from polycentric.api.routes import forecast as forecast_routes
    from polycentric.api.routes import groups as group_routes
    from polycentric.api.routes import idealpoints as idealpoint_routes
    from polycentric.api.routes import measures as measure_routes
    from polycentric.api.routes import profile as profile_routes
    from polycentric.api.routes import record as record_routes
    from polycentric.api.routes import search as search_routes
    from polycentric.api.routes import series as series_routes

    app.include_router(record_routes.router)
    app.include_router(group_routes.router)
    app.include_router(measure_routes.router)
    app.include_router(series_routes.router)
    app.include_router(idealpoint_routes.router)
    app.include_router(forecast_routes.router)
    app.include_router(search_routes.router)
    app.include_router(browse_routes.router)
    app.include_router(profile_routes.router)

    static = _static_dir()
    if (static / "index.html").is_file():
        app.mount("/assets", StaticFiles(directory=static / "assets"), name="assets")

        @app.get("/", include_in_schema=False)
        def index() -> FileResponse:
            return FileResponse(static / "index.html", headers={"Cache-Control": "no-cache"})

        @app.get("/favicon.svg", include_in_schema=False)
        def favicon() -> Response:
            path = static / "favicon.svg"
            return FileResponse(path) if path.is_file() else Response(status_code=404)

    else:

        @app.get("/", include_in_schema=False)
        def no_dashboard() -> HTMLResponse:
            return HTMLResponse(
                "<h1>polycentric</h1><p>The dashboard's assets are not built: run "
                "<code>bash scripts/build-web.sh</code>. The API is at <a href='/api/docs'>/api/docs</a>.</p>"
            )

    app.add_middleware(ResponseCache, version=backend.version, store=backend.response_store, persist=persist_answers)
    app.add_middleware(
        RequestLimits, max_body=max_body, request_timeout=request_timeout, read_timeout=read_timeout
    )
    return app
