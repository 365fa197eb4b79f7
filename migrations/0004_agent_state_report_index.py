from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_agent_connection')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='AgentStateChange',
            index=Index(fields=['agent_id', 'state', 'reason', 'at']),
        ),
    ]
