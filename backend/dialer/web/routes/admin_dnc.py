"""The do-not-call list page: search, add (everywhere or one campaign, for good or some days),
remove, import a file of numbers (a national registry, a customer's list), export as CSV."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from dialer.campaigns.contacts import Page
from dialer.campaigns.dnc import add_dnc, find_dnc, remove_dnc
from dialer.campaigns.saving import SaveError
from dialer.dnc.export import export_rows
from dialer.dnc.importing import DncFileRefused, DncImportResult, import_dnc_file
from dialer.importer.encoding import ENCODINGS
from dialer.importer.uploads import TooLarge, store_file
from dialer.models import Campaign, DncEntry
from dialer.web.auth import ADMINS, guard
from dialer.web.errors import ApiError
from dialer.web.input import page_number, query_id, query_text
from dialer.web.routes.admin_crud import actor_of, choices, flash, render

PER_PAGE = 50
ERRORS_SHOWN = 200
MAX_DAYS = 36500


async def _page(request: Request, *, errors: dict[str, str] | None = None, values: dict | None = None,
                status: int = 200, imported: DncImportResult | None = None,
                import_values: dict | None = None, import_errors: dict[str, str] | None = None) -> Response:
    text, number = query_text(request, "q"), page_number(request)
    entries, total = await find_dnc(text, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    campaigns = dict(await choices(Campaign))
    return render(request, "admin/dnc.html", status=status, entries=entries, campaigns=campaigns,
                  page=Page(entries, total, number, PER_PAGE), q=text,
                  base="/dnc?" + (urlencode({"q": text}) + "&" if text else ""),
                  errors=errors or {}, values=values or {}, imported=imported, errors_shown=ERRORS_SHOWN,
                  import_values=import_values or {}, import_errors=import_errors or {}, encodings=ENCODINGS)


def _campaign_id(raw: str) -> int | None:
    """The form's campaign choice; ValueError for a forged one."""
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 2**31 - 1:
        raise ValueError(raw)
    return int(raw)


def _expiry(raw: str) -> datetime | None:
    if not raw:
        return None
    days = int(raw) if raw.isdigit() else 0
    if not 1 <= days <= MAX_DAYS:
        raise SaveError({"expires_days": f"A number of days from 1 to {MAX_DAYS}, or empty for good."})
    return datetime.now(timezone.utc) + timedelta(days=days)


@guard(roles=ADMINS)
async def dnc_list(request: Request) -> Response:
    return await _page(request)


@guard(roles=ADMINS)
async def add(request: Request) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("phone", "region", "campaign_id", "reason", "expires_days")}
    try:
        campaign_id = _campaign_id(values["campaign_id"])
        entry, created = await add_dnc(values["phone"], region=values["region"] or None, campaign_id=campaign_id,
                                       reason=values["reason"], actor=actor_of(request),
                                       expires_at=_expiry(values["expires_days"]))
    except ValueError as exc:  # SaveError is a ValueError; a forged campaign id too
        errors = exc.errors if isinstance(exc, SaveError) else {"campaign_id": "Choose a campaign."}
        return await _page(request, errors=errors, values=values, status=400)
    flash(request, f"Added {entry.phone}." if created else f"{entry.phone} was already on the list.")
    return RedirectResponse("/dnc", 303)


@guard(roles=ADMINS)
async def import_file(request: Request) -> Response:
    form = await request.form(max_files=1, max_fields=20)
    upload = form.get("file")
    values = {k: str(form.get(k, "")).strip()[:100] for k in ("campaign_id", "expires_days", "column", "region",
                                                               "encoding", "reason")}
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _page(request, import_values=values, import_errors={"file": "Choose a CSV or TXT file."},
                           status=400)
    path: Path | None = None
    try:
        campaign_id = _campaign_id(values["campaign_id"])
        if campaign_id is not None and not await Campaign.filter(id=campaign_id).exists():
            raise SaveError({"campaign_id": "No such campaign."})
        expires_at = _expiry(values["expires_days"])
        _token, path = store_file(Path(request.app.state.settings.data_dir), upload.file)
        result = await import_dnc_file(path, campaign_id=campaign_id, expires_at=expires_at,
                                       region=values["region"] or "CZ", encoding=values["encoding"],
                                       column=values["column"], added_by=actor_of(request).label,
                                       reason=values["reason"] or f"import {upload.filename}"[:200])
    except TooLarge as exc:
        return await _page(request, import_values=values, import_errors={"file": str(exc)}, status=413)
    except DncFileRefused as exc:
        return await _page(request, import_values=values, import_errors={exc.field: str(exc)}, status=400)
    except ValueError as exc:  # SaveError; a forged campaign id
        errors = exc.errors if isinstance(exc, SaveError) else {"campaign_id": "Choose a campaign."}
        return await _page(request, import_values=values, import_errors=errors, status=400)
    finally:
        await upload.close()
        if path is not None:
            path.unlink(missing_ok=True)
    return await _page(request, imported=result)


@guard(roles=ADMINS)
async def export(request: Request) -> Response:
    campaign_id = query_id(request, "campaign_id")
    name = f"dnc-{datetime.now(timezone.utc):%Y%m%d}.csv"
    return StreamingResponse(export_rows(campaign_id=campaign_id), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


@guard(roles=ADMINS)
async def remove(request: Request) -> Response:
    entry = await DncEntry.get_or_none(id=request.path_params["entry_id"])
    if entry is None:
        raise ApiError(404, "No such entry.")
    restored = await remove_dnc(entry, actor=actor_of(request))
    flash(request, f"Removed {entry.phone}" + (f"; {restored} contact(s) may be dialed again." if restored else "."))
    return RedirectResponse("/dnc", 303)


routes = [
    Route("/dnc", dnc_list, methods=["GET"]),
    Route("/dnc", add, methods=["POST"]),
    Route("/dnc/import", import_file, methods=["POST"]),
    Route("/dnc/export.csv", export, methods=["GET"]),
    Route("/dnc/{entry_id:id}/delete", remove, methods=["POST"]),
]
