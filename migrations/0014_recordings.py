"""recordings (issue 20)."""
from tortoise import migrations
from tortoise.migrations import operations as ops  # noqa: F401 - operations come with the work
from tortoise import fields  # noqa: F401


class Migration(migrations.Migration):
    dependencies = [('models', '0013_agent_session_engine')]

    initial = False

    operations: list = []
