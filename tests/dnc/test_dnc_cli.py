"""`dialer dnc import` and `dialer dnc export` as people run them: a subprocess with settings
in the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def dialer(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dialer", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def _env(tmp_path: Path) -> dict[str, str]:
    return {"DIALER_DB_URL": f"sqlite://{(tmp_path / 'cli.sqlite3').as_posix()}", "DIALER_DATA_DIR": str(tmp_path)}


def test_import_reports_each_bad_line_and_export_lists_the_numbers(tmp_path: Path) -> None:
    env = _env(tmp_path)
    path = tmp_path / "tps.txt"
    path.write_text("601 000 001\nnot a number\n+420601000002\n\n601000001\n12\n")
    r = dialer("dnc", "import", str(path), "--json", env=env)
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert (body["added"], body["already_listed"], body["invalid"]) == (2, 1, 2)
    assert [e["line"] for e in body["errors"]] == [2, 6]
    r = dialer("dnc", "import", str(path), env=env)
    assert r.returncode == 0 and "0 number(s) added" in r.stdout and "3 already on it" in r.stdout
    assert "line 2: phone 'not a number'" in r.stdout and "line 6: phone '12'" in r.stdout

    out = tmp_path / "dnc.csv"
    r = dialer("dnc", "export", str(out), env=env)
    assert r.returncode == 0, r.stderr
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "phone,campaign,source,added_by,added_at,expires_at,reason"
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["+420601000001", "+420601000002"]
    assert all(",import,cli," in line for line in lines[1:])


def test_a_campaign_and_an_expiry(tmp_path: Path) -> None:
    env = _env(tmp_path)
    path = tmp_path / "one.csv"
    path.write_text("601000001\n")
    r = dialer("dnc", "import", str(path), "--campaign", "Nope", env=env)
    assert r.returncode == 2 and "no campaign named 'Nope'" in r.stderr
    r = dialer("dnc", "import", str(path), "--expires-days", "0", env=env)
    assert r.returncode == 2 and "--expires-days" in r.stderr
    r = dialer("dnc", "import", str(path), "--expires-days", "90", "--json", env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["added"] == 1
    r = dialer("dnc", "export", env=env)
    row = r.stdout.splitlines()[1].split(",")
    assert row[0] == "+420601000001" and row[5][:4].isdigit(), "an expiry is written"
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04rest")
    r = dialer("dnc", "import", str(tmp_path / "book.xlsx"), env=env)
    assert r.returncode == 1 and "Excel" in r.stderr and "Traceback" not in r.stderr
