"""The `dialer` command as people run it: a subprocess with settings in the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def dialer(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "dialer", *args], capture_output=True, text=True, env=full_env,
                          input=stdin, timeout=120)


@pytest.fixture
def db_env(tmp_path: Path) -> dict[str, str]:
    return {"DIALER_DB_URL": f"sqlite://{(tmp_path / 'cli.sqlite3').as_posix()}", "DIALER_DATA_DIR": str(tmp_path)}


def test_help_explains_each_command() -> None:
    out = dialer("--help").stdout
    for command in ("run", "demo", "migrate", "user", "sim-pbx"):
        assert command in out
    assert "Apply pending migrations" in dialer("migrate", "--help").stdout


def test_bad_setting_is_one_line_not_a_traceback(db_env: dict[str, str]) -> None:
    r = dialer("migrate", env={**db_env, "DIALER_DB_URL": "mysql://nope"})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0 and "DIALER_DB_URL" in r.stderr


def test_migrate_then_manage_users(db_env: dict[str, str]) -> None:
    r = dialer("migrate", env=db_env)
    assert r.returncode == 0 and "0001_initial" in r.stdout
    assert "up to date" in dialer("migrate", env=db_env).stdout
    r = dialer("user", "create", "boss", "--role", "admin", "--generate", env=db_env)
    assert r.returncode == 0 and "created admin boss with password" in r.stdout
    r = dialer("user", "create", "ada", "--role", "agent", "--password", "ada-pass-123", "--team", "Sales",
               "--extension", "PJSIP/1001", env=db_env)
    assert r.returncode == 0
    r = dialer("user", "create", "ada", "--password", "ada-pass-123", env=db_env)
    assert r.returncode == 2 and "taken" in r.stderr
    r = dialer("user", "passwd", "ada", "--password", "short", env=db_env)
    assert r.returncode == 2 and "at least 8" in r.stderr
    assert dialer("user", "passwd", "ada", "--password", "new-pass-456", env=db_env).returncode == 0
    assert dialer("user", "deactivate", "ada", env=db_env).returncode == 0
    listing = dialer("user", "list", env=db_env).stdout
    assert "boss" in listing and "Sales" in listing and " no " in listing


def test_campaign_control_from_the_shell(db_env: dict[str, str]) -> None:
    import asyncio

    from dialer.db import close_db, init_db
    from dialer.models import Campaign, Contact, ContactList

    assert dialer("migrate", env=db_env).returncode == 0

    async def seed() -> None:
        await init_db(db_env["DIALER_DB_URL"])
        clist = await ContactList.create(name="L")
        await Contact.create(contact_list=clist, phone="+420601000001", attempts=3, status="exhausted")
        campaign = await Campaign.create(name="Spring")
        await campaign.contact_lists.add(clist)
        await close_db()

    asyncio.run(seed())
    assert "draft" in dialer("campaign", "list", env=db_env).stdout
    r = dialer("campaign", "start", "Spring", env=db_env)
    assert r.returncode == 0 and "status running" in r.stdout
    r = dialer("campaign", "clear", "Spring", "--mode", "attempts", env=db_env)
    assert r.returncode == 2 and "Pause or stop" in r.stderr
    assert dialer("campaign", "pause", "Spring", env=db_env).returncode == 0
    r = dialer("campaign", "clear", "Spring", "--mode", "attempts", env=db_env)
    assert r.returncode == 0 and "1 contacts reset" in r.stdout
    assert dialer("campaign", "stop", "Nope", env=db_env).returncode == 2
