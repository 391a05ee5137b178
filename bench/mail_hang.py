"""A mail server that hangs must not slow the intranet; mail must arrive soon after it recovers.

Starts an SMTP front on loopback that accepts connections and never answers (relaying to a
recording aiosmtpd server once "recovered"), serves the intranet with gunicorn (2 workers, the
mail sender thread in each), signs in as the convenor of a sub-group with 50 other members who
want mail at once, posts threads and measures each POST. Then the mail server recovers and the
script measures how long until every mail has arrived.

    python bench/mail_hang.py [--posts 20] [--database-url postgresql://user@host:port/postgres]

With --database-url a fresh database is created on that server (and dropped afterwards);
otherwise an SQLite file in a temporary folder is used.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.bench import Browser, free_port, percentile  # noqa: E402
from intranet.testing_mail import HangingFront, RecordingServer  # noqa: E402

BIN = Path(sys.executable).parent
RECIPIENTS = 50
PASSWORD = "a long bench passphrase"  # noqa: S105 - a throwaway benchmark account


def fresh_database(server_url: str | None, folder: Path) -> tuple[str, str | None]:
    if not server_url:
        return f"sqlite:///{folder / 'intranet.db'}", None
    name = f"intranet_mailhang_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.make_url(server_url).set(database=name).render_as_string(False), name


def drop_database(server_url: str, name: str) -> None:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def create_group(env: dict[str, str]) -> tuple[str, int]:
    """A convenor and 50 members who want every notification by mail; returns (email, group)."""
    code = """
import sys
from datetime import timedelta
from intranet import create_app
from intranet.accounts.security import hash_password
from intranet.extensions import db
from intranet.models import User, utcnow
from intranet_subgroups.models import Membership, SubGroup
app = create_app()
with app.app_context():
    digest = hash_password(sys.argv[1])
    people = [User(email=f"expert{n}@example.org", name=f"Expert {n}", role="member",
                   password_hash=digest, notification_preference="immediate")
              for n in range(int(sys.argv[2]) + 1)]
    db.session.add_all(people)
    today = utcnow().date()
    group = SubGroup(name="Labour exploitation", kind="topic", mandate="Forced labour.",
                     start_date=today - timedelta(days=10), end_date=today + timedelta(days=300),
                     status="active", join_policy="open")
    for n, person in enumerate(people):
        group.memberships.append(Membership(user=person, role="convenor" if n == 0 else "member",
                                            state="active", joined_at=utcnow()))
    db.session.add(group)
    db.session.commit()
    print(people[0].email, group.id)
"""
    output = subprocess.run(
        [sys.executable, "-c", code, PASSWORD, str(RECIPIENTS)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return output[-2], int(output[-1])


def post_thread(browser: Browser, group_id: int, number: int) -> float:
    _, page = browser.request("GET", f"/subgroups/{group_id}/threads/new")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
    form = urlencode({"title": f"Agenda item {number}", "body": "Ideas?", "csrf_token": token})
    started = time.perf_counter()
    status, _ = browser.request(
        "POST",
        f"/subgroups/{group_id}/threads/new",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    elapsed = time.perf_counter() - started
    if status not in (302, 303):
        raise RuntimeError(f"posting answered {status}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mail-hang-"))
    url, created = fresh_database(args.database_url, folder)
    server = gunicorn = None
    try:
        with RecordingServer() as server:
            front = HangingFront(server.port)
            env = {
                **os.environ,
                "INTRANET_DATABASE_URL": url,
                "INTRANET_INSTANCE_PATH": str(folder / "instance"),
                "INTRANET_SMTP_HOST": "127.0.0.1",
                "INTRANET_SMTP_PORT": str(front.port),
                "INTRANET_SMTP_STARTTLS": "false",
                "INTRANET_SMTP_TIMEOUT": "10",
                "INTRANET_MAIL_SENDER": "thread",
                "INTRANET_2FA_REQUIRED_ROLES": "",
            }
            flask = [str(BIN / "flask"), "--app", "wsgi", "intranet"]
            subprocess.run([*flask, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
            email, group_id = create_group(env)
            port = free_port()
            options = ["--workers", "2", "--timeout", "60", "--log-level", "warning"]
            gunicorn = subprocess.Popen(
                [str(BIN / "gunicorn"), *options, "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                env=env,
                cwd=ROOT,
            )
            time.sleep(2)
            browser = Browser(port)
            browser.sign_in(email, PASSWORD)
            print(f"posting {args.posts} threads, {RECIPIENTS} recipients each; SMTP hangs")
            timings = [post_thread(browser, group_id, n) for n in range(args.posts)]
            print(
                f"load average {os.getloadavg()[0]:.1f}; each POST (ms):",
                " ".join(f"{t * 1000:.0f}" for t in timings),
            )
            expected = args.posts * RECIPIENTS
            time.sleep(12)  # every sender has met the hanging server at least once
            print(
                f"POST new thread: p50 {statistics.median(timings) * 1000:.0f} ms, "
                f"p95 {percentile(timings, 0.95) * 1000:.0f} ms, "
                f"max {max(timings) * 1000:.0f} ms; "
                f"mail delivered while hanging: {len(server.recorder.messages)}"
            )
            front.recover()
            recovered = time.perf_counter()
            first = None
            while len(server.recorder.messages) < expected:
                if first is None and server.recorder.messages:
                    first = time.perf_counter() - recovered
                if time.perf_counter() - recovered > 120:
                    break
                time.sleep(0.1)
            took = time.perf_counter() - recovered
            delivered = len(server.recorder.messages)
            ids = {message["Message-ID"] for message in server.recorder.parsed()}
            print(
                f"after recovery: first mail in {first or took:.1f} s, "
                f"{delivered}/{expected} mails in {took:.1f} s ({len(ids)} distinct Message-IDs)"
            )
            front.close()
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        if created:
            drop_database(args.database_url, created)


if __name__ == "__main__":
    main()
