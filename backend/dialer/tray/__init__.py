"""`dialer-tray`: the agent's desktop pop-up app in the system tray (Linux, Windows).

It speaks the browser extensions' contract (agent token from `POST /api/v1/agent/token`,
`/ws/agent?token=`, the agent API) and nothing else; it holds no dialing logic. The pure
parts (`badge`, `cards`, `agent_view`, `runner`, `config`, `tokens`) import no GUI toolkit.
"""
