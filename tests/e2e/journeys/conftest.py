"""The journeys' shared world: ONE Chromium for the whole session, ONE live dialer (app, engine,
simulated PBX), and the floor the admin journey builds — or, when a journey runs alone, the
same floor built by the same clicks. Each person gets their own browser context (cookies).

A journey fails (never skips) without Debian's Chromium: CI installs it (.ci/browsers).
On failure every open page is saved as a screenshot under the test's tmp_path.

The shared pieces live as long as this package's tests, not the session: a running sync
Playwright holds the thread's event loop, and the async tests that follow could not run.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Iterator

import pytest

from e2e.agent_server import CHROMIUM, FLAGS, chromium_ready


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """Keep each phase's report on the test, so `people` knows at teardown whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    if not chromium_ready():
        pytest.fail("The browser journeys need Debian's Chromium at /usr/bin/chromium, Python Playwright and "
                    "websockets (apt-get install chromium; .ci/browsers does it). Never `playwright install`.",
                    pytrace=False)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def dialer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from e2e.journeys.live_dialer import LiveDialer

    server = LiveDialer(tmp_path_factory.mktemp("journeys-dialer"))
    yield server
    server.stop()


class People:
    """The people of one test at their browsers: `people.open("admin")` is a fresh context's page.

    Every page accepts JS confirm dialogs and remembers their questions (see admin_steps.confirm),
    and records uncaught page errors and 5xx answers: a journey that met one fails.
    """

    def __init__(self, browser: Any, shots: Path) -> None:
        self.browser = browser
        self.shots = shots
        self.pages: dict[str, Any] = {}
        self.contexts: list[Any] = []
        self.problems: list[str] = []

    def open(self, who: str) -> Any:
        from e2e.journeys.admin_steps import answer_dialogs

        context = self.browser.new_context(accept_downloads=True, locale="en-GB", timezone_id="Europe/Prague")
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.problems.append(f"{who}: script error on {page.url}: {exc}"))
        page.on("response", lambda r: r.status >= 500 and self.problems.append(
            f"{who}: {r.status} from {r.request.method} {r.url}"))
        answer_dialogs(page)
        self.pages[who] = page
        return page

    def screenshots(self) -> list[Path]:
        saved = []
        self.shots.mkdir(parents=True, exist_ok=True)
        for who, page in self.pages.items():
            if page.is_closed():
                continue
            path = self.shots / f"{who}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
                saved.append(path)
            except Exception:  # a crashed page has nothing to show  # noqa: BLE001
                pass
        return saved

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def people(chromium: Any, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[People]:
    crowd = People(chromium, tmp_path / "screenshots")
    yield crowd
    report = getattr(request.node, "report_call", None)
    if report is None or report.failed:
        shots = crowd.screenshots()
        if shots:
            print("screenshots:", *shots, sep="\n  ")
    crowd.close()
    assert not crowd.problems, "the pages met errors:\n" + "\n".join(crowd.problems)


class Floors:
    """The floor built in this session: by the admin journey, or by the first journey needing one."""

    def __init__(self) -> None:
        self.current: Any = None
        # What the floor's history holds (journey 4 expects a record with history to be kept):
        self.dialed = False  # the campaign made calls
        self.used: set[str] = set()  # dispositions given to calls and pause reasons paused with
        self.callbacks: dict[str, str] = {}  # contact's case -> the callback the agent set (local time)
        self._built = itertools.count()

    def called(self, disposition: str, pause_reason: str) -> None:
        """A journey finished a call with `disposition` and paused with `pause_reason`."""
        self.dialed = True
        self.used |= {disposition, pause_reason}

    def fresh(self) -> dict[str, Any]:
        """Names, agent phone and contact numbers for one more floor in the same database."""
        n = next(self._built)
        return {"suffix": f" {n}" if n else "", "extension": f"Local/agent{n}@agents", "first_contact": 100 * n}


@pytest.fixture(scope="package")
def floors() -> Floors:
    return Floors()


@pytest.fixture
def floor(floors: Floors, people: People, dialer: Any, tmp_path: Path) -> Any:
    """The session's floor; built here by the admin's clicks when no journey built it yet."""
    from e2e.journeys.admin_steps import sign_out
    from e2e.journeys.floor import build_floor

    if floors.current is None:
        page = people.open("admin-setup")
        floors.current = build_floor(page, dialer.base, tmp_path, **floors.fresh())
        sign_out(page)
        page.context.close()
    return floors.current
