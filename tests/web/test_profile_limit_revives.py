"""Raising a dial profile's attempt limit gives the contacts it had exhausted their calls back,
and the page says how many (issue 21: "double the limit to call the rejected again")."""

from __future__ import annotations

from admin_fixtures import *  # noqa: F401,F403
from dialer.models import Contact, DialProfile
from dialer.models.enums import ContactStatus


async def test_raising_the_attempt_limit_revives_exhausted_contacts(admin, world) -> None:
    contacts = await Contact.filter(contact_list_id=world.contact_list.id).order_by("id")
    limit = (await DialProfile.get(id=world.profile.id)).max_attempts
    by_attempts, by_lifetime_limit = contacts[0], contacts[1]
    await Contact.filter(id=by_attempts.id).update(status=ContactStatus.EXHAUSTED, attempts=limit)
    await Contact.filter(id=by_lifetime_limit.id).update(status=ContactStatus.EXHAUSTED, attempts=limit,
                                                         last_outcome="limit")
    edit = f"/profiles/{world.profile.id}/edit"

    r = await admin.submit(edit, edit, max_attempts=str(limit))  # saved as it was: nothing revived
    assert r.status_code == 303, r.text
    assert (await Contact.get(id=by_attempts.id)).status is ContactStatus.EXHAUSTED

    r = await admin.submit(edit, edit, max_attempts=str(limit * 2))
    assert r.status_code == 303, r.text
    page = await admin.get(r.headers["location"])
    assert "1 contact can be dialed again." in page.text
    revived = await Contact.get(id=by_attempts.id)
    assert revived.status is ContactStatus.PENDING and revived.attempts == limit and revived.next_attempt_at
    assert (await Contact.get(id=by_lifetime_limit.id)).status is ContactStatus.EXHAUSTED, \
        "the lifetime calls-per-number limit still holds"
