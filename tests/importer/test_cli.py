"""`dialer import` as people run it: a subprocess with settings in the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def dialer(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dialer", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def test_import_prints_one_json_summary_and_creates_the_list(tmp_path: Path) -> None:
    env = {"DIALER_DB_URL": f"sqlite://{(tmp_path / 'cli.sqlite3').as_posix()}", "DIALER_DATA_DIR": str(tmp_path)}
    csv_path = tmp_path / "kontakty.csv"
    csv_path.write_bytes("Jméno;Telefon\nJiří;601 123 456\nEva;12345\nJiří;+420601123456\n".encode("cp1250"))
    r = dialer("import", str(csv_path), "--list", "Jaro", "--json", env=env)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)  # exactly one JSON document
    assert (summary["imported"], summary["duplicates"], summary["invalid"]) == (1, 1, 1)
    assert summary["errors"] == [{"line": 3, "reason": "phone '12345': too short for CZ"}]
    r = dialer("import", str(csv_path), "--list", "Jaro", env=env)
    assert r.returncode == 0 and "Imported 0 contacts; 2 duplicates" in r.stdout
    (tmp_path / "empty.csv").write_bytes(b"")
    r = dialer("import", str(tmp_path / "empty.csv"), "--list", "Jaro", "--json", env=env)
    assert r.returncode == 1 and json.loads(r.stdout)["error"] == "The file is empty."
    r = dialer("import", str(csv_path), "--list", "Jaro", "--mapping", "Fax=phone", env=env)
    assert r.returncode == 1 and "no column 'Fax'" in r.stderr and "Traceback" not in r.stderr


def test_an_uncertain_encoding_asks_for_encoding_and_duplicates_show_their_lines(tmp_path: Path) -> None:
    env = {"DIALER_DB_URL": f"sqlite://{(tmp_path / 'cli.sqlite3').as_posix()}", "DIALER_DATA_DIR": str(tmp_path)}
    csv_path = tmp_path / "danes.csv"
    csv_path.write_bytes("Navn,Telefon\nSøren Ærø,601123456\nÅse,601123456\n".encode("cp1252"))
    r = dialer("import", str(csv_path), "--list", "DK", env=env)
    assert r.returncode == 1 and "Sřren" in r.stderr and "Søren" in r.stderr and "--encoding" in r.stderr
    r = dialer("import", str(csv_path), "--list", "DK", "--encoding", "cp1252", env=env)
    assert r.returncode == 0, r.stderr
    assert "line 3: duplicate +420601123456, the number is on line 2 too" in r.stdout
