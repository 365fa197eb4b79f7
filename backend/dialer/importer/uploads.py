"""Uploaded files on their way to an import: streamed to disk under the data directory with
the size limit enforced while they arrive, kept under a random token until the user has
confirmed the mapping, then handed to the job. Not an HTTP layer: callers pass the chunks.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path
from typing import AsyncIterable, BinaryIO

from dialer.importer.jobs import upload_path
from dialer.importer.limits import MAX_FILE_BYTES

STALE_AFTER_S = 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class TooLarge(ValueError):
    def __init__(self) -> None:
        super().__init__(f"The file is larger than the limit of {MAX_FILE_BYTES >> 20:,} MiB; split it into "
                         "smaller files.")


def uploads_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "imports" / "uploads"


def pending_path(data_dir: Path, token: str) -> Path | None:
    """The pending upload of this token, or None for a token that is malformed or unknown."""
    if not _TOKEN.fullmatch(token):
        return None
    path = uploads_dir(data_dir) / f"{token}.csv"
    return path if path.exists() else None


def _new_target(data_dir: Path) -> tuple[str, Path]:
    folder = uploads_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    token = secrets.token_urlsafe(16)
    return token, folder / f"{token}.csv"


def _remove_stale(folder: Path) -> None:
    cutoff = time.time() - STALE_AFTER_S
    for old in folder.glob("*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


async def store_stream(data_dir: Path, chunks: AsyncIterable[bytes]) -> tuple[str, Path]:
    """Write an incoming body to a pending upload; TooLarge (and nothing kept) past the limit."""
    token, target = _new_target(data_dir)
    size = 0
    try:
        with open(target, "wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise TooLarge()
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return token, target


def store_file(data_dir: Path, source: BinaryIO) -> tuple[str, Path]:
    """Copy an already received file (a multipart part spooled by the server) to a pending upload."""
    token, target = _new_target(data_dir)
    try:
        with open(target, "wb") as out:
            copied = 0
            while chunk := source.read(1 << 20):
                copied += len(chunk)
                if copied > MAX_FILE_BYTES:
                    raise TooLarge()
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return token, target


def hand_to_job(pending: Path, data_dir: Path, job_id: int) -> Path:
    """Move a pending upload to where its job reads it."""
    target = upload_path(data_dir, job_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(pending), target)
    return target
