"""The campaign's desktop program (issue 27): a person names it on the campaign form, beside the
deep link, through the form the page renders; a path or a command is refused (the card names a
program the agents' tray config whitelists, nothing more)."""

from __future__ import annotations

import re

from admin_fixtures import *  # noqa: F401,F403
from dialer.models import Campaign

LABEL = "Program the tray app runs from the card"


async def test_a_person_names_the_desktop_program_on_the_campaign_form(admin, world) -> None:
    edit = f"/campaigns/{world.campaign.id}/edit"
    page = await admin.get(edit)
    agents = re.search(r"<legend>Agents</legend>(.*?)</fieldset>", page.text, re.S)
    assert agents is not None and LABEL in agents.group(1) and 'name="desktop_program"' in agents.group(1)
    assert 'name="deep_link_template"' in agents.group(1)
    assert "whitelisted" in agents.group(1)  # the help says where the name must be set up

    r = await admin.submit(edit, edit, desktop_program="deskcrm")
    assert r.status_code == 303, r.text
    assert (await Campaign.get(id=world.campaign.id)).desktop_program == "deskcrm"
    form = await admin.form(edit, edit)
    assert [c.value for c in form.controls if c.name == "desktop_program"] == ["deskcrm"]

    # A path, or a command line, is not a name: the page says so and nothing is saved.
    for bad in ("/usr/bin/deskcrm", "deskcrm --all; rm -rf ~"):
        r = await admin.submit(edit, edit, desktop_program=bad)
        assert r.status_code == 400 and "A name, not a path or a command" in r.text, bad
        assert (await Campaign.get(id=world.campaign.id)).desktop_program == "deskcrm"

    r = await admin.submit(edit, edit, desktop_program="")  # emptied: no Run button any more
    assert r.status_code == 303, r.text
    assert (await Campaign.get(id=world.campaign.id)).desktop_program == ""
