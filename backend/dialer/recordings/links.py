"""Signed, expiring links to a call's recording, for the customer's IS (`call.ended` webhooks).

`<base>/recordings/link/<call id>?expires=<unix s>&sig=<hex>`: HMAC-SHA256 with the app's secret
key over "recording:<call id>:<expires>". Anyone holding the link can fetch that one file until it
expires, with no login; each fetch is in the access log. The link is given as soon as the call
has a recording; it answers 404 until the file has been fetched from Asterisk (seconds later).
The call's wait part (a campaign that records the wait) has its own link, `&part=wait`, signed
over "recording:<call id>:wait:<expires>", so a link to one file never opens the other.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping
from urllib.parse import urlencode

from dialer.models.recordings import RecordingPart

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkSigner:
    secret_key: str
    base_url: str
    ttl_s: int = 72 * 3600

    def _sig(self, attempt_id: int, expires: int, part: RecordingPart) -> str:
        wait = "wait:" if part is RecordingPart.WAIT else ""
        message = f"recording:{int(attempt_id)}:{wait}{int(expires)}".encode()
        return hmac.new(self.secret_key.encode(), message, hashlib.sha256).hexdigest()

    def link(self, attempt_id: int, now: datetime, part: RecordingPart = RecordingPart.CALL) -> tuple[str, datetime]:
        expires = int(now.timestamp()) + self.ttl_s
        query = {"expires": expires, "sig": self._sig(attempt_id, expires, part)}
        if part is RecordingPart.WAIT:
            query["part"] = part.value
        return (f"{self.base_url.rstrip('/')}/recordings/link/{int(attempt_id)}?{urlencode(query)}",
                datetime.fromtimestamp(expires, timezone.utc))

    def valid(self, attempt_id: int, expires: str, sig: str, now: datetime,
              part: RecordingPart = RecordingPart.CALL) -> bool:
        try:
            expires_at = int(expires)
        except (TypeError, ValueError):
            return False
        if expires_at < now.timestamp() or not sig:
            return False
        return hmac.compare_digest(self._sig(attempt_id, expires_at, part), sig)


_signer: LinkSigner | None = None


def configure_links(signer: LinkSigner | None) -> None:
    """Set by the process that runs the engine (its webhooks carry the links); None: no links."""
    global _signer
    _signer = signer


def link_signer() -> LinkSigner | None:
    return _signer


async def recording_fields(payload: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """What a `call.ended` payload gains: `recording_url` and `recording_url_expires` when the
    call was recorded, `wait_recording_url` and `wait_recording_url_expires` when its wait was,
    and links are configured; nothing otherwise."""
    from dialer.models import CallAttempt

    signer, attempt_id = _signer, payload.get("attempt_id")
    if signer is None or not isinstance(attempt_id, int):
        return {}
    names = (payload.get("recording_name"), payload.get("wait_recording_name"))
    if not all(names):
        row = await CallAttempt.filter(id=attempt_id).values_list("recording_name", "wait_recording_name")
        names = row[0] if row else ("", "")
    now = now or datetime.now(timezone.utc)
    out: dict[str, Any] = {}
    for part, name, prefix in ((RecordingPart.CALL, names[0], ""), (RecordingPart.WAIT, names[1], "wait_")):
        if name:
            url, expires = signer.link(attempt_id, now, part)
            out.update({f"{prefix}recording_url": url, f"{prefix}recording_url_expires": expires.isoformat()})
    return out
