"""Login throttling holds across worker processes: gunicorn with 4 workers on loopback, a fresh
database, failed attempts spread over the workers (the access log names the worker of each).

The counts live in the database, so a worker that never saw the earlier attempts still refuses.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, build_opener, urlopen

import pytest
import sqlalchemy as sa

from tests.conftest import EXAMPLE_PLUGIN, POSTGRES_URL, _postgres_admin, _postgres_url

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "harbour lantern seagull tide"
TIMEOUT = 180  # seconds; generous for a loaded CI machine, the test is bounded by it
NOT_CORRECT = 422  # the form again: "The email address or password is not correct."
TOO_MANY = 429
GUNICORN = shutil.which("gunicorn", path=str(Path(sys.executable).parent))

pytestmark = pytest.mark.skipif(GUNICORN is None, reason="gunicorn is not installed")


def run_cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "intranet", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of its own (not a copy of the template: `intranet init` builds it)."""
    if POSTGRES_URL:
        name = f"intranet_throttle_{uuid.uuid4().hex[:8]}"
        admin = _postgres_admin()
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield _postgres_url(name)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'intranet.db'}"


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[tuple[str, Path]]:
    """gunicorn, 4 workers, on a free loopback port; yields its URL and its access log."""
    env = {
        **os.environ,
        "INTRANET_DATABASE_URL": database_url,
        "INTRANET_INSTANCE_PATH": str(tmp_path / "instance"),
        "INTRANET_SECRET_KEY": "throttle-test-" + "k" * 40,
        "INTRANET_MAIL_OUTBOX": str(tmp_path / "outbox"),
        "INTRANET_2FA_REQUIRED_ROLES": "",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(EXAMPLE_PLUGIN)]),
    }
    run_cli(env, "init")
    for email in ("ada@example.org", "bo@example.org"):
        run_cli(
            env,
            "create-user",
            f"--email={email}",
            "--name=Tester",
            f"--password={PASSWORD}",
            "--role=member",
        )
    access_log = tmp_path / "access.log"
    error_log = tmp_path / "error.log"
    command = [
        GUNICORN,
        "wsgi:app",
        "--workers=4",
        "--bind=127.0.0.1:0",
        f"--access-logfile={access_log}",
        "--access-logformat=%(p)s %(m)s %(U)s %(s)s",  # the worker's pid first
        f"--error-logfile={error_log}",
        "--timeout=180",
        "--graceful-timeout=5",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        url = wait_until_listening(error_log, process)
        warm_up(url)
        yield url, access_log
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_listening(error_log: Path, process: subprocess.Popen) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn stopped"
        text = error_log.read_text() if error_log.exists() else ""
        listening = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", text)
        if listening:
            return listening.group(1)
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start in time")


def warm_up(url: str) -> None:
    """Each worker loads the app after it boots (slow on a busy machine): wait for them."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: fetch(f"{url}/login"), range(16)))


def fetch(url: str) -> bytes:
    return urlopen(url, timeout=TIMEOUT).read()  # noqa: S310 - http on loopback


class NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def login(url: str, email: str, password: str) -> int:
    """A fresh browser: fetch the login page for the CSRF token, then sign in; the status."""
    opener = build_opener(HTTPCookieProcessor(CookieJar()), NoRedirect())
    page = opener.open(f"{url}/login", timeout=TIMEOUT).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    try:
        return opener.open(f"{url}/login", data=form, timeout=TIMEOUT).status
    except HTTPError as error:
        return error.code


def attempts(url: str, pairs: list[tuple[str, str]]) -> list[int]:
    """Send the sign-ins 8 at a time, so that they land on different workers."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda pair: login(url, *pair), pairs))


def workers_that_answered(access_log: Path) -> set[str]:
    lines = access_log.read_text().splitlines()
    return {line.split()[0] for line in lines if " POST /login " in f"{line} "}


def test_throttling_holds_across_four_gunicorn_workers(server):
    url, access_log = server

    # Per account: 20 wrong passwords, 8 at a time, over the workers; 5 failures lock it.
    wrong = attempts(url, [("ada@example.org", "wrong password")] * 20)
    assert wrong.count(NOT_CORRECT) >= 5
    assert wrong.count(TOO_MANY) >= 8
    assert len(workers_that_answered(access_log)) >= 2, "the attempts did not spread"
    for _ in range(4):  # whichever worker answers
        assert login(url, "ada@example.org", PASSWORD) == TOO_MANY, "signed in while locked"
    # The address has fewer than 20 failures yet: another account still signs in from it.
    assert login(url, "bo@example.org", PASSWORD) == 302

    # Per address: 3 failures each for 5 more accounts (none reaches 5) bring the address to
    # at least 20 failures; then no account signs in from it, even one that never failed.
    pairs = [(f"someone{n}@example.org", "wrong password") for n in range(5)] * 3
    assert set(attempts(url, pairs)) <= {NOT_CORRECT, TOO_MANY}
    for _ in range(4):
        assert login(url, "bo@example.org", PASSWORD) == TOO_MANY, "signed in from a locked address"
    print("\nPOST /login answered by workers", sorted(workers_that_answered(access_log)))
