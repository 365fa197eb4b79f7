from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from dialer.models.imports import ImportStatus
from dialer.models.integrations import DeliveryStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ImportJob',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contact_list', fields.ForeignKeyField('models.ContactList', source_field='contact_list_id', db_constraint=True, to_field='id', related_name='imports', on_delete=OnDelete.CASCADE)),
                ('filename', fields.CharField(db_default='', max_length=255)),
                ('source', fields.CharField(db_default='web', max_length=16)),
                ('status', fields.CharEnumField(description='PENDING: pending\nRUNNING: running\nDONE: done\nFAILED: failed\nCANCELLED: cancelled', db_default='pending', enum_type=ImportStatus, max_length=16)),
                ('encoding', fields.CharField(db_default='', max_length=32)),
                ('delimiter', fields.CharField(db_default='', max_length=4)),
                ('mapping', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('options', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('total_bytes', fields.BigIntField(db_default=0)),
                ('processed_bytes', fields.BigIntField(db_default=0)),
                ('rows_read', fields.IntField(db_default=0)),
                ('imported', fields.IntField(db_default=0)),
                ('duplicates', fields.IntField(db_default=0)),
                ('invalid', fields.IntField(db_default=0)),
                ('dnc_flagged', fields.IntField(db_default=0)),
                ('errors', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('errors_file', fields.CharField(db_default='', max_length=500)),
                ('message', fields.TextField(db_default='', unique=False)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='imports', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'import_job', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ImportMapping',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=100)),
                ('header_signature', fields.CharField(db_index=True, max_length=64)),
                ('headers', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('mapping', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('options', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'import_mapping', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A column mapping saved for reuse with the next file of the same shape (same headers).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SystemSetting',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('value', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'system_setting', 'app': 'models', 'pk_attr': 'key', 'table_description': 'A named system-wide setting edited in the UI (e.g. `caller_lookup`: URL template, timeout).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookEndpoint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', null=True, db_constraint=True, to_field='id', related_name='webhooks', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=100)),
                ('url', fields.CharField(max_length=1000)),
                ('events', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('headers', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('body_template', fields.TextField(db_default='', unique=False)),
                ('content_type', fields.CharField(db_default='application/json', max_length=100)),
                ('secret', fields.CharField(db_default='', max_length=128)),
                ('timeout_s', fields.FloatField(db_default=5.0)),
                ('max_attempts', fields.IntField(db_default=8)),
                ('active', fields.BooleanField(db_default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'webhook_endpoint', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Where call events are POSTed. Global when `campaign` is null.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('endpoint', fields.ForeignKeyField('models.WebhookEndpoint', source_field='endpoint_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('event', fields.CharField(max_length=48)),
                ('event_id', fields.CharField(max_length=64)),
                ('body', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(description='PENDING: pending\nDELIVERED: delivered\nFAILED: failed', db_default='pending', enum_type=DeliveryStatus, max_length=16)),
                ('attempts', fields.IntField(db_default=0)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_status_code', fields.IntField(null=True)),
                ('last_error', fields.TextField(db_default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_delivery', 'app': 'models', 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['endpoint_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
