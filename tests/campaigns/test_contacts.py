"""Finding contacts the way an admin types into the Contacts page's one search box."""

from __future__ import annotations

from dialer.campaigns.contacts import find_contacts
from dialer.models import Contact, ContactList


async def test_a_phone_fragment_finds_numbers_and_a_case_number_finds_only_its_case(sqlite_db: str) -> None:
    clist = await ContactList.create(name="Spring")
    await Contact.create(contact_list=clist, phone="+420601000018", name="Jana", external_id="SP-0000")
    await Contact.create(contact_list=clist, phone="+420601001018", name="Petr", external_id="SP-0001")

    async def names(text: str) -> list[str]:
        return sorted(c.name for c in (await find_contacts(text=text)).items)

    assert await names("SP-0001") == ["Petr"]  # not Jana, whose number holds 0001
    assert await names("601 000") == ["Jana"]
    assert await names("+420 601") == ["Jana", "Petr"]
    assert await names("pet") == ["Petr"]
