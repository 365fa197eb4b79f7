"""compliance: regulatory profile and safe defaults (issue 21).

Existing campaigns get an empty profile, which means the deployment's (DIALER_REGULATORY_PROFILE,
`eu` unless set): the safe one, never `none`.
"""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('models', '0014_recordings')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Campaign',
            name='regulatory_profile',
            field=fields.CharField(db_default='', max_length=8),
        ),
    ]
