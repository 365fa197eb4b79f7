"""A campaign's settings: which fields exist, which matter in which mode, and saving them.

Only the fields of the chosen mode are shown on the form; the others keep their values, so
switching a campaign from predictive to preview and back loses nothing.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from dialer.accounts.users import Actor
from dialer.campaigns.fields import Field, clean
from dialer.campaigns.regulation import campaign_refusals, campaign_regulation
from dialer.campaigns.saving import SaveError, delete_record, save_record
from dialer.compliance.profiles import PROFILES, Regulation
from dialer.models import CallAttempt, CallerIdPool, Campaign, ContactList, DialProfile, Team
from dialer.models.enums import AbandonWindow, CampaignMode, CampaignStatus, NoAgentAction, PrivateNumbers

PRED = ("predictive",)
AUTO = ("progressive", "predictive")  # the dialer places calls without an agent clicking first
# The pacers a predictive campaign may use (pacing/ registers them by these names).
PREDICTIVE_PACERS = ("adaptive", "ratio", "vicidial", "issabel", "omnidialer")
# A desktop program's name as a bare TOML key, `[programs.<name>]` in the tray app's config.toml.
PROGRAM_NAME = re.compile(r"[A-Za-z0-9_-]+")

CAMPAIGN_FIELDS: tuple[Field, ...] = (
    Field("name", "Name", required=True, max_length=100, section="General"),
    Field("description", "Description", "textarea", max_length=2000, section="General"),
    Field("mode", "Mode", "choice", required=True, choices=tuple(m.value for m in CampaignMode), section="General",
          help="Preview: the agent sees the contact and dials. Progressive: one call per ready agent. "
               "Predictive: the pacer dials ahead of agents becoming free."),
    Field("team", "Team", "ref", section="General", help="Its supervisors may start and stop it."),
    Field("archived", "Archived (hidden from lists, never dialed)", "bool", section="General"),
    Field("regulatory_profile", "Regulatory profile", "choice", choices=tuple(r.value for r in Regulation),
          section="General",
          help="The law the campaign dials under: us (FCC/TSR), uk (Ofcom), eu (EU default), none (a market "
               "outside them: no limits enforced). Empty: the deployment's (eu unless DIALER_REGULATORY_PROFILE "
               "says otherwise). It sets the default hours and retries and the limits a save may not cross."),
    Field("contact_lists", "Contact lists", "refs", section="Contacts and caller ID"),
    Field("dial_profile", "Dial profile", "ref", section="Contacts and caller ID",
          help="Retries, ring time, calling hours. Without one the regulatory profile's safe defaults apply: "
               "Monday to Saturday 08:00-21:00 in the callee's time zone, no public holidays."),
    Field("caller_id", "Fixed caller ID", "phone", max_length=32, section="Contacts and caller ID",
          help="E.164, e.g. +420221000100; used when a contact brings none."),
    Field("caller_id_pool", "Caller-ID pool", "ref", section="Contacts and caller ID"),
    Field("pacer", "Pacer", "choice", choices=PREDICTIVE_PACERS, modes=PRED, section="Pacing"),
    # Only the fixed-ratio pacer reads these; the others learn their own pace.
    Field("calls_per_agent", "Calls per ready agent", "float", min=0.1, max=10, modes=PRED, pacers=("ratio",),
          section="Pacing"),
    Field("overdial_pct", "Extra overdial", "float", min=0, max=100, unit="%", modes=PRED, pacers=("ratio",),
          section="Pacing"),
    Field("abandon_cap_pct", "Abandon-rate cap", "float", min=0, max=3, unit="%", modes=PRED, section="Pacing",
          help="The law (FCC, Ofcom) allows at most 3 % of answered calls abandoned."),
    Field("abandon_window", "Abandon rate measured over", "choice",
          choices=tuple(w.value for w in AbandonWindow), modes=PRED, section="Pacing",
          help="30d: FCC. 24h: Ofcom, with the answering-machine adjustment. Empty on a new campaign: the "
               "regulatory profile's (24h for uk and eu, 30d for us)."),
    Field("max_attempts_per_5s", "Most calls started per 5 s", "int", min=1, max=1000, modes=AUTO,
          section="Pacing"),
    Field("max_lines", "Most simultaneous lines", "int", min=1, max=10000, section="Pacing"),
    Field("predicted_talk_s", "Expected talk time", "int", min=1, max=7200, unit="s", modes=PRED,
          section="Pacing"),
    Field("release_ringing", "Hang up ringing calls no agent would take", "bool", modes=PRED, section="Pacing",
          help="Only after 15 s of ringing (the FCC's and Ofcom's minimum), and only when the answer would "
               "almost surely find no agent; the contact is retried as unanswered. Adaptive pacer."),
    Field("no_agent_action", "Answered but no agent free", "choice",
          choices=tuple(a.value for a in NoAgentAction), modes=PRED, section="No free agent",
          help="hold: the abandon message at once (within the law's 2 s), then the hold message, then music, "
               "up to the longest wait; hangup: the abandon message, then the call ends."),
    Field("hold_message", "Message played first (sound name)", max_length=200, modes=PRED,
          section="No free agent"),
    Field("hold_music_class", "Music-on-hold class", max_length=64, modes=PRED, section="No free agent"),
    Field("max_wait_s", "Longest wait for an agent", "int", min=0, max=120, unit="s", modes=PRED,
          section="No free agent"),
    Field("abandon_message", "Abandon message (sound name)", max_length=200, modes=PRED, section="No free agent",
          help="Tells an abandoned customer who called and how to call back, as the law asks."),
    Field("wrap_up_s", "Wrap-up time", "int", min=0, max=3600, unit="s", section="Agents"),
    Field("auto_end_wrap_up", "End wrap-up automatically", "bool", section="Agents"),
    Field("redial_agent_phones", "Call an agent's dropped phone again by itself", "bool", section="Agents",
          help="When an agent's phone hangs up, the dialer calls it again after 2, 4, 8 ... s (six tries); "
               "otherwise the agent clicks Call my phone. After an Asterisk restart it always does."),
    Field("private_numbers", "Agents' own contacts", "choice", choices=tuple(p.value for p in PrivateNumbers),
          section="Agents"),
    Field("deep_link_template", "Deep link into the CRM", max_length=1000, section="Agents",
          help="e.g. https://crm.example.com/customers/{external_id}"),
    Field("desktop_program", "Program the tray app runs from the card", max_length=64, section="Agents",
          help="The name of a program whitelisted in the agents' tray app config (its [programs.<name>] in "
               "config.toml, with the path and arguments on their computer), e.g. deskcrm. Empty: no Run button."),
    Field("card_fields", "Custom fields on the agent's card", "list", section="Agents",
          help="Comma-separated names of imported columns."),
    Field("required_skills", "Skills an agent needs", "list", section="Agents"),
    Field("record_calls", "Record calls", "bool", section="Recording and detection"),
    Field("record_wait", "Also record the wait and the abandon message", "bool", section="Recording and detection",
          help="With Record calls: a customer who has to wait for an agent is recorded from then on (the "
               "messages and music they hear, or the abandon message) as a second file of the call. One put "
               "straight through to an agent has no wait to record."),
    Field("recording_retention_days", "Keep recordings for", "int", min=1, max=3650, unit="days",
          section="Recording and detection",
          help="Older recordings are deleted (checked hourly), except calls on legal hold."),
    Field("amd_enabled", "Detect answering machines", "bool", modes=AUTO, section="Recording and detection"),
)

_REFS = {"team": Team, "dial_profile": DialProfile, "caller_id_pool": CallerIdPool}


async def check_refs(values: dict[str, Any], refs: Mapping[str, type]) -> dict[str, str]:
    """Turn reference ids into `<name>_id` values; errors for ids that do not exist."""
    errors = {}
    for name, model in refs.items():
        if name not in values:
            continue
        ref_id = values.pop(name)
        if ref_id is not None and not await model.filter(id=ref_id).exists():
            errors[name] = "No longer exists; choose another."
        values[f"{name}_id"] = ref_id
    return errors


async def validate_campaign(data: Mapping[str, Any], *, partial: bool = False,
                            record: Campaign | None = None) -> tuple[dict[str, Any], list[int] | None]:
    """Checked values ready to save, and the contact-list ids (None when not given); or SaveError."""
    values, errors = clean(CAMPAIGN_FIELDS, data, partial=partial)
    list_ids = values.pop("contact_lists", None)
    errors.update(await check_refs(values, _REFS))
    if list_ids:
        found = set(await ContactList.filter(id__in=list_ids).values_list("id", flat=True))
        if missing := sorted(set(list_ids) - found):
            errors["contact_lists"] = f"No such list: {', '.join(map(str, missing))}."
    mode = values.get("mode") or (record.mode.value if record else "")
    if mode == CampaignMode.PREDICTIVE.value and values.get("pacer") == "":
        values["pacer"] = "adaptive"
    if values.get("abandon_window", "") == "" and record is None:
        # Left empty on a new campaign: the window its regulatory profile measures (24 h for
        # Ofcom's rule, 30 days for the FCC's). The column's own default is the FCC's, which a
        # uk or eu campaign may not keep: a form saved as offered was refused.
        stored = values.get("regulatory_profile") or ""
        values["abandon_window"] = PROFILES[campaign_regulation(stored)].abandon_window
    for key in ("pacer", "abandon_window", "no_agent_action", "private_numbers"):
        if values.get(key) == "":
            values.pop(key)  # keep the stored (or database default) value
    if values.get("desktop_program") and not PROGRAM_NAME.fullmatch(values["desktop_program"]):
        errors["desktop_program"] = ("A name, not a path or a command: letters, digits, - and _, as in "
                                     "[programs.<name>] of the agents' config.toml.")
    records = values.get("record_calls", record.record_calls if record else False)
    if values.get("record_wait") and not records:
        errors["record_wait"] = "The wait is recorded only with the calls: tick Record calls too, or untick this."
    if not errors:  # the law's limits, on the settings as they would be saved (compliance/)
        errors.update(await campaign_refusals(values, record))
    if errors:
        raise SaveError(errors)
    return values, list_ids


async def save_campaign(data: Mapping[str, Any], *, actor: Actor, record: Campaign | None = None,
                        partial: bool = False) -> Campaign:
    values, list_ids = await validate_campaign(data, partial=partial, record=record)
    if record is None and not values.get("name"):
        raise SaveError({"name": "Required."})

    async def link_lists(campaign: Campaign) -> dict[str, Any] | None:
        if list_ids is None:
            return None
        before = sorted(cl.id for cl in await campaign.contact_lists.all())
        if before == list_ids:
            return None
        await campaign.contact_lists.clear()
        if list_ids:
            await campaign.contact_lists.add(*await ContactList.filter(id__in=list_ids))
        return {"contact_lists": [before, list_ids]}

    return await save_record(Campaign, values, actor=actor, entity="campaign", record=record, after=link_lists)


async def delete_campaign(campaign: Campaign, *, actor: Actor) -> None:
    # Call history must stay whole (CallAttempt.campaign is RESTRICT): archive instead.
    if campaign.status is CampaignStatus.RUNNING:
        raise SaveError({"form": "Stop the campaign before deleting it."})
    if await CallAttempt.filter(campaign_id=campaign.id).exists():
        raise SaveError({"form": "This campaign has call history; archive it instead of deleting."})
    await delete_record(campaign, actor=actor, entity="campaign", label=campaign.name)
