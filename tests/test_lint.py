"""The linter as a test: ruff (configured in pyproject.toml) over the code, the tests and the
benchmarks, so an undefined name fails the suite instead of a user's first request."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing() -> None:
    command = [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
               "backend", "tests", "bench"]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "No module named ruff" not in run.stderr, "ruff is missing: pip install -e '.[dev]'"
    assert run.returncode == 0, f"ruff check backend tests bench:\n{run.stdout}{run.stderr}"
