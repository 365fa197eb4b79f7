"""Where the dialer keeps recording files: `<root>/<yyyy>/<mm>/<dd>/campaign-<id>/<name>.<format>`
(the call's day in UTC), written atomically and checksummed off the event loop. Knows files,
not the database.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import mimetypes
import os
import re
import wave
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

# What a stored name may hold: Asterisk names may contain "/" (sub-folders of its spool);
# anything else becomes "_" so that a name never climbs out of its folder.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class StoredFile:
    relative: str  # below the storage root, "/"-separated
    size_bytes: int
    sha256: str
    duration_s: float | None  # measured from the file (WAV), None when the format is not known here


def file_name(name: str, fmt: str) -> str:
    base = _UNSAFE.sub("_", name.replace("/", "_")).lstrip(".") or "recording"
    ext = _UNSAFE.sub("_", fmt or "wav")
    return f"{base}.{ext}"


def relative_path(name: str, fmt: str, campaign_id: int | None, when: datetime) -> str:
    """The layout: by the call's date, then its campaign."""
    campaign = f"campaign-{campaign_id}" if campaign_id is not None else "no-campaign"
    return str(PurePosixPath(f"{when:%Y}", f"{when:%m}", f"{when:%d}", campaign, file_name(name, fmt)))


def wav_duration_s(data: bytes) -> float | None:
    try:
        with wave.open(io.BytesIO(data)) as w:
            rate = w.getframerate()
            return w.getnframes() / rate if rate else None
    except (wave.Error, EOFError):
        return None


class RecordingStore:
    """The storage folder. Every path it hands out stays inside it."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def resolve(self, relative: str) -> Path | None:
        """The file for a stored path, or None when the path is empty, escapes the root or is gone."""
        if not relative or "\x00" in relative:
            return None
        root = self.root.resolve()
        path = (root / relative).resolve()
        if root not in path.parents or not path.is_file():
            return None
        return path

    async def write(self, relative: str, data: bytes, fmt: str) -> StoredFile:
        return await asyncio.to_thread(self._write, relative, data, fmt)

    def _write(self, relative: str, data: bytes, fmt: str) -> StoredFile:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside, then renamed: a crash never leaves half a file under the real name.
        temporary = path.with_name(f".{path.name}.part")
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
        return StoredFile(relative, len(data), hashlib.sha256(data).hexdigest(),
                          wav_duration_s(data) if fmt == "wav" else None)

    async def delete(self, relative: str) -> bool:
        """Remove a stored file; False when it was not there."""
        path = self.resolve(relative)
        if path is None:
            return False
        await asyncio.to_thread(path.unlink, missing_ok=True)
        return True


def media_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or {".gsm": "audio/x-gsm", ".sln": "audio/L16"}.get(
        path.suffix, "application/octet-stream")
