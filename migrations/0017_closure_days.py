"""closure days: the days a company does not call, per dial profile (issue 21).

A JSON list of {"date": "YYYY-MM-DD", "note": "..."} on the profile, which the calling-hours rule
reads with the profile (no table: a handful of days a year, always needed whole with the
profile, and edited as one text box). Existing profiles get none.
"""
from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('models', '0016_dnc')]

    initial = False

    operations = [
        ops.AddField(
            model_name='DialProfile',
            name='closure_days',
            field=fields.JSONField(default=list, db_default='[]',
                                   encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
