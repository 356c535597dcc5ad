"""create_app(settings): load boundaries, catalogue and store once, then serve pages, embeds and the JSON API."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from geo import resources
from geo.boundaries import BoundarySet
from layers.core.catalogue import Catalogue
from layers.core.fmt import number
from layers.core.memo import Memo
from layers.core.zones import ZoneBook
from layers.pages.atlas import Atlas
from layers.render import features
from layers.store.accounts import Accounts
from layers.store.backends import open_store
from layers.store.seed import ensure_seeded
from server import allocator, errors, templating
from server.compression import BodyCache, Compression
from server.csp import Policy, inline_script_hashes
from server.kept_responses import ResponseCache
from server.limits import RenderGate
from server.middleware import SecuredFastAPI
from server.params import only_declared
from server.routes import (
    account,
    api,
    charts,
    datasets,
    exports,
    mapstate,
    pages,
    plans,
    regions,
    search,
    signin,
    sources,
    views,
    workspace,
    zones,
)
from server.settings import Settings

STATIC = resources.STATIC
TEMPLATES = resources.TEMPLATES


def render_gate(settings: Settings) -> RenderGate:
    """The per-worker bound on expensive renders (server.limits), from the settings."""
    return RenderGate(settings.render_slots, settings.render_queue, settings.render_wait_seconds,
                      settings.retry_after_seconds)


def export_gate(settings: Settings) -> RenderGate:
    """The per-worker bound on downloads drawn (exports, briefing PDFs, chart images): slots apart from the maps'.
    Their rasters still share the render gate's pixel budget, so memory stays bounded as before."""
    return RenderGate(settings.export_slots, settings.export_queue, settings.render_wait_seconds,
                      settings.retry_after_seconds, pixels=0)


def load_atlas(settings: Settings, gate: RenderGate | None = None, downloads: RenderGate | None = None) -> Atlas:
    """Everything the app reads, loaded once; the store is created and seeded on first start."""
    store = open_store(settings.database, settings.database_url)
    catalogue = Catalogue.load()
    ensure_seeded(store, catalogue)
    features.set_budget(settings.cache_bytes("geometry"))
    return Atlas(BoundarySet.load(settings.boundaries), catalogue, store, settings.tile_url, settings.tile_attribution,
                 ZoneBook.load(settings.zones), map_approval=settings.map_approval,
                 render_cache_bytes=settings.cache_bytes("renders"), memo_cache_bytes=settings.cache_bytes("memo"),
                 render_guard=gate, download_guard=downloads or gate,
                 canvas_guard=gate.canvas if gate is not None else None)


def cache_usage(app: FastAPI) -> dict[str, tuple[int, int]]:
    """(entries, bytes) of every cache a worker keeps inside IPMAP_CACHE_MB, and of the few bounded by
    construction outside it (snapshots of a few data versions, boundary GeoJSON)."""
    return {"responses": app.state.kept.usage(), "compressed": app.state.compressed.usage(),
            **app.state.atlas.cache_usage()}


async def trim_every(seconds: float) -> None:
    """Return freed memory to the system now and then (server.allocator), off the event loop."""
    while True:
        await anyio.sleep(seconds)
        await anyio.to_thread.run_sync(allocator.trim)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app from explicit settings (tests) or the environment (serving)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        allocator.tune()
        # Renders are Python and hold the interpreter lock; a shorter switch interval hands it back to the event
        # loop sooner, so /healthz and kept pages are answered between the render's slices (server.limits).
        sys.setswitchinterval(settings.switch_interval_ms / 1000)
        app.state.atlas = load_atlas(settings, app.state.render_gate, app.state.export_gate)
        app.state.accounts = Accounts(app.state.atlas.store)
        async with anyio.create_task_group() as tasks:
            if settings.trim_seconds > 0:
                tasks.start_soon(trim_every, settings.trim_seconds)
            yield
            tasks.cancel_scope.cancel()
        app.state.atlas.store.close()

    app = SecuredFastAPI(
        title="甘肃知识产权地图 Gansu IP Map",
        description="Patents and pilot zones across Gansu's prefectures and counties. Reads are public; "
                    "every value carries its source.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(only_declared)],  # unknown query parameters: 422 on the API, redirect on pages
    )
    app.state.settings = settings
    app.state.render_gate = render_gate(settings)
    app.state.export_gate = export_gate(settings)
    # a password check costs ~64 MB and ~0.2 s (argon2): a few at once per worker, a short queue, then 503
    app.state.password_gate = RenderGate(slots=2, queue=8, wait=10.0, retry_after=5, pixels=0)
    app.state.csp = Policy(settings.frame_ancestors or "'self'", settings.tile_url,
                           embed_frame_ancestors=settings.frame_ancestors or "*")
    app.state.templates = Jinja2Templates(directory=TEMPLATES)
    app.state.templates.env.filters["number"] = number
    templating.configure(app.state.templates)
    app.state.templates.env.globals["map_approval"] = settings.map_approval
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/openapi.json", title="Gansu IP Map API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},
        )
        page.headers["content-security-policy"] = app.state.csp.header(inline_script_hashes(bytes(page.body).decode()))
        return page

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        return RedirectResponse("/static/favicon.svg", status_code=301)

    app.include_router(pages.router)
    app.include_router(mapstate.router)
    app.include_router(api.router)
    app.include_router(datasets.router)
    app.include_router(views.router)
    app.include_router(charts.router)
    app.include_router(exports.router)
    app.include_router(zones.router)
    app.include_router(regions.router)
    app.include_router(search.router)
    app.include_router(sources.router)
    app.include_router(signin.router)
    app.include_router(plans.router)  # before the workspace's: its templates are named paths under the same folder
    app.include_router(plans.api_router)
    app.include_router(workspace.router)
    app.include_router(account.router)
    errors.install(app)
    # innermost: kept bodies still pass through compression and headers
    app.state.kept = Memo(size=None, max_bytes=settings.cache_bytes("responses"))
    app.state.compressed = BodyCache(settings.cache_bytes("compressed"))
    app.add_middleware(ResponseCache, memo=app.state.kept)
    app.add_middleware(Compression, cache=app.state.compressed)  # SecurityHeaders wraps all
    return app
