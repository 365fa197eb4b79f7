"""`dialer campaign check NAME [--json]` as people run it: the preflight's JSON for a passing and a
failing campaign, and its exit code."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dialer.db import close_db, init_db
from dialer.models import CallAttempt, Campaign, DncEntry
from dialer.models.enums import CallOutcome, CampaignMode, DncSource

RULES = ["hours", "holidays", "message timing", "ring time", "abandon cap", "abandon window", "caller ID",
         "DNC scrub", "72 h rule", "limits"]


def dialer(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dialer", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


@pytest.fixture
def db_env(tmp_path: Path) -> dict[str, str]:
    env = {"DIALER_DB_URL": f"sqlite://{(tmp_path / 'check.sqlite3').as_posix()}", "DIALER_DATA_DIR": str(tmp_path)}
    assert dialer("migrate", env=env).returncode == 0

    async def seed() -> None:
        await init_db(env["DIALER_DB_URL"])
        try:
            await Campaign.create(name="Ready", mode=CampaignMode.PREDICTIVE, caller_id="+420221000100",
                                  abandon_message="acme-identification")
            failing = await Campaign.create(name="Risky", mode=CampaignMode.PREDICTIVE, regulatory_profile="us")
            now = datetime.now(timezone.utc)
            await DncEntry.create(phone="+12125550100", source=DncSource.IMPORT)
            await DncEntry.filter(phone="+12125550100").update(added_at=now - timedelta(days=40))
            day = now - timedelta(days=1)
            for i in range(20):  # 2 abandoned of 20 answered: 10 %
                await CallAttempt.create(campaign=failing, phone=f"+1212555{i:04d}", originated_at=day,
                                         answered_at=day, ended_at=day, wait_s=0.5,
                                         outcome=CallOutcome.ABANDONED if i < 2 else CallOutcome.ANSWERED)
        finally:
            await close_db()

    asyncio.run(seed())
    return env


def test_a_passing_campaign(db_env: dict[str, str]) -> None:
    r = dialer("campaign", "check", "Ready", "--json", env=db_env)
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert list(doc) == ["campaign", "ok", "rules"] and doc["campaign"] == "Ready" and doc["ok"] is True
    assert [rule["rule"] for rule in doc["rules"]] == RULES
    assert all(list(rule) == ["rule", "status", "detail"] and rule["detail"] for rule in doc["rules"])
    statuses = {rule["rule"]: rule["status"] for rule in doc["rules"]}
    assert statuses["hours"] == "pass" and statuses["DNC scrub"] == "n/a"  # EU: no registry interval
    assert set(statuses.values()) <= {"pass", "n/a"}


def test_a_failing_campaign_says_why_and_exits_1(db_env: dict[str, str]) -> None:
    r = dialer("campaign", "check", "Risky", "--json", env=db_env)
    assert r.returncode == 1, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert doc["ok"] is False
    rules = {rule["rule"]: rule for rule in doc["rules"]}
    failed = {name for name, rule in rules.items() if rule["status"] == "fail"}
    assert failed == {"message timing", "caller ID", "DNC scrub", "abandon cap"}
    assert "10.00 %" in rules["abandon cap"]["detail"] and "40 days ago" in rules["DNC scrub"]["detail"]
    assert rules["72 h rule"]["status"] == "n/a"  # not the FCC's rule


def test_plain_text_and_an_unknown_name(db_env: dict[str, str]) -> None:
    r = dialer("campaign", "check", "Risky", env=db_env)
    assert r.returncode == 1 and "Risky: NOT ready to dial" in r.stdout and "fail  caller ID" in r.stdout
    r = dialer("campaign", "check", "Nope", env=db_env)
    assert r.returncode == 2 and "no campaign named" in r.stderr
