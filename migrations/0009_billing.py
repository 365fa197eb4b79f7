from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from dialer.models.billing import AccountMode, EntryKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_web_sessions_and_login_failures')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BillingAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('team', fields.OneToOneField('models.Team', source_field='team_id', db_constraint=True, to_field='id', related_name='billing_account', on_delete=OnDelete.RESTRICT)),
                ('mode', fields.CharEnumField(description='PREPAID: prepaid\nPOSTPAID: postpaid', db_default='postpaid', enum_type=AccountMode, max_length=16)),
                ('currency', fields.CharField(db_default='CZK', max_length=3)),
                ('balance', fields.DecimalField(db_default=0, max_digits=14, decimal_places=4)),
                ('low_credit', fields.DecimalField(db_default=0, max_digits=14, decimal_places=4)),
                ('vat_pct', fields.DecimalField(db_default=0, max_digits=5, decimal_places=2)),
                ('low_warned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'billing_account', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A branch billing account, prepaid or postpaid'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AccountEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.BillingAccount', source_field='account_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('kind', fields.CharEnumField(description='TOP_UP: top_up\nCALL: call\nADJUSTMENT: adjustment', enum_type=EntryKind, max_length=16)),
                ('amount', fields.DecimalField(max_digits=14, decimal_places=4)),
                ('balance_after', fields.DecimalField(max_digits=14, decimal_places=4)),
                ('attempt_id', fields.BigIntField(null=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='billing_entries', on_delete=OnDelete.SET_NULL)),
                ('actor_label', fields.CharField(db_default='', max_length=100)),
                ('note', fields.CharField(db_default='', max_length=200)),
            ],
            options={'table': 'account_entry', 'app': 'models', 'indexes': [Index(fields=['account_id', 'at']), Index(fields=['attempt_id'])], 'pk_attr': 'id', 'table_description': 'A prepaid balance movement'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Invoice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=20)),
                ('account', fields.ForeignKeyField('models.BillingAccount', source_field='account_id', db_constraint=True, to_field='id', related_name='invoices', on_delete=OnDelete.RESTRICT)),
                ('period_start', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('period_end', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('issued_by', fields.ForeignKeyField('models.User', source_field='issued_by_id', null=True, db_constraint=True, to_field='id', related_name='invoices_issued', on_delete=OnDelete.SET_NULL)),
                ('currency', fields.CharField(max_length=3)),
                ('calls', fields.IntField()),
                ('billable_s', fields.BigIntField()),
                ('net', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('vat_pct', fields.DecimalField(max_digits=5, decimal_places=2)),
                ('vat', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('total', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('lines', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'invoice', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An issued postpaid invoice'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Tariff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=100)),
                ('currency', fields.CharField(db_default='CZK', max_length=3)),
                ('first_increment_s', fields.IntField(db_default=60)),
                ('next_increment_s', fields.IntField(db_default=60)),
                ('connection_fee', fields.DecimalField(db_default=0, max_digits=12, decimal_places=4)),
                ('peak_start', fields.CharField(db_default='08:00', max_length=5)),
                ('peak_end', fields.CharField(db_default='18:00', max_length=5)),
                ('timezone', fields.CharField(db_default='UTC', max_length=64)),
                ('valid_from', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('valid_to', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('team', fields.ForeignKeyField('models.Team', source_field='team_id', null=True, db_constraint=True, to_field='id', related_name='tariffs', on_delete=OnDelete.SET_NULL)),
                ('line', fields.CharField(db_default='', max_length=32)),
                ('active', fields.BooleanField(db_default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'tariff', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A price list of call rates by destination prefix'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TariffRate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tariff', fields.ForeignKeyField('models.Tariff', source_field='tariff_id', db_constraint=True, to_field='id', related_name='rates', on_delete=OnDelete.CASCADE)),
                ('prefix', fields.CharField(max_length=16)),
                ('destination', fields.CharField(db_default='', max_length=100)),
                ('peak', fields.DecimalField(max_digits=12, decimal_places=4)),
                ('off_peak', fields.DecimalField(null=True, max_digits=12, decimal_places=4)),
                ('weekend', fields.DecimalField(null=True, max_digits=12, decimal_places=4)),
                ('connection_fee', fields.DecimalField(null=True, max_digits=12, decimal_places=4)),
                ('increments', fields.CharField(db_default='', max_length=9)),
            ],
            options={'table': 'tariff_rate', 'app': 'models', 'unique_together': (('tariff', 'prefix'),), 'pk_attr': 'id', 'table_description': 'A destination prefix rate of a tariff'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='CallAttempt',
            name='billable_s',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='CallAttempt',
            name='invoice_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='CallAttempt',
            name='price',
            field=fields.DecimalField(null=True, max_digits=14, decimal_places=4),
        ),
        ops.AddField(
            model_name='CallAttempt',
            name='price_currency',
            field=fields.CharField(db_default='', max_length=3),
        ),
        ops.AddField(
            model_name='CallAttempt',
            name='rate_destination',
            field=fields.CharField(db_default='', max_length=100),
        ),
        ops.AddField(
            model_name='CallAttempt',
            name='rate_per_min',
            field=fields.DecimalField(null=True, max_digits=12, decimal_places=4),
        ),
        ops.AddField(
            model_name='CallAttempt',
            name='rate_prefix',
            field=fields.CharField(db_default='', max_length=16),
        ),
        ops.AddField(
            model_name='CallAttempt',
            name='rated_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='CallAttempt',
            name='tariff_id',
            field=fields.IntField(null=True),
        ),
    ]
