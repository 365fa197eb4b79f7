"""A small call-centre day, built so that every report figure can be worked out by hand.

Monday 2 March 2026 (UTC). Teams Sales (alice, bob; campaign Spring) and Support (carol;
campaign Winter). The figures each test expects are derived in the test's comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from dialer.models import (Agent, AgentSession, AgentStateChange, CallAttempt, CallEvent, Campaign, Contact,
                           ContactList, Disposition, Team, User)
from dialer.models.enums import CallOutcome, CampaignStatus, ContactStatus, Role

NOW = datetime(2026, 3, 3, 12, 0, tzinfo=timezone.utc)


def at(day: int, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(2026, 3, day, hh, mm, ss, tzinfo=timezone.utc)


@dataclass
class World:
    teams: dict[str, Team] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    dispositions: dict[str, Disposition] = field(default_factory=dict)
    attempts: list[CallAttempt] = field(default_factory=list)


async def _agent(name: str, team: Team, user: User | None) -> Agent:
    if user is None:
        user = await User.create(username=name, full_name=name.title(), password_hash="x", role=Role.AGENT, team=team)
    agent = await Agent.get_or_none(user_id=user.id)
    return agent or await Agent.create(user=user)


async def seed_world(*, alice: User | None = None) -> World:
    """The data set; `alice` may be an existing agent user (the web tests' logged-in agent)."""
    w = World()
    w.teams["Sales"] = (await Team.get_or_create(name="Sales"))[0]
    w.teams["Support"] = (await Team.get_or_create(name="Support"))[0]
    w.agents["alice"] = await _agent("alice", w.teams["Sales"], alice)
    w.agents["bob"] = await _agent("bob", w.teams["Sales"], None)
    w.agents["carol"] = await _agent("carol", w.teams["Support"], None)
    spring = await Campaign.create(name="Spring", team=w.teams["Sales"], status=CampaignStatus.RUNNING,
                                   abandon_cap_pct=3.0)
    winter = await Campaign.create(name="Winter", team=w.teams["Support"], status=CampaignStatus.RUNNING)
    w.campaigns = {"Spring": spring, "Winter": winter}
    w.dispositions["sale"] = await Disposition.create(code="SALE", name="Sale", is_success=True, sort_order=1)
    w.dispositions["no"] = await Disposition.create(code="NO", name="Not interested", sort_order=2)
    w.dispositions["am"] = await Disposition.create(code="AM", name="Answering machine", is_machine=True, sort_order=3)
    l1 = await ContactList.create(name="Spring list")
    l2 = await ContactList.create(name="Winter list")
    await spring.contact_lists.add(l1)
    await winter.contact_lists.add(l2)
    statuses = [ContactStatus.PENDING, ContactStatus.PENDING, ContactStatus.DONE, ContactStatus.EXHAUSTED,
                ContactStatus.LEASED]
    tries = [2, 1, 1, 2, 2]  # the contacts' own counters: the calls below, 1 March's included
    k = [await Contact.create(contact_list=l1, phone=f"+4202000000{i}", external_id=f"CRM-{i}", status=s,
                              attempts=tries[i - 1]) for i, s in enumerate(statuses, start=1)]
    await Contact.create(contact_list=l2, phone="+420300000001", status=ContactStatus.PENDING)
    await Contact.create(contact_list=l2, phone="+420300000002", status=ContactStatus.DONE)

    a, d = w.agents, w.dispositions
    rows = [
        # campaign, contact, agent, originated, outcome, bridged, talk, wrap, wait, disposition, cause
        (spring, k[0], a["alice"], at(2, 9), "answered", True, 100, 20, 1, d["sale"], 16),
        (spring, k[1], a["alice"], at(2, 9, 10), "answered", True, 50, 10, 1, d["am"], 16),
        (spring, k[2], a["bob"], at(2, 9, 20), "answered", True, 200, 30, 2, d["no"], 16),
        (spring, k[3], None, at(2, 9, 30), "abandoned", False, None, None, 15, None, 16),
        (spring, k[3], None, at(2, 10), "busy", False, None, None, None, None, 17),
        (spring, k[4], None, at(2, 10, 5), "no_answer", False, None, None, None, None, 19),
        (spring, k[4], a["bob"], at(2, 10, 10), "answered", True, 100, 0, 0, d["sale"], 16),
        (winter, None, a["carol"], at(2, 11), "answered", True, 60, 10, 3, d["sale"], 16),
        (winter, None, None, at(2, 11, 30), "abandoned", False, None, None, 15, None, 16),
        (spring, k[0], None, at(1, 12), "abandoned", False, None, None, 15, None, 16),
    ]
    answered = {"answered", "abandoned"}
    for n, (camp, contact, agent, t, outcome, bridged, talk, wrap, wait, disp, cause) in enumerate(rows, start=1):
        attempt = await CallAttempt.create(
            campaign=camp, contact=contact, agent=agent, phone=contact.phone if contact else f"+42039999{n:04d}",
            originated_at=t, answered_at=t.replace(second=5) if outcome in answered else None,
            bridged_at=t.replace(second=6) if bridged else None, ended_at=t.replace(minute=t.minute + 4),
            outcome=CallOutcome(outcome), talk_s=talk, wrap_up_s=wrap, wait_s=wait, disposition=disp,
            hangup_cause=cause, hangup_cause_text={16: "Normal Clearing", 17: "User busy", 19: "No answer"}[cause],
            notes="=HYPERLINK(\"http://evil\")" if n == 1 else "", recording_name=f"rec-{n}.wav" if bridged else "")
        w.attempts.append(attempt)
        await CallEvent.create(at=t, kind="originate", attempt=attempt, campaign_id=camp.id,
                               payload={"phone": attempt.phone})
        if outcome in answered:
            await CallEvent.create(at=t.replace(second=5), kind="answered", attempt=attempt, campaign_id=camp.id)
        if bridged:
            await CallEvent.create(at=t.replace(second=5, microsecond=500000), kind="agent_ringing", attempt=attempt,
                                   agent_id=agent.id, campaign_id=camp.id, payload={"agent": agent.id})
            await CallEvent.create(at=t.replace(second=6), kind="bridged", attempt=attempt, agent_id=agent.id,
                                   campaign_id=camp.id)
        await CallEvent.create(at=t.replace(minute=t.minute + 4), kind="hangup", attempt=attempt, campaign_id=camp.id,
                               payload={"cause": cause})

    # Sessions: alice 08-12; bob 1 Mar 22:00 - 2 Mar 02:00 and from 09:00 (still open); carol 10:30-11:45.
    await AgentSession.create(agent=a["alice"], started_at=at(2, 8), ended_at=at(2, 12))
    await AgentSession.create(agent=a["bob"], started_at=at(1, 22), ended_at=at(2, 2))
    await AgentSession.create(agent=a["bob"], started_at=at(2, 9))
    await AgentSession.create(agent=a["carol"], started_at=at(2, 10, 30), ended_at=at(2, 11, 45))
    changes = [
        (a["alice"], at(2, 8), "ready", ""), (a["alice"], at(2, 9), "on_call", ""),
        (a["alice"], at(2, 9, 2), "wrap_up", ""), (a["alice"], at(2, 9, 3), "ready", ""),
        (a["alice"], at(2, 9, 10), "on_call", ""), (a["alice"], at(2, 9, 11), "wrap_up", ""),
        (a["alice"], at(2, 9, 12), "ready", ""), (a["alice"], at(2, 10), "paused", "Lunch"),
        (a["alice"], at(2, 11), "ready", ""), (a["alice"], at(2, 12), "logged_out", ""),
        (a["bob"], at(1, 23), "ready", ""), (a["bob"], at(2, 1), "paused", "Training"),
        (a["bob"], at(2, 2), "logged_out", ""), (a["bob"], at(2, 9), "ready", ""),
        (a["bob"], at(2, 9, 20), "ringing", ""), (a["bob"], at(2, 9, 20, 30), "on_call", ""),
        (a["bob"], at(2, 9, 24), "wrap_up", ""), (a["bob"], at(2, 9, 25), "ready", ""),
    ]
    for agent, t, state, reason in changes:
        await AgentStateChange.create(agent=agent, at=t, state=state, reason=reason,
                                      campaign_id=spring.id)
    return w
