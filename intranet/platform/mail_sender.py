"""Who delivers the outbox: a thread in every app server process, `intranet mail-worker`, and
`intranet run-jobs`.

The thread starts with the first request a process serves (so `flask run`, `make run` and each
gunicorn worker have one, while CLI commands never start it) unless INTRANET_MAIL_SENDER=off.
A commit that queued mail wakes it at once; otherwise it looks for due mail every
INTRANET_MAIL_SENDER_POLL seconds, which also picks up mail queued by other processes or hosts.
While mail waits for a retry it checks every poll whether the server answers again, and then
releases the waiting mail at once.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import click
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from intranet.extensions import db
from intranet.platform import outbox

log = logging.getLogger(__name__)
OUTAGE_POLL = 0.5  # seconds between "are you back?" questions while the mail server is down


class Sender:
    """One process's sender thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wakeup = threading.Event()
        self.stopping = threading.Event()
        self.pid: int | None = None
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def ensure_started(self) -> None:
        """Start the thread in this process once (again after a fork: threads do not survive)."""
        if self.pid == os.getpid() and self.thread is not None and self.thread.is_alive():
            return
        with self.lock:
            if self.pid == os.getpid() and self.thread is not None and self.thread.is_alive():
                return
            self.pid = os.getpid()
            self.thread = threading.Thread(
                target=self.run, name="intranet-mail-sender", daemon=True
            )
            self.thread.start()

    def wake(self) -> None:
        self.wakeup.set()

    def stop(self) -> None:
        self.stopping.set()
        self.wakeup.set()
        if self.thread is not None:
            self.thread.join(timeout=30)

    def run(self) -> None:
        poll = float(self.app.config["MAIL_SENDER_POLL"])
        wait = poll
        while not self.stopping.is_set():
            self.wakeup.wait(timeout=wait)
            self.wakeup.clear()
            if self.stopping.is_set():
                break
            try:
                with self.app.app_context():
                    result = deliver_round()
                    db.session.remove()
            except Exception:
                log.exception("the mail sender failed; it tries again in %s s", poll)
                continue
            wait = min(poll, OUTAGE_POLL) if result.unreachable else poll


def deliver_round() -> outbox.Delivery:
    """Deliver what is due. While mail waits for an unreachable server, ask the server first:
    when it answers, the waiting mail goes out now; when not, due mail counts a failed attempt
    without hanging on the server once per batch."""
    if outbox.has_waiting():
        down = outbox.server_down_reason()
        if down:
            result = outbox.deliver_due(server_down=down)
            result.unreachable = True
            return result
        outbox.release_waiting()
    return outbox.deliver_due()


def describe(result: outbox.Delivery) -> str:
    return f"mail: {result.sent} sent, {result.deferred} deferred, {result.failed} failed"


def _wake_after_commit(session: Session) -> None:
    if session.info.pop(outbox.QUEUED_FLAG, False) and has_app_context():
        sender: Sender | None = current_app.extensions.get("intranet_mail_sender")
        if sender is not None:
            sender.wake()


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(outbox.QUEUED_FLAG, None)


@click.command("mail-worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def mail_worker_command(once: bool) -> None:
    """Deliver queued mail until stopped (for hosts that set INTRANET_MAIL_SENDER=off)."""
    if once:
        click.echo(describe(deliver_round()))
        return
    poll = float(current_app.config["MAIL_SENDER_POLL"])
    click.echo(f"Delivering mail; looking for due mail every {poll:g} s (Ctrl-C stops).")
    while True:
        try:
            result = deliver_round()
            db.session.remove()
        except Exception:
            log.exception("the mail worker failed; it tries again in %s s", poll)
            time.sleep(poll)
            continue
        if result.sent or result.failed:
            click.echo(describe(result))
        time.sleep(min(poll, OUTAGE_POLL) if result.unreachable else poll)


def init_app(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _wake_after_commit):
        event.listen(Session, "after_commit", _wake_after_commit)
        event.listen(Session, "after_rollback", _forget_after_rollback)

    @app.teardown_appcontext
    def warn_of_uncommitted_mail(_error: BaseException | None) -> None:
        """Mail queued after the last commit is lost with the session: say so (a caller bug)."""
        if db.session.info.pop(outbox.QUEUED_FLAG, False):
            log.warning("mail was queued but never committed; call send_mail before commit")

    if app.config["MAIL_SENDER"] != "thread":
        return
    sender = Sender(app)
    app.extensions["intranet_mail_sender"] = sender

    @app.before_request
    def start_mail_sender() -> None:
        sender.ensure_started()
