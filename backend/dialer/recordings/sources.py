"""Where finished recordings are taken from: Asterisk over ARI (`GET /recordings/stored/{name}/file`,
then `DELETE` to clean its spool), or Asterisk's recording folder itself when the dialer shares its
filesystem. Both say "missing" the same way, so the fetcher can give up on a file that is gone.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from dialer.ari.errors import AriError, NotFound
from dialer.ari.media import Recordings


def ari_name(recording_name: str) -> str:
    """The ARI name of a call's recording: `CallAttempt.recording_name` is `<ARI name>.<format>`
    (the file as Asterisk stores it); a name without a dot is the ARI name itself."""
    name, dot, _ = recording_name.rpartition(".")
    return name if dot and name else recording_name


class SourceError(Exception):
    """The file could not be taken now (network, Asterisk down, I/O): worth trying again."""


class MissingRecording(SourceError):
    """The source does not have this recording (never written, or already removed)."""


@dataclass(frozen=True)
class FetchedFile:
    data: bytes
    format: str


class RecordingSource(Protocol):
    async def fetch(self, name: str) -> FetchedFile: ...

    async def discard(self, name: str) -> None:
        """Remove the recording from the source once it is stored (missing is fine)."""


class AriSource:
    """Asterisk's `/recordings/stored` resource, through the engine's ARI client."""

    def __init__(self, recordings: Recordings, *, timeout_s: float = 120.0) -> None:
        self._r = recordings
        self.timeout_s = timeout_s

    async def fetch(self, name: str) -> FetchedFile:
        try:
            stored = await self._r.get_stored(name)
            data = await self._r.get_stored_file(name, timeout=self.timeout_s)
        except NotFound:
            raise MissingRecording(f"Asterisk has no stored recording {name!r}") from None
        except AriError as exc:
            raise SourceError(str(exc)) from exc
        return FetchedFile(data, stored.format or "wav")

    async def discard(self, name: str) -> None:
        try:
            await self._r.delete_stored(name, missing_ok=True)
        except AriError as exc:
            raise SourceError(str(exc)) from exc


class SpoolSource:
    """Asterisk's recording folder (`/var/spool/asterisk/recording`) mounted on this host."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _find(self, name: str) -> Path:
        root = self.folder.resolve()
        base = (root / name).resolve()
        if root not in base.parents:
            raise MissingRecording(f"{name!r} is not a name inside {root}")
        for candidate in sorted(base.parent.glob(base.name + ".*")):
            if candidate.is_file() and not candidate.name.endswith(".part"):
                return candidate
        raise MissingRecording(f"no file {name}.* in {root}")

    async def fetch(self, name: str) -> FetchedFile:
        try:
            path = await asyncio.to_thread(self._find, name)
            data = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            raise SourceError(f"{name}: {exc}") from exc
        return FetchedFile(data, path.suffix.lstrip(".") or "wav")

    async def discard(self, name: str) -> None:
        try:
            path = await asyncio.to_thread(self._find, name)
        except MissingRecording:
            return
        try:
            await asyncio.to_thread(path.unlink, missing_ok=True)
        except OSError as exc:
            raise SourceError(f"{name}: {exc}") from exc
