from __future__ import annotations

import json
from pathlib import Path

import pytest

from dialer.pacing.simulation.distributions import ScenarioError
from dialer.pacing.simulation.scenario import load_scenarios, scenario_from_dict

BUILTIN = Path(__file__).parents[3] / "bench" / "scenarios"

ISSUE_EXAMPLE = {
    "name": "S20", "agents": 20, "hours": 8, "warmup_min": 10, "seeds": [1, 2, 3],
    "answer_prob": 0.3,
    "time_to_answer_s": {"dist": "uniform", "low": 3, "high": 20},
    "ring_timeout_s": 25,
    "talk_s": {"dist": "exponential", "mean": 120},
    "wrap_s": {"dist": "constant", "value": 10},
    "patience_s": {"dist": "exponential", "mean": 30},
    "pauses": {"every_min": 60, "length_min": 5},
    "max_lines_per_agent": 3, "abandon_cap": 0.03, "abandon_after_s": 2,
}


def test_the_issue_example_loads() -> None:
    scenario = scenario_from_dict(ISSUE_EXAMPLE)
    assert (scenario.name, scenario.agents, scenario.seeds) == ("S20", 20, (1, 2, 3))
    assert scenario.duration_s == 10 * 60 + 8 * 3600
    assert scenario.pauses is not None and scenario.pauses.every_min == 60
    assert scenario.answer_prob.at(5.0) == 0.3


def test_answer_probability_is_piecewise_linear_over_the_shift() -> None:
    curve = scenario_from_dict({**ISSUE_EXAMPLE, "answer_prob": [[0, 0.35], [8, 0.15]]}).answer_prob
    assert curve.at(0) == 0.35 and curve.at(4) == pytest.approx(0.25) and curve.at(9) == 0.15


def test_the_builtin_and_extra_scenarios_load() -> None:
    names = [s.name for s in load_scenarios(BUILTIN / "builtin.json")]
    assert names == ["S5", "S20", "S100", "LOW_HIT", "SHORT", "DRIFT"]
    assert len(load_scenarios(BUILTIN / "extra.json")) >= 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"speed": 3}, r"S20\.speed: unknown key"),
        ({"agents": 0}, r"S20\.agents: must be >= 1"),
        ({"agents": 2.5}, r"S20\.agents: expected a whole number"),
        ({"hours": "8"}, r"S20\.hours: expected a number"),
        ({"seeds": []}, r"S20\.seeds: expected a non-empty list of integers"),
        ({"answer_prob": 1.5}, r"S20\.answer_prob: must be >= 0.0 and <= 1.0"),
        ({"answer_prob": [[2, 0.3], [1, 0.2]]}, r"S20\.answer_prob\[1\]: hours must not decrease"),
        ({"answer_prob": [[0, 0.3, 1]]}, r"S20\.answer_prob\[0\]: expected \[hour, p\]"),
        ({"talk_s": {"dist": "normal", "mean": 3}}, r"S20\.talk_s\.dist: unknown distribution"),
        ({"pauses": {"every_min": 60}}, r"S20\.pauses: expected"),
        ({"abandon_cap": 0}, r"S20\.abandon_cap: must be > 0"),
        ({"max_lines_per_agent": 0.5}, r"S20\.max_lines_per_agent: must be >= 1"),
    ],
)
def test_bad_values_name_the_key(change: dict, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        scenario_from_dict({**ISSUE_EXAMPLE, **change})


def test_a_missing_key_is_named() -> None:
    data = dict(ISSUE_EXAMPLE)
    del data["ring_timeout_s"]
    with pytest.raises(ScenarioError, match=r"S20\.ring_timeout_s: missing"):
        scenario_from_dict(data)


def test_files_must_be_json_with_unique_names(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[{")
    with pytest.raises(ScenarioError, match="not valid JSON"):
        load_scenarios(broken)
    twice = tmp_path / "twice.json"
    twice.write_text(json.dumps([ISSUE_EXAMPLE, ISSUE_EXAMPLE]))
    with pytest.raises(ScenarioError, match="unique"):
        load_scenarios(twice)


def test_release_after_is_optional_never_below_the_law_and_may_be_switched_off() -> None:
    from dialer.pacing.simulation.scenario import scenario_from_dict as load

    base = {
        "name": "R", "agents": 2, "hours": 1, "warmup_min": 0, "seeds": [1], "answer_prob": 0.3,
        "time_to_answer_s": {"dist": "constant", "value": 5}, "ring_timeout_s": 25,
        "talk_s": {"dist": "constant", "value": 60}, "wrap_s": {"dist": "constant", "value": 5},
        "max_lines_per_agent": 2, "abandon_cap": 0.03, "abandon_after_s": 2,
    }
    assert load(base).release_after_s == 15.0
    assert load({**base, "release_after_s": None}).release_after_s is None
    assert load({**base, "release_after_s": 20}).release_after_s == 20.0
    with pytest.raises(ScenarioError, match=r"R\.release_after_s: must be >= 15"):
        load({**base, "release_after_s": 10})
