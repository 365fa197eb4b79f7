"""Tortoise models, one module per domain. Tortoise discovers them through this module."""

from dialer.models.accounts import ApiToken, AuditLog, LoginFailure, Team, User, WebSession
from dialer.models.agents import Agent, AgentSession, AgentStateChange, PauseReason
from dialer.models.billing import AccountEntry, BillingAccount, Invoice, Tariff, TariffRate
from dialer.models.calls import CallAttempt, CallEvent
from dialer.models.campaigns import CallerIdNumber, CallerIdPool, Campaign, DialProfile, Disposition, PacerState
from dialer.models.contacts import Contact, ContactList, DncEntry
from dialer.models.imports import ImportJob, ImportMapping
from dialer.models.integrations import SystemSetting, WebhookDelivery, WebhookEndpoint
from dialer.models.recordings import Recording, RecordingAccess, RecordingAction, RecordingState

__all__ = [
    "AccountEntry", "BillingAccount", "Invoice", "Tariff", "TariffRate",
    "Agent", "AgentSession", "AgentStateChange", "ApiToken", "AuditLog", "CallAttempt",
    "CallEvent", "CallerIdNumber", "CallerIdPool", "Campaign", "Contact", "ContactList",
    "DialProfile", "Disposition", "DncEntry", "ImportJob", "ImportMapping", "LoginFailure", "PacerState",
    "PauseReason",
    "Recording", "RecordingAccess", "RecordingAction", "RecordingState",
    "SystemSetting",
    "Team", "User", "WebSession", "WebhookDelivery", "WebhookEndpoint",
]
