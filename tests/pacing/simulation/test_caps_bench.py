"""`bench/pacing_caps.py`: one pacer under several abandon caps, the caps' cost in talk time."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).parents[3] / "bench" / "pacing_caps.py"

SMALL = {
    "name": "SMALL", "agents": 10, "hours": 1.5, "warmup_min": 5, "seeds": [1, 2],
    "answer_prob": 0.3, "time_to_answer_s": {"dist": "uniform", "low": 3, "high": 20},
    "ring_timeout_s": 25, "talk_s": {"dist": "exponential", "mean": 120},
    "wrap_s": {"dist": "constant", "value": 10}, "max_lines_per_agent": 3,
    "abandon_cap": 0.03, "abandon_after_s": 2,
}


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pacing_caps", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_caps_are_percent_sorted_and_checked(bench: ModuleType) -> None:
    assert bench.parse_caps("3, 1,3") == [0.01, 0.03]
    with pytest.raises(ValueError, match="'three' is not a number"):
        bench.parse_caps("three")
    with pytest.raises(ValueError, match="outside"):
        bench.parse_caps("0")


def test_a_looser_cap_buys_talk_time_and_each_cap_holds(bench: ModuleType, tmp_path: Path, capsys) -> None:
    scenarios = tmp_path / "small.json"
    scenarios.write_text(json.dumps([SMALL]))
    assert bench.main(["--scenarios", str(scenarios), "--only", "SMALL", "--caps", "1,6", "--workers", "2"]) == 0
    out = capsys.readouterr().out
    figures = json.loads(out.strip().splitlines()[-1])["SMALL"]
    assert set(figures) == {"1", "6"}
    tight, loose = figures["1"], figures["6"]
    assert tight["abandon_max"] <= 0.01 and tight["within_cap"]
    assert loose["abandon_mean"] > tight["abandon_mean"]
    assert loose["utilisation"] > tight["utilisation"] + 0.01


def test_bad_arguments_exit_2_with_a_message(bench: ModuleType, capsys) -> None:
    assert bench.main(["--only", "NOPE"]) == 2
    assert "no scenario named NOPE" in capsys.readouterr().err
    assert bench.main(["--caps", "3,x"]) == 2
    assert "'x' is not a number" in capsys.readouterr().err
    assert bench.main(["--pacer", "nope"]) == 2
    assert "unknown pacer" in capsys.readouterr().err
