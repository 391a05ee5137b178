"""The mail outbox: every mail is a row written in the transaction that causes it.

`intranet.platform.mail.send_mail` adds an `OutgoingMail` to the caller's database session, so
the mail exists exactly when the action that caused it was committed, and no request ever talks
to SMTP. Senders (`intranet.platform.mail_sender`: a thread in each app server process,
`intranet mail-worker`, `intranet run-jobs`) call `deliver_due()`, which claims due rows in a
transaction of its own, builds each message from its stored parts (Message-ID and date were
fixed when it was queued), hands it to the SMTP server (or, without INTRANET_SMTP_HOST, writes
it as an .eml file to INTRANET_MAIL_OUTBOX) and marks it sent only once it was accepted.

Claims are exactly-once across processes and hosts: on PostgreSQL the rows are locked with
`FOR UPDATE SKIP LOCKED`, on SQLite the claim is one UPDATE (SQLite has one writer at a time).
A claim is a lease (`claimed_until`): rows of a sender killed mid-delivery are retried when it
runs out. A mail the server accepted just before such a kill may be sent twice; its stable
Message-ID lets mail clients drop the copy. A failed attempt is retried with exponential
backoff until 48 hours after the mail was queued; then the mail is marked failed and listed on
the admin page Admin → Mail, which can send it again.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import getaddresses, parseaddr
from pathlib import Path

from flask import current_app
from sqlalchemy import JSON, Index, String, Text, delete, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from intranet.extensions import db
from intranet.models import UTCDateTime, utcnow

log = logging.getLogger(__name__)

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
RETRY_FOR = timedelta(hours=48)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=2)
BATCH = 50  # claimed together, sent over one connection
LEASE = timedelta(minutes=15)  # > BATCH x SMTP timeout: a live sender never loses its claim
QUEUED_FLAG = "intranet_mail_queued"
PROBE_TIMEOUT = 2.0  # seconds; asking "are you back?" need not wait the full SMTP timeout


class OutgoingMail(db.Model):
    """One mail in the outbox: the parts of its message, its state and its attempts."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        Index("ix_mail_outbox_due", "status", "next_attempt_at"),
        Index("ix_mail_outbox_recipient", "recipient", "category", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(64), default="")
    content: Mapped[dict] = mapped_column(JSON)  # the parts; see mail.queue_mail
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    give_up_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim: Mapped[str | None] = mapped_column(String(32))
    waiting_for_server: Mapped[bool] = mapped_column(default=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


def enqueue(
    message_id: str, recipient: str, subject: str, content: dict, category: str = ""
) -> OutgoingMail:
    """Add a mail to the current transaction; it is delivered once the caller commits."""
    now = utcnow()
    row = OutgoingMail(
        message_id=message_id,
        recipient=recipient[:320],
        subject=subject[:300],
        category=category,
        content=content,
        status=QUEUED,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
        give_up_at=now + RETRY_FOR,
        waiting_for_server=False,
        last_error="",
    )
    db.session.add(row)
    db.session.info[QUEUED_FLAG] = True
    return row


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, ... at most 2 h."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _due(now: datetime):
    return or_(
        (OutgoingMail.status == QUEUED) & (OutgoingMail.next_attempt_at <= now),
        (OutgoingMail.status == SENDING) & (OutgoingMail.claimed_until < now),
    )


def claim(session: Session, limit: int = BATCH) -> list[OutgoingMail]:
    """Claim up to `limit` due mails for this sender and commit the claim.

    PostgreSQL: lock the due rows with SKIP LOCKED first, then mark them, in two statements (an
    UPDATE ... WHERE id IN (SELECT ... LIMIT ... FOR UPDATE SKIP LOCKED) may re-run the
    subquery and claim every due row). SQLite: one UPDATE, as SQLite has one writer at a time.
    """
    now = utcnow()
    token = uuid.uuid4().hex
    due = (
        select(OutgoingMail.id)
        .where(_due(now))
        .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        chosen = session.scalars(due.with_for_update(skip_locked=True)).all()
        if not chosen:
            session.rollback()
            return []
        which = OutgoingMail.id.in_(chosen)
    elif session.scalar(due.limit(1)) is None:
        session.rollback()  # nothing due: no write lock taken, every few seconds, per process
        return []
    else:
        which = OutgoingMail.id.in_(due.scalar_subquery())
    session.execute(
        update(OutgoingMail)
        .where(which, _due(now))
        .values(status=SENDING, claim=token, claimed_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return list(
        session.scalars(
            select(OutgoingMail).where(OutgoingMail.claim == token).order_by(OutgoingMail.id)
        )
    )


@dataclass
class Delivery:
    """What one `deliver_due` call did."""

    sent: int = 0
    deferred: int = 0
    failed: int = 0
    unreachable: bool = False  # the mail server did not answer

    def __iadd__(self, other: Delivery) -> Delivery:
        self.sent += other.sent
        self.deferred += other.deferred
        self.failed += other.failed
        self.unreachable = self.unreachable or other.unreachable
        return self


def deliver_due(limit: int | None = None, server_down: str | None = None) -> Delivery:
    """Deliver every due mail (or up to `limit`), batch by batch, in a session of its own.

    A batch whose server could not be reached ends the round: the next batches would only hang
    as long. With `server_down` (the reason), nothing is sent: every due mail counts a failed
    attempt and waits for the server (see `release_waiting`).
    """
    total = Delivery()
    with Session(db.engine, expire_on_commit=False) as session:
        while limit is None or total.sent + total.deferred + total.failed < limit:
            batch = claim(session, BATCH if limit is None else min(BATCH, limit))
            if not batch:
                break
            if server_down:
                for row in batch:
                    total += _failed_attempt(session, row, server_down, waiting=True)
                continue
            result = _deliver(session, batch)
            total += result
            if result.unreachable:
                break
    return total


def _deliver(session: Session, batch: list[OutgoingMail]) -> Delivery:
    result = Delivery()
    try:
        transport = _open_transport()
    except (OSError, smtplib.SMTPException) as error:
        log.warning("mail server unreachable, deferred: %d queued, %s", len(batch), error)
        for row in batch:
            result += _failed_attempt(session, row, f"mail server unreachable: {error}", True)
        result.unreachable = True
        return result
    with transport:
        for position, row in enumerate(batch):
            try:
                raw = render(row)
            except Exception as error:  # a template or header problem must not stop the queue
                log.exception("mail %s to %r could not be built", row.id, row.recipient)
                _finish(session, row, status=FAILED, last_error=f"could not be built: {error}")
                result.failed += 1
                continue
            try:
                transport.send(row, raw)
            except smtplib.SMTPException as error:  # an OSError too: check this first
                if isinstance(error, smtplib.SMTPServerDisconnected):
                    result += _connection_lost(session, batch[position:], error)
                    break
                log.warning("mail %s to %s not accepted: %s", row.id, row.recipient, error)
                result += _failed_attempt(session, row, str(error))
            except OSError as error:
                result += _connection_lost(session, batch[position:], error)
                break
            else:
                # The parts may carry a sign-in link: once delivered they are not kept.
                _finish(session, row, status=SENT, sent_at=utcnow(), last_error="", content={})
                result.sent += 1
    return result


def _connection_lost(session: Session, rows: list[OutgoingMail], error: OSError) -> Delivery:
    log.warning("mail server connection lost: %s", error)
    result = Delivery(unreachable=True)
    for row in rows:
        result += _failed_attempt(session, row, f"connection lost: {error}", True)
    return result


def _finish(session: Session, row: OutgoingMail, **values: object) -> None:
    """Record the outcome, unless another sender took over the claim after the lease ran out."""
    session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == row.id, OutgoingMail.claim == row.claim)
        .values(claim=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _failed_attempt(
    session: Session, row: OutgoingMail, error: str, waiting: bool = False
) -> Delivery:
    """Count a failed attempt: retry after the backoff, or fail for good after 48 hours.
    `waiting`: the server was unreachable, so the mail is released as soon as it answers."""
    now = utcnow()
    attempts = row.attempts + 1
    if now + backoff(attempts) > row.give_up_at:
        log.error("mail %s to %s failed for good: %s", row.id, row.recipient, error)
        _finish(session, row, status=FAILED, attempts=attempts, last_error=error[:2000])
        return Delivery(failed=1)
    _finish(
        session,
        row,
        status=QUEUED,
        attempts=attempts,
        next_attempt_at=now + backoff(attempts),
        waiting_for_server=waiting,
        last_error=error[:2000],
    )
    return Delivery(deferred=1)


class _SMTPTransport:
    def __init__(self, timeout: float | None = None) -> None:
        config = current_app.config
        self.smtp = smtplib.SMTP(
            config["SMTP_HOST"], config["SMTP_PORT"], timeout=timeout or config["SMTP_TIMEOUT"]
        )
        if config["SMTP_STARTTLS"]:
            self.smtp.starttls(context=ssl.create_default_context())
        if config["SMTP_USER"]:
            self.smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])

    def send(self, row: OutgoingMail, raw: bytes) -> None:
        sender = parseaddr(current_app.config["MAIL_FROM"])[1]
        recipients = [address for _name, address in getaddresses([row.recipient]) if address]
        self.smtp.sendmail(sender, recipients, raw)

    def __enter__(self) -> _SMTPTransport:
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            self.smtp.quit()
        except (OSError, smtplib.SMTPException):
            self.smtp.close()


class _FolderTransport:
    """Without an SMTP host: each mail becomes an .eml file, written atomically."""

    def __init__(self) -> None:
        self.folder = Path(current_app.config["MAIL_OUTBOX"])
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, row: OutgoingMail, raw: bytes) -> None:
        stamp = row.created_at.strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{row.id:08d}.eml"
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(raw)
        temporary.replace(path)

    def __enter__(self) -> _FolderTransport:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None


def render(row: OutgoingMail) -> bytes:
    from intranet.platform.mail import render  # the mail module queues through this one

    return render(row)


def _open_transport() -> _SMTPTransport | _FolderTransport:
    return _SMTPTransport() if current_app.config["SMTP_HOST"] else _FolderTransport()


def server_down_reason() -> str | None:
    """None when the SMTP server answers a greeting and NOOP within PROBE_TIMEOUT, else why not."""
    if not current_app.config["SMTP_HOST"]:
        return None
    try:
        with _SMTPTransport(timeout=min(PROBE_TIMEOUT, current_app.config["SMTP_TIMEOUT"])) as t:
            t.smtp.noop()
    except (OSError, smtplib.SMTPException) as error:
        return f"mail server unreachable: {error}"
    return None


def _waiting():
    return (OutgoingMail.status == QUEUED) & OutgoingMail.waiting_for_server.is_(True)


def has_waiting() -> bool:
    """Whether mail waits because the server was unreachable at its last attempt."""
    return db.session.scalar(select(OutgoingMail.id).where(_waiting()).limit(1)) is not None


def release_waiting() -> int:
    """The server answers again: make every mail that waited for it due now, so an outage ends
    within seconds instead of after each mail's backoff."""
    result = db.session.execute(
        update(OutgoingMail)
        .where(_waiting())
        .values(next_attempt_at=utcnow(), waiting_for_server=False)
    )
    db.session.commit()
    return result.rowcount


KEEP_FINISHED = timedelta(days=30)


def forget_finished() -> int:
    """Delete mail sent, or given up, more than 30 days ago (a daily job)."""
    cutoff = utcnow() - KEEP_FINISHED
    result = db.session.execute(
        delete(OutgoingMail).where(
            ((OutgoingMail.status == SENT) & (OutgoingMail.sent_at < cutoff))
            | ((OutgoingMail.status == FAILED) & (OutgoingMail.give_up_at < cutoff))
        )
    )
    db.session.commit()
    return result.rowcount


def send_again(row: OutgoingMail) -> None:
    """Queue a failed (or pending) mail for a new attempt now, with a fresh 48 hours; the caller
    commits."""
    now = utcnow()
    row.status = QUEUED
    row.next_attempt_at = now
    row.give_up_at = now + RETRY_FOR
    row.claim = None
    row.claimed_until = None
    row.waiting_for_server = False
    db.session.info[QUEUED_FLAG] = True
