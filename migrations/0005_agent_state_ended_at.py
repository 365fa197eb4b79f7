from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index


class AddFieldDroppedInPlace(ops.AddField):
    """AddField whose undo drops the column in place. Tortoise's SQLite editor rebuilds the table
    to drop a column and loses the table's indexes on the way (0004's undo then fails). SQLite
    3.35+ and PostgreSQL both drop a column themselves."""

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor is not None:
            await state_editor.client.execute_script('ALTER TABLE "agent_state_change" DROP COLUMN "ended_at"')


class Migration(migrations.Migration):
    dependencies = [('models', '0004_agent_state_report_index')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='AgentStateChange',
            options={'table': 'agent_state_change', 'app': 'models', 'indexes': [Index(fields=['agent_id', 'at']), Index(fields=['agent_id', 'state', 'reason', 'at'])], 'pk_attr': 'id', 'table_description': "An agent entering a state, and when the agent's next state began (null while it lasts)."},
        ),
        AddFieldDroppedInPlace(
            model_name='AgentStateChange',
            name='ended_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        # History written before this migration: each change ends where the agent's next begins
        # (the latest one stays open). Portable SQL, the same on SQLite and PostgreSQL.
        ops.RunSQL(
            "UPDATE agent_state_change SET ended_at = (SELECT MIN(y.at) FROM agent_state_change y "
            "WHERE y.agent_id = agent_state_change.agent_id AND y.at > agent_state_change.at)",
            reverse_sql=ops.RunSQL.noop,
        ),
    ]
