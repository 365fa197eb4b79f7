"""recordings (issue 20): a row per call recording, its access audit, and a campaign's retention."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from dialer.models.recordings import RecordingAction, RecordingState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0013_agent_session_engine')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Recording',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('attempt', fields.OneToOneField('models.CallAttempt', source_field='attempt_id', db_constraint=True, to_field='id', related_name='recording', on_delete=OnDelete.CASCADE)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', null=True, db_constraint=True, to_field='id', related_name='recordings', on_delete=OnDelete.SET_NULL)),
                ('name', fields.CharField(max_length=200)),
                ('state', fields.CharEnumField(description='PENDING: pending\nSTORED: stored\nFAILED: failed\nDELETED: deleted', db_default='pending', enum_type=RecordingState, max_length=16)),
                ('path', fields.CharField(db_default='', max_length=500)),
                ('format', fields.CharField(db_default='', max_length=16)),
                ('size_bytes', fields.BigIntField(null=True)),
                ('duration_s', fields.IntField(null=True)),
                ('sha256', fields.CharField(db_default='', max_length=64)),
                ('tries', fields.IntField(db_default=0)),
                ('next_try_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('error', fields.CharField(db_default='', max_length=500)),
                ('cut', fields.BooleanField(db_default=False)),
                ('legal_hold', fields.BooleanField(db_default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('stored_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('deleted_reason', fields.CharField(db_default='', max_length=200)),
            ],
            options={'table': 'recording', 'app': 'models', 'indexes': [Index(fields=['state', 'next_try_at']), Index(fields=['state', 'stored_at'])], 'pk_attr': 'id', 'table_description': "A call's recording file. The call's `recording_name` is what Asterisk named it."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RecordingAccess',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='recording_accesses', on_delete=OnDelete.SET_NULL)),
                ('username', fields.CharField(db_default='', max_length=100)),
                ('attempt_id', fields.BigIntField()),
                ('recording', fields.ForeignKeyField('models.Recording', source_field='recording_id', null=True, db_constraint=True, to_field='id', related_name='accesses', on_delete=OnDelete.SET_NULL)),
                ('action', fields.CharEnumField(description='PLAY: play\nDOWNLOAD: download\nLINK: link', enum_type=RecordingAction, max_length=16)),
                ('ip', fields.CharField(db_default='', max_length=64)),
            ],
            options={'table': 'recording_access', 'app': 'models', 'indexes': [Index(fields=['attempt_id', 'at']), Index(fields=['user_id', 'at']), Index(fields=['at'])], 'pk_attr': 'id', 'table_description': "Who listened to or downloaded a call's recording, when and from where (GDPR: who heard my"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Campaign',
            name='recording_retention_days',
            field=fields.IntField(db_default=90),
        ),
    ]

