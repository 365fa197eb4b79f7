"""The storage folder: the layout by date and campaign, safe names, atomic writes with checksums,
and no path out of the folder."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from dialer.recordings.storage import RecordingStore, file_name, relative_path, wav_duration_s
from recordings.world import wav


def test_layout_is_by_date_then_campaign() -> None:
    when = datetime(2026, 12, 5, 23, 59, tzinfo=timezone.utc)
    assert relative_path("812-ab12cd34", "wav", 7, when) == "2026/12/05/campaign-7/812-ab12cd34.wav"
    assert relative_path("x", "gsm", None, when) == "2026/12/05/no-campaign/x.gsm"


def test_names_from_asterisk_cannot_leave_their_folder() -> None:
    assert file_name("../../etc/passwd", "wav") == "_.._etc_passwd.wav"
    assert file_name("sub/dir name", "wav") == "sub_dir_name.wav"
    assert "/" not in file_name("a/b", "../wav")


async def test_write_is_whole_and_checksummed_and_resolve_stays_inside(tmp_path) -> None:
    store = RecordingStore(tmp_path / "store")
    data = wav(2)
    stored = await store.write("2026/03/02/campaign-1/a.wav", data, "wav")
    assert stored.size_bytes == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.duration_s == 2.0 and wav_duration_s(b"not a wav") is None
    assert store.resolve("2026/03/02/campaign-1/a.wav") == (tmp_path / "store/2026/03/02/campaign-1/a.wav").resolve()
    assert not list((tmp_path / "store").rglob("*.part"))
    (tmp_path / "secret.txt").write_text("x")
    assert store.resolve("../secret.txt") is None and store.resolve("") is None and store.resolve("a\x00b") is None
    assert await store.delete("2026/03/02/campaign-1/a.wav") and store.resolve("2026/03/02/campaign-1/a.wav") is None
    assert not await store.delete("2026/03/02/campaign-1/a.wav")
