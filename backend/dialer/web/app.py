"""The Starlette application: middleware, error handlers, templates and the routes of each area.

`create_app(settings)` is all a server or a test needs; with `manage_db=False` the caller
owns the ORM's lifetime (tests, the demo that seeds before serving).
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable, Sequence

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from dialer import __version__
from dialer.accounts.throttle import LoginThrottle
from dialer.config import Settings, ensure_secret_key
from dialer.db import close_db, init_db
from dialer.hub import MemoryHub
from dialer.integrations.delivery import start_webhook_worker, stop_webhook_worker
from dialer.web.errors import (
    ApiError,
    LoginRequired,
    on_api_error,
    on_client_gone,
    on_http_exception,
    on_login_required,
    on_unexpected,
)
from dialer.web.routes import account, api_core, dashboard, session_pages, users
from dialer.web.routes import admin_campaigns, admin_contacts, admin_dnc, admin_profiles, admin_teams
from dialer.web.routes import admin_billing
from dialer.web.routes import api_calls, api_campaigns, api_contacts, api_docs
from dialer.web.routes import webhooks
from dialer.web.routes import supervisor_calls, supervisor_reports, supervisor_wallboard
from dialer.web.routes import recordings
from dialer.web.routes import api_imports, imports
from dialer.web.routes import agent_api, agent_common, agent_dnc, agent_drafts, agent_panel, agent_socket
from dialer.importer.recovery import fail_abandoned_jobs
from dialer.web import body_limit
from dialer.web.security_headers import SecurityHeadersMiddleware
from dialer.web.csrf import csrf_context, csrf_field
from dialer.labels import label, page_labels

HERE = Path(__file__).parent
log = logging.getLogger(__name__)

# Each area's module exposes `routes`; add an area here (one line each).
ROUTE_MODULES = [
    session_pages,
    dashboard,
    users,
    account,
    api_core,
    admin_campaigns, admin_profiles, admin_contacts, admin_dnc, admin_teams,
    admin_billing,
    api_contacts, api_calls, api_campaigns, api_docs,
    webhooks,
    supervisor_reports, supervisor_calls, supervisor_wallboard,
    recordings,
    imports,
    api_imports,
    agent_panel, agent_api, agent_drafts, agent_dnc, agent_socket,
]


def _templates() -> Jinja2Templates:
    # The CSRF field is a global, filled by a context processor that runs on every render:
    # a macro imported without context, or a route that forgets to pass the token, still
    # renders a form that can be saved.
    templates = Jinja2Templates(directory=str(HERE / "templates"), context_processors=[csrf_context])
    templates.env.globals["version"] = __version__
    templates.env.globals["csrf_field"] = csrf_field
    # Words, not enum values, on every page: `{{ call.outcome|label("In progress") }}`.
    templates.env.filters["label"] = label
    templates.env.globals["enum_labels"] = page_labels  # the same words for the live pages' scripts
    return templates


AppHook = Callable[[Starlette], Awaitable[None]]


async def _fail_abandoned_imports() -> None:
    """Imports whose process died are failed (and undone) when a server starts."""
    try:
        failed = await fail_abandoned_jobs()
    except Exception:  # noqa: BLE001 - never keep the server from starting over this
        log.exception("checking for interrupted imports failed")
        return
    if failed:
        log.warning("failed %d import job(s) left running by a process that ended", failed)


def create_app(settings: Settings, *, manage_db: bool = True, hub: MemoryHub | None = None,
               on_start: Sequence[AppHook] = (), on_stop: Sequence[AppHook] = ()) -> Starlette:
    """`on_start` hooks run after the database is up (e.g. the engine starts there), `on_stop`
    hooks before it closes; the hub is shared by the engine and the pages that push live."""
    settings = ensure_secret_key(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_db:
            await init_db(settings.database_url)
            await _fail_abandoned_imports()
        # Webhooks are sent by the process that owns the database (a real server, not a test).
        webhook_worker = start_webhook_worker() if manage_db else None
        try:
            for hook in on_start:
                await hook(app)
            yield
        finally:
            for hook in reversed(on_stop):
                await hook(app)
            if webhook_worker is not None:
                await stop_webhook_worker(webhook_worker)
            if manage_db:
                await close_db()

    routes = [route for module in ROUTE_MODULES for route in module.routes]
    routes.append(Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"))
    middleware = [
        Middleware(SecurityHeadersMiddleware),
        Middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie="dialer_session",
                   max_age=settings.session_max_age_s, same_site="lax", https_only=settings.cookie_secure),
        Middleware(body_limit.BodyLimitMiddleware, limit=body_limit.MAX_BODY_BYTES),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            ApiError: on_api_error,
            HTTPException: on_http_exception,
            LoginRequired: on_login_required,
            ClientDisconnect: on_client_gone,
            Exception: on_unexpected,
        },
    )
    app.state.settings = settings
    app.state.hub = hub or MemoryHub()
    app.state.engine = None  # set by the runtime when this process runs the engine
    app.state.on_logout = agent_common.logout_hook(app)  # a web logout signs the extension out too
    app.state.templates = _templates()
    app.state.login_throttle = LoginThrottle(max_failures=settings.login_max_failures,
                                             window_s=settings.login_window_s)
    return app
