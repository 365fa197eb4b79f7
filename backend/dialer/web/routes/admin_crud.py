"""A settings area's pages — list, new, edit, delete — built from one description of it.

Each admin module describes its entity (model, fields, list columns, the service that saves
and deletes) and mounts `area.routes()`; every area shares templates/admin/list.html and
form.html, so validation errors, flashes and the delete button look and work the same.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from tortoise.models import Model
from tortoise.queryset import QuerySet

from dialer.accounts.users import Actor
from dialer.campaigns.fields import Field, display_values, form_data
from dialer.campaigns.saving import SaveError, model_defaults
from dialer.models import User
from dialer.models.enums import Role
from dialer.web.auth import ADMINS, client_ip, guard, template_context
from dialer.web.errors import ApiError

Options = dict[str, list[tuple[Any, str]]]


def actor_of(request: Request) -> Actor:
    return Actor.of(request.state.principal.user, client_ip(request))


def flash(request: Request, message: str) -> None:
    """A one-time notice shown on the next page (kept in the signed session, not the URL)."""
    request.session["flash"] = message


def render(request: Request, template: str, *, status: int = 200, **values: Any) -> Response:
    ctx = template_context(request, notice=request.session.pop("flash", ""), **values)
    return request.app.state.templates.TemplateResponse(request, template, ctx, status_code=status)


def sections(fields: Iterable[Field]) -> list[tuple[str, list[Field]]]:
    """Fields grouped by section, in order of first appearance."""
    grouped: dict[str, list[Field]] = {}
    for f in fields:
        grouped.setdefault(f.section, []).append(f)
    return list(grouped.items())


async def no_options() -> Options:
    return {}


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    numeric: bool = False


@dataclass
class Area:
    entity: str  # the audit-log entity, e.g. "dial_profile"
    title: str  # "Dial profiles"
    singular: str  # "dial profile"
    prefix: str  # "/profiles"
    model: type[Model]
    fields: tuple[Field, ...]
    columns: list[Column]
    save: Callable[..., Awaitable[Model]]  # save(data, actor=..., record=...) -> record; SaveError
    delete: Callable[..., Awaitable[None]] | None = None  # delete(record, actor=...)
    options: Callable[[], Awaitable[Options]] = no_options  # choices of "ref"/"refs" fields
    form_values: Callable[[Any], Any] | None = None  # record -> what the form shows (may be async)
    query: Callable[[User], QuerySet] | None = None  # the list's rows for this user
    related: tuple[str, ...] = ()  # select_related for the list
    can_create: bool = True
    view_roles: frozenset[Role] = ADMINS
    intro: str = ""
    form_extra: str = ""  # a template included below the form when editing
    extra_context: Callable[[Request, Any], Awaitable[dict[str, Any]]] | None = None
    label: Callable[[Any], str] = str
    link: Callable[[Any], str] | None = None  # where a list row leads; default: its edit form
    new_defaults: dict[str, Any] = field(default_factory=dict)
    saved_notice: Callable[[Any], str] | None = None  # what the save did beyond saving, for the flash

    def edit_url(self, record: Any) -> str:
        return f"{self.prefix}/{record.pk}/edit"

    def row_url(self, record: Any) -> str:
        return self.link(record) if self.link else self.edit_url(record)

    async def _values(self, record: Any) -> dict[str, Any]:
        values = (self.form_values or (lambda r: display_values(self.fields, r)))(record)
        if inspect.isawaitable(values):
            values = await values
        return {**values, **(self.new_defaults if record is None or not getattr(record, "pk", None) else {})}

    async def get_record(self, request: Request, key: str = "record_id") -> Any:
        query = self.model.get_or_none(pk=request.path_params[key])
        record = await (query.select_related(*self.related) if self.related else query)
        if record is None:
            raise ApiError(404, f"No such {self.singular}.")
        return record

    async def form_page(self, request: Request, record: Any, *, values: dict[str, Any] | None = None,
                        errors: dict[str, str] | None = None, status: int = 200) -> Response:
        shown = values if values is not None else await self._values(record if record is not None
                                                                     else model_defaults(self.model))
        extra = await self.extra_context(request, record) if self.extra_context else {}
        return render(request, "admin/form.html", status=status, area=self, record=record, values=shown,
                      errors=errors or {}, options=await self.options(), sections=sections(self.fields), **extra)

    # -- endpoints ---------------------------------------------------------------------------
    async def list_page(self, request: Request) -> Response:
        user = request.state.principal.user
        query = self.query(user) if self.query else self.model.all()
        records = await (query.select_related(*self.related) if self.related else query)
        rows = [{"record": r, "url": self.row_url(r), "cells": [c.value(r) for c in self.columns],
                 "inactive": getattr(r, "active", True) is False or getattr(r, "archived", False) is True}
                for r in records]
        return render(request, "admin/list.html", area=self, rows=rows)

    async def new_form(self, request: Request) -> Response:
        return await self.form_page(request, None)

    async def _submit(self, request: Request, record: Any) -> Response:
        form = await request.form()
        data = form_data(form, self.fields)
        try:
            saved = await self.save(data, actor=actor_of(request), record=record)
        except SaveError as exc:
            return await self.form_page(request, record, values=data, errors=exc.errors, status=400)
        more = self.saved_notice(saved) if self.saved_notice else ""
        flash(request, f"Saved {self.singular} {self.label(saved)}.{' ' + more if more else ''}")
        return RedirectResponse(self.row_url(saved) if self.link else self.prefix, 303)

    async def create(self, request: Request) -> Response:
        return await self._submit(request, None)

    async def edit_form(self, request: Request) -> Response:
        return await self.form_page(request, await self.get_record(request))

    async def update(self, request: Request) -> Response:
        return await self._submit(request, await self.get_record(request))

    async def remove(self, request: Request) -> Response:
        record = await self.get_record(request)
        assert self.delete is not None
        try:
            await self.delete(record, actor=actor_of(request))
        except SaveError as exc:
            return await self.form_page(request, record, errors=exc.errors, status=409)
        flash(request, f"Deleted {self.singular} {self.label(record)}.")
        return RedirectResponse(self.prefix, 303)

    def routes(self) -> list[Route]:
        admin = guard(roles=ADMINS)
        p = self.prefix
        routes = [Route(p, guard(roles=self.view_roles)(self.list_page), methods=["GET"]),
                  Route(p + "/{record_id:id}/edit", admin(self.edit_form), methods=["GET"]),
                  Route(p + "/{record_id:id}/edit", admin(self.update), methods=["POST"])]
        if self.can_create:
            routes += [Route(p + "/new", admin(self.new_form), methods=["GET"]),
                       Route(p + "/new", admin(self.create), methods=["POST"])]
        if self.delete is not None:
            routes.append(Route(p + "/{record_id:id}/delete", admin(self.remove), methods=["POST"]))
        return routes


async def choices(model: type[Model], label: str = "name", **filters: Any) -> list[tuple[Any, str]]:
    """(id, label) pairs for a select, in the model's order."""
    return [(r.pk, getattr(r, label)) for r in await model.filter(**filters)]
