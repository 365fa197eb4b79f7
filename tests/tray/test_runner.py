"""The card's Run button (tray/runner.py): argument lists from the card, never a shell, and
only programs this computer's config names."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from dialer.tray.cards import card_from_event
from dialer.tray.runner import Program, Refused, command, fill, offered, start

NASTY = "O'Brien; rm -rf ~ $(reboot) `id` \"x\" | tee"
CARD = card_from_event({"type": "call.connected", "call_id": "c9", "card": {
    "contact_id": 5, "name": NASTY, "external_id": "CASE 5", "phone": "+420600000018", "campaign_id": 3,
    "campaign": "Sales", "attempt": 1, "fields": {"plan": "Premium"}, "all_fields": {"plan": "Premium"}}})
CRM = Program(name="crm", path="/opt/crm/bin/crm", args=("--case", "{external_id}", "--who={name}", "{plan}",
                                                         "{missing}", "{{literal}}"))
WHITELIST = {"crm": CRM, "other": Program(name="other", path="/usr/bin/other", campaigns=("Support", "9"))}


def test_each_template_is_one_argument_whatever_the_value_holds() -> None:
    assert CARD is not None
    assert command("crm", CARD, WHITELIST) == ["/opt/crm/bin/crm", "--case", "CASE 5", f"--who={NASTY}", "Premium",
                                               "", "{literal}"]


def test_a_program_not_on_the_whitelist_is_refused() -> None:
    assert CARD is not None
    with pytest.raises(Refused, match="not in this computer's list"):
        command("/bin/sh", CARD, WHITELIST)
    with pytest.raises(Refused, match="not offered for campaign"):
        command("other", CARD, WHITELIST)  # whitelisted, but for other campaigns


def test_a_card_may_name_a_program_but_only_a_whitelisted_one() -> None:
    from dataclasses import replace

    assert CARD is not None
    assert offered(CARD, WHITELIST) == [CRM]
    assert offered(replace(CARD, program="other"), WHITELIST) == [WHITELIST["other"]]
    assert offered(replace(CARD, program="/bin/sh"), WHITELIST) == []
    assert offered(replace(CARD, campaign="Support", campaign_id=9), WHITELIST) == list(WHITELIST.values())


def test_relative_paths_and_bad_templates_are_refused() -> None:
    assert CARD is not None
    with pytest.raises(Refused, match="absolute"):
        command("crm", CARD, {"crm": Program(name="crm", path="crm")})
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
