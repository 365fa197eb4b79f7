"""The fetcher against an Asterisk on loopback: a finished recording is stored by date and campaign
with its checksum and removed from Asterisk; a failed fetch is retried with backoff; a file that
is gone is given up; the spool folder can stand in for ARI; only this engine's calls are taken."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from dialer.models import Campaign, Recording, RecordingState
from dialer.recordings.fetcher import RecordingFetcher, backoff_s
from dialer.recordings.sources import AriSource, SpoolSource
from dialer.recordings.storage import RecordingStore
from recordings.world import T0, recorded_call, wav


def fetcher(source, tmp_path, **kw) -> RecordingFetcher:
    return RecordingFetcher(source, RecordingStore(tmp_path / "store"), **kw)


async def test_a_finished_recording_is_stored_checksummed_and_removed_from_asterisk(
        db, asterisk, ari_recordings, tmp_path) -> None:
    campaign = await Campaign.create(name="Spring")
    data = wav(3.5)
    asterisk.files["d1a2b3c4d-1-abcdef12"] = ("wav", data)
    # The engine writes the file as Asterisk stores it: `<ARI name>.<format>`.
    call = await recorded_call(campaign, "d1a2b3c4d-1-abcdef12.wav", duration=3)
    still_recording = await recorded_call(campaign, "2-running.wav", duration=None)  # no RecordingFinished yet
    f = fetcher(AriSource(ari_recordings), tmp_path)

    assert await f.run_once(T0 + timedelta(seconds=5)) == 1
    rec = await Recording.get(attempt_id=call.id)
    assert rec.state is RecordingState.STORED and rec.tries == 1 and rec.error == ""
    assert rec.path == f"2026/03/02/campaign-{campaign.id}/d1a2b3c4d-1-abcdef12.wav"
    stored = tmp_path / "store" / rec.path
    assert stored.read_bytes() == data
    assert rec.size_bytes == len(data) and rec.sha256 == hashlib.sha256(data).hexdigest()
    assert rec.format == "wav" and rec.duration_s == 3  # Asterisk's own figure wins
    # Removed from Asterisk's spool only after it was stored.
    assert asterisk.seen.index(("DELETE", "d1a2b3c4d-1-abcdef12")) > \
        asterisk.seen.index(("GET file", "d1a2b3c4d-1-abcdef12"))
    assert "d1a2b3c4d-1-abcdef12" not in asterisk.files
    assert not await Recording.filter(attempt_id=still_recording.id).exists()
    assert await f.run_once(T0 + timedelta(seconds=10)) == 0  # nothing twice
    assert f.figures.stored == 1 and f.figures.bytes == len(data)


async def test_a_failed_fetch_is_retried_with_backoff(db, asterisk, ari_recordings, tmp_path) -> None:
    asterisk.files["7-x"] = ("wav", wav(1))
    asterisk.fail_file = 2
    call = await recorded_call(None, "7-x")
    f = fetcher(AriSource(ari_recordings), tmp_path, base_backoff_s=10)

    await f.run_once(T0)
    rec = await Recording.get(attempt_id=call.id)
    assert rec.state is RecordingState.PENDING and rec.tries == 1 and "500" in rec.error
    assert rec.next_try_at == T0 + timedelta(seconds=10)
    assert "7-x" in asterisk.files  # nothing deleted from Asterisk while not stored

    assert await f.run_once(T0 + timedelta(seconds=9)) == 0  # not before its time
    await f.run_once(T0 + timedelta(seconds=10))
    rec = await Recording.get(attempt_id=call.id)
    assert rec.tries == 2 and rec.next_try_at == T0 + timedelta(seconds=30)  # 10 s, then 20 s

    await f.run_once(T0 + timedelta(seconds=30))
    rec = await Recording.get(attempt_id=call.id)
    assert rec.state is RecordingState.STORED and rec.tries == 3 and rec.error == "" and rec.next_try_at is None
    assert rec.path.endswith("no-campaign/7-x.wav") and "7-x" not in asterisk.files
    assert [backoff_s(n) for n in (1, 2, 3, 10)] == [10, 20, 40, 3600]


async def test_a_recording_asterisk_does_not_have_is_given_up(db, asterisk, ari_recordings, tmp_path) -> None:
    call = await recorded_call(None, "gone")
    f = fetcher(AriSource(ari_recordings), tmp_path, missing_tries=2)
    await f.run_once(T0)
    rec = await Recording.get(attempt_id=call.id)
    assert rec.state is RecordingState.PENDING and "does not have it" in rec.error
    await f.run_once(rec.next_try_at)
    rec = await Recording.get(attempt_id=call.id)
    assert rec.state is RecordingState.FAILED and rec.next_try_at is None and rec.tries == 2


async def test_a_recording_cut_by_a_restart_is_fetched_and_flagged(db, asterisk, ari_recordings,
                                                                   tmp_path) -> None:
    asterisk.files["9-cut"] = ("wav", wav(2))
    call = await recorded_call(None, "9-cut", duration=None, cut=True)
    await fetcher(AriSource(ari_recordings), tmp_path).run_once(T0)
    rec = await Recording.get(attempt_id=call.id)
    assert rec.state is RecordingState.STORED and rec.cut and rec.duration_s == 2  # measured from the WAV


async def test_only_this_engines_calls_are_fetched(db, asterisk, ari_recordings, tmp_path) -> None:
    asterisk.files["mine"] = ("wav", wav(1))
    mine = await recorded_call(None, "mine", engine_id="e1")
    theirs = await recorded_call(None, "theirs", engine_id="e2")  # on another Asterisk
    await fetcher(AriSource(ari_recordings), tmp_path, engine_id="e1").run_once(T0)
    assert (await Recording.get(attempt_id=mine.id)).state is RecordingState.STORED
    assert not await Recording.filter(attempt_id=theirs.id).exists()


async def test_a_shared_spool_folder_stands_in_for_ari(db, tmp_path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    data = wav(1.5)
    (spool / "5-spool.wav").write_bytes(data)
    campaign = await Campaign.create(name="Winter")
    call = await recorded_call(campaign, "5-spool.wav")
    await fetcher(SpoolSource(spool), tmp_path).run_once(T0)
    rec = await Recording.get(attempt_id=call.id)
    assert rec.state is RecordingState.STORED and (tmp_path / "store" / rec.path).read_bytes() == data
    assert not (spool / "5-spool.wav").exists()  # moved, not copied


async def test_the_loop_fetches_by_itself_and_stops(db, asterisk, ari_recordings, tmp_path) -> None:
    import asyncio
    from datetime import datetime, timezone

    asterisk.files["loop"] = ("wav", wav(1))
    call = await recorded_call(None, "loop", when=datetime.now(timezone.utc))
    f = fetcher(AriSource(ari_recordings), tmp_path, poll_s=0.05).start()
    try:
        for _ in range(100):
            rec = await Recording.get_or_none(attempt_id=call.id)
            if rec is not None and rec.state is RecordingState.STORED:
                break
            await asyncio.sleep(0.05)
        assert rec is not None and rec.state is RecordingState.STORED
    finally:
        await f.stop()
    assert f._task is None


async def test_rounds_read_recent_calls_and_new_cut_events_and_full_rounds_the_rest(
        db, asterisk, ari_recordings, tmp_path) -> None:
    from dialer.models import CallEvent

    f = fetcher(AriSource(ari_recordings), tmp_path, recent=timedelta(hours=6), lookback=timedelta(days=7))
    await f.run_once(T0)  # the first round is full; nothing yet
    for name in ("old", "cut"):
        asterisk.files[name] = ("wav", wav(1))
    old = await recorded_call(None, "old.wav", when=T0 - timedelta(days=2))  # finished while we were away
    cut = await recorded_call(None, "cut.wav", duration=None, when=T0 - timedelta(days=1))
    await CallEvent.create(at=T0, kind="recording_cut", attempt=cut)  # written after the first round

    await f.run_once(T0 + timedelta(seconds=3))  # an ordinary round: new cut events, recent calls
    assert (await Recording.get(attempt_id=cut.id)).cut
    assert not await Recording.filter(attempt_id=old.id).exists()
    await f.run_once(T0 + timedelta(seconds=6), full=True)  # the hourly round finds the rest
    assert (await Recording.get(attempt_id=old.id)).state is RecordingState.STORED


async def test_a_call_with_its_wait_recorded_gets_two_files_each_with_its_part(
        db, asterisk, ari_recordings, tmp_path) -> None:
    """The wait (a campaign that records it) is a second file of the same call: enlisted, stored
    beside the call's, removed from Asterisk, flagged cut on its own; a hold on the call covers it."""
    from dialer.accounts.users import Actor
    from dialer.models import CallAttempt, CallEvent
    from dialer.models.recordings import RecordingPart
    from dialer.recordings.access import set_legal_hold

    campaign = await Campaign.create(name="Spring")
    call_data, wait_data = wav(4), wav(2.5)
    asterisk.files.update({"d1-8-call": ("wav", call_data), "d1-8-wait-ab": ("wav", wait_data),
                           "d1-9-wait-cd": ("wav", wav(6))})
    both = await recorded_call(campaign, "d1-8-call.wav", duration=4)
    await CallAttempt.filter(id=both.id).update(wait_recording_name="d1-8-wait-ab.wav", wait_recording_duration_s=2)
    # Abandoned: only its wait; a restart cut it (the event names the part).
    abandoned = await recorded_call(campaign, "", duration=None)
    await CallAttempt.filter(id=abandoned.id).update(wait_recording_name="d1-9-wait-cd.wav")
    await CallEvent.create(at=T0, kind="recording_cut", attempt=abandoned, payload={"part": "wait"})
    f = fetcher(AriSource(ari_recordings), tmp_path)

    assert await f.run_once(T0 + timedelta(seconds=5)) == 3
    rows = {(r.attempt_id, r.part): r for r in await Recording.all()}
    assert set(rows) == {(both.id, RecordingPart.CALL), (both.id, RecordingPart.WAIT),
                         (abandoned.id, RecordingPart.WAIT)}
    call, wait = rows[both.id, RecordingPart.CALL], rows[both.id, RecordingPart.WAIT]
    assert {call.state, wait.state} == {RecordingState.STORED}
    assert call.path == f"2026/03/02/campaign-{campaign.id}/d1-8-call.wav"
    assert wait.path == f"2026/03/02/campaign-{campaign.id}/d1-8-wait-ab.wav"
    assert (tmp_path / "store" / wait.path).read_bytes() == wait_data and wait.duration_s == 2
    assert wait.sha256 == hashlib.sha256(wait_data).hexdigest() and not wait.cut and not call.cut
    assert rows[abandoned.id, RecordingPart.WAIT].cut and rows[abandoned.id, RecordingPart.WAIT].duration_s == 6
    assert not asterisk.files, "every file removed from Asterisk's spool"

    # The hold is the call's: both its files; a file enlisted after the hold takes it too.
    assert await set_legal_hold(both.id, True, actor=Actor.system("test")) == 2
    later = await recorded_call(campaign, "", duration=None)
    await CallAttempt.filter(id=later.id).update(wait_recording_name="late.wav", wait_recording_duration_s=1)
    await Recording.create(attempt=later, campaign=campaign, name="x.wav", legal_hold=True,
                           state=RecordingState.STORED)
    await f.enlist(T0 + timedelta(seconds=9))
    assert (await Recording.get(attempt_id=later.id, part=RecordingPart.WAIT)).legal_hold
