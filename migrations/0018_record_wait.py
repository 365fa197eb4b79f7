"""record the wait (issue 20): a campaign may also record the customer's wait for an agent (the
hold treatment, the abandon message), kept as a second file of the call.

`campaign.record_wait`; `call_attempt.wait_recording_name` and `wait_recording_duration_s` (the
wait's file as Asterisk names it and its length: the contract `recording_name` has); and a
recording row per part of a call (`recording.part`: call or wait), so `recording.attempt_id`
trades its UNIQUE for UNIQUE (attempt_id, part). Existing rows are the call part.

PostgreSQL drops the column's constraint in place. SQLite cannot drop a column's UNIQUE: the
table is rebuilt from its own CREATE statement less the UNIQUE. Tortoise's rebuild would lose the
table's indexes and, through DROP TABLE's implicit delete, null every
`recording_access.recording_id` (ON DELETE SET NULL: the audit would forget which file was
heard); this one recreates the indexes and puts the links back, inside the migration's
transaction. Going back deletes the wait rows (a call had one file before; the files stay in
storage) and drops the new columns in place (see 0016).
"""
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint

from dialer.models.recordings import RecordingPart

_TABLES = {"CallAttempt": "call_attempt", "Campaign": "campaign", "Recording": "recording"}
_ATTEMPT_UNIQUE = '"attempt_id" BIGINT NOT NULL UNIQUE REFERENCES'
_ATTEMPT = '"attempt_id" BIGINT NOT NULL REFERENCES'


def _sqlite(state_editor) -> bool:  # type: ignore[no-untyped-def]
    return state_editor.client.capabilities.dialect == "sqlite"


class AddFieldDroppedInPlace(ops.AddField):
    """AddField whose undo drops the column in place: Tortoise's SQLite editor rebuilds the
    table to drop a column and loses its indexes on the way (see 0005, 0016)."""

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:  # type: ignore[no-untyped-def]
        if state_editor is not None:
            await state_editor._run_sql(f'ALTER TABLE "{_TABLES[self.model_name]}" DROP COLUMN "{self.name}"')


class AttemptNoLongerUnique(ops.AlterField):
    """`recording.attempt` from one-to-one to a foreign key: on SQLite by the rebuild above."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:  # type: ignore[no-untyped-def]
        if state_editor is not None and _sqlite(state_editor):
            await _rebuild_recording(state_editor, _ATTEMPT_UNIQUE, _ATTEMPT)
            return
        await super().database_forward(app_label, old_state, new_state, state_editor)

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:  # type: ignore[no-untyped-def]
        if state_editor is not None and _sqlite(state_editor):
            await _rebuild_recording(state_editor, _ATTEMPT, _ATTEMPT_UNIQUE)
            return
        await super().database_backward(app_label, old_state, new_state, state_editor)


async def _rebuild_recording(state_editor, old: str, new: str) -> None:  # type: ignore[no-untyped-def]
    """SQLite's way to change a column constraint: a new table with the same rows and ids."""
    client, run = state_editor.client, state_editor._run_sql
    rows = await client.execute_query_dict(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'recording'")
    create = rows[0]["sql"]
    if old not in create:
        raise RuntimeError(f"recording's attempt_id is not {old!r}: {create}")
    indexes = [r["sql"] for r in await client.execute_query_dict(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'recording' AND sql IS NOT NULL")]
    columns = ", ".join(f'"{c["name"]}"' for c in await client.execute_query_dict('PRAGMA table_info("recording")'))
    # Statement by statement: executescript would commit the migration's transaction.
    await run('CREATE TEMP TABLE "recording_access_links" AS '
              'SELECT "id", "recording_id" FROM "recording_access" WHERE "recording_id" IS NOT NULL')
    await run(create.replace('CREATE TABLE "recording"', 'CREATE TABLE "new__recording"', 1).replace(old, new, 1))
    await run(f'INSERT INTO "new__recording" ({columns}) SELECT {columns} FROM "recording"')
    await run('DROP TABLE "recording"')
    await run('ALTER TABLE "new__recording" RENAME TO "recording"')
    for sql in indexes:
        await run(sql)
    await run('UPDATE "recording_access" SET "recording_id" = (SELECT l."recording_id" FROM "recording_access_links" l '
              'WHERE l."id" = "recording_access"."id") WHERE "id" IN (SELECT "id" FROM "recording_access_links")')
    await run('DROP TABLE "recording_access_links"')


class Migration(migrations.Migration):
    dependencies = [('models', '0017_closure_days')]

    initial = False

    operations = [
        AddFieldDroppedInPlace(
            model_name='CallAttempt',
            name='wait_recording_duration_s',
            field=fields.IntField(null=True),
        ),
        AddFieldDroppedInPlace(
            model_name='CallAttempt',
            name='wait_recording_name',
            field=fields.CharField(db_default='', max_length=200),
        ),
        AddFieldDroppedInPlace(
            model_name='Campaign',
            name='record_wait',
            field=fields.BooleanField(db_default=False),
        ),
        ops.AlterModelOptions(
            name='Recording',
            options={'table': 'recording', 'app': 'models',
                     'indexes': [('state', 'next_try_at'), ('state', 'stored_at')], 'pk_attr': 'id',
                     'table_description': "A call's recording file, one per part of the call (its `part`: the "
                                          "call, or the wait before it)."},
        ),
        AttemptNoLongerUnique(
            model_name='Recording',
            name='attempt',
            field=fields.ForeignKeyField('models.CallAttempt', source_field='attempt_id', db_constraint=True,
                                         to_field='id', related_name='recordings', on_delete=OnDelete.CASCADE),
        ),
        AddFieldDroppedInPlace(
            model_name='Recording',
            name='part',
            field=fields.CharEnumField(description='CALL: call\nWAIT: wait', db_default='call',
                                       enum_type=RecordingPart, max_length=8),
        ),
        # Undone first on the way back: the old schema holds one file per call.
        ops.RunSQL(ops.RunSQL.noop, reverse_sql="DELETE FROM recording WHERE part = 'wait'"),
        ops.AddConstraint(
            model_name='Recording',
            constraint=UniqueConstraint(fields=('attempt', 'part'), name=None),
        ),
    ]
