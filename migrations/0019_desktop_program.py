"""desktop program (issue 27): a campaign may name the program the agents' tray app runs from
the card's Run button (`campaign.desktop_program`, a name the agent's machine must whitelist in
its config.toml; never a path). Existing campaigns name none, so their cards offer no Run.

Going back drops the column in place (see 0016, 0018).
"""
from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class AddFieldDroppedInPlace(ops.AddField):
    """AddField whose undo drops the column in place: Tortoise's SQLite editor rebuilds the
    table to drop a column and loses its indexes on the way (see 0005, 0016)."""

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:  # type: ignore[no-untyped-def]
        if state_editor is not None:
            await state_editor._run_sql(f'ALTER TABLE "campaign" DROP COLUMN "{self.name}"')


class Migration(migrations.Migration):
    dependencies = [('models', '0018_record_wait')]

    initial = False

    operations = [
        AddFieldDroppedInPlace(
            model_name='Campaign',
            name='desktop_program',
            field=fields.CharField(db_default='', max_length=64),
        ),
    ]
