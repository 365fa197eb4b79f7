"""User administration pages (admins): list, create, edit role/team/name, reset a password,
deactivate and reactivate."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dialer.accounts.audit import record_audit
from dialer.accounts.passwords import generate_password
from dialer.accounts.sessions import end_user_sessions, open_sessions
from dialer.accounts.users import Actor, UserError, create_user, deactivate_user, get_or_create_team, set_password
from dialer.campaigns.fields import display_values, form_data
from dialer.campaigns.saving import SaveError
from dialer.campaigns.staff import USER_FIELDS, reactivate_user, update_user
from dialer.models import Team, User
from dialer.models.enums import Role
from dialer.web.auth import ADMINS, client_ip, guard, template_context
from dialer.web.errors import ApiError
from dialer.web.routes.admin_crud import choices, flash, render, sections


async def _page(request: Request, *, errors: dict[str, str] | None = None, values: dict | None = None,
                notice: str = "", status: int = 200) -> Response:
    ctx = template_context(
        request,
        users=await User.all().select_related("team").order_by("username"),
        teams=await Team.all(),
        roles=[r.value for r in Role],
        errors=errors or {},
        values=values or {"role": "agent"},
        notice=notice,
    )
    return request.app.state.templates.TemplateResponse(request, "users.html", ctx, status_code=status)


@guard(roles=ADMINS)
async def list_users(request: Request) -> Response:
    # The one-time notice of the action that led here ("Saved ana."), from the session: a
    # ?notice= in the URL would let any link print its own words on an admin's page.
    return await _page(request, notice=request.session.pop("flash", ""))


@guard(roles=ADMINS)
async def create(request: Request) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("username", "full_name", "role", "team", "extension")}
    password = str(form.get("password", ""))
    generated = not password
    password = password or generate_password()
    actor = Actor.of(request.state.principal.user, client_ip(request))
    try:
        role = Role(values["role"])
    except ValueError:
        return await _page(request, errors={"role": "Choose a role."}, values=values, status=400)
    try:
        team = await get_or_create_team(values["team"]) if values["team"] else None
        user = await create_user(values["username"], password, role, actor=actor, full_name=values["full_name"],
                                 team=team, extension=values["extension"] or None)
    except UserError as exc:
        return await _page(request, errors={exc.field or "form": str(exc)}, values=values, status=400)
    notice = f"Created {user.username}." + (f" Their password is {password} — pass it on now, it is not shown again."
                                            if generated else "")
    return await _page(request, notice=notice)


async def _user_or_404(request: Request) -> User:
    user = await User.get_or_none(id=request.path_params["user_id"])
    if user is None:
        raise ApiError(404, "No such user.")
    return user


@guard(roles=ADMINS)
async def reset_password(request: Request) -> Response:
    user = await _user_or_404(request)
    if user.id == request.state.principal.user.id:
        # A reset ends every session of the user: the admin's own would end with this page.
        return await _page(request, errors={"form": "Change your own password on your account page."}, status=400)
    password = generate_password()
    try:
        await set_password(user, password, actor=Actor.of(request.state.principal.user, client_ip(request)))
    except UserError as exc:  # pragma: no cover - a generated password meets the rules
        raise ApiError(400, str(exc)) from None
    return await _page(request, notice=f"New password of {user.username}: {password} — pass it on now.")


@guard(roles=ADMINS)
async def deactivate(request: Request) -> Response:
    user = await _user_or_404(request)
    me = request.state.principal.user
    if user.id == me.id:
        return await _page(request, errors={"form": "You cannot deactivate yourself."}, status=400)
    await deactivate_user(user, actor=Actor.of(me, client_ip(request)))
    flash(request, f"Deactivated {user.username}.")
    return RedirectResponse("/users", 303)


async def _edit_page(request: Request, user: User, *, values: dict | None = None,
                     errors: dict[str, str] | None = None, status: int = 200) -> Response:
    return render(request, "user_edit.html", status=status, person=user, errors=errors or {},
                  open_sessions=len(await open_sessions(user)),
                  values=values or display_values(USER_FIELDS, user), sections=sections(USER_FIELDS),
                  options={"team": await choices(Team)})


@guard(roles=ADMINS)
async def edit_form(request: Request) -> Response:
    return await _edit_page(request, await _user_or_404(request))


@guard(roles=ADMINS)
async def update(request: Request) -> Response:
    user = await _user_or_404(request)
    data = form_data(await request.form(), USER_FIELDS)
    try:
        await update_user(user, data, actor=Actor.of(request.state.principal.user, client_ip(request)))
    except SaveError as exc:
        return await _edit_page(request, user, values=data, errors=exc.errors, status=400)
    flash(request, f"Saved {user.username}.")
    return RedirectResponse("/users", 303)


@guard(roles=ADMINS)
async def reactivate(request: Request) -> Response:
    user = await _user_or_404(request)
    await reactivate_user(user, actor=Actor.of(request.state.principal.user, client_ip(request)))
    flash(request, f"Reactivated {user.username}.")
    return RedirectResponse("/users", 303)


@guard(roles=ADMINS)
async def end_sessions(request: Request) -> Response:
    """An admin logs a user out of every browser at once (a lost laptop, a shared PC)."""
    user = await _user_or_404(request)
    ended = await end_user_sessions(user, "ended by an admin")
    await record_audit(Actor.of(request.state.principal.user, client_ip(request)), "user.sessions_end", "user",
                       user.id, {"ended": ended})
    flash(request, f"Ended {ended} session{'s' * (ended != 1)} of {user.username}.")
    return RedirectResponse(f"/users/{user.id}/edit", 303)


routes = [
    Route("/users", list_users, methods=["GET"]),
    Route("/users", create, methods=["POST"]),
    Route("/users/{user_id:id}/password", reset_password, methods=["POST"]),
    Route("/users/{user_id:id}/deactivate", deactivate, methods=["POST"]),
    Route("/users/{user_id:id}/reactivate", reactivate, methods=["POST"]),
    Route("/users/{user_id:id}/edit", edit_form, methods=["GET"]),
    Route("/users/{user_id:id}/edit", update, methods=["POST"]),
    Route("/users/{user_id:id}/sessions/end", end_sessions, methods=["POST"]),
]
