from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0012_system_disposition')]

    initial = False

    operations = [
        ops.AddField(
            model_name='AgentSession',
            name='engine_id',
            field=fields.CharField(db_default='', max_length=64),
        ),
    ]
