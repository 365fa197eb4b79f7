"""Where the agent token is kept (tray/tokens.py): the keyring, else a user-only file."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timezone
from pathlib import Path

from dialer.tray.tokens import FileTokenStore, KeyringTokenStore, SavedToken, open_token_store

TOKEN = SavedToken(origin="https://dialer.example.com", username="ann", token="dlr_secret",
                   expires_at="2030-01-01T00:00:00+00:00")


class MemoryKeyring:
    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], str] = {}

    def get_keyring(self) -> object:
        return self

    def get_password(self, service: str, name: str) -> str | None:
        return self.saved.get((service, name))

    def set_password(self, service: str, name: str, value: str) -> None:
        self.saved[(service, name)] = value

    def delete_password(self, service: str, name: str) -> None:
        del self.saved[(service, name)]


def test_the_file_is_readable_by_its_user_only(tmp_path: Path) -> None:
    store = open_token_store(tmp_path / "cfg", use_keyring=False)
    assert isinstance(store, FileTokenStore)
    store.save(TOKEN)
    mode = stat.S_IMODE(os.stat(store.path).st_mode)
    assert mode == 0o600
    assert store.load() == TOKEN
    store.clear()
    assert store.load() is None and not store.path.exists()
    store.clear()  # twice is fine


def test_a_wider_file_is_tightened_on_save(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    path.write_text("{}")
    os.chmod(path, 0o644)
    FileTokenStore(path).save(TOKEN)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_an_expired_or_broken_token_is_as_good_as_none(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "token.json")
    store.save(TOKEN)
    assert store.load(now=datetime(2031, 1, 1, tzinfo=timezone.utc)) is None
    store.path.write_text("not json")
    assert store.load() is None


def test_the_keyring_is_used_when_there_is_one() -> None:
    keyring = MemoryKeyring()
    store = open_token_store(Path("/nonexistent"), keyring=keyring)
    assert isinstance(store, KeyringTokenStore)
    store.save(TOKEN)
    assert "dlr_secret" in next(iter(keyring.saved.values()))
    assert store.load() == TOKEN
    store.clear()
    assert store.load() is None and keyring.saved == {}
    store.clear()
