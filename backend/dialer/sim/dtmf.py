"""DTMF in the simulated PBX: digits a channel sends, and which channels hear them.

Asterisk raises `ChannelDtmfReceived` on the channel that *reads* a digit (dtmf.jsonl): digits
the app sends to a Local `;1` are read by its `;2`; digits a callee's dialplan sends from `;2`
(SendDTMF) are read by `;1` and, when `;1` is bridged, passed on to each other member, whose
`;2` reads them. A single (PJSIP) channel's digits are read by the phone: no event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialer.sim import events as ev

if TYPE_CHECKING:
    from dialer.sim.channels import Channel

VALID = frozenset("0123456789*#ABCDabcd")


def valid_digits(digits: str) -> str:
    """What Asterisk sends of `digits`: invalid characters are skipped (with a log warning)."""
    return "".join(d for d in digits if d in VALID)


def stream_seconds(digits: str, between_s: float, duration_s: float) -> float:
    """How long a DTMF stream keeps its sender busy: a gap before each digit, and one after."""
    return len(digits) * (between_s + duration_s) + between_s


def send(sender: Channel, digits: str, *, before_s: float = 0.0, between_s: float = 0.1,
         duration_s: float = 0.1) -> None:
    """Stream `digits` from `sender`; each is heard at the end of its tone (as the recorded
    `ChannelDtmfReceived` times show: the first after one gap and one tone)."""
    clock = sender.pbx.clock
    for i, digit in enumerate(valid_digits(digits)):
        begin = before_s + i * (between_s + duration_s) + between_s
        sender.extra_timers.append(clock.call_later(begin, _begins, sender))
        sender.extra_timers.append(clock.call_later(begin + duration_s, _heard, sender, digit,
                                                    duration_s))


def _begins(sender: Channel) -> None:
    """A digit's first frame: no event yet, but it is media reaching the readers."""
    if sender.gone or sender.dying:
        return
    from dialer.sim.apps import frame_arrived   # apps uses this module: import at run time
    for reader in readers(sender):
        frame_arrived(reader)


def _heard(sender: Channel, digit: str, duration_s: float) -> None:
    if sender.gone or sender.dying:
        return
    pbx = sender.pbx
    duration_ms = round(duration_s * 1000)
    for reader in readers(sender):
        pbx.emit(reader, _event(pbx.ts(), reader, digit, duration_ms))


def readers(sender: Channel) -> list[Channel]:
    """The channels that read what `sender` writes (see the module docstring)."""
    other = sender.other
    if other is None or other.gone:
        return []
    if sender.half == 1:
        return [other]
    out = [other]
    bridge = other.bridge
    if bridge is not None:
        for member in bridge.channels:
            peer = member.other
            if member is not other and member.half == 1 and peer is not None and not peer.gone:
                out.append(peer)
    return out


def _event(ts: str, ch: Channel, digit: str, duration_ms: int) -> ev.Json:
    return {"type": "ChannelDtmfReceived", "timestamp": ts, "digit": digit,
            "duration_ms": duration_ms, "channel": ev.channel_json(ch)}
