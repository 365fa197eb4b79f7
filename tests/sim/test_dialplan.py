"""The fake's dialplan program and the shipped test-world dialplan are the same program:
every context, extension, priority, label and app agree."""

from __future__ import annotations

import re
from pathlib import Path

from dialer.sim.dialplan import CONTEXTS

ASTERISK = Path(__file__).parents[2] / "asterisk"
CONF = ASTERISK / "extensions-test-world.conf"
# Contexts of the deployment's own extensions.conf that the fake plays too.
FROM_MAIN_DIALPLAN = {"dialer-amd"}
LINE = re.compile(r"^\s*(exten|same)\s*=>\s*(?:([^,]+),(\d+)|n(?:\(([\w-]+)\))?),(\w+)\(")


def parse(text: str) -> dict[str, dict[str, list[tuple[str | None, str]]]]:
    contexts: dict[str, dict[str, list[tuple[str | None, str]]]] = {}
    context = pattern = ""
    for raw in text.splitlines():
        line = raw.split(";", 1)[0] if not raw.lstrip().startswith("exten") else raw
        header = re.match(r"^\[([\w-]+)\]", line)
        if header:
            context = header.group(1)
            contexts[context] = {}
            continue
        match = LINE.match(line)
        if not match:
            continue
        kind, exten, _priority, label, app = match.groups()
        if kind == "exten":
            pattern = exten
            contexts[context][pattern] = []
        contexts[context][pattern].append((label, app.lower()))
    return contexts


def test_fake_dialplan_matches_the_shipped_conf() -> None:
    world = parse(CONF.read_text())
    conf = {**parse((ASTERISK / "extensions.conf").read_text()), **world}
    for context, extensions in CONTEXTS.items():
        assert context in conf, context
        assert set(conf[context]) == {e.pattern for e in extensions}, context
        for extension in extensions:
            steps = [(s.label, s.app.lower()) for s in extension.steps]
            assert conf[context][extension.pattern] == steps, (context, extension.pattern)
    assert set(world) | FROM_MAIN_DIALPLAN == set(CONTEXTS)


def test_shipped_conf_keeps_the_recorded_priorities() -> None:
    """Priorities that the recordings of a real Asterisk show (Busy at 4, Ringing of d2 at
    8, Hangup(1) at 39, the agents' noanswer Ringing at 12)."""
    customers = parse(CONF.read_text())["customers"]["_X."]
    assert customers[3] == ("d0", "busy")
    assert customers[7] == ("d2", "ringing")
    assert customers[38] == ("d7", "hangup")
    assert customers[27] == ("person", "set")
    agents = parse(CONF.read_text())["agents"]["_[a-zA-Z0-9]."]
    assert agents[11] == ("noanswer", "ringing")


def test_the_new_test_world_numbers_reach_their_own_extensions() -> None:
    """Asterisk picks the most specific pattern: `_ha[n]gup.` over `_[a-zA-Z0-9].`, and a
    `dtmf-` exten is no customer number. The fake takes the first match, in that order."""
    from dialer.sim.dialplan import find_extension, match_pattern

    assert find_extension("agents", "hangup-after-4-agent1").pattern == "_ha[n]gup."
    assert find_extension("agents", "agent1").pattern == "_[a-zA-Z0-9]."
    assert find_extension("customers", "dtmf-123#").pattern == "_dtmf."
    assert find_extension("customers", "5550000018").pattern == "_X."
    assert match_pattern("_NXX", "212") and not match_pattern("_NXX", "112")
    assert match_pattern("_1-800-X.", "18005551") and not match_pattern("_X.", "5")
