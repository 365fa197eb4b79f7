"""The agent panel's page: one server-rendered shell whose modules (`static/agent/`) fill it
from `/ws/agent` and act through `/api/v1/agent/...`.

Open to every role with an agent profile (supervisors who also take calls); the page also
tells the browser extension's id, so the panel can hand the extension its token.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dialer.models import Agent
from dialer.web.auth import guard, template_context

# The Chromium extension's fixed id: derived from the public key in its manifest
# (extension/build.py computes it the same way; tests/e2e/test_extension_build.py checks both agree).
CHROME_EXTENSION_ID = "bljpacbgncmkkepcoenpfejlikddkoig"


@guard()
async def panel(request: Request) -> Response:
    user = request.state.principal.user
    agent = await Agent.get_or_none(user_id=user.id)
    ctx = template_context(request, agent=agent, extension_id=CHROME_EXTENSION_ID,
                           engine_running=getattr(request.app.state, "engine", None) is not None)
    return request.app.state.templates.TemplateResponse(request, "agent/panel.html", ctx,
                                                        status_code=200 if agent else 403)


routes = [Route("/agent", panel, methods=["GET"])]
