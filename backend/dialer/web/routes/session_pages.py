"""Login and logout for the web pages, with throttling against password guessing."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dialer.accounts.users import check_login
from dialer.web.auth import client_ip, current_principal, end_session, start_session, template_context
from dialer.web.csrf import csrf_token, verify_csrf
from dialer.web.errors import ApiError


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after login is a phishing tool."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


async def login_form(request: Request) -> Response:
    if await current_principal(request):
        return RedirectResponse(_safe_next(request.query_params.get("next")), 303)
    csrf_token(request)
    return request.app.state.templates.TemplateResponse(
        request, "login.html", template_context(request, next=request.query_params.get("next", ""), error=None))


async def login_submit(request: Request) -> Response:
    form = await request.form()
    await verify_csrf(request)
    username = str(form.get("username", ""))[:64].strip()
    password = str(form.get("password", ""))
    next_url = _safe_next(str(form.get("next", "")))
    throttle = request.app.state.login_throttle
    ip = client_ip(request)
    now = datetime.now(timezone.utc)
    wait = await throttle.retry_after(username, ip, now)
    templates = request.app.state.templates
    if wait > 0:
        minutes = max(1, round(wait / 60))
        ctx = template_context(request, next=next_url, username=username,
                               error=f"Too many failed logins. Try again in about {minutes} "
                                     f"minute{'s' * (minutes > 1)}.")
        return templates.TemplateResponse(request, "login.html", ctx, status_code=429,
                                          headers={"Retry-After": str(int(wait) + 1)})
    user = await check_login(username, password) if username and password else None
    if user is None:
        await throttle.record_failure(username, ip, now)
        ctx = template_context(request, next=next_url, username=username, error="Wrong user name or password.")
        return templates.TemplateResponse(request, "login.html", ctx, status_code=401)
    await throttle.record_success(username)
    await start_session(request, user)
    return RedirectResponse(next_url, 303)


async def logout(request: Request) -> Response:
    if request.session.get("sid"):
        await verify_csrf(request)
    principal = await current_principal(request)
    if principal is not None:
        hub = getattr(request.app.state, "on_logout", None)
        if hub is not None:
            await hub(principal.user)
    await end_session(request)
    return RedirectResponse("/login", 303)


async def _refuse_get_logout(request: Request) -> Response:
    # Logging out by GET would let any page log our users out with an <img> tag.
    raise ApiError(405, "Log out with the button in the menu.")


routes = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/logout", _refuse_get_logout, methods=["GET"]),
]
