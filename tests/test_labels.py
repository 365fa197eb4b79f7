"""Words for enum values: one table, every value readable."""

from __future__ import annotations

import pytest

from dialer.labels import label, labels_of
from dialer.models.enums import AgentState, CallOutcome, CampaignStatus, ContactStatus, Role
from dialer.models.imports import ImportStatus


@pytest.mark.parametrize("value, text", [
    (CallOutcome.NO_ANSWER, "No answer"), ("no_answer", "No answer"), ("in_progress", "In progress"),
    (AgentState.RESERVED, "Reserved for a call"), (AgentState.WRAP_UP, "Wrap-up"), (ContactStatus.DNC, "DNC"),
    (CampaignStatus.RUNNING, "Running"), (Role.ADMIN, "Admin"), ("all_finished", "All finished"),
])
def test_values_read_as_words(value: object, text: str) -> None:
    assert label(value) == text


def test_nothing_reads_as_the_given_default() -> None:
    assert label(None) == "" and label(None, "In progress") == "In progress" and label("", "—") == "—"


def test_no_label_is_an_identifier() -> None:
    everything = labels_of(AgentState, CallOutcome, CampaignStatus, ContactStatus, Role, ImportStatus)
    for value, text in everything.items():
        assert "_" not in text and text[:1].isupper(), (value, text)
