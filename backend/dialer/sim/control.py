"""What a test bench needs from the fake Asterisk beyond ARI: a record of every channel it
accepted, kept in a file that outlives the process, and a loopback-only control route.

The record (`ChannelRecord`, JSON lines) says when this process started serving, every
originate / create it accepted (before any event of that channel went out), and when each
channel went; a benchmark counts calls from it against the dialer's database, even after the
fake was killed. `POST /sim/channels/{id}/hangup` is the CLI's `channel request hangup`: the
PBX itself ends a channel, as when an agent's softphone drops. Not part of Asterisk's ARI.
"""

from __future__ import annotations

import ipaddress
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from aiohttp import web

from dialer.sim.channels import request_hangup
from dialer.sim.pbx import AriError

if TYPE_CHECKING:
    from dialer.sim.channels import Channel

RECORD_ENV = "DIALER_SIM_CHANNEL_RECORD"


class ChannelRecord:
    """Appends one JSON object a line; each line is written through at once (line buffering)
    so that a `kill -9` loses nothing already accepted. `t` is the wall clock (time.time()),
    which the bench shares with the dialer's database timestamps."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._file: TextIO = self.path.open("a", encoding="utf-8", buffering=1)

    def _write(self, **row: Any) -> None:
        row.setdefault("t", time.time())
        self._file.write(json.dumps(row, separators=(",", ":")) + "\n")

    def started(self, base_url: str) -> None:
        """The fake accepts ARI requests from now on (written after the socket listens)."""
        self._write(kind="start", pid=os.getpid(), url=base_url)

    def originated(self, ch: Channel, peer: Channel | None, endpoint: str, how: str) -> None:
        self._write(kind=how, id=ch.id, peer=peer.id if peer is not None else "", endpoint=endpoint,
                    name=ch.name)

    def gone(self, ch: Channel) -> None:
        self._write(kind="gone", id=ch.id)

    def answered(self, ch: Channel, by: str) -> None:
        """The far end of an originated channel answered; `by` is what answered ("HUMAN",
        "MACHINE", or "" for a callee the world gives no AMD verdict): the bench counts
        abandons from this record, including answers the dialer never saw."""
        self._write(kind="answered", id=ch.id, by=by)

    def bridged(self, ch: Channel, bridge_id: str) -> None:
        self._write(kind="bridged", id=ch.id, bridge=bridge_id)

    def close(self) -> None:
        self._file.close()


def read_record(path: str | Path) -> list[dict[str, Any]]:
    """Every row of a record; a last line cut by a kill is skipped."""
    rows = []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    for line in text.splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue
    return rows


def _loopback(request: web.Request) -> bool:
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False


async def hangup_channel(request: web.Request) -> web.Response:
    from dialer.sim.rest_channels import pbx_of

    if not _loopback(request):
        raise AriError(403, "Control routes answer on loopback only")
    ch = pbx_of(request).find_channel(request.match_info["channel_id"])
    if ch is None:
        raise AriError(404, "Channel not found")
    request_hangup(ch)
    return web.Response(status=204)


def add_control_routes(app: web.Application) -> None:
    """Registered beside ARI, behind the same credentials (the ARI middleware)."""
    app.router.add_post("/sim/channels/{channel_id}/hangup", hangup_channel)
