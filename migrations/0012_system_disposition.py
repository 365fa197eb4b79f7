from tortoise import migrations
from tortoise.migrations import operations as ops
from dialer.models.enums import SystemDisposition
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0011_call_attempt_fillfactor')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CallAttempt',
            name='system_disposition',
            field=fields.CharEnumField(null=True, description='WRAP_UP_TIMED_OUT: wrap_up_timed_out\nDIALER_RESTARTED: dialer_restarted\nAGENT_LEFT: agent_left\nAGENT_LOGGED_OUT: agent_logged_out', enum_type=SystemDisposition, max_length=24),
        ),
    ]
