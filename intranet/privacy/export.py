""" "Download my data": a ZIP with everything the intranet holds about a user, built in the
background.

A request stores a `PrivacyExport` row and starts a worker thread; the scheduled job
`privacy.exports`, on any host, also picks up any request a worker did not start. A builder
claims the row (status, `claimed_by`, `claimed_until`; `FOR UPDATE SKIP LOCKED` on
PostgreSQL), so a request is built exactly once, and renews the claim as it progresses. It asks
the core and every installed plugin, enabled or disabled, for their data
(`intranet_personal_data`), adds the files the user uploaded (a file the store has lost is
listed in the archive, never silently left out), and puts the archive in the shared store, so
any host can serve it. The owner may download it until it expires (checked when used); the job
then deletes it.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import tempfile
import threading
import zipfile
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Integer,
    String,
    Text,
    and_,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from intranet.extensions import db
from intranet.models import User, UTCDateTime
from intranet.models import utcnow as now
from intranet.platform import plugins
from intranet.platform.attachments import Attachment
from intranet.platform.audit import record
from intranet.platform.storage import MissingObject, store
from intranet.web import plural, site_request

log = logging.getLogger(__name__)

PENDING, RUNNING, READY, FAILED, EXPIRED = "pending", "running", "ready", "failed", "expired"
IN_PROGRESS = (PENDING, RUNNING)
DATA_FILE = "personal-data.json"
PHOTO_FILE = "photo.jpg"
MISSING_FILE = "missing-files.txt"
FOLDER = "exports/"
CLAIM_FOR = timedelta(minutes=30)


class PrivacyExport(db.Model):
    """One request to download one's data, its progress, and the archive while it is kept."""

    __tablename__ = "privacy_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    storage_path: Mapped[str | None] = mapped_column(String(64))
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    size: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS

    @property
    def downloadable(self) -> bool:
        return self.status == READY and self.expires_at is not None and self.expires_at > now()

    @property
    def filename(self) -> str:
        return f"personal-data-{self.created_at:%Y-%m-%d}-{self.id}.zip"


def storage_key(stored: str) -> str:
    return FOLDER + stored


def builder_name() -> str:
    """Who claims an export: the host and process, shown while it builds."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def iso(moment: date | datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def archive_name(attachment: Attachment) -> str:
    return f"files/{attachment.id}-{attachment.filename}"


def personal_data_document(user: User) -> dict[str, Any]:
    """Every installed plugin's answer, enabled or disabled, under the plugin's name."""
    installed = plugins.registry().plugins
    answers = plugins.results("intranet_personal_data", include=installed, user=user)
    answered = {name for name, _ in answers}
    hook = plugins.registry().pm.hook.intranet_personal_data
    implementers = {impl.plugin_name for impl in hook.get_hookimpls()}
    disabled = plugins.disabled_plugins()
    return {
        "generated_at": iso(now()),
        "user": {"id": user.id, "email": user.email, "name": user.name},
        "sources": {
            name: {
                "state": "disabled" if name in disabled else "enabled",
                "data": data,
            }
            for name, data in sorted(answers)
        },
        "missing": sorted(implementers - answered),
    }


# --- building the archive --------------------------------------------------------------------


def _progress(export: PrivacyExport, percent: int, step: str) -> None:
    export.progress = percent
    export.step = step
    export.claimed_until = now() + CLAIM_FOR
    db.session.commit()


def _add_files(archive: zipfile.ZipFile, export: PrivacyExport, uploads: list) -> list[str]:
    """Copy the user's uploads from the store into the archive; returns the lost ones."""
    missing = []
    for done, attachment in enumerate(uploads, start=1):
        try:
            with (
                store().open(attachment.storage_key) as source,
                archive.open(archive_name(attachment), "w") as target,
            ):
                while chunk := source.read(64 * 1024):
                    target.write(chunk)
        except MissingObject as error:
            log.error("personal data export %s: %s", export.id, error)
            missing.append(f"{archive_name(attachment)} (uploaded {iso(attachment.created_at)})")
        _progress(
            export,
            40 + 55 * done // len(uploads),
            f"Adding your files ({done} of {len(uploads)})",
        )
    if missing:
        archive.writestr(
            MISSING_FILE,
            "These files are recorded as yours but were missing from the intranet's storage "
            "when this archive was built; this is recorded for the administrators:\n"
            + "".join(f"- {name}\n" for name in missing),
        )
    return missing


def build_archive(export: PrivacyExport) -> None:
    """Collect the data and write the ZIP; commits progress as it goes."""
    user = db.session.get(User, export.user_id)
    _progress(export, 10, "Collecting your profile and what each part of the intranet holds")
    document = personal_data_document(user)
    uploads = db.session.scalars(
        select(Attachment).where(Attachment.uploaded_by_id == user.id).order_by(Attachment.id)
    ).all()
    stored = secrets.token_hex(16)
    with tempfile.TemporaryFile(prefix="intranet-export-") as partial:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                DATA_FILE,
                json.dumps(document, indent=2, ensure_ascii=False, default=_json_default),
            )
            _progress(export, 40, f"Adding your files (0 of {len(uploads)})")
            missing = _add_files(archive, export, uploads)
            if user.photo_key and store().exists(user.photo_key):
                with store().open(user.photo_key) as photo:
                    archive.writestr(PHOTO_FILE, photo.read())
        partial.seek(0)
        size = store().put(storage_key(stored), partial)
    finished = now()
    export.storage_path = stored
    export.size = size
    export.status = READY
    export.progress = 100
    export.step = "Ready to download"
    if missing:
        export.step = (
            f"Ready; {plural(len(missing), 'file')} {'was' if len(missing) == 1 else 'were'} "
            f"missing, see {MISSING_FILE}"
        )
    export.finished_at = finished
    export.claimed_until = None
    export.expires_at = finished + timedelta(hours=current_app.config["PRIVACY_EXPORT_HOURS"])
    if missing:
        record("privacy.export_files_missing", target=f"user:{user.id}", missing=len(missing))
    record("privacy.export_ready", target=f"user:{user.id}", actor=user, export=export.id)
    db.session.commit()


def run_export(export_id: int) -> bool:
    """Build one pending export; False when another worker has claimed it already."""
    started = now()
    claimed = db.session.execute(
        update(PrivacyExport)
        .where(PrivacyExport.id == export_id, PrivacyExport.status == PENDING)
        .values(
            status=RUNNING,
            started_at=started,
            claimed_by=builder_name(),
            claimed_until=started + CLAIM_FOR,
            step="Starting",
            progress=5,
        )
    ).rowcount
    db.session.commit()
    if not claimed:
        return False
    export = db.session.get(PrivacyExport, export_id)
    try:
        build_archive(export)
    except Exception as error:
        db.session.rollback()
        log.exception("personal data export %s failed", export_id)
        export = db.session.get(PrivacyExport, export_id)
        export.status = FAILED
        export.error = repr(error)[:2000]
        export.step = "Failed"
        export.finished_at = now()
        export.claimed_until = None
        record("privacy.export_failed", target=f"user:{export.user_id}", export=export_id)
        db.session.commit()
    return True


def _work(app: Flask, export_id: int) -> None:
    with app.app_context(), site_request():
        run_export(export_id)


def request_export(user: User) -> PrivacyExport:
    """Start preparing `user`'s data, or return the request already in progress."""
    active = db.session.scalar(
        select(PrivacyExport).where(
            PrivacyExport.user_id == user.id, PrivacyExport.status.in_(IN_PROGRESS)
        )
    )
    if active is not None:
        return active
    export = PrivacyExport(user_id=user.id, status=PENDING, step="Waiting to start")
    db.session.add(export)
    db.session.flush()
    record("privacy.export_requested", target=f"user:{user.id}", export=export.id)
    db.session.commit()
    if current_app.config["PRIVACY_EXPORT_IN_BACKGROUND"]:
        worker = threading.Thread(
            target=_work,
            args=(current_app._get_current_object(), export.id),
            name=f"privacy-export-{export.id}",
            daemon=True,
        )
        worker.start()
    return export


def delete_exports_of(user: User) -> None:
    """Remove `user`'s export requests and archives (erasure); the caller commits."""
    stored = db.session.scalars(
        select(PrivacyExport.storage_path).where(
            PrivacyExport.user_id == user.id, PrivacyExport.storage_path.is_not(None)
        )
    ).all()
    db.session.execute(delete(PrivacyExport).where(PrivacyExport.user_id == user.id))
    for name in stored:
        store().delete(storage_key(name))


def exports_of(user: User, limit: int = 5) -> list[PrivacyExport]:
    return list(
        db.session.scalars(
            select(PrivacyExport)
            .where(PrivacyExport.user_id == user.id)
            .order_by(PrivacyExport.created_at.desc(), PrivacyExport.id.desc())
            .limit(limit)
        )
    )


def process_exports() -> int:
    """The scheduled job: build waiting requests, give up stuck ones, delete expired archives.

    Returns how many exports it changed. Safe on several hosts at once: each takes the next
    waiting request no other host holds (`SKIP LOCKED` on PostgreSQL) and claims it, and
    deleting an archive clears the row only when it still names the file.
    """
    changed = 0
    while (export_id := _next_waiting()) is not None:
        changed += run_export(export_id)
    moment = now()
    stuck = db.session.execute(
        update(PrivacyExport)
        .where(
            PrivacyExport.status == RUNNING,
            or_(
                PrivacyExport.claimed_until < moment,
                and_(
                    PrivacyExport.claimed_until.is_(None),
                    PrivacyExport.started_at < moment - CLAIM_FOR,
                ),
            ),
        )
        .values(
            status=FAILED,
            step="Failed",
            claimed_until=None,
            error="the worker stopped before it finished",
        )
    ).rowcount
    db.session.commit()
    changed += stuck
    expired = db.session.scalars(
        select(PrivacyExport).where(
            PrivacyExport.status == READY, PrivacyExport.expires_at <= now()
        )
    ).all()
    for export in expired:
        stored = export.storage_path
        cleared = db.session.execute(
            update(PrivacyExport)
            .where(PrivacyExport.id == export.id, PrivacyExport.status == READY)
            .values(status=EXPIRED, storage_path=None, step="Expired and deleted")
        ).rowcount
        if cleared:
            record("privacy.export_deleted", target=f"user:{export.user_id}", export=export.id)
        db.session.commit()
        if cleared and stored:
            store().delete(storage_key(stored))
        changed += cleared
    return changed


def _next_waiting() -> int | None:
    """The oldest waiting request that no other host is claiming at this moment."""
    return db.session.scalar(
        select(PrivacyExport.id)
        .where(PrivacyExport.status == PENDING)
        .order_by(PrivacyExport.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
