from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_pacer_state')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Campaign',
            name='release_ringing',
            field=fields.BooleanField(db_default=True),
        ),
    ]
