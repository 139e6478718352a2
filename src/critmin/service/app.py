"""The FastAPI application: REST API, OGC API – Features, self-hosted Swagger UI and the web UI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from critmin import __version__
from critmin.config import get_settings
from critmin.service.access import write_gate
from critmin.service.errors import install_error_handlers
from critmin.service.middleware import AuditLog, BodyLimit, RateLimit, SecurityHeaders
from critmin.service.routers import (
    admin,
    assessment,
    auth,
    deposits,
    economics,
    geochem,
    ogcapi,
    oidc,
    prospectivity,
    sharing,
    supply,
    ui,
    workflows,
)
from critmin.store.db import Database, open_database

STATIC = Path(str(resources.files("critmin.service") / "static"))
UI_DIR = STATIC / "ui"

_NOT_BUILT = """<!doctype html><html><head><meta charset="utf-8"><title>critmin</title></head>
<body><h1>critmin</h1><p>The web UI is not built. Run the README's set-up command (it runs
<code>npm ci &amp;&amp; npm run build</code> in <code>frontend/</code>). The API is available:
<a href="/docs">/docs</a>, <a href="/collections">/collections</a>.</p></body></html>"""


def _wants_json(request: Request) -> bool:
    f = request.query_params.get("f")
    if f is not None:
        return f.lower() in ("json", "application/json")
    accept = request.headers.get("accept", "")
    return "text/html" not in accept and ("json" in accept or accept in ("", "*/*"))


def create_app(db: Database | None = None) -> FastAPI:
    """Build the application for ``db`` (default: the configured store)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = db or open_database()
        app.state.db.check_migrated()
        assessment.start_jobs(app)
        prospectivity.start_jobs(app)
        workflows.start_jobs(app)
        yield
        workflows.stop_jobs(app)
        prospectivity.stop_jobs(app)
        assessment.stop_jobs(app)
        if db is None:
            app.state.db.dispose()

    app = FastAPI(title="critmin", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Critical minerals from rock to supply security: deposit knowledge base (REST and "
                              "OGC API – Features).",
                  dependencies=[Depends(write_gate)])
    install_error_handlers(app)
    app.include_router(ui.router)
    app.include_router(deposits.router)
    app.include_router(ogcapi.router)
    app.include_router(assessment.router)
    app.include_router(geochem.router)
    app.include_router(prospectivity.router)
    app.include_router(economics.router)
    app.include_router(supply.router)
    app.include_router(workflows.router)
    app.include_router(auth.router)
    app.include_router(oidc.router)
    app.include_router(sharing.router)
    app.include_router(admin.router)

    @app.get("/", include_in_schema=False)
    def landing(request: Request) -> Response:
        """OGC API landing page for API clients; the web UI for browsers."""
        if _wants_json(request):
            return JSONResponse(ogcapi.landing_page(request))
        index = UI_DIR / "index.html"
        if index.exists():
            return HTMLResponse(index.read_text(encoding="utf-8"))
        return HTMLResponse(_NOT_BUILT)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI served from our own static files (no CDN)."""
        return get_swagger_ui_html(openapi_url="/openapi.json", title="critmin API",
                                   swagger_js_url="/ui/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/ui/swagger/swagger-ui.css",
                                   swagger_favicon_url="/ui/swagger/favicon-32x32.png")

    # outermost last: headers on every response, then rate and size limits, then the audit of what got through
    settings = get_settings()
    app.add_middleware(AuditLog, db_getter=lambda: getattr(app.state, "db", None))
    app.add_middleware(BodyLimit, max_bytes=int(settings.max_upload_mb * 1e6))
    app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute)
    app.add_middleware(SecurityHeaders)

    UI_DIR.mkdir(parents=True, exist_ok=True)
    app.mount("/ui", StaticFiles(directory=UI_DIR, html=True, check_dir=False), name="ui")
    return app
