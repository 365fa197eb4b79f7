"""The configs shipped in asterisk/ load cleanly on a real Asterisk and suit real phones:
read with a small INI-like parser (sections, `(templates)`, `;` comments, `#include`), the
way Asterisk reads them, and checked for the faults found on Asterisk 23.4.1 with SIP phones."""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from dialer.demo import DEMO_ABANDON_MESSAGE

ASTERISK = Path(__file__).parents[1] / "asterisk"

# Prompts of the stock English sounds (asterisk-core-sounds-en 1.6.1, core-sounds-en.txt)
# that the shipped files and the demo may name.
STOCK_SOUNDS = frozenset({
    "beep", "hello", "hello-world", "vm-nobodyavail", "vm-intro", "vm-goodbye", "goodbye",
    "sorry", "im-sorry", "please-try-call-later", "all-circuits-busy-now", "queue-thankyou",
    "pls-hold-while-try", "demo-thanks", "tt-monkeys", "tt-weasels",
})


@dataclass
class Section:
    name: str
    templates: tuple[str, ...]
    is_template: bool
    lines: list[tuple[str, str]] = field(default_factory=list)  # (key, value), in order

    def values(self, key: str) -> list[str]:
        return [v for k, v in self.lines if k == key]


def strip_comment(line: str) -> str:
    """`;` starts a comment unless escaped as `\\;` (as in `Set(X=a\\;b)`)."""
    return re.split(r"(?<!\\);", line, maxsplit=1)[0].strip()


def read_conf(path: Path) -> list[Section]:
    sections: list[Section] = []
    for raw in path.read_text().splitlines():
        line = strip_comment(raw)
        if not line:
            continue
        include = re.fullmatch(r"#include\s+\"?([^\"]+)\"?", line)
        if include:
            sections.extend(read_conf(path.parent / include.group(1)))
            continue
        header = re.fullmatch(r"\[([^\]]+)\](?:\(([^)]*)\))?", line)
        if header:
            options = [o.strip() for o in (header.group(2) or "").split(",") if o.strip()]
            sections.append(Section(header.group(1), tuple(o for o in options if o != "!"),
                                    "!" in options))
            continue
        option = re.fullmatch(r"([^=]+?)\s*=>?\s*(.*)", line)
        assert option and sections, f"{path.name}: cannot read {raw!r}"
        sections[-1].lines.append((option.group(1), option.group(2)))
    return sections


def resolved(sections: list[Section], section: Section, key: str) -> list[str]:
    """A pjsip option as Asterisk sees it: the templates' values, then the section's own."""
    by_name = {s.name: s for s in sections if s.is_template}
    out: list[str] = []
    for template in section.templates:
        out += resolved(sections, by_name[template], key)
    return out + section.values(key)


def endpoints(sections: list[Section]) -> list[Section]:
    return [s for s in sections if not s.is_template and resolved(sections, s, "type") == ["endpoint"]]


def dialplan() -> list[Section]:
    return read_conf(ASTERISK / "extensions.conf")


def steps(section: Section) -> list[str]:
    """The apps and arguments of a context: `Dial(PJSIP/...)` from `exten =>` / `same =>`."""
    return [value.split(",", 2 if key == "exten" else 1)[-1]
            for key, value in section.lines if key in ("exten", "same")]


def test_each_dialplan_context_is_defined_once() -> None:
    # A second [dialer-amd] (from the included test world) made Asterisk warn three times:
    # "Unable to register extension 's' priority 1 in 'dialer-amd', already in use".
    counts = Counter(s.name for s in dialplan())
    assert {name: n for name, n in counts.items() if n > 1} == {}
    assert {"general", "globals", "dialer-amd", "agents-out", "customers", "agents"} <= set(counts)


def test_no_endpoint_offers_opus() -> None:
    # Asterisk ships no Opus codec: a phone answering in Opus gives customers no audio.
    sections = read_conf(ASTERISK / "pjsip.conf")
    for endpoint in endpoints(sections):
        allowed = ",".join(resolved(sections, endpoint, "allow")).lower()
        assert "opus" not in allowed, endpoint.name
        assert {"ulaw", "alaw"} & set(allowed.split(",")), endpoint.name


def test_agent_phones_are_hung_up_when_their_rtp_stops() -> None:
    # Without rtp_timeout a phone that dies without a BYE stays up and customers are put
    # through to silence.
    sections = read_conf(ASTERISK / "pjsip.conf")
    agents = [e for e in endpoints(sections) if resolved(sections, e, "context") == ["from-agents"]]
    assert [a.name for a in agents] == ["1001", "1002"]
    for agent in agents:
        assert 0 < int(resolved(sections, agent, "rtp_timeout")[-1]) <= 30, agent.name
        assert int(resolved(sections, agent, "rtp_timeout_hold")[-1]) > 0, agent.name


def test_the_trunk_is_identified_by_addresses_not_unresolvable_names() -> None:
    # Asterisk drops an identify section whose match does not resolve.
    sections = read_conf(ASTERISK / "pjsip.conf")
    identifies = [s for s in sections if s.values("type") == ["identify"]]
    assert identifies
    for identify in identifies:
        for match in ",".join(identify.values("match")).split(","):
            ipaddress.ip_network(match.strip(), strict=False)   # raises for a host name


def test_agents_out_asks_phones_to_answer_by_themselves() -> None:
    contexts = {s.name: s for s in dialplan()}
    dial = next(step for step in steps(contexts["agents-out"]) if step.startswith("Dial("))
    handler = re.search(r"b\(([\w-]+)\^", dial)
    assert dial.startswith("Dial(PJSIP/${EXTEN}") and handler, dial
    pre_dial = steps(contexts[handler.group(1)])
    assert any("PJSIP_HEADER(add,Call-Info)" in s and "answer-after=0" in s for s in pre_dial)
    assert any("PJSIP_HEADER(add,Alert-Info)" in s and "alert-autoanswer" in s for s in pre_dial)
    assert pre_dial[-1] == "Return()"   # a pre-dial handler is a Gosub


def test_every_sound_named_is_a_stock_one() -> None:
    # The demo's "demo-abandon" did not exist on a real Asterisk: the abandoned customer heard
    # nothing before the hang-up.
    assert set(DEMO_ABANDON_MESSAGE.split("&")) <= STOCK_SOUNDS
    for context in dialplan():
        for step in steps(context):
            playback = re.fullmatch(r"Playback\(([^)]*)\)", step)
            if playback:
                assert set(playback.group(1).split("&")) <= STOCK_SOUNDS, (context.name, step)
