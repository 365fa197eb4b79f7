"""Where a call's recording is: one lookup the web layer asks, and the engine may extend.

Recordings live under `<data_dir>/recordings/<recording_name>`; an engine that keeps them
on Asterisk (ARI `/recordings/stored`) adds a resolver that fetches them into that folder.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Awaitable, Callable

# Resolvers tried in order after the local folder: (data_dir, name) -> path or None.
Resolver = Callable[[Path, str], Awaitable[Path | None]]
RESOLVERS: list[Resolver] = []


def local_path(data_dir: Path, name: str) -> Path | None:
    """The file in the recordings folder, never outside it (names come from the database)."""
    if not name or "\x00" in name:
        return None
    folder = (data_dir / "recordings").resolve()
    path = (folder / name).resolve()
    if folder not in path.parents:
        return None
    return path if path.is_file() else None


async def find_recording(data_dir: Path, name: str) -> Path | None:
    path = local_path(data_dir, name)
    if path is not None:
        return path
    for resolver in RESOLVERS:
        path = await resolver(data_dir, name)
        if path is not None:
            return path
    return None


def media_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or {".gsm": "audio/x-gsm", ".sln": "audio/L16"}.get(
        path.suffix, "application/octet-stream")
