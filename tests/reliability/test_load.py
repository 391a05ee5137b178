"""Fifty people at once on four gunicorn workers: no server error, no lost write.

Each simulated user signs in, then until the time is up: opens the dashboard, searches the
directory and the whole intranet, reads the sub-group and its discussion, replies to it, opens
the meeting and answers the invitation. Every write the server acknowledged (303) must be in the
database afterwards, and nothing else may be. INTRANET_LOAD_SECONDS sets the duration: 15 s in
`make test` (about 1,100 requests and 140 writes here, with the rest of the suite running
beside it), longer for a soak.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from intranet.extensions import db
from tests.reliability.harness import Browser, Population, Server, populate, server_env

USERS = 50
SECONDS = float(os.environ.get("INTRANET_LOAD_SECONDS", "15"))
RAMP_UP = 5.0
ANSWERS = ("attending", "not-attending", "tentative")

# Populating, the run itself, then up to 180 s for the last users to finish their step.
pytestmark = pytest.mark.timeout(RAMP_UP + SECONDS + 420)


class VirtualUser(threading.Thread):
    def __init__(
        self, url: str, email: str, population: Population, start_at: float, stop_at: float
    ) -> None:
        super().__init__(daemon=True)
        self.start_at = start_at
        self.browser = Browser(url)
        self.email = email
        self.population = population
        self.stop_at = stop_at
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.failures: list[str] = []
        self.replies: list[str] = []
        self.last_answer: str | None = None
        self.random = random.Random(email)

    def record(self, kind: str, answer: Any, expected: tuple[int, ...] = (200,)) -> bool:
        self.timings[kind].append(answer.seconds)
        if answer.status not in expected:
            self.failures.append(f"{kind}: {answer.status} for {self.email}")
            return False
        return True

    def step(self, number: int) -> None:
        population, browser = self.population, self.browser
        self.record("dashboard", browser.get("/"))
        self.record("directory search", browser.get("/directory?q=expert"))
        self.record("global search", browser.get("/search?q=labour"))
        self.record("sub-group", browser.get(f"/subgroups/{population.group_id}"))
        self.record("discussion", browser.get(f"/subgroups/threads/{population.thread_id}"))
        body = f"load-{self.email}-{number}: what we learnt from inspection {number}."
        reply = browser.post(f"/subgroups/threads/{population.thread_id}/reply", {"body": body})
        if self.record("reply (write)", reply, (303,)):
            self.replies.append(body)
        self.record("meeting", browser.get(f"/meetings/{population.meeting_id}"))
        choice = self.random.choice(ANSWERS)
        answer = browser.post(
            f"/meetings/{population.meeting_id}/response", {"response": choice, "mode": "online"}
        )
        if self.record("answer meeting (write)", answer, (303,)):
            self.last_answer = choice

    def run(self) -> None:
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        try:
            self.record("sign in", self.browser.login(self.email), (302, 303))
            number = 0
            while time.monotonic() < self.stop_at:
                self.step(number)
                number += 1
                time.sleep(self.random.uniform(0.05, 0.3))  # a person reading
        except Exception as error:  # a refused connection or a timeout is a failure too
            self.failures.append(f"{self.email}: {error!r}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def test_fifty_users_on_four_workers_lose_nothing(app, database_url, tmp_path, request):
    from intranet_meetings.models import Participant
    from intranet_subgroups.models import Post

    population = populate(app, USERS)
    env = server_env(database_url, tmp_path)
    started = time.monotonic()
    with Server(env, tmp_path / "server.log", workers=4) as server:
        # People arrive over RAMP_UP seconds (signing in hashes the password: costly on purpose).
        now = time.monotonic()
        stop_at = now + RAMP_UP + SECONDS
        users = [
            VirtualUser(server.url, email, population, now + RAMP_UP * number / USERS, stop_at)
            for number, email in enumerate(population.emails)
        ]
        for user in users:
            user.start()
        for user in users:
            user.join(timeout=RAMP_UP + SECONDS + 180)
        log = server.log_tail(60)
    elapsed = time.monotonic() - started

    failures = [failure for user in users for failure in user.failures]
    assert not any(user.is_alive() for user in users), "a simulated user hung"
    assert failures == [], f"{len(failures)} failed requests, e.g. {failures[:5]}\n{log}"

    db.session.expire_all()
    stored = set(
        db.session.scalars(select(Post.body).where(Post.thread_id == population.thread_id))
    )
    acknowledged = {body for user in users for body in user.replies}
    assert acknowledged, "no write was acknowledged"
    assert acknowledged <= stored, f"lost {len(acknowledged - stored)} acknowledged replies"
    assert len(stored) == len(acknowledged) + 1  # the opening post, nothing half-written
    answers = dict(
        db.session.execute(
            select(Participant.user_id, Participant.response).where(
                Participant.meeting_id == population.meeting_id
            )
        ).all()
    )
    from intranet.models import User

    ids = dict(db.session.execute(select(User.email, User.id)).all())
    for user in users:
        assert answers[ids[user.email]] == user.last_answer, user.email

    timings = defaultdict(list)
    for user in users:
        for kind, values in user.timings.items():
            timings[kind].extend(values)
    everything = [value for values in timings.values() for value in values]
    report = {
        "backend": db.engine.url.get_backend_name(),
        "users": USERS,
        "workers": 4,
        "seconds": SECONDS,
        "requests": len(everything),
        "requests_per_second": round(len(everything) / SECONDS, 1),
        "writes_acknowledged": len(acknowledged),
        "p50_ms": round(1000 * statistics.median(everything), 1),
        "p95_ms": round(1000 * percentile(everything, 0.95), 1),
        "p99_ms": round(1000 * percentile(everything, 0.99), 1),
        "by_kind_p95_ms": {
            kind: round(1000 * percentile(values, 0.95), 1) for kind, values in timings.items()
        },
        "wall_seconds": round(elapsed, 1),
    }
    report_dir = Path(os.environ.get("INTRANET_LOAD_REPORT_DIR", tempfile.gettempdir()))
    report_file = report_dir / f"intranet-load-{report['backend']}.json"
    report_file.write_text(json.dumps(report, indent=2))
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\nload test: {json.dumps(report)}")
