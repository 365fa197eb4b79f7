"""The user's own account: change the password, see and end their sessions, issue and revoke API tokens."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dialer.accounts.audit import record_audit
from dialer.accounts.passwords import verify_password_off_loop
from dialer.accounts.sessions import end_user_sessions, open_sessions
from dialer.accounts.tokens import ALL_SCOPES, Scope, issue_token, revoke_token
from dialer.accounts.users import Actor, UserError, set_password
from dialer.models import ApiToken
from dialer.models.enums import Role
from dialer.web.auth import client_ip, end_session, guard, start_session, template_context
from dialer.web.errors import ApiError


def scopes_for(role: Role) -> list[str]:
    """Which scopes a role may put on its tokens: never more than the role itself may do."""
    if role is Role.ADMIN:
        return sorted(ALL_SCOPES)
    if role is Role.SUPERVISOR:
        # "agent": a supervisor may also take calls (with an agent profile; the agent API
        # checks for one), and the panel hands their extension an agent token like anyone's.
        return sorted({Scope.CALLS_READ.value, Scope.CAMPAIGNS_READ.value, Scope.CAMPAIGNS_CONTROL.value,
                       Scope.CONTACTS_READ.value, Scope.STATS_READ.value, Scope.AGENT.value})
    return [Scope.AGENT.value]


async def _page(request: Request, *, errors: dict[str, str] | None = None, notice: str = "",
                new_secret: str = "", status: int = 200) -> Response:
    principal = request.state.principal
    user = principal.user
    ctx = template_context(request, tokens=await ApiToken.filter(user=user).order_by("-created_at"),
                           scopes=scopes_for(user.role), errors=errors or {}, notice=notice, new_secret=new_secret,
                           sessions=await open_sessions(user),
                           current_session_id=principal.session.id if principal.session else None)
    return request.app.state.templates.TemplateResponse(request, "account.html", ctx, status_code=status)


@guard()
async def account(request: Request) -> Response:
    return await _page(request)


@guard()
async def change_password(request: Request) -> Response:
    form = await request.form()
    user = request.state.principal.user
    if not await verify_password_off_loop(user.password_hash, str(form.get("current", ""))):
        return await _page(request, errors={"current": "That is not your current password."}, status=400)
    if str(form.get("new", "")) != str(form.get("again", "")):
        return await _page(request, errors={"again": "The two new passwords differ."}, status=400)
    try:
        await set_password(user, str(form.get("new", "")), actor=Actor.of(user, client_ip(request)))
    except UserError as exc:
        return await _page(request, errors={"new": str(exc)}, status=400)
    await start_session(request, user)  # every session ended with the change; this browser goes on
    return await _page(request, notice="Password changed. Other sessions and your API tokens were signed out.")


@guard()
async def create_token(request: Request) -> Response:
    form = await request.form()
    user = request.state.principal.user
    allowed = set(scopes_for(user.role))
    scopes = [str(s) for s in form.getlist("scopes")]
    if not scopes or not set(scopes) <= allowed:
        return await _page(request, errors={"scopes": "Choose one or more of the scopes offered."}, status=400)
    try:
        days = int(str(form.get("days", "90")))
        if not 1 <= days <= 730:
            raise ValueError
    except ValueError:
        return await _page(request, errors={"days": "Validity is 1 to 730 days."}, status=400)
    issued = await issue_token(user, scopes, name=str(form.get("name", ""))[:100], ttl=timedelta(days=days))
    return await _page(request, notice="Token created. Copy it now: it is not shown again.", new_secret=issued.secret)


@guard()
async def revoke(request: Request) -> Response:
    token = await ApiToken.get_or_none(id=request.path_params["token_id"], user=request.state.principal.user)
    if token is None:
        raise ApiError(404, "No such token.")
    await revoke_token(token.id)
    return RedirectResponse("/account", 303)


@guard()
async def end_all_sessions(request: Request) -> Response:
    """Log out everywhere: every browser of this user, this one included."""
    user = request.state.principal.user
    ended = await end_user_sessions(user, "logged out everywhere")
    await record_audit(Actor.of(user, client_ip(request)), "user.sessions_end", "user", user.id, {"ended": ended})
    await end_session(request)
    return RedirectResponse("/login", 303)


routes = [
    Route("/account", account, methods=["GET"]),
    Route("/account/password", change_password, methods=["POST"]),
    Route("/account/sessions/end", end_all_sessions, methods=["POST"]),
    Route("/account/tokens", create_token, methods=["POST"]),
    Route("/account/tokens/{token_id:id}/revoke", revoke, methods=["POST"]),
]
