"""Where the agent token is kept between runs: the OS keyring (Windows Credential Manager,
Secret Service, macOS Keychain) when the `keyring` package has a real backend, else a JSON
file in the config dir readable by the user only (mode 0600). Never in config.toml.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

SERVICE = "dialer-tray"
ENTRY = "agent-token"
TOKEN_FILE = "token.json"


@dataclass(frozen=True)
class SavedToken:
    origin: str  # the dialer it was issued by: never sent anywhere else
    username: str
    token: str
    expires_at: str | None = None  # ISO 8601, as the API gives it

    def expired(self, now: datetime) -> bool:
        if not self.expires_at:
            return False
        try:
            return datetime.fromisoformat(self.expires_at) <= now
        except ValueError:
            return True


class TokenStore(Protocol):
    where: str

    def load(self, now: datetime | None = None) -> SavedToken | None: ...
    def save(self, token: SavedToken) -> None: ...
    def clear(self) -> None: ...


def _decode(text: str | None, now: datetime | None) -> SavedToken | None:
    if not text:
        return None
    try:
        data = json.loads(text)
        token = SavedToken(origin=str(data["origin"]), username=str(data["username"]), token=str(data["token"]),
                           expires_at=data.get("expires_at"))
    except (ValueError, KeyError, TypeError):
        return None
    return None if token.expired(now or datetime.now(timezone.utc)) else token


class FileTokenStore:
    """A file only its user may read: created 0600 (never briefly wider), re-tightened on save."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)

    def load(self, now: datetime | None = None) -> SavedToken | None:
        try:
            return _decode(self.path.read_text(encoding="utf-8"), now)
        except OSError:
            return None

    def save(self, token: SavedToken) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(asdict(token), f)
        os.chmod(self.path, 0o600)  # a file an older version left wider

    def clear(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


class KeyringTokenStore:
    def __init__(self, keyring: Any) -> None:
        self.keyring = keyring
        self.where = f"keyring ({type(keyring.get_keyring()).__name__})"

    def load(self, now: datetime | None = None) -> SavedToken | None:
        try:
            return _decode(self.keyring.get_password(SERVICE, ENTRY), now)
        except Exception:  # a locked or vanished keyring: as if nothing were saved
            return None

    def save(self, token: SavedToken) -> None:
        self.keyring.set_password(SERVICE, ENTRY, json.dumps(asdict(token)))

    def clear(self) -> None:
        try:
            self.keyring.delete_password(SERVICE, ENTRY)
        except Exception:
            pass  # nothing saved


def usable_keyring() -> Any | None:
    """The keyring module if it has a backend that really stores (not the fail/null/plaintext
    ones a headless Linux gets), else None."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception:
        return None
    backend = keyring.get_keyring()
    name = type(backend).__module__ + "." + type(backend).__name__
    if isinstance(backend, fail.Keyring) or "null" in name.lower() or "plaintext" in name.lower():
        return None
    try:
        if float(getattr(backend, "priority", 0)) <= 0:
            return None
    except Exception:
        return None
    return keyring


def open_token_store(directory: Path, keyring: Any | None = None, use_keyring: bool = True) -> TokenStore:
    found = keyring if keyring is not None else (usable_keyring() if use_keyring else None)
    if found is not None:
        return KeyringTokenStore(found)
    return FileTokenStore(directory / TOKEN_FILE)
