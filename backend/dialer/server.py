"""`dialer run`: apply migrations, then serve the web app with uvicorn."""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import uvicorn

from dialer.config import Settings, load_settings
from dialer.db import migrate


def serve(host: str | None = None, port: int | None = None, *, migrate_first: bool = True,
          settings: Settings | None = None) -> int:
    settings = settings or load_settings()
    settings = dataclasses.replace(settings, host=host or settings.host, port=port or settings.port)
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if migrate_first:
        applied = asyncio.run(migrate(settings.database_url))
        for step in applied:
            logging.getLogger("dialer").info("migration %s", step)
    from dialer.runtime import EngineRuntime
    from dialer.web.app import create_app

    if settings.engine:
        runtime = EngineRuntime(settings)
        app = create_app(settings, on_start=[runtime.start], on_stop=[runtime.stop])
    else:
        app = create_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level, lifespan="on")
    return 0
