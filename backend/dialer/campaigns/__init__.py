"""Campaigns as admins and the customer's IS manage them: settings, contacts, control.

The web pages and the API call these services; the engine reads what they save.
"""
