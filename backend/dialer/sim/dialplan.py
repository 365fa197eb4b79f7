"""The test-world dialplan as data: the same contexts, priorities, labels and app arguments
as `asterisk/extensions-test-world.conf` (and `[dialer-amd]` of `asterisk/extensions.conf`,
which includes it), which a real Asterisk runs.

Each step's data is the *evaluated* argument Asterisk shows in ChannelDialplan events
(`RING_S=2`, `0?slow`), computed from the channel's exten, variables and per-call dice.
The "...9" world draw takes its weights and durations from the `WorldConfig`.
tests/sim/test_dialplan.py checks this program against the .conf file, step by step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Union

if TYPE_CHECKING:
    from dialer.sim.channels import Channel

Data = Union[str, Callable[["Channel"], str]]


@dataclass(frozen=True)
class Step:
    app: str
    data: Data = ""
    label: str | None = None
    # What answering machine detection hears once the callee passes this step.
    amd: str = ""

    def evaluate(self, ch: Channel) -> str:
        return self.data(ch) if callable(self.data) else self.data


@dataclass(frozen=True)
class Extension:
    pattern: str                       # "_X.", "_[a-zA-Z0-9].", "s", "talk"
    steps: tuple[Step, ...]

    def matches(self, exten: str) -> bool:
        return match_pattern(self.pattern, exten)

    def priority_of(self, label: str) -> int | None:
        for i, step in enumerate(self.steps, start=1):
            if step.label == label:
                return i
        return None


def match_pattern(pattern: str, exten: str) -> bool:
    """Asterisk's extension patterns: `_` then X (0-9), Z (1-9), N (2-9) in any case,
    [sets] with ranges, `.` (one or more of anything), `!` (zero or more), literals; a `-`
    inside a pattern is ignored. A pattern without `_` is a literal extension."""
    if not pattern.startswith("_"):
        return pattern == exten
    return _pattern_regex(pattern).fullmatch(exten) is not None


@lru_cache(maxsize=None)
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    out, i, body = [], 0, pattern[1:]
    while i < len(body):
        c = body[i]
        if c == "[":
            end = body.index("]", i)
            out.append("[" + body[i + 1:end].replace("\\", "\\\\") + "]")
            i = end + 1
            continue
        out.append({"X": "[0-9]", "Z": "[1-9]", "N": "[2-9]", ".": ".+", "!": ".*",
                    "-": ""}.get(c.upper(), re.escape(c)))
        i += 1
    return re.compile("".join(out))


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _var(name: str) -> Callable[[Channel], str]:
    return lambda ch: ch.vars.get(name, "")


def _answered_at(ch: Channel) -> str:
    return f"ANSWERED_AT={ch.pbx.clock.now():.6f}"


def _rand(low: int, high: int) -> Callable[[Channel], str]:
    return lambda ch: str(ch.rng.randint(low, high)) if ch.rng else str(low)


def _talk_first(ch: Channel) -> str:
    talk = float(ch.vars.get("TALK_S", "0") or 0)
    return _num(talk if talk < 5 else 5)


def _talk_rest(ch: Channel) -> str:
    talk = float(ch.vars.get("TALK_S", "0") or 0)
    return _num(talk - 5 if talk > 5 else 0)


def _outcome_label(ch: Channel) -> str:
    # every_number: the sim-only switch that sends every number to the weighted draw.
    return "d9" if ch.pbx.world.every_number else f"d{ch.exten[-1]}"


def _draw_goto(index: int, label: str) -> Callable[[Channel], str]:
    def data(ch: Channel) -> str:
        threshold = ch.pbx.world.thresholds()[index][1]
        return f"{int(int(ch.vars.get('DRAW', '0')) < threshold)}?{label}"
    return data


def _span(attr: str, var: str | None = None) -> Callable[[Channel], str]:
    def data(ch: Channel) -> str:
        value = _num(getattr(ch.pbx.world, attr).draw(ch.rng))
        return f"{var}={value}" if var else value
    return data


def _prefix_is(prefix: str, label: str) -> Callable[[Channel], str]:
    return lambda ch: f"{int(ch.exten[:len(prefix)] == prefix)}?{label}"


def _cut(value: str, sep: str, field: int) -> str:
    """CUT(var,sep,field): the field-th (1-based) piece of `value` split on `sep`."""
    pieces = value.split(sep)
    return pieces[field - 1] if 0 < field <= len(pieces) else ""


def _stasis(*args: str) -> Callable[[Channel], str]:
    def data(ch: Channel) -> str:
        values = [ch.vars.get(a[2:-1], "") if a.startswith("${") else
                  (ch.exten if a == "EXTEN" else a) for a in args]
        return ",".join([ch.pbx.world.stasis_app, *values])
    return data


CUSTOMERS = Extension("_X.", (
    Step("NoOp", lambda ch: f"customer {ch.exten}: outcome {ch.exten[-1:]}, "
                            f"ring {ch.exten[-2:-1]} s"),
    Step("Set", lambda ch: f"RING_S={ch.exten[-2:-1]}"),
    Step("Goto", _outcome_label),
    Step("Busy", "30", label="d0"),
    Step("Hangup", "17"),
    Step("Congestion", "30", label="d1"),
    Step("Hangup", "34"),
    Step("Ringing", "", label="d2"),
    Step("Wait", "3600"),
    Step("Hangup", "19"),
    Step("Ringing", "", label="d3"),
    Step("Wait", _var("RING_S")),
    Step("Set", _answered_at),
    Step("Answer"),
    Step("Wait", "1"),
    Step("Hangup", "16"),
    Step("Ringing", "", label="d4"),
    Step("Wait", _var("RING_S")),
    Step("Set", _answered_at, label="machine", amd="MACHINE"),
    Step("Answer"),
    Step("Playback", "vm-nobodyavail&vm-intro"),
    Step("Playback", "beep"),
    Step("Wait", "30"),
    Step("Hangup", "16"),
    Step("Ringing", "", label="d5"),
    Step("Wait", _rand(1, 6)),
    Step("Set", lambda ch: f"TALK_S={ch.rng.randint(5, 20) if ch.rng else 5}"),
    Step("Set", _answered_at, label="person", amd="HUMAN"),
    Step("Answer"),
    Step("Playback", "hello"),
    Step("PlayTones", "0"),
    Step("Wait", _talk_first),
    Step("StopPlayTones"),
    Step("Wait", _talk_rest),
    Step("Hangup", "16"),
    Step("Ringing", "", label="d6"),
    Step("Wait", _var("RING_S")),
    Step("Hangup", "21"),
    Step("Hangup", "1", label="d7"),
    Step("Ringing", "", label="d8"),
    Step("Wait", _var("RING_S")),
    Step("Set", "TALK_S=3600"),
    Step("Goto", "person"),
    Step("Set", lambda ch: f"DRAW={ch.rng.randint(0, 99) if ch.rng else 0}", label="d9"),
    Step("Verbose", lambda ch: f"2,customer {ch.exten}: world draw {ch.vars.get('DRAW', '')}"),
    Step("GotoIf", _draw_goto(0, "w-person")),
    Step("GotoIf", _draw_goto(1, "d2")),
    Step("GotoIf", _draw_goto(2, "d0")),
    Step("GotoIf", _draw_goto(3, "w-machine")),
    Step("GotoIf", _draw_goto(4, "d1")),
    Step("GotoIf", _draw_goto(5, "w-reject")),
    Step("Goto", "d7"),
    Step("Ringing", "", label="w-person"),
    Step("Wait", _span("person_ring")),
    Step("Set", _span("person_talk", "TALK_S")),
    Step("Goto", "person"),
    Step("Ringing", "", label="w-machine"),
    Step("Wait", _span("machine_ring")),
    Step("Goto", "machine"),
    Step("Ringing", "", label="w-reject"),
    Step("Wait", _span("reject_ring")),
    Step("Hangup", "21"),
))

# Local/dtmf-<digits>@customers: answers at once, sends <digits> 1 s later, then stays.
DTMF_CUSTOMER = Extension("_dtmf.", (
    Step("NoOp", lambda ch: f"customer sending DTMF {ch.exten[5:]}"),
    Step("Answer"),
    Step("Wait", "1"),
    Step("SendDTMF", lambda ch: f"{ch.exten[5:]},100,250"),
    Step("Wait", "3600"),
    Step("Hangup", "16"),
))

AGENTS = Extension("_[a-zA-Z0-9].", (
    Step("NoOp", lambda ch: f"agent phone {ch.exten}"),
    Step("GotoIf", _prefix_is("slow-", "slow")),
    Step("GotoIf", _prefix_is("noanswer-", "noanswer")),
    Step("GotoIf", _prefix_is("busy-", "busy")),
    Step("GotoIf", _prefix_is("offline-", "offline")),
    Step("Answer", "", label="answer"),
    Step("Wait", "3600"),
    Step("Hangup", "16"),
    Step("Ringing", "", label="slow"),
    Step("Wait", "5"),
    Step("Goto", "answer"),
    Step("Ringing", "", label="noanswer"),
    Step("Wait", "3600"),
    Step("Hangup", "19"),
    Step("Busy", "30", label="busy"),
    Step("Hangup", "17"),
    Step("Congestion", "30", label="offline"),
    Step("Hangup", "34"),
))


# Local/hangup-after-<n>-<id>@agents: answers at once, hangs up by itself after <n> s.
HANGUP_AFTER = Extension("_ha[n]gup.", (
    Step("NoOp", lambda ch: f"agent phone {ch.exten}: hangs up after {_cut(ch.exten, '-', 3)} s"),
    Step("Answer"),
    Step("Wait", lambda ch: _cut(ch.exten, "-", 3)),
    Step("Hangup", "16"),
))


def _callerid_all(ch: Channel) -> str:
    if not ch.caller_name and not ch.caller_number:
        return ""
    return f'"{ch.caller_name}" <{ch.caller_number}>'


TO_DIALER = Extension("_[a-zA-Z0-9].", (
    Step("NoOp", lambda ch: f"inbound call to {ch.exten} from {_callerid_all(ch)}"),
    Step("Stasis", _stasis("inbound", "EXTEN")),
    Step("Hangup"),
))

_CALLER_STEPS = (
    Step("Set", lambda ch: f"CALLER_TALK_S={ch.exten}"),
    Step("Goto", "talk,1"),
)
CALLER = (
    Extension("talk", (
        Step("Answer"),
        Step("Wait", _var("CALLER_TALK_S")),
        Step("Hangup", "16"),
    )),
    Extension("_X", _CALLER_STEPS),
    Extension("_X.", _CALLER_STEPS),
)

DIALER_AMD = Extension("s", (
    Step("AMD"),
    Step("Stasis", _stasis("amd", "${AMDSTATUS}", "${AMDCAUSE}")),
    Step("Hangup"),
))

# Within a context the first extension that matches wins: the more specific patterns come
# first, as Asterisk orders them (`_ha[n]gup.` before `_[a-zA-Z0-9].`).
CONTEXTS: dict[str, tuple[Extension, ...]] = {
    "customers": (CUSTOMERS, DTMF_CUSTOMER),
    "agents": (HANGUP_AFTER, AGENTS),
    "to-dialer": (TO_DIALER,),
    "caller": CALLER,
    "dialer-amd": (DIALER_AMD,),
}


def find_extension(context: str, exten: str) -> Extension | None:
    for extension in CONTEXTS.get(context, ()):
        if extension.matches(exten):
            return extension
    return None
