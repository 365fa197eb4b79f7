"""The card's Run button (tray/runner.py): shown when the card names a program this computer's
config whitelists, a note when it names one it does not; argument lists, never a shell."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from typing import Any

import pytest

from dialer.tray.cards import Card, card_from_event
from dialer.tray.runner import Program, Refused, RunChoice, command, fill, run_choice, start

NASTY = "O'Brien; rm -rf ~ $(reboot) `id` \"x\" | tee"
CARD = card_from_event({"type": "call.connected", "call_id": "c9", "card": {
    "contact_id": 5, "name": NASTY, "external_id": "CASE 5", "phone": "+420600000018", "campaign_id": 3,
    "campaign": "Sales", "attempt": 1, "fields": {"plan": "Premium"}, "all_fields": {"plan": "Premium"},
    "program": "crm"}})
CRM = Program(name="crm", path="/opt/crm/bin/crm", args=("--case", "{external_id}", "--who={name}", "{plan}",
                                                         "{missing}", "{{literal}}"))
WHITELIST = {"crm": CRM, "other": Program(name="other", path="/usr/bin/other", campaigns=("Support", "9"))}


def named(program: str, **card: Any) -> Card:
    assert CARD is not None
    return replace(CARD, program=program, **card)


def test_run_is_offered_when_the_card_names_a_program_this_computer_whitelists() -> None:
    assert run_choice(named("crm"), WHITELIST) == RunChoice(program=CRM)
    # The local campaigns limit is one more key: this campaign may run it here.
    assert run_choice(named("other", campaign="Support", campaign_id=4), WHITELIST).program == WHITELIST["other"]
    assert run_choice(named("other", campaign="Else", campaign_id=9), WHITELIST).program == WHITELIST["other"]


def test_a_program_this_computer_does_not_whitelist_gets_a_note_not_a_button() -> None:
    choice = run_choice(named("deskcrm"), WHITELIST)
    assert choice == RunChoice(note="Program 'deskcrm' is not set up on this computer.")
    assert run_choice(named("/bin/sh"), WHITELIST).program is None  # a path is not a name on the list
    choice = run_choice(named("other"), WHITELIST)  # whitelisted, but locally only for other campaigns
    assert choice == RunChoice(note="Program 'other' is not set up on this computer for campaign 'Sales'.")


def test_a_card_naming_no_program_offers_none_whatever_the_whitelist_holds() -> None:
    assert run_choice(named(""), WHITELIST) == RunChoice()
    assert run_choice(named("", campaign="Support", campaign_id=9), WHITELIST) == RunChoice()
    plain = card_from_event({"type": "call.connected", "call_id": "c1", "card": {"name": "x", "campaign": "Sales"}})
    assert plain is not None and plain.program == "" and run_choice(plain, WHITELIST) == RunChoice()


def test_each_template_is_one_argument_whatever_the_value_holds() -> None:
    assert CARD is not None and CARD.program == "crm"
    assert command(CARD, WHITELIST) == ["/opt/crm/bin/crm", "--case", "CASE 5", f"--who={NASTY}", "Premium",
                                        "", "{literal}"]


def test_only_the_program_the_card_names_and_this_computer_whitelists_is_run() -> None:
    with pytest.raises(Refused, match="'/bin/sh' is not set up on this computer"):
        command(named("/bin/sh"), WHITELIST)
    with pytest.raises(Refused, match="not set up on this computer for campaign 'Sales'"):
        command(named("other"), WHITELIST)  # whitelisted, but for other campaigns
    with pytest.raises(Refused, match="names no program"):
        command(named(""), WHITELIST)


def test_relative_paths_and_bad_templates_are_refused() -> None:
    with pytest.raises(Refused, match="absolute"):
        command(named("crm"), {"crm": Program(name="crm", path="crm")})
    with pytest.raises(Refused, match="template"):
        fill("{name", {"name": "x"})
    with pytest.raises(Refused, match="template"):
        fill("{name.__class__}", {"name": "x"})


def test_start_never_uses_a_shell() -> None:
    seen: dict[str, Any] = {}

    def popen(argv: list[str], **kwargs: Any) -> str:
        seen.update(argv=argv, **kwargs)
        return "started"

    assert start(["/opt/crm/bin/crm", NASTY], popen) == "started"
    assert seen["argv"] == ["/opt/crm/bin/crm", NASTY] and seen["shell"] is False
    with pytest.raises(Refused):
        start("/opt/crm/bin/crm --case 5", popen)  # type: ignore[arg-type]  # a string is never run


def test_a_real_program_gets_the_arguments_verbatim(tmp_path) -> None:
    out = tmp_path / "argv.txt"
    argv = [sys.executable, "-c", "import sys, pathlib; pathlib.Path(sys.argv[1]).write_text('\\n'.join(sys.argv[2:]))",
            str(out), NASTY, "CASE 5"]
    proc = start(argv, subprocess.Popen)
    proc.wait(10)
    assert out.read_text().split("\n") == [NASTY, "CASE 5"]
