"""Admin pages for contact lists and contacts: find, edit one, reset attempts, raise the limit, move."""

from __future__ import annotations

from typing import Any, Awaitable, Callable
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from tortoise.functions import Count

from dialer.campaigns.contacts import (
    CONTACT_FIELDS,
    delete_contact,
    find_contacts,
    move_contact,
    raise_attempt_limit,
    reset_attempts,
    save_contact,
)
from dialer.campaigns.fields import display_values, form_data
from dialer.campaigns.lists import LIST_FIELDS, delete_list, save_list
from dialer.campaigns.saving import SaveError
from dialer.models import CallAttempt, CallerIdPool, Contact, ContactList, DialProfile, Team
from dialer.models.enums import ContactStatus
from dialer.web.auth import ADMINS, guard
from dialer.web.errors import ApiError
from dialer.web.input import page_number, query_id, query_text
from dialer.web.routes.admin_crud import Area, Column, actor_of, choices, flash, render, sections


async def _list_options() -> dict[str, list[tuple[Any, str]]]:
    return {"team": await choices(Team)}


lists = Area(
    entity="contact_list", title="Contact lists", singular="contact list", prefix="/lists", model=ContactList,
    fields=LIST_FIELDS, save=save_list, delete=delete_list, options=_list_options,
    # The team comes by a second query: joined into the COUNT's GROUP BY, PostgreSQL refuses it.
    query=lambda user: ContactList.all().annotate(size=Count("contacts")).prefetch_related("team"),
    label=lambda cl: cl.name,
    intro="Deleting a list deletes its contacts; the calls made to them stay in the record.",
    columns=[Column("Name", lambda cl: cl.name), Column("Category", lambda cl: cl.category or None),
             Column("Team", lambda cl: cl.team.name if cl.team else None),
             Column("Contacts", lambda cl: cl.size, True)],
)


@guard(roles=ADMINS)
async def search(request: Request) -> Response:
    text, list_id, status = query_text(request, "q"), query_id(request, "list"), request.query_params.get("status", "")
    if status not in {s.value for s in ContactStatus}:
        status = ""
    page = await find_contacts(text=text, status=status, list_id=list_id, page=page_number(request))
    filters = {k: v for k, v in {"q": text, "status": status, "list": list_id or ""}.items() if v}
    return render(request, "admin/contacts.html", page=page, filters=filters,
                  base="/contacts?" + (urlencode(filters) + "&" if filters else ""),
                  lists=await choices(ContactList), statuses=[s.value for s in ContactStatus])


async def _contact(request: Request) -> Contact:
    contact = await Contact.get_or_none(id=request.path_params["contact_id"]).select_related("contact_list")
    if contact is None:
        raise ApiError(404, "No such contact.")
    return contact


async def _contact_page(request: Request, contact: Contact, *, values: dict[str, Any] | None = None,
                        errors: dict[str, str] | None = None, status: int = 200) -> Response:
    shown = values or display_values(CONTACT_FIELDS, contact)
    return render(
        request, "admin/contact.html", status=status, contact=contact, values=shown, errors=errors or {},
        sections=sections(CONTACT_FIELDS), lists=await choices(ContactList),
        options={"caller_id_pool": await choices(CallerIdPool), "dial_profile": await choices(DialProfile)},
        attempts=await CallAttempt.filter(contact_id=contact.id).order_by("-originated_at").limit(20)
        .select_related("campaign", "disposition"))


@guard(roles=ADMINS)
async def edit(request: Request) -> Response:
    return await _contact_page(request, await _contact(request))


@guard(roles=ADMINS)
async def save(request: Request) -> Response:
    contact = await _contact(request)
    form = await request.form()
    data = form_data(form, CONTACT_FIELDS)
    try:
        await save_contact(data, actor=actor_of(request), record=contact, region=str(form.get("region", "")) or None)
    except SaveError as exc:
        return await _contact_page(request, contact, values={**data, "region": form.get("region", "")},
                                   errors=exc.errors, status=400)
    flash(request, "Saved the contact.")
    return RedirectResponse(f"/contacts/{contact.id}", 303)


def _action(operation: Callable[[Contact, Any, Any], Awaitable[Any]],
            done: str) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint that applies one contact operation and shows the contact again."""

    @guard(roles=ADMINS)
    async def endpoint(request: Request) -> Response:
        contact = await _contact(request)
        form = await request.form()
        try:
            await operation(contact, form, actor_of(request))
        except SaveError as exc:
            return await _contact_page(request, contact, errors=exc.errors, status=400)
        flash(request, done)
        return RedirectResponse(f"/contacts/{contact.id}", 303)

    return endpoint


@guard(roles=ADMINS)
async def remove(request: Request) -> Response:
    contact = await _contact(request)
    try:
        await delete_contact(contact, actor=actor_of(request))
    except SaveError as exc:
        return await _contact_page(request, contact, errors=exc.errors, status=409)
    flash(request, f"Deleted contact {contact.phone}.")
    return RedirectResponse(f"/contacts?list={contact.contact_list_id}", 303)


routes = [
    *lists.routes(),
    Route("/contacts", search, methods=["GET"]),
    Route("/contacts/{contact_id:id}", edit, methods=["GET"]),
    Route("/contacts/{contact_id:id}", save, methods=["POST"]),
    Route("/contacts/{contact_id:id}/delete", remove, methods=["POST"]),
    Route("/contacts/{contact_id:id}/reset", _action(
        lambda c, form, actor: reset_attempts(c, actor=actor), "Attempts reset."), methods=["POST"]),
    Route("/contacts/{contact_id:id}/limit", _action(
        lambda c, form, actor: raise_attempt_limit(c, form.get("max_attempts"), actor=actor),
        "Attempt limit raised."), methods=["POST"]),
    Route("/contacts/{contact_id:id}/move", _action(
        lambda c, form, actor: move_contact(c, form.get("contact_list"), actor=actor), "Contact moved."),
        methods=["POST"]),
]
