"""Browser journeys: a live server with demo data, driven by Debian's chromium through Playwright.

The server runs the real entry point (`gunicorn wsgi:app`, two workers, so a plugin switched off
in one worker must be off in the other too) on a fresh database: SQLite in a temporary instance
folder, or a new PostgreSQL database when INTRANET_TEST_DATABASE_URL names a server (the
PostgreSQL pass of CI runs the journeys on PostgreSQL too). The test-only example plugin is
found through PYTHONPATH, exactly as in the unit tests.

Without /usr/bin/chromium the journeys are skipped, unless INTRANET_REQUIRE_E2E=1 (CI sets it),
in which case they fail. Browsers are never downloaded: `apt-get install chromium` provides one.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest
import sqlalchemy as sa

from intranet.platform.demo import DEMO_PASSWORD, demo_email
from tests.conftest import PLUGINS, POSTGRES_URL, _postgres_admin, _postgres_url

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
EXAMPLE_PLUGIN = REPO / "tests" / "example_plugin"
BIN = Path(sys.executable).parent
SERVER_START_TIMEOUT = 60
# Generous: on a fresh CI machine the first run of the journeys once took over 20 s for a page.
WAIT_MS = 45_000
# Upper bound of one journey (pytest-timeout, the test function only: the live server starts once
# in a session fixture, bounded by SERVER_START_TIMEOUT and the timeouts of its commands).
JOURNEY_SECONDS = 180

WORKERS = 2
# Threaded workers, as the README deploys them: Chromium opens spare connections ahead of need
# and leaves them idle, and each such connection holds a sync worker until gunicorn's timeout,
# so two of them once stopped both workers of a journey for longer than a page may take.
THREADS = 4
# gunicorn's access log names the worker that answered each request.
ACCESS_LOG_FORMAT = "access pid=%(p)s status=%(s)s path=%(U)s"
ACCESS_LINE = re.compile(r"access pid=<?(\d+)>? status=(\d+) path=(\S+)")

ADMIN_EMAIL = demo_email("admin")
MEMBER_EMAIL = demo_email("member_se")
PASSWORD = DEMO_PASSWORD
# Notification mails carry reply addresses, so a journey can answer one by mail.
REPLY_DOMAIN = "reply.e2e.example"


def _require_e2e() -> bool:
    return os.environ.get("INTRANET_REQUIRE_E2E", "") not in ("", "0")


def _unavailable(reason: str) -> NoReturn:
    if _require_e2e():
        pytest.fail(f"{reason} (INTRANET_REQUIRE_E2E is set, so this is an error)", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    log: Path
    outbox: Path
    env: dict[str, str] = field(default_factory=dict)  # the server's, for other commands

    def log_size(self) -> int:
        return self.log.stat().st_size

    def answers(self, path: str, since: int) -> dict[int, set[int]]:
        """The statuses each worker (by pid) gave `path` since the log had `since` bytes."""
        by_worker: dict[int, set[int]] = {}
        text = self.log.read_bytes()[since:].decode(errors="replace")
        for pid, status, answered in ACCESS_LINE.findall(text):
            if answered == path:
                by_worker.setdefault(int(pid), set()).add(int(status))
        return by_worker

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _flask(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "intranet", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"intranet {' '.join(args)} failed:\n{result.stderr}"


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], server: LiveServer) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"live server exited early:\n{server.log_tail()}", pytrace=False)
        try:
            with direct.open(url + "/login", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    pytest.fail(
        f"live server did not answer in {SERVER_START_TIMEOUT}s:\n{server.log_tail()}",
        pytrace=False,
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every journey without its own timeout gets JOURNEY_SECONDS for its body (the live server's
    start is bounded by its own timeouts, so the first journey is not charged for it)."""
    for item in items:
        if item.get_closest_marker("e2e") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(JOURNEY_SECONDS, func_only=True))


@pytest.fixture(scope="session")
def live_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of an empty database for the live server, on the suite's database engine."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('live-db') / 'intranet.db'}"
        return
    name = f"intranet_e2e_{uuid.uuid4().hex[:8]}"
    admin = _postgres_admin()
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield _postgres_url(name)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, live_database: str
) -> Iterator[LiveServer]:
    """The intranet with demo data, served by gunicorn on a free loopback port."""
    folder = tmp_path_factory.mktemp("live")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("INTRANET_") or key == "INTRANET_REQUIRE_E2E"
    }
    env.update(
        {
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(EXAMPLE_PLUGIN), env.get("PYTHONPATH")])
            ),
            "INTRANET_PLUGINS": ",".join(PLUGINS),
            "INTRANET_DATABASE_URL": live_database,
            "INTRANET_INSTANCE_PATH": str(folder / "instance"),
            "INTRANET_MAIL_OUTBOX": str(folder / "outbox"),
            "INTRANET_BASE_URL": url,
            # The demo journeys sign in with a password only; two-factor has its own tests.
            "INTRANET_2FA_REQUIRED_ROLES": "",
            "INTRANET_REPLY_DOMAIN": REPLY_DOMAIN,
        }
    )
    _flask(env, "init")
    _flask(env, "demo")
    server = LiveServer(url=url, log=folder / "server.log", outbox=folder / "outbox", env=env)
    with server.log.open("wb") as log:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WORKERS),
                "--worker-class",
                "gthread",
                "--threads",
                str(THREADS),
                "--access-logfile",
                "-",
                "--access-logformat",
                ACCESS_LOG_FORMAT,
                "--timeout",
                "60",
                "wsgi:app",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_answering(url, process, server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, with a throwaway profile (Playwright's temporary one)."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
        )
        yield browser
        browser.close()


def _server_errors(server: LiveServer, start: int) -> list[str]:
    text = server.log.read_bytes()[start:].decode(errors="replace")
    return [
        line
        for line in text.splitlines()
        if any(mark in line for mark in (" ERROR ", "[ERROR]", "Traceback"))
    ]


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """Open a page in a fresh browser context (no cookies); fails the test on server errors."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    contexts = []
    log_start = live_server.log.stat().st_size

    def open_page(**context_options: Any) -> Any:
        context = browser.new_context(base_url=live_server.url, **context_options)
        context.set_default_timeout(WAIT_MS)
        context.set_default_navigation_timeout(WAIT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    errors = _server_errors(live_server, log_start)
    assert not errors, "the server logged errors:\n" + live_server.log_tail()


@pytest.fixture
def page(new_page: Any) -> Any:
    return new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Show the live server's last log lines under a failed journey."""
    report = yield
    server = getattr(item, "funcargs", {}).get("live_server")
    if report.failed and isinstance(server, LiveServer):
        report.sections.append(("live server log (last lines)", server.log_tail()))
    return report
