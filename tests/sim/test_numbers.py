"""The number convention and endpoint parsing, shared with the test-world dialplan."""

from __future__ import annotations

from dialer.sim.numbers import (
    AgentPhone, Endpoint, Outcome, agent_phone_behaviour, customer_number, customer_outcome,
    customer_ring_seconds, parse_endpoint,
)


def test_last_digit_outcome_second_to_last_ring() -> None:
    assert customer_outcome("5550000026") is Outcome.REJECTED
    assert customer_ring_seconds("5550000026") == 2
    assert customer_outcome("7") is None and customer_outcome("+33612") is None
    assert customer_number(Outcome.PERSON_STAYS, 1) == "5550000018"
    assert customer_outcome(customer_number(Outcome.MACHINE, 3)) is Outcome.MACHINE


def test_endpoints_and_agent_prefixes() -> None:
    assert parse_endpoint("Local/5550000018@customers") == Endpoint("Local", "5550000018",
                                                                     "customers")
    assert parse_endpoint("PJSIP/1001") == Endpoint("PJSIP", "1001")
    assert parse_endpoint("Bogus/123") is None
    assert agent_phone_behaviour("noanswer-agent9") is AgentPhone.NO_ANSWER
    assert agent_phone_behaviour("agent1") is AgentPhone.ANSWER
