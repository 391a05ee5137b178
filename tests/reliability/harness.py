"""What the load and fault tests share: a gunicorn server, a scripted browser, test data.

Everything runs on loopback, on free ports, and stops itself.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from intranet.accounts.security import hash_password
from intranet.extensions import db
from intranet.models import User, utcnow

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EXAMPLE_PLUGIN = REPO / "tests" / "example_plugin"
PASSWORD = "load test password 2026"
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
START_TIMEOUT = 180  # generous: CI machines are often busy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, folder: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-like instance on `database_url` with files in `folder`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("INTRANET_") or key == "INTRANET_PLUGINS"  # the suite's own list
    }
    env.update(
        {
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(EXAMPLE_PLUGIN), env.get("PYTHONPATH")])
            ),
            "INTRANET_DATABASE_URL": database_url,
            "INTRANET_INSTANCE_PATH": str(folder / "instance"),
            "INTRANET_STORAGE_URL": (folder / "files").as_uri(),
            "INTRANET_MAIL_OUTBOX": str(folder / "outbox"),
            "INTRANET_SECRET_KEY": "reliability-" + "k" * 40,
            "INTRANET_2FA_REQUIRED_ROLES": "",
        }
    )
    env.update(extra)
    return env


def flask_cli(
    env: dict[str, str], *args: str, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "intranet", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class Server:
    """gunicorn serving `wsgi:app` on a free loopback port."""

    env: dict[str, str]
    log: Path
    workers: int = 4
    url: str = ""
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.env = {**self.env, "INTRANET_BASE_URL": self.url}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(self.workers),
                    "--timeout",
                    "60",
                    "--graceful-timeout",
                    "5",
                    "--no-control-socket",
                    "wsgi:app",
                ],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/login", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in {START_TIMEOUT}s:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def kill_worker(self) -> int:
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Answer:
    status: int
    body: str
    seconds: float
    headers: dict[str, str] = field(default_factory=dict)


class Browser:
    """A signed-in session of one user: cookies, the CSRF token, timings; no redirects followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(self.cookies),
            _NoRedirect,
        )
        self.csrf = ""

    def request(
        self,
        path: str,
        data: dict[str, str] | None = None,
        timeout: float = 60,
        file: tuple[str, str, bytes] | None = None,
    ) -> Answer:
        body = None
        headers = {}
        if file is not None:
            body, headers["Content-Type"] = _multipart(
                {"csrf_token": self.csrf, **(data or {})}, file
            )
        elif data is not None:
            body = urllib.parse.urlencode({"csrf_token": self.csrf, **data}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)  # noqa: S310
        start = time.perf_counter()
        try:
            with self.opener.open(request, timeout=timeout) as answer:
                text = answer.read().decode(errors="replace")
                status, answer_headers = answer.status, dict(answer.headers)
        except urllib.error.HTTPError as error:
            text = error.read().decode(errors="replace")
            status, answer_headers = error.code, dict(error.headers)
        seconds = time.perf_counter() - start
        token = CSRF.search(text)
        if token:
            self.csrf = token.group(1)
        return Answer(status, text, seconds, answer_headers)

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request(path, **kwargs)

    def post(self, path: str, data: dict[str, str], **kwargs: Any) -> Answer:
        return self.request(path, data, **kwargs)

    def upload(self, path: str, field: str, filename: str, content: bytes) -> Answer:
        return self.request(path, {}, file=(field, filename, content))

    def login(self, email: str, password: str = PASSWORD) -> Answer:
        self.get("/login")
        answer = self.post("/login", {"email": email, "password": password})
        if answer.status not in (302, 303):
            raise AssertionError(f"login of {email} answered {answer.status}")
        self.get("/")  # a signed-in page, for the session's CSRF token
        return answer


def _multipart(fields: dict[str, str], file: tuple[str, str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    field, filename, content = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Writer(threading.Thread):
    """Starts discussions (a thread and its first post, one transaction) until told to stop."""

    def __init__(self, url: str, email: str, group_id: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.browser = Browser(url)
        self.email, self.group_id, self.stop = email, group_id, stop
        self.acknowledged: list[tuple[float, str]] = []
        self.server_errors: list[int] = []
        self.signed_in = threading.Event()
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            self.browser.login(self.email)
        except Exception as error:
            self.error = error
            return
        finally:
            self.signed_in.set()
        number = 0
        while not self.stop.is_set():
            title = f"{self.email} topic {number}"
            number += 1
            try:
                answer = self.browser.post(
                    f"/subgroups/{self.group_id}/threads/new",
                    {"title": title, "body": f"Opening post of {title}."},
                )
            except OSError:
                continue  # the connection died with the worker: not acknowledged
            if answer.status == 303:
                self.acknowledged.append((time.monotonic(), title))
            elif answer.status >= 500:
                self.server_errors.append(answer.status)


def start_writers(writers: list[Writer], timeout: float = 240) -> None:
    """Start the writers and wait until all have signed in (hashing passwords takes a while)."""
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.signed_in.wait(timeout)
        if writer.error is not None:
            raise writer.error


@dataclass
class Population:
    """Users who share a sub-group with one discussion and are invited to one meeting."""

    emails: list[str]
    group_id: int
    thread_id: int
    meeting_id: int


def populate(app: Flask, count: int) -> Population:
    """Create `count` members (password PASSWORD), a sub-group, a thread and a meeting."""
    from intranet_meetings.models import Meeting, Participant
    from intranet_subgroups.models import Membership, Post, SubGroup, Thread, today

    password_hash = hash_password(PASSWORD)
    tag = uuid.uuid4().hex[:6]
    users = [
        User(
            email=f"expert{number}-{tag}@example.org",
            name=f"Expert {number} {tag}",
            role="member",
            password_hash=password_hash,
            notification_preference="digest",
        )
        for number in range(count)
    ]
    db.session.add_all(users)
    db.session.flush()
    group = SubGroup(
        name=f"Load test group {tag}",
        kind="topic",
        mandate="Exchange under load.",
        start_date=today() - timedelta(days=1),
        end_date=today() + timedelta(days=100),
        status="active",
        join_policy="open",
    )
    group.memberships.extend(
        Membership(user_id=user.id, role="member", state="active", joined_at=utcnow())
        for user in users
    )
    thread = Thread(title="Experiences with labour inspections", author_id=users[0].id)
    thread.posts.append(Post(author_id=users[0].id, body="Please share yours."))
    thread.group = group
    start = utcnow() + timedelta(days=30)
    meeting = Meeting(
        title=f"Plenary {tag}",
        kind="plenary",
        start_at=start,
        end_at=start + timedelta(hours=3),
        last_end_at=start + timedelta(hours=3),
        timezone="Europe/Stockholm",
        status="confirmed",
        venue="Stockholm",
    )
    meeting.participants.extend(Participant(user_id=user.id) for user in users)
    db.session.add_all([group, thread, meeting])
    db.session.commit()
    return Population([user.email for user in users], group.id, thread.id, meeting.id)
