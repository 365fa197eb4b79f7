from tortoise import migrations
from tortoise.migrations import operations as ops
from dialer.models.enums import AgentConnection
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_imports_and_integrations')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Agent',
            name='connection',
            field=fields.CharEnumField(description='PERSISTENT: persistent\nPER_CALL: per_call', db_default='persistent', enum_type=AgentConnection, max_length=16),
        ),
    ]
