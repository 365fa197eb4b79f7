"""The do-not-call page as an admin uses it: import a file through the form the page renders
(100,000 numbers, bad lines listed with their line numbers), add a number for some days,
export the list; and the disposition form's "adds to the DNC list" setting."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html import unescape

from admin_fixtures import *  # noqa: F401,F403
from dialer.models import Disposition, DncEntry
from dialer.models.enums import DncScope, DncSource

BAD_LINES = {2: "hello", 40_000: "12", 99_999: "+42060"}


def _registry(count: int = 100_000) -> bytes:
    lines = [BAD_LINES.get(i + 1) or f"+420 601 {i // 1000:03d} {i % 1000:03d}" for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


async def test_a_file_of_100000_numbers_through_the_page(admin, world) -> None:
    form = await admin.form("/dnc", action="/dnc/import")
    form.fill(expires_days="365", reason="national registry 2026-12")
    r = await form.attach("file", "registry.txt", _registry(), "text/plain").submit()
    assert r.status_code == 200, r.text[:500]
    text = unescape(r.text)
    assert "Imported 99,997 number(s)" in text and "3 bad line(s)" in text
    for line, value in BAD_LINES.items():
        assert f'<td class="mono">{line}</td><td>phone \'{value}\'' in text, (line, value)
    assert await DncEntry.filter(campaign_id=None).count() == 99_997
    entry = await DncEntry.get(phone="+420601000005")
    assert entry.source is DncSource.IMPORT and entry.added_by == "admin"
    assert entry.reason == "national registry 2026-12"
    assert timedelta(days=364) < entry.expires_at - datetime.now(timezone.utc) <= timedelta(days=365)


async def test_a_scoped_import_and_its_refusals(admin, world) -> None:
    form = await admin.form("/dnc", action="/dnc/import")
    form.fill(campaign_id=f"only {world.campaign.name}", column="Telefon")
    csv = "Jméno;Telefon\nJiří;601 123 456\nEva;601 123 457\n".encode("cp1250")
    r = await form.attach("file", "opt-out.csv", csv).submit()
    assert r.status_code == 200 and "Imported 2 number(s)" in unescape(r.text)
    assert set(await DncEntry.all().values_list("campaign_id", flat=True)) == {world.campaign.id}

    form = await admin.form("/dnc", action="/dnc/import")
    r = await form.fill(column="Fax").attach("file", "opt-out.csv", csv).submit()
    assert r.status_code == 400 and "is not in the header" in unescape(r.text)
    form = await admin.form("/dnc", action="/dnc/import")
    r = await form.attach("file", "book.xlsx", b"PK\x03\x04rest").submit()
    assert r.status_code == 400 and "Excel" in r.text
    r = await (await admin.form("/dnc", action="/dnc/import")).submit()
    assert r.status_code == 400 and "Choose a CSV or TXT file." in r.text


async def test_add_for_some_days_then_export(admin, world) -> None:
    r = await admin.submit("/dnc", action="/dnc", phone="602123403", region="CZ", expires_days="30",
                           reason="holiday")
    assert r.status_code == 303
    entry = await DncEntry.get(phone="+420602123403")
    assert entry.source is DncSource.MANUAL and entry.expires_at is not None
    r = await admin.submit("/dnc", action="/dnc", phone="602123404", expires_days="0")
    assert r.status_code == 400 and "from 1 to" in r.text
    page = await admin.get("/dnc")
    assert 'href="/dnc/export.csv"' in page.text and entry.expires_at.strftime("%Y-%m-%d") in page.text
    export = await admin.get("/dnc/export.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("phone,campaign,source") and lines[1].startswith("+420602123403,,manual,admin,")


async def test_the_disposition_form_sets_the_dnc_flag(admin, world) -> None:
    r = await admin.submit("/dispositions/new", code="dnc_offer", name="Not this offer", is_final=True,
                           adds_dnc=True, dnc_scope="campaign", dnc_expires_days="90")
    assert r.status_code == 303, r.text[:800]
    d = await Disposition.get(code="dnc_offer")
    assert d.adds_dnc and d.dnc_scope is DncScope.CAMPAIGN and d.dnc_expires_days == 90
    r = await admin.submit("/dispositions/new", code="sale2", name="Sale", dnc_expires_days="5")
    assert r.status_code == 400 and "Only for a disposition that adds" in r.text
    page = await admin.get("/dispositions")
    assert "adds to DNC" in page.text

