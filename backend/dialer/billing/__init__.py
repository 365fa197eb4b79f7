"""Billing: tariffs, the rating of calls, prepaid credit and postpaid invoices.

The modules at this level are PURE (tariffs, rating, credit, invoices, tariff_csv): they take
data and return data, never read the clock, the database or the network. The database edge
lives in `dialer.billing.service` and the models in `dialer.models.billing`.
"""
