from admin_fixtures import *  # noqa: F401,F403

PAGES = ["/campaigns", "/campaigns/new", "/profiles", "/profiles/new", "/caller-ids", "/caller-ids/new",
         "/dispositions", "/dispositions/new", "/lists", "/lists/new", "/contacts", "/dnc", "/teams", "/teams/new",
         "/agents", "/webhooks", "/webhooks/new", "/settings/caller-lookup", "/api/docs", "/users"]


async def test_every_admin_page_renders(admin, world) -> None:
    for url in PAGES + [f"/campaigns/{world.campaign.id}", f"/campaigns/{world.campaign.id}/edit",
                        f"/profiles/{world.profile.id}/edit", f"/lists/{world.contact_list.id}/edit"]:
        r = await admin.get(url)
        assert r.status_code == 200, (url, r.text[:3000])
