"""Settings only one pacer reads are offered with that pacer only (issue 21): "Calls per ready
agent" and "Extra overdial" are the fixed-ratio pacer's; the page marks them so, and admin.js
hides them unless that pacer is chosen."""

from __future__ import annotations

from pathlib import Path

from admin_fixtures import *  # noqa: F401,F403

import dialer.web

ADMIN_JS = Path(dialer.web.__file__).parent / "static" / "admin.js"


def _field_div(page: str, name: str) -> str:
    """The opening tag of the field's <div class="field">."""
    at = page.index(f'name="{name}"')
    start = page.rindex('<div class="field', 0, at)
    return page[start:page.index(">", start) + 1]


async def test_ratio_only_fields_are_marked_for_the_ratio_pacer(admin, world) -> None:
    page = (await admin.get(f"/campaigns/{world.campaign.id}/edit")).text
    for name in ("calls_per_agent", "overdial_pct"):
        div = _field_div(page, name)
        assert 'data-modes="predictive"' in div and 'data-pacers="ratio"' in div, div
    assert "data-pacers" not in _field_div(page, "pacer")
    script = ADMIN_JS.read_text()
    assert "[data-pacers]" in script and '"pacer"' in script
