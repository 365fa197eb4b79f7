from tortoise import migrations
from tortoise.migrations import operations as ops
from dialer.models.enums import AgentState
from tortoise import fields


class AlterDescriptionOnly(ops.AlterField):
    """A new agent state: only the column's description changes. PostgreSQL keeps it as a
    comment; SQLite has none, and Tortoise's SQLite editor would rebuild the table for nothing
    and lose its indexes on the way (see 0005)."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor is not None and state_editor.client.capabilities.dialect != "sqlite":
            await super().database_forward(app_label, old_state, new_state, state_editor)

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor is not None and state_editor.client.capabilities.dialect != "sqlite":
            await super().database_backward(app_label, old_state, new_state, state_editor)


class Migration(migrations.Migration):
    dependencies = [('models', '0009_billing')]

    initial = False

    operations = [
        AlterDescriptionOnly(
            model_name='AgentStateChange',
            name='state',
            field=fields.CharEnumField(description='LOGGED_OUT: logged_out\nREADY: ready\nRESERVED: reserved\nRINGING: ringing\nON_CALL: on_call\nWRAP_UP: wrap_up\nPAUSED: paused\nNOT_READY: not_ready', enum_type=AgentState, max_length=16),
        ),
        ops.AddField(
            model_name='Campaign',
            name='redial_agent_phones',
            field=fields.BooleanField(db_default=False),
        ),
    ]
