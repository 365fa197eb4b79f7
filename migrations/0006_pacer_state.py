from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_agent_state_ended_at')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PacerState',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='pacer_states', on_delete=OnDelete.CASCADE)),
                ('pacer', fields.CharField(max_length=32)),
                ('state', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('saved_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'pacer_state', 'app': 'models', 'unique_together': (('campaign', 'pacer'),), 'pk_attr': 'id', 'table_description': "What a campaign's pacer has learned, kept across engine restarts (one row per pacer)."},
            bases=['Model'],
        ),
    ]
