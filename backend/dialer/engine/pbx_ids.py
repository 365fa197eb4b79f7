"""Ids of what an engine creates in Asterisk (channels, bridges), tagged with the engine.

After a crash the dialer knows nothing of the calls it left in Asterisk, and Asterisk keeps them
(agents' phone legs and their bridges, customers in a bridge, recorders): every restart leaked
them. An id that starts with a tag derived from the engine id lets the restarted engine find
exactly its own leftovers in `GET /channels` and `GET /bridges`, and leave alone what another
engine or the dialplan made.
"""

from __future__ import annotations

import hashlib
import uuid

TAG_LENGTH = 10  # "d" + 8 hex + "-": short enough that ids fit CallAttempt.channel_id (64)


def engine_tag(engine_id: str) -> str:
    """The prefix of every id this engine gives a channel or a bridge, e.g. `d1a2b3c4d-`."""
    return "d" + hashlib.sha1(engine_id.encode()).hexdigest()[:8] + "-"


def new_pbx_id(engine_id: str) -> str:
    """A fresh channel or bridge id carrying the engine's tag."""
    return engine_tag(engine_id) + uuid.uuid4().hex


def made_by(pbx_id: str, engine_id: str) -> bool:
    """Whether a channel or bridge id (a Local channel's `;2` half included) is this engine's."""
    return pbx_id.startswith(engine_tag(engine_id))
