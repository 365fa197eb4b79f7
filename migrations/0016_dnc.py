"""do-not-call: dispositions that add to DNC, sources, expiry, bulk import (issue 21)."""
from tortoise import migrations
from tortoise.migrations import operations as ops  # noqa: F401 - operations come with the work
from tortoise import fields  # noqa: F401


class Migration(migrations.Migration):
    dependencies = [('models', '0015_compliance')]

    initial = False

    operations: list = []
