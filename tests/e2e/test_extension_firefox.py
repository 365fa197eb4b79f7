"""The Firefox extension in Firefox ESR, driven by npm `puppeteer-core` (tests/e2e/firefox/):
panel login signs it in, a connected call pops the card, panel logout signs it out.
Skipped when node, firefox-esr or `npm ci` (node_modules) are missing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from e2e.agent_server import PASSWORD, ROOT, AgentServer

SCRIPT = Path(__file__).parent / "firefox" / "extension.test.mjs"
FIREFOX = "/usr/bin/firefox-esr"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("node") is None, reason="needs node"),
    pytest.mark.skipif(not Path(FIREFOX).exists(), reason="needs firefox-esr (apt-get install firefox-esr)"),
    pytest.mark.skipif(not (ROOT / "node_modules/puppeteer-core").exists(), reason="needs `npm ci` (puppeteer-core)"),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[AgentServer]:
    s = AgentServer(tmp_path)
    yield s
    s.stop()


def test_firefox_extension_follows_the_panel(server: AgentServer) -> None:
    from dialer.models import ApiToken

    w = server.world
    result = subprocess.run(["node", str(SCRIPT), w.base, "ann", PASSWORD, "Extension calls"], cwd=ROOT,
                            capture_output=True, text=True, timeout=150, env={**_env(), "PUPPETEER_SKIP_DOWNLOAD": "1"})
    assert result.returncode == 0 and result.stdout.rstrip().endswith("OK"), result.stdout + result.stderr
    card = json.loads(next(line[5:] for line in result.stdout.splitlines() if line.startswith("CARD ")))
    assert card["fields"]["campaign"] == "Extension calls" and card["fields"]["custom:plan"] == "Premium"
    assert card["name"].startswith("Customer 0-") and card["fields"]["attempt"] == "1"
    connected = w.connected[card["key"].removeprefix("call-")]
    print(f"\nanswer -> card painted (Firefox ESR): {round(card['paintedAt'] - connected.timestamp() * 1000)} ms")
    assert server.run(lambda: ApiToken.filter(user__username="ann", revoked_at=None).count()) == 0


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)
