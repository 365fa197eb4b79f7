"""Call search: which attempts a person may see, filtered, paged, summarised and exported.

Permission levels live here so that every way out (the list, the statistics over the
selection, the exports, one call's page) applies the same rule: agents see their own
calls, supervisors their team's (its campaigns' and its agents' calls), admins all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from dialer.models.enums import Role
from dialer.stats import loaders
from dialer.stats.abandon import rule_abandon_rate
from dialer.stats.agents import _ratio
from dialer.stats.dispositions import named as named_dispositions
from dialer.stats.query import Sql, StatsDb


@dataclass(frozen=True)
class Access:
    """Whose calls a user may see: everything, one team's, or one agent's."""

    everything: bool = False
    team_id: int | None = None
    agent_id: int | None = None

    @classmethod
    async def of(cls, user: Any) -> "Access":
        from dialer.models import Agent

        if user.role is Role.ADMIN:
            return cls(everything=True)
        if user.role is Role.SUPERVISOR:
            return cls(team_id=user.team_id)
        agent = await Agent.get_or_none(user_id=user.id)
        return cls(agent_id=agent.id if agent else None)

    def where(self, alias: str = "a") -> str:
        if self.everything:
            return "1=1"
        if self.team_id is not None:
            return _team_rule(alias, (self.team_id,))
        if self.agent_id is not None:
            return f"{alias}.agent_id = {int(self.agent_id)}"
        return "1=0"  # a supervisor without a team, an agent without an agent profile


def _team_rule(alias: str, team_ids: tuple[int, ...]) -> str:
    # A team owns its campaigns' calls (abandoned ones have no agent) and its agents' calls.
    teams = ",".join(str(int(t)) for t in team_ids)
    return (f"({alias}.campaign_id IN (SELECT id FROM campaign WHERE team_id IN ({teams})) OR "
            f"{alias}.agent_id IN (SELECT ag.id FROM agent ag JOIN \"user\" u ON u.id = ag.user_id "
            f"WHERE u.team_id IN ({teams})))")


@dataclass(frozen=True)
class CallQuery:
    start: datetime | None = None
    end: datetime | None = None
    campaign_ids: tuple[int, ...] = ()
    team_ids: tuple[int, ...] = ()
    agent_ids: tuple[int, ...] = ()
    outcome: str = ""
    disposition_id: int | None = None
    phone: str = ""
    external_id: str = ""
    min_talk_s: float | None = None
    max_talk_s: float | None = None
    has_recording: bool | None = None  # True: a stored recording file; False: none

    def where(self, sql: Sql, access: Access, alias: str = "a") -> str:
        parts = [access.where(alias)]
        if self.start:
            parts.append(f"{alias}.originated_at >= {sql.ts(self.start)}")
        if self.end:
            parts.append(f"{alias}.originated_at < {sql.ts(self.end)}")
        if self.campaign_ids:
            parts.append(Sql.ids(f"{alias}.campaign_id", self.campaign_ids))
        if self.agent_ids:
            parts.append(Sql.ids(f"{alias}.agent_id", self.agent_ids))
        if self.team_ids:
            parts.append(_team_rule(alias, self.team_ids))
        if self.outcome:
            parts.append(f"{alias}.outcome = {sql.p(self.outcome)}")
        if self.disposition_id is not None:
            parts.append(f"{alias}.disposition_id = {int(self.disposition_id)}")
        if self.phone:
            needle = self.phone.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            parts.append(f"{alias}.phone LIKE {sql.p('%' + needle + '%')} ESCAPE '\\'")
        if self.external_id:
            parts.append(f"{alias}.contact_id IN "
                         f"(SELECT id FROM contact WHERE external_id = {sql.p(self.external_id)})")
        if self.min_talk_s is not None:
            parts.append(f"COALESCE({alias}.talk_s, 0) >= {sql.p(float(self.min_talk_s))}")
        if self.max_talk_s is not None:
            parts.append(f"COALESCE({alias}.talk_s, 0) <= {sql.p(float(self.max_talk_s))}")
        if self.has_recording is not None:
            stored = f"{alias}.id IN (SELECT r.attempt_id FROM recording r WHERE r.state = 'stored')"
            parts.append(stored if self.has_recording else f"NOT {stored}")
        return " AND ".join(parts)


# (output name, SQL expression, kind). Kinds: ts (UTC instant), campaign/agent/disposition
# (an id shown by name), int, float, str.
LIST_COLUMNS = [
    ("id", "a.id", "int"), ("started", "a.originated_at", "ts"), ("campaign", "a.campaign_id", "campaign"),
    ("agent", "a.agent_id", "agent"), ("phone", "a.phone", "str"), ("external_id", "c.external_id", "str"),
    ("outcome", "a.outcome", "str"), ("disposition", "a.disposition_id", "disposition"),
    # set by the dialer when the agent set none (wrap-up timed out, ...)
    ("system_disposition", "a.system_disposition", "str"),
    ("wait_s", "a.wait_s", "float"), ("talk_s", "a.talk_s", "float"),
    ("hangup_cause_text", "a.hangup_cause_text", "str"),
]
RAW_COLUMNS = [
    ("id", "a.id", "int"), ("originated_at", "a.originated_at", "ts"), ("ringing_at", "a.ringing_at", "ts"),
    ("answered_at", "a.answered_at", "ts"), ("bridged_at", "a.bridged_at", "ts"), ("ended_at", "a.ended_at", "ts"),
    ("campaign", "a.campaign_id", "campaign"), ("agent", "a.agent_id", "agent"), ("direction", "a.direction", "str"),
    ("phone", "a.phone", "str"), ("caller_id", "a.caller_id", "str"), ("contact_id", "a.contact_id", "int"),
    ("external_id", "c.external_id", "str"), ("outcome", "a.outcome", "str"), ("hangup_cause", "a.hangup_cause", "int"),
    ("hangup_cause_text", "a.hangup_cause_text", "str"), ("amd_status", "a.amd_status", "str"),
    ("wait_s", "a.wait_s", "float"), ("talk_s", "a.talk_s", "float"), ("wrap_up_s", "a.wrap_up_s", "float"),
    ("disposition", "a.disposition_id", "disposition"), ("system_disposition", "a.system_disposition", "str"),
    ("notes", "a.notes", "str"), ("recording_name", "a.recording_name", "str"),
]


@dataclass(frozen=True)
class Names:
    """Id -> display name of the small tables, so the big query needs no joins for them."""

    campaigns: dict[int, str]
    agents: dict[int, str]
    dispositions: dict[int, str]

    @classmethod
    async def load(cls, db: StatsDb) -> "Names":
        agents = await loaders.agent_directory(db)
        campaigns = await loaders.campaign_directory(db)
        dispositions = await loaders.disposition_directory(db)
        return cls(campaigns=dict(zip(campaigns["campaign_id"], campaigns["name"])),
                   agents=dict(zip(agents["agent_id"], agents["username"])),
                   dispositions=dict(zip(dispositions["disposition_id"], dispositions["name"])))


def shape(frame: pd.DataFrame, columns: list[tuple[str, str, str]], names: Names) -> pd.DataFrame:
    """Raw query columns to display columns: instants as aware UTC, ids as names."""
    out = {}
    maps = {"campaign": names.campaigns, "agent": names.agents, "disposition": names.dispositions}
    for name, _, kind in columns:
        col = frame[name]
        if kind == "ts":
            if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
                out[name] = pd.to_datetime(col, unit="us", utc=True)
            else:
                out[name] = pd.to_datetime(col, format="ISO8601", utc=True)
        elif kind in maps:
            named = col.map(maps[kind]).astype(object)
            out[name] = named.where(named.notna(), None)
        elif kind == "int":
            out[name] = pd.array(pd.to_numeric(col), dtype="Int64")
        elif kind == "float":
            out[name] = pd.to_numeric(col).astype(float)
        else:
            out[name] = col.astype(object).where(col.notna(), "")
    return pd.DataFrame(out)


def select_sql(columns: list[tuple[str, str, str]], sql: Sql, q: CallQuery, access: Access) -> str:
    exprs = ", ".join(expr for _, expr, _ in columns)
    return (f"SELECT {exprs} FROM call_attempt a LEFT JOIN contact c ON c.id = a.contact_id "
            f"WHERE {q.where(sql, access)}")


async def can_see(call_id: int, access: Access, *, db: StatsDb | None = None) -> bool:
    """Whether the viewer may open this call (the same rule as the list)."""
    db = db or StatsDb()
    sql = db.sql()
    rows = await db.rows(sql, f"SELECT 1 FROM call_attempt a WHERE a.id = {sql.p(int(call_id))} AND {access.where()}")
    return bool(rows)


async def search(q: CallQuery, access: Access, *, page: int = 1, per_page: int = 50,
                 db: StatsDb | None = None) -> tuple[pd.DataFrame, int]:
    """One page of matching calls, newest first, and how many match in all."""
    db = db or StatsDb()
    sql = db.sql()
    query = (select_sql(LIST_COLUMNS + [("recording_name", "a.recording_name", "str")], sql, q, access)
             + f" ORDER BY a.originated_at DESC, a.id DESC LIMIT {int(per_page)} OFFSET {int((page - 1) * per_page)}")
    columns = LIST_COLUMNS + [("recording_name", "a.recording_name", "str")]
    frame = await db.frame(sql, query, [c[0] for c in columns])
    count_sql = db.sql()
    total = (await db.rows(count_sql, f"SELECT COUNT(*) FROM call_attempt a WHERE {q.where(count_sql, access)}"))[0][0]
    return shape(frame, columns, await Names.load(db)), int(total)


async def selection_summary(q: CallQuery, access: Access, *, db: StatsDb | None = None) -> dict[str, Any]:
    """Statistics over the selection: totals, rates, and counts by outcome and disposition."""
    db = db or StatsDb()
    dispositions = await loaders.disposition_directory(db)
    machines = tuple(int(i) for i in dispositions.loc[dispositions["is_machine"], "disposition_id"])
    sql = db.sql()
    query = (f"SELECT a.outcome, a.disposition_id, a.system_disposition, {loaders.measures_sql(machines)} "
             f"FROM call_attempt a WHERE {q.where(sql, access)} GROUP BY 1, 2, 3")
    facts = await db.frame(sql, query, ["outcome", "disposition_id", "system_disposition"] + loaders.MEASURES)
    return summarise(facts, dispositions)


def summarise(facts: pd.DataFrame, dispositions: pd.DataFrame) -> dict[str, Any]:
    """Pure: the selection's totals and breakdowns from measures by outcome and disposition."""
    for col in loaders.MEASURES:
        facts[col] = pd.to_numeric(facts[col]).fillna(0)
    t = facts[loaders.MEASURES].sum()
    totals = {k: int(t[k]) for k in ("attempts", "answered", "connects", "abandoned", "machines", "connected_late")}
    totals.update(
        talk_s=float(t["talk_s"]), wait_s=float(t["wait_s"]),
        answer_rate=float(_ratio(pd.Series([t["answered"]]), pd.Series([t["attempts"]]))[0]),
        connect_rate=float(_ratio(pd.Series([t["connects"]]), pd.Series([t["attempts"]]))[0]),
        abandon_rate=float(rule_abandon_rate(float(t["abandoned"]), float(t["connected_late"]), float(t["connects"]),
                                             float(t["machines"]))),
        aht_s=float(_ratio(pd.Series([t["talk_s"] + t["wrap_up_s"]]), pd.Series([t["connects"]]))[0]),
    )
    outcomes = facts.assign(outcome=facts["outcome"].fillna("in_progress")).groupby("outcome")["attempts"].sum()
    with_name = named_dispositions(facts, dispositions)
    by_disposition = with_name.groupby("name")["attempts"].sum() if not with_name.empty else pd.Series(dtype=int)
    return {"totals": totals,
            "outcomes": outcomes.sort_values(ascending=False).astype(int).to_dict(),
            "dispositions": by_disposition.sort_values(ascending=False).astype(int).to_dict()}
