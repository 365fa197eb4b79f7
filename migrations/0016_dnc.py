"""do-not-call: dispositions that add to DNC, sources, expiry, bulk import (issue 21).

A disposition may put the number on the list (scope, expiry); each entry says how it came
(`source`). Global numbers become unique by a partial index, so a bulk import can leave
repeats to the database (`ON CONFLICT DO NOTHING`): NULL campaign ids never clash in the
(phone, campaign_id) constraint. The "Do not call" disposition (code `dnc`) gets the flag. The
lease gets an index in its own order, so checking a registry-sized list costs it nothing.
"""
from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from dialer.models.enums import DncScope, DncSource


class AddFieldDroppedInPlace(ops.AddField):
    """AddField whose undo drops the column in place: Tortoise's SQLite editor rebuilds the
    table to drop a column and loses its indexes on the way (see 0005)."""

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:  # type: ignore[no-untyped-def]
        if state_editor is not None:
            table = {"Disposition": "disposition", "DncEntry": "dnc_entry"}[self.model_name]
            await state_editor.client.execute_script(f'ALTER TABLE "{table}" DROP COLUMN "{self.name}"')


async def _order_index(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    # SQLite sorts NULLs first in ascending order already, and refuses NULLS FIRST in an index.
    nulls_first = " NULLS FIRST" if client.capabilities.dialect == "postgres" else ""
    await client.execute_script(
        f"CREATE INDEX idx_contact_dialable_order ON contact (contact_list_id, next_attempt_at{nulls_first}, id) "
        "WHERE status = 'pending'")


async def _drop_order_index(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    await schema_editor.client.execute_script("DROP INDEX idx_contact_dialable_order")


class Migration(migrations.Migration):
    dependencies = [('models', '0015_compliance')]

    initial = False

    operations = [
        AddFieldDroppedInPlace(
            model_name='Disposition',
            name='adds_dnc',
            field=fields.BooleanField(db_default=False),
        ),
        AddFieldDroppedInPlace(
            model_name='Disposition',
            name='dnc_expires_days',
            field=fields.IntField(null=True),
        ),
        AddFieldDroppedInPlace(
            model_name='Disposition',
            name='dnc_scope',
            field=fields.CharEnumField(description='GLOBAL: global\nCAMPAIGN: campaign', db_default='global',
                                       enum_type=DncScope, max_length=16),
        ),
        ops.AlterModelOptions(
            name='DncEntry',
            options={'table': 'dnc_entry', 'app': 'models', 'unique_together': (('phone', 'campaign_id'),),
                     'indexes': [Index(fields=['phone'])], 'pk_attr': 'id',
                     'table_description': 'A number never to be dialed: everywhere when `campaign_id` is null, '
                                          'else in that campaign,'},
        ),
        AddFieldDroppedInPlace(
            model_name='DncEntry',
            name='source',
            field=fields.CharEnumField(description='MANUAL: manual\nDISPOSITION: disposition\nAGENT: agent\n'
                                                   'IMPORT: import', db_default='manual', enum_type=DncSource,
                                       max_length=16),
        ),
        # Repeats of a global number (possible before: NULLs never clash) keep their first row.
        ops.RunSQL(
            "DELETE FROM dnc_entry WHERE campaign_id IS NULL AND id NOT IN "
            "(SELECT MIN(id) FROM dnc_entry WHERE campaign_id IS NULL GROUP BY phone)",
            reverse_sql=ops.RunSQL.noop,
        ),
        ops.RunSQL(
            "CREATE UNIQUE INDEX dnc_entry_global_phone ON dnc_entry (phone) WHERE campaign_id IS NULL",
            reverse_sql="DROP INDEX dnc_entry_global_phone",
        ),
        # The lease's order (new contacts first, then by due time) as an index over the dialable
        # rows: a lease walks it and stops after its batch, checking the DNC index per row it
        # takes, instead of sorting every pending contact of the list (scheduling/leasing.py).
        ops.RunPython(_order_index, reverse_code=_drop_order_index),
        ops.RunSQL(
            "UPDATE disposition SET adds_dnc = TRUE WHERE code = 'dnc'",
            reverse_sql=ops.RunSQL.noop,
        ),
    ]
