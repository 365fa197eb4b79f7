"""Admin pages for billing: tariffs (with their rates, edited one by one or imported from
CSV), branch accounts (prepaid top-ups, postpaid settings) and invoices (issue, print, export).

Route functions parse the form and shape the page; the work is `dialer.billing.service`'s.
"""

from __future__ import annotations

import io
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dialer.billing.invoices import month_period
from dialer.billing.money import CENTS
from dialer.billing.service import accounts as account_service
from dialer.billing.service import invoices as invoice_service
from dialer.billing.service.tariffs import (TARIFF_FIELDS, RateImport, decimal_text, delete_tariff, import_rates,
                                            save_rate, save_tariff, tariff_form_values)
from dialer.billing.service.tariffs import delete_rate as delete_tariff_rate
from dialer.campaigns.saving import SaveError
from dialer.models import AccountEntry, BillingAccount, Invoice, Tariff, TariffRate, Team
from dialer.models.billing import AccountMode
from dialer.stats.export import write_csv, write_xlsx
from dialer.web.auth import ADMINS, guard
from dialer.web.errors import ApiError
from dialer.web.routes.admin_crud import Area, Column, actor_of, choices, flash, render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_RATES_FILE = 20 * 1024 * 1024


async def _tariff_options() -> dict[str, list[tuple[Any, str]]]:
    return {"team": await choices(Team)}


async def _tariff_context(request: Request, tariff: Tariff | None) -> dict[str, Any]:
    if tariff is None:
        return {"rates": []}
    rates = await TariffRate.filter(tariff=tariff).order_by("prefix")
    return {"rates": rates, "money": decimal_text, "rate_values": getattr(request.state, "rate_values", {}),
            "import_result": getattr(request.state, "import_result", None)}


def _applies(t: Tariff) -> str:
    parts = [t.team.name if t.team else "", t.line]
    return " · ".join(p for p in parts if p) or "everyone"


def _validity(t: Tariff) -> str:
    start = t.valid_from.date().isoformat() if t.valid_from else "…"
    end = t.valid_to.date().isoformat() if t.valid_to else "…"
    return "always" if not (t.valid_from or t.valid_to) else f"{start} – {end}"


tariffs = Area(
    entity="tariff", title="Tariffs", singular="tariff", prefix="/tariffs", model=Tariff, fields=TARIFF_FIELDS,
    save=save_tariff, delete=delete_tariff, form_values=tariff_form_values, options=_tariff_options,
    related=("team",), label=lambda t: t.name, form_extra="admin/tariff_rates.html", extra_context=_tariff_context,
    intro="Prices of calls by destination prefix (the longest prefix wins). A call is priced by the most "
          "specific tariff in force when it was answered: line and branch, line, branch, then a general one.",
    columns=[Column("Name", lambda t: t.name), Column("Currency", lambda t: t.currency),
             Column("Increments", lambda t: f"{t.first_increment_s}/{t.next_increment_s}"),
             Column("Applies to", _applies), Column("Valid", _validity),
             Column("Active", lambda t: "yes" if t.active else "no")],
)


async def _rate_form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(form.get(k, "")) for k in ("prefix", "destination", "price", "off_peak", "weekend",
                                              "connection_fee", "increments")}


@guard(roles=ADMINS)
async def add_rate(request: Request) -> Response:
    tariff = await tariffs.get_record(request)
    data = await _rate_form(request)
    try:
        rate = await save_rate(tariff, data, actor=actor_of(request))
    except SaveError as exc:
        request.state.rate_values = data
        return await tariffs.form_page(request, tariff, errors=exc.errors, status=400)
    flash(request, f"Saved the rate of prefix {rate.prefix}.")
    return RedirectResponse(tariffs.edit_url(tariff), 303)


@guard(roles=ADMINS)
async def delete_rate(request: Request) -> Response:
    tariff = await tariffs.get_record(request)
    rate = await TariffRate.get_or_none(id=request.path_params["rate_id"], tariff=tariff)
    if rate is None:
        raise ApiError(404, "No such rate in this tariff.")
    await delete_tariff_rate(tariff, rate, actor=actor_of(request))
    flash(request, f"Removed the rate of prefix {rate.prefix}.")
    return RedirectResponse(tariffs.edit_url(tariff), 303)


@guard(roles=ADMINS)
async def import_tariff_rates(request: Request) -> Response:
    tariff = await tariffs.get_record(request)
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await tariffs.form_page(request, tariff, errors={"file": "Choose a CSV file of rates."}, status=400)
    with tempfile.TemporaryDirectory(prefix="dialer-rates-") as tmp:
        path = Path(tmp) / "rates.csv"
        data = await upload.read(MAX_RATES_FILE + 1)
        await upload.close()
        if len(data) > MAX_RATES_FILE:
            return await tariffs.form_page(request, tariff, errors={"file": "The file is over 20 MB."}, status=400)
        path.write_bytes(data)
        result = await import_rates(tariff, path, actor=actor_of(request), replace=form.get("replace") == "on")
    if result.refused:
        return await tariffs.form_page(request, tariff, errors={"file": f"Not imported: {result.refused}."},
                                       status=400)
    request.state.import_result = result
    return await tariffs.form_page(request, tariff)


# -- accounts --------------------------------------------------------------------------------

async def _team(request: Request) -> Team:
    team = await Team.get_or_none(id=request.path_params["team_id"])
    if team is None:
        raise ApiError(404, "No such branch.")
    return team


async def _accounts_page(request: Request, *, errors: dict[int, dict[str, str]] | None = None,
                         values: dict[int, dict[str, str]] | None = None, status: int = 200) -> Response:
    teams = await Team.all().order_by("name")
    accounts = {a.team_id: a for a in await BillingAccount.all()}
    entries: dict[int, list[AccountEntry]] = {}
    for account in accounts.values():
        entries[account.team_id] = await AccountEntry.filter(account=account).order_by("-at", "-id").limit(10) \
            .select_related("user")
    rows = [{"team": t, "account": accounts.get(t.id), "entries": entries.get(t.id, []),
             "errors": (errors or {}).get(t.id, {}), "values": (values or {}).get(t.id, {})} for t in teams]
    return render(request, "admin/billing_accounts.html", status=status, rows=rows, modes=list(AccountMode),
                  money=decimal_text, cents=lambda v: v.quantize(CENTS))


@guard(roles=ADMINS)
async def accounts_page(request: Request) -> Response:
    return await _accounts_page(request)


@guard(roles=ADMINS)
async def save_account(request: Request) -> Response:
    team = await _team(request)
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in ("mode", "currency", "vat_pct", "low_credit")}
    try:
        await account_service.save_account(team, **values, actor=actor_of(request))
    except SaveError as exc:
        return await _accounts_page(request, errors={team.id: exc.errors}, values={team.id: values}, status=400)
    flash(request, f"Saved the account of {team.name}.")
    return RedirectResponse("/billing", 303)


@guard(roles=ADMINS)
async def top_up(request: Request) -> Response:
    team = await _team(request)
    account = await BillingAccount.get_or_none(team=team)
    if account is None:
        raise ApiError(404, "This branch has no account yet.")
    form = await request.form()
    values = {"amount": str(form.get("amount", "")), "note": str(form.get("note", ""))}
    try:
        entry = await account_service.top_up(account, values["amount"], actor=actor_of(request),
                                             at=datetime.now(timezone.utc), note=values["note"])
    except SaveError as exc:
        return await _accounts_page(request, errors={team.id: exc.errors}, values={team.id: values}, status=400)
    flash(request, f"Topped up {team.name} by {entry.amount} {account.currency}: the balance is "
                   f"{entry.balance_after.quantize(CENTS)} {account.currency}.")
    return RedirectResponse("/billing", 303)


# -- invoices --------------------------------------------------------------------------------

def _last_month(today: date) -> str:
    first = today.replace(day=1)
    previous = date.fromordinal(first.toordinal() - 1)
    return f"{previous:%Y-%m}"


async def _invoices_page(request: Request, *, errors: dict[str, str] | None = None,
                         values: dict[str, str] | None = None, status: int = 200) -> Response:
    invoices = await Invoice.all().select_related("account__team").order_by("-issued_at", "-id")
    postpaid = await BillingAccount.filter(mode=AccountMode.POSTPAID).select_related("team")
    shown = values or {"month": _last_month(datetime.now(timezone.utc).date()), "team": "", "timezone": "UTC"}
    return render(request, "admin/invoices.html", status=status, invoices=invoices, postpaid=postpaid,
                  values=shown, errors=errors or {})


@guard(roles=ADMINS)
async def invoices_page(request: Request) -> Response:
    return await _invoices_page(request)


@guard(roles=ADMINS)
async def issue_invoice(request: Request) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("team", "month", "timezone")}
    values["timezone"] = values["timezone"] or "UTC"
    errors: dict[str, str] = {}
    account = None
    if values["team"].isdigit():
        account = await BillingAccount.get_or_none(team_id=int(values["team"]))
    if account is None:
        errors["team"] = "Choose a postpaid branch."
    try:
        month = date.fromisoformat(values["month"] + "-01")
        start, end = month_period(month, values["timezone"])
    except Exception:
        errors["month"] = "A month like 2026-11 (and a known time zone)."
    if errors:
        return await _invoices_page(request, errors=errors, values=values, status=400)
    assert account is not None
    try:
        invoice = await invoice_service.issue(account, start, end, actor=actor_of(request),
                                              at=datetime.now(timezone.utc))
    except SaveError as exc:
        return await _invoices_page(request, errors=exc.errors, values=values, status=400)
    flash(request, f"Issued invoice {invoice.number}.")
    return RedirectResponse(f"/invoices/{invoice.id}", 303)


async def _invoice(request: Request) -> Invoice:
    invoice = await Invoice.get_or_none(id=request.path_params["invoice_id"]).select_related("account__team",
                                                                                            "issued_by")
    if invoice is None:
        raise ApiError(404, "No such invoice.")
    return invoice


@guard(roles=ADMINS)
async def invoice_page(request: Request) -> Response:
    invoice = await _invoice(request)
    lines = [{**ln, "minutes": round(ln["billable_s"] / 60, 2)} for ln in invoice.lines]
    return render(request, "admin/invoice.html", invoice=invoice, lines=lines)


@guard(roles=ADMINS)
async def export_invoice(request: Request) -> Response:
    invoice = await _invoice(request)
    fmt = request.query_params.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise ApiError(400, "format: csv or xlsx.", field="format")
    calls = await invoice_service.calls_frame(invoice)
    buffer = io.BytesIO()
    if fmt == "csv":
        write_csv(invoice_service.csv_frame(invoice, calls), buffer, "UTC")
    else:
        write_xlsx({"invoice": invoice_service.totals_frame(invoice), "lines": invoice_service.lines_frame(invoice),
                    "calls": calls}, buffer, "UTC")
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8" if fmt == "csv" else XLSX,
                    headers={"Content-Disposition": f'attachment; filename="invoice-{invoice.number}.{fmt}"'})


routes = [
    *tariffs.routes(),
    Route("/tariffs/{record_id:id}/rates", add_rate, methods=["POST"]),
    Route("/tariffs/{record_id:id}/rates/{rate_id:id}/delete", delete_rate, methods=["POST"]),
    Route("/tariffs/{record_id:id}/import", import_tariff_rates, methods=["POST"]),
    Route("/billing", accounts_page, methods=["GET"]),
    Route("/billing/teams/{team_id:id}/account", save_account, methods=["POST"]),
    Route("/billing/teams/{team_id:id}/top-up", top_up, methods=["POST"]),
    Route("/invoices", invoices_page, methods=["GET"]),
    Route("/invoices/issue", issue_invoice, methods=["POST"]),
    Route("/invoices/{invoice_id:id}", invoice_page, methods=["GET"]),
    Route("/invoices/{invoice_id:id}/export", export_invoice, methods=["GET"]),
]

__all__ = ["RateImport", "routes"]
