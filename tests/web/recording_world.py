"""The recordings web tests' world (imported by name): the stats world's calls, some with their
recording stored as the fetcher stores it, and helpers that read what the pages show."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dialer.models import CallAttempt, Recording, RecordingState
from dialer.recordings.sources import ari_name
from dialer.recordings.storage import RecordingStore, relative_path
from stats.world import World, seed_world


def audio_bytes(n: int = 4000) -> bytes:
    """A WAV-looking body whose every byte range is distinguishable."""
    return b"RIFF" + bytes((i * 13 + 7) % 251 for i in range(n))


@dataclass
class RecordedWorld:
    world: World
    store: RecordingStore
    data: dict[int, bytes] = field(default_factory=dict)  # attempt id -> stored bytes

    @property
    def sales_call(self) -> CallAttempt:  # Spring (team Sales), agent alice = the logged-in agent1
        return self.world.attempts[0]

    @property
    def support_call(self) -> CallAttempt:  # Winter (team Support)
        return self.world.attempts[7]

    @property
    def pending_call(self) -> CallAttempt:  # Spring, recorded, not fetched yet
        return self.world.attempts[2]


async def store_recording(store: RecordingStore, attempt: CallAttempt, data: bytes) -> Recording:
    path = relative_path(ari_name(attempt.recording_name), "wav", attempt.campaign_id, attempt.originated_at)
    stored = await store.write(path, data, "wav")
    return await Recording.create(attempt=attempt, campaign_id=attempt.campaign_id, name=attempt.recording_name,
                                  state=RecordingState.STORED, path=path, format="wav", size_bytes=stored.size_bytes,
                                  sha256=stored.sha256, duration_s=12, tries=1, stored_at=attempt.originated_at)


async def recorded_world(app, people) -> RecordedWorld:
    world = await seed_world(alice=people.agent)
    rw = RecordedWorld(world, RecordingStore(app.state.settings.recordings_path))
    for attempt in (rw.sales_call, rw.support_call):
        rw.data[attempt.id] = audio_bytes()
        await store_recording(rw.store, attempt, rw.data[attempt.id])
    return rw


def players(html: str) -> set[int]:
    """The calls whose player the page shows."""
    return {int(m) for m in re.findall(r'<audio[^>]*src="/calls/(\d+)/recording"', html)}


def downloads(html: str) -> set[int]:
    return {int(m) for m in re.findall(r'href="/calls/(\d+)/recording/download"', html)}
