"""Schemathesis against the whole OpenAPI document and a served app with its engine: no 5xx for
any request, statuses and bodies as documented, and no request the document calls valid refused.

A bounded, seeded run: every operation gets the schema's examples, the coverage phase (edges
and schema-invalid values of each field) and MAX_EXAMPLES generated cases, the same ones on
every run, so a failure replays. Skipped only when schemathesis is not installed (it belongs in
the dev extras).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from zoneinfo import available_timezones

import phonenumbers
import pytest

schemathesis = pytest.importorskip("schemathesis")
import requests  # noqa: E402 - schemathesis brings it
from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402

from dialer.web.routes.api_spec import openapi  # noqa: E402
from dialer.web.routes.openapi_parts import PHONE_FORMAT, ZONE_FORMAT  # noqa: E402

MAX_EXAMPLES = 25  # generated cases per operation, besides its examples and coverage cases
SEED = 18

# A schema-valid request may still be refused for what JSON Schema cannot say: credentials (401,
# 403), a row that does not exist (404), the state (409) or throttling (429); schemathesis allows
# those. These operations may also answer 422 (or 400), each for the reason given.
REFUSED_FOR_DATA = {
    "POST /api/v1/lists/{list_id}/imports": "the file's content (a phone column, its encoding) and the "
                                            "names of pools, profiles and mappings are checked against the data",
    "PATCH /api/v1/contacts/{contact_id}": "caller_id_pool and dial_profile must name existing rows",
    "POST /api/v1/dnc": "campaign_id must name an existing campaign",
    "POST /api/v1/agent/pause": "reason_id or reason must name an active pause reason",
    "GET /api/v1/reports/export": "`to` must come after `from`, at most 400 days later",
}

CONFIG = SchemathesisConfig.from_dict({
    "seed": SEED,
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True,
                   # The document says text never holds NUL (a 422); test_bad_input.py sends those.
                   "allow-x00": False,
                   # The token is ours to send; generated Authorization headers and cookies test nothing.
                   "with-security-parameters": False},
    "phases": {"stateful": {"enabled": False}},
    "checks": {
        # Schema-invalid requests the server takes anyway are not errors here: unknown query
        # parameters are ignored, and a batch reports a bad item in its result, not as a 4xx.
        "negative_data_rejection": {"enabled": False},
    },
    "operations": [{"include-name": name, "checks": {"positive_data_acceptance": {
        "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422", "429"]}}}
        for name in REFUSED_FOR_DATA],
})

# Strings of the document's own formats, as the server takes them.
EXAMPLE_NUMBERS = sorted({
    phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    for region in phonenumbers.SUPPORTED_REGIONS
    for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE)
    if (number := phonenumbers.example_number_for_type(region, kind)) is not None})
schemathesis.openapi.format(PHONE_FORMAT, st.sampled_from(EXAMPLE_NUMBERS))
schemathesis.openapi.format(ZONE_FORMAT, st.sampled_from(sorted(available_timezones())))


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    numbers = draw(st.lists(st.sampled_from(EXAMPLE_NUMBERS), min_size=1, max_size=5))
    return ("phone,name\n" + "".join(f"{n},Customer {i}\n" for i, n in enumerate(numbers))).encode()


schemathesis.openapi.media_type("text/csv", csv_files())


def _agent_first(document: dict) -> dict:
    # Operations run in the document's order, and the IS's campaign controls stop the campaign
    # the agent joins: the agent's operations go first, so they act rather than get refused.
    paths = document["paths"]
    first = {p: item for p, item in paths.items() if p.startswith("/api/v1/agent/")}
    return {**document, "paths": {**first, **{p: item for p, item in paths.items() if p not in first}}}


schema = schemathesis.openapi.from_dict(_agent_first(openapi()), config=CONFIG)


@dataclass
class Live:
    url: str
    headers: dict[str, str]  # the admin's all-scopes token
    sign_out_headers: dict[str, str]  # another agent's: signing out ends every agent token of its user
    started: float = 0.0
    answers: Counter[str] = field(default_factory=Counter)  # by operation and status, for the summary


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    port = _free_port()
    db = tmp_path_factory.mktemp("live") / "api.sqlite3"
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("live_api_server.py")), str(db), str(port)],
                            stdout=subprocess.PIPE, text=True)
    try:
        tokens = json.loads(proc.stdout.readline())
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(url + "/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("the API server did not start")
            time.sleep(0.1)
        live = Live(url, {"Authorization": f"Bearer {tokens['token']}"},
                    {"Authorization": f"Bearer {tokens['sign_out_token']}"}, started=time.monotonic())
        yield live
        by_class = Counter(f"{key.rsplit(' ', 1)[1][0]}xx" for key in live.answers.elements())
        print(f"\nschemathesis: {sum(live.answers.values())} requests in {time.monotonic() - live.started:.0f} s "
              f"({', '.join(f'{k}: {n}' for k, n in sorted(by_class.items()))})")
        if os.environ.get("SCHEMATHESIS_SUMMARY"):
            for key, n in sorted(live.answers.items()):
                print(f"  {n:5d}  {key}")
    finally:
        proc.terminate()
        proc.wait(10)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case, live: Live) -> None:
    signs_out = case.operation.path == "/api/v1/agent/sign-out"
    response = case.call(base_url=live.url, headers=live.sign_out_headers if signs_out else live.headers,
                         timeout=15)
    live.answers[f"{case.operation.label} {response.status_code}"] += 1
    case.validate_response(response)
