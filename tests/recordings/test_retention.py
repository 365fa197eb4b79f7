"""Retention: a stored file older than its campaign's retention is deleted, its row kept as the
record (when, why); a call on legal hold keeps its file; younger files and other campaigns' stay."""

from __future__ import annotations

from datetime import timedelta

from dialer.models import Campaign, Recording, RecordingState
from dialer.recordings.retention import apply_retention
from dialer.recordings.storage import RecordingStore
from recordings.world import T0, recorded_call, wav


async def stored(store: RecordingStore, campaign, name: str, days_old: int, *, hold: bool = False) -> Recording:
    call = await recorded_call(campaign, name, when=T0 - timedelta(days=days_old))
    path = f"x/{name}.wav"
    await store.write(path, wav(0.1), "wav")
    return await Recording.create(attempt=call, campaign=campaign, name=name, state=RecordingState.STORED,
                                  path=path, format="wav", legal_hold=hold, stored_at=call.originated_at)


async def test_retention_deletes_old_files_keeps_held_and_young_ones(db, tmp_path) -> None:
    store = RecordingStore(tmp_path / "store")
    short = await Campaign.create(name="Short", recording_retention_days=30)
    default = await Campaign.create(name="Default")  # 90 days
    old = await stored(store, short, "old", 40)
    held = await stored(store, short, "held", 40, hold=True)
    young = await stored(store, short, "young", 10)
    kept_longer = await stored(store, default, "kept", 40)
    ancient = await stored(store, default, "ancient", 100)

    result = await apply_retention(store, T0)
    assert (result.deleted, result.held) == (2, 1)

    def on_disk(rec: Recording) -> bool:
        return (store.root / rec.path).exists()

    for rec in (old, ancient):
        row = await Recording.get(id=rec.id)
        assert row.state is RecordingState.DELETED and row.deleted_at == T0 and not on_disk(rec)
        assert row.deleted_reason.startswith("retention: call older than")
    assert (await Recording.get(id=old.id)).deleted_reason == "retention: call older than 30 days"
    for rec in (held, young, kept_longer):
        assert (await Recording.get(id=rec.id)).state is RecordingState.STORED and on_disk(rec)

    # Lifting the hold lets the next run delete it; a second run finds nothing else.
    await Recording.filter(id=held.id).update(legal_hold=False)
    assert (await apply_retention(store, T0)).deleted == 1
    assert not on_disk(held) and (await apply_retention(store, T0)).deleted == 0


async def test_a_call_on_hold_keeps_both_its_files_and_retention_deletes_both_otherwise(db, tmp_path) -> None:
    from dialer.accounts.users import Actor
    from dialer.models.recordings import RecordingPart
    from dialer.recordings.access import set_legal_hold

    store = RecordingStore(tmp_path / "store")
    campaign = await Campaign.create(name="Short", recording_retention_days=30)
    files = []
    for name in ("held", "gone"):
        call = await stored(store, campaign, name, 40)
        await store.write(f"x/{name}-wait.wav", wav(0.1), "wav")
        wait = await Recording.create(attempt_id=call.attempt_id, campaign=campaign, name=f"{name}-wait",
                                      part=RecordingPart.WAIT, state=RecordingState.STORED,
                                      path=f"x/{name}-wait.wav", format="wav", stored_at=T0)
        files.append((call, wait))
    (held_call, held_wait), (gone_call, gone_wait) = files
    assert await set_legal_hold(held_call.attempt_id, True, actor=Actor.system("test")) == 2

    result = await apply_retention(store, T0)
    assert (result.deleted, result.held) == (2, 2)
    for rec in (held_call, held_wait):
        assert (await Recording.get(id=rec.id)).state is RecordingState.STORED and (store.root / rec.path).exists()
    for rec in (gone_call, gone_wait):
        assert (await Recording.get(id=rec.id)).state is RecordingState.DELETED and not (store.root / rec.path).exists()
