"""The database: the Tortoise configuration, start-up and shutdown, and migrations.

One migration history (top-level `migrations/`, imported as `dialer.migrations`) serves
SQLite and PostgreSQL: Tortoise's built-in migrations hold operations, not SQL, and
generate each dialect's SQL when applied.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import urlsplit

from tortoise import Tortoise
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate as migrate_api
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.migrations.executor import PlanStep

from dialer.config import Settings, load_settings

APP_LABEL = "models"
MODELS_MODULE = "dialer.models"
MIGRATIONS_MODULE = "dialer.migrations"


def normalise_db_url(url: str) -> str:
    """Accept the URL spellings people paste (postgresql://, sqlite:///abs) as Tortoise wants them."""
    scheme = urlsplit(url).scheme
    if scheme == "postgresql":
        return "postgres" + url[len("postgresql"):]
    return url


def tortoise_config(db_url: str) -> dict[str, Any]:
    """The TORTOISE_ORM configuration for a database URL; migrations use the same."""
    return {
        "connections": {"default": normalise_db_url(db_url)},
        "apps": {
            APP_LABEL: {
                "models": [MODELS_MODULE],
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _ensure_sqlite_dir(db_url: str) -> None:
    if db_url.startswith("sqlite://") and ":memory:" not in db_url:
        path = Path(db_url[len("sqlite://"):].split("?", 1)[0])
        path.parent.mkdir(parents=True, exist_ok=True)


async def init_db(db_url: str) -> None:
    """Open the connections and register the models (no schema changes: see `migrate`)."""
    _ensure_sqlite_dir(db_url)
    # The global fallback lets request and engine tasks, which do not inherit the context
    # variable of the task that initialised, reach the same connections.
    await Tortoise.init(config=tortoise_config(db_url), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()
    # Tortoise caches prepared INSERT/DELETE SQL per connection *name*, not per backend: a
    # later init of "default" on another engine (tests run both in one process) would reuse
    # SQLite's `?` placeholders on PostgreSQL.
    from tortoise.backends.base import executor

    executor.EXECUTOR_CACHE.clear()


async def migrate(db_url: str, target: str | None = None, *, plan_only: bool = False,
                  report: Any = None) -> list[str]:
    """Apply the migration history (or go to `target`); return the names of applied steps.

    Leaves no open connections: running migrations in-process leaves the ORM unusable
    until the connections are closed and Tortoise initialised again (DATA-LAYER.md), so the
    caller initialises afresh with `init_db` afterwards.
    """
    _ensure_sqlite_dir(db_url)
    applied: list[str] = []

    def progress(event: str, app_label: str, name: str) -> None:
        if event.endswith("finish") or event in {"apply_success", "unapply_success"}:
            applied.append(name)
        if report:
            report(event, app_label, name)

    planned: list[str] = []

    def reporter(_connection: str, plan: list[PlanStep], _fake: bool, _dry: bool) -> None:
        for step in plan:
            verb = "unapply" if step.backward else "apply"
            planned.append(f"{verb} {step.migration.app_label}.{step.migration.name}")

    target_spec = f"{APP_LABEL}.{target}" if target else None
    with TortoiseContext():  # isolated: the app's own context is never touched
        try:
            await migrate_api(config=tortoise_config(db_url), target=target_spec, dry_run=plan_only,
                              reporter=reporter, progress=progress)
        finally:
            await Tortoise.close_connections()
    return planned


async def pending_model_changes(db_url: str = "sqlite://:memory:") -> list[str]:
    """Names of the migrations `makemigrations` would write now; empty when models match history."""
    writers = await _autodetect(db_url)
    return [w.name for w in writers]


async def _autodetect(db_url: str) -> list[Any]:
    config = tortoise_config(db_url)
    with TortoiseContext():
        await Tortoise.init(config=config, init_connections=False)
        try:
            detector = MigrationAutodetector(Tortoise.apps, config["apps"])
            return await detector.changes()
        finally:
            await Tortoise.close_connections()


async def makemigrations_command(name: str | None, check: bool) -> int:
    writers = await _autodetect("sqlite://:memory:")
    if not writers:
        print("No model changes: the migration history matches the models.")
        return 0
    if check:
        for w in writers:
            print(f"missing migration: {w.name}")
        return 1
    from tortoise.migrations.writer import format_migration_name

    for w in writers:
        if name:
            number = int(w.name.split("_", 1)[0]) if w.name[:4].isdigit() else 1
            w.name = format_migration_name(number, name)
        print(f"wrote {w.write()}")
    return 0


async def migrate_command(target: str | None, show_plan: bool, settings: Settings | None = None) -> int:
    settings = settings or load_settings()
    steps = await migrate(settings.database_url, target, plan_only=show_plan)
    if show_plan:
        print("\n".join(steps) if steps else "Nothing to apply.")
    else:
        print("\n".join(f"{s}: done" for s in steps) if steps else "Database is up to date.")
    return 0


@contextlib.asynccontextmanager
async def database(db_url: str, *, apply_migrations: bool = True) -> AsyncIterator[None]:
    """Migrate (optionally), then keep the ORM initialised for the duration of the block."""
    if apply_migrations:
        await migrate(db_url)
    await init_db(db_url)
    try:
        yield
    finally:
        await close_db()
