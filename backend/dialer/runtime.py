"""The engine side of a `dialer run` process: an ARI client, its port and the engine, started
after the web app's database is up and stopped before it closes, sharing the app's hub; beside
them the recording fetcher, which takes this engine's finished recordings from its Asterisk."""

from __future__ import annotations

import gc
import logging
import socket
from pathlib import Path

from starlette.applications import Starlette

from dialer.ari.client import AriClient
from dialer.config import Settings
from dialer.engine.engine import Engine
from dialer.recordings.fetcher import RecordingFetcher
from dialer.recordings.links import LinkSigner, configure_links
from dialer.recordings.retention import apply_retention
from dialer.recordings.sources import AriSource, RecordingSource, SpoolSource
from dialer.recordings.storage import RecordingStore
from dialer.telephony.ari_port import AriPort

log = logging.getLogger(__name__)


class EngineRuntime:
    def __init__(self, settings: Settings, *, tick_s: float = 0.25) -> None:
        self.settings = settings
        self.tick_s = tick_s
        self.client: AriClient | None = None
        self.engine: Engine | None = None
        self.fetcher: RecordingFetcher | None = None

    async def start(self, app: Starlette) -> None:
        s = self.settings
        self.client = AriClient(s.ari_url, s.ari_user, s.ari_password, app=s.ari_app)
        self.client.on_replaced(lambda: log.error(
            "another program took the Stasis app %r: this engine no longer gets calls", s.ari_app))
        port = AriPort(self.client)
        self.engine = Engine(port, app.state.hub, engine_id=s.engine_id or socket.gethostname()[:48],
                             dial_template=s.dial_template, tick_s=self.tick_s,
                             tz=str(s.extra.get("timezone", "UTC")),
                             presence_grace_s=float(s.presence_grace_s) or None)
        await self.client.start()  # connects in the background and keeps reconnecting
        await self.engine.start()
        app.state.engine = self.engine
        self.fetcher = self._recording_fetcher(app.state.settings, self.client).start()
        # Start-up objects live as long as the process: freezing them keeps the collector's
        # full passes short, which keeps event handling lag low under load.
        gc.freeze()
        log.info("engine %s started; ARI at %s, app %s", self.engine.engine_id, s.ari_url, s.ari_app)

    def _recording_fetcher(self, settings: Settings, client: AriClient) -> RecordingFetcher:
        s = self.settings
        source: RecordingSource = (SpoolSource(Path(s.recordings_spool_dir)) if s.recordings_spool_dir
                                   else AriSource(client.recordings))
        store = RecordingStore(s.recordings_path)
        # The webhooks this engine sends carry signed links; the app's settings hold the secret.
        configure_links(LinkSigner(settings.secret_key, settings.base_url, settings.recording_link_ttl_s))
        return RecordingFetcher(source, store, engine_id=self.engine.engine_id if self.engine else "",
                                periodic=lambda now: apply_retention(store, now))

    async def stop(self, app: Starlette) -> None:
        if self.fetcher is not None:
            await self.fetcher.stop()
            configure_links(None)
        app.state.engine = None
        if self.engine is not None:
            await self.engine.stop()
        if self.client is not None:
            await self.client.close()
