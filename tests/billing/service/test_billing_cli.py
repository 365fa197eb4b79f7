"""The `dialer billing` commands as people run them: a subprocess on a migrated database."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from dialer.db import close_db, init_db, migrate
from dialer.models import CallAttempt, Campaign, Tariff, TariffRate, Team
from dialer.models.enums import CallOutcome


def dialer(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dialer", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


async def _world(url: str) -> None:
    await migrate(url)
    await init_db(url)
    try:
        team = await Team.create(name="Brno")
        campaign = await Campaign.create(name="Autumn", team=team)
        tariff = await Tariff.create(name="T", currency="EUR", first_increment_s=1, next_increment_s=1)
        await TariffRate.create(tariff=tariff, prefix="420", peak=Decimal("0.60"))
        at = datetime(2026, 11, 3, 10, tzinfo=timezone.utc)
        await CallAttempt.create(campaign=campaign, phone="+420601000015", originated_at=at, answered_at=at,
                                 ended_at=at + timedelta(seconds=90), outcome=CallOutcome.ANSWERED)
    finally:
        await close_db()


def test_rerate_prints_what_changed_and_json(tmp_path: Path) -> None:
    url = f"sqlite://{(tmp_path / 'cli.sqlite3').as_posix()}"
    env = {"DIALER_DB_URL": url, "DIALER_DATA_DIR": str(tmp_path)}
    asyncio.run(_world(url))
    dry = dialer("billing", "rerate", "--from", "2026-11-01", "--to", "2026-12-01", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "dry run" in dry.stdout and "changed: 1" in dry.stdout and "+0.9000 EUR" in dry.stdout
    run = dialer("billing", "rerate", "--from", "2026-11-01", "--to", "2026-12-01", "--json", env=env)
    report = json.loads(run.stdout)
    assert (report["changed"], report["newly_rated"], report["difference"]) == (1, 1, {"EUR": "0.9000"})
    again = dialer("billing", "rerate", "--from", "2026-11-01", "--to", "2026-12-01", "--json", env=env)
    assert json.loads(again.stdout)["changed"] == 0
    bad = dialer("billing", "rerate", "--from", "2026-12-01", "--to", "2026-11-01", env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_import_rates_reports_bad_lines_as_contact_imports_do(tmp_path: Path) -> None:
    url = f"sqlite://{(tmp_path / 'cli.sqlite3').as_posix()}"
    env = {"DIALER_DB_URL": url, "DIALER_DATA_DIR": str(tmp_path)}
    asyncio.run(_world(url))
    rates = tmp_path / "rates.csv"
    rates.write_text("prefix,destination,price,increments\n421,Slovakia,0.8,30/6\n44,UK,x,\n", encoding="utf-8")
    run = dialer("billing", "import-rates", str(rates), "--tariff", "T", "--json", env=env)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert (report["imported"], report["invalid"], report["errors"][0]["line"]) == (1, 1, 3)
    text = dialer("billing", "import-rates", str(rates), "--tariff", "T", env=env)
    assert "line 3: price" in text.stdout
    assert dialer("billing", "import-rates", str(rates), "--tariff", "Nope", env=env).returncode == 2
    header = tmp_path / "header.csv"
    header.write_text("a,b\n1,2\n", encoding="utf-8")
    refused = dialer("billing", "import-rates", str(header), "--tariff", "T", "--json", env=env)
    assert refused.returncode == 1 and json.loads(refused.stdout)["status"] == "refused"
