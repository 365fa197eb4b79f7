"""How the simulated Asterisk core hangs every call up on `core stop now` (and SIGTERM).

Recorded in shutdown-rest-errors.jsonl: every channel first gets `ChannelHangupRequest`
soft 4 (the shutdown flag); a bridge drops its first member at once; then each Local pair is
torn down as a PBX-side hang-up of its `;2` (`;2` soft 16 and destroyed with 0, `;1` a plain
request with cause 0, `StasisEnd`, destroyed with 16). No `BridgeDestroyed` is sent.

Which channel Asterisk handles first depends on its hash container; this goes newest first,
which is the order the recording shows (the customer, who joined the bridge last, leaves it
before its hang-up request, the agent after).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialer.sim.channels import Channel, flag_hangup, request_hangup
from dialer.sim.numbers import SOFT_HANGUP_SHUTDOWN

if TYPE_CHECKING:
    from dialer.sim.pbx import Pbx


def hang_up_everything(pbx: Pbx) -> None:
    channels = sorted(pbx.channels.values(), key=_age)
    for ch in channels:
        if ch.half == 1 and ch.other is not None:
            flag_hangup(ch.other, SOFT_HANGUP_SHUTDOWN)
            flag_hangup(ch, SOFT_HANGUP_SHUTDOWN)
        elif ch.half != 2:
            flag_hangup(ch, SOFT_HANGUP_SHUTDOWN)
    for bridge in list(pbx.bridges.values()):
        first = next((ch for ch in channels if ch.bridge is bridge), None)
        if first is not None:
            pbx.bridges_leave(first)
    for ch in channels:
        if ch.gone:
            continue
        if ch.half == 1 and ch.other is not None and not ch.other.gone:
            request_hangup(ch.other, SOFT_HANGUP_SHUTDOWN)
        else:
            request_hangup(ch, SOFT_HANGUP_SHUTDOWN)


def _age(ch: Channel) -> tuple[int, str]:
    """Newest first: channel names end in Asterisk's allocation sequence number."""
    seq = ch.name.rsplit("-", 1)[-1].split(";", 1)[0]
    try:
        return -int(seq, 16), ch.id
    except ValueError:
        return 0, ch.id
