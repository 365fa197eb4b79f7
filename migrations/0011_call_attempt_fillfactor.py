"""PostgreSQL: leave a fifth of each call_attempt page free, so the updates an attempt gets
after its insert (ringing, answered, ended, disposition, its price) stay on the same page as
heap-only tuples and leave the six indexes alone. Rating a million calls wrote in half the
time (bench/billing.py). SQLite has no such setting: nothing to do there."""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def _fillfactor(value: int, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(f"ALTER TABLE call_attempt SET (fillfactor = {value})")


async def forward(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    await _fillfactor(80, schema_editor)


async def backward(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    await _fillfactor(100, schema_editor)


class Migration(migrations.Migration):
    dependencies = [('models', '0010_agent_not_ready')]

    initial = False

    operations = [
        ops.RunPython(forward, reverse_code=backward),
    ]
