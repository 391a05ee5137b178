"""Attachments: one service for plugins to keep files with their objects.

Files are checked on their content (not their name) against an allow-list, limited in size
(ATTACHMENT_MAX_BYTES), kept under a random key `attachments/<name>` in the configured store
(`intranet.platform.storage`, shared by every host) and streamed only after the owning plugin
allows it through the permission hook (`<owner>.view_attachment`). An upload that fails leaves
neither an object nor a row; a row whose object is missing answers 404 and is logged.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import tempfile
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path
from typing import IO, BinaryIO
from urllib.parse import quote

from flask import Blueprint, Flask, abort, current_app, send_file
from flask_login import current_user
from sqlalchemy import BigInteger, ForeignKey, Index, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from intranet.access import EVERYONE, roles
from intranet.extensions import db
from intranet.models import User, UTCDateTime, utcnow
from intranet.platform import plugins
from intranet.platform.storage import MissingObject, store
from intranet.values import ResourceRef

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
FOLDER = "attachments/"
CHUNK = 64 * 1024

# Detected content type -> file name extensions that may carry it.
ALLOWED_TYPES = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.oasis.opendocument.presentation": (".odp",),
    "text/csv": (".csv",),
    "text/plain": (".txt", ".md", ".text"),
}
MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]
OOXML_FOLDERS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ALLOWED_DESCRIPTION = "PDF, PNG, JPEG, GIF, Word, Excel, PowerPoint, OpenDocument, text or CSV"

bp = Blueprint("attachments", __name__)


class AttachmentError(ValueError):
    """An upload was refused; the message says why, for the user."""


class Attachment(db.Model):
    """A file kept for an object owned by a plugin, e.g. ("meetings", "meetings.meeting", 3)."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_object", "owner", "object_kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    object_kind: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[int] = mapped_column()
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_path: Mapped[str] = mapped_column(String(255), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def url(self) -> str:
        return f"/attachments/{self.id}"

    @property
    def storage_key(self) -> str:
        """Where the bytes are in the store."""
        return FOLDER + self.storage_path


def display_name(filename: str | None) -> str:
    """The name shown to users: the original base name without control or path characters."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip(" .")
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name


def detect_type(path: Path, extension: str) -> str | None:
    """The allowed content type the file's bytes show, or None. Never trusts the name alone."""
    with path.open("rb") as handle:
        head = handle.read(16)
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        return _office_type(path)
    if b"\x00" in head:
        return None
    try:
        with path.open("r", encoding="utf-8", newline="") as handle:
            while handle.read(CHUNK):
                pass
    except UnicodeDecodeError:
        return None
    return "text/csv" if extension == ".csv" else "text/plain"


def _office_type(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return declared if declared in ALLOWED_TYPES else None
            if "[Content_Types].xml" in names:
                for folder, content_type in OOXML_FOLDERS.items():
                    if any(name.startswith(folder) for name in names):
                        return content_type
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def _copy_limited(stream: BinaryIO, out: IO[bytes], limit: int) -> tuple[int, str]:
    """Copy `stream` to `out`; refuse beyond `limit` bytes. Returns (size, sha256)."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise AttachmentError(
                f"The file is too large: at most {limit // (1024 * 1024) or 1} MB is allowed."
            )
        digest.update(chunk)
        out.write(chunk)
    out.flush()
    return size, digest.hexdigest()


def save_upload(
    file_storage: FileStorage, owner: str, object_kind: str, object_id: int, user: User | None
) -> Attachment:
    """Check and store an uploaded file for (`owner`, `object_kind`, `object_id`); commits.

    Raises AttachmentError with a message for the user when the file is empty, too large, of a
    type not allowed, or its content does not match its name; nothing is kept then.
    """
    name = display_name(file_storage.filename)
    if not name:
        raise AttachmentError("Choose a file to upload.")
    extension = os.path.splitext(name)[1].lower()
    stored = secrets.token_hex(16)
    with tempfile.NamedTemporaryFile(prefix="intranet-upload-") as checked:
        size, checksum = _copy_limited(
            file_storage.stream, checked, current_app.config["ATTACHMENT_MAX_BYTES"]
        )
        content_type = _checked_type(Path(checked.name), name, extension, size)
        checked.seek(0)
        store().put(FOLDER + stored, checked)
    try:
        attachment = Attachment(
            owner=owner,
            object_kind=object_kind,
            object_id=object_id,
            filename=name,
            content_type=content_type,
            size=size,
            sha256=checksum,
            storage_path=stored,
            uploaded_by_id=user.id if user is not None else None,
        )
        db.session.add(attachment)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        store().delete(FOLDER + stored)
        raise
    return attachment


def _checked_type(path: Path, name: str, extension: str, size: int) -> str:
    """The content type of the upload at `path`, or AttachmentError saying why it is refused."""
    if size == 0:
        raise AttachmentError("The file is empty.")
    content_type = detect_type(path, extension)
    if content_type is None:
        raise AttachmentError(f"This kind of file is not allowed. Allowed: {ALLOWED_DESCRIPTION}.")
    if extension not in ALLOWED_TYPES[content_type]:
        raise AttachmentError(
            f"The file's content ({content_type}) does not match its name “{name}”."
        )
    return content_type


def attachments_for(owner: str, object_kind: str, object_id: int) -> list[Attachment]:
    """The object's attachments, oldest first."""
    return list(
        db.session.scalars(
            select(Attachment)
            .where(
                Attachment.owner == owner,
                Attachment.object_kind == object_kind,
                Attachment.object_id == object_id,
            )
            .order_by(Attachment.created_at, Attachment.id)
        )
    )


def delete_attachment(attachment: Attachment) -> None:
    """Remove the attachment's row (committed) and then its object."""
    key = attachment.storage_key
    db.session.delete(attachment)
    db.session.commit()
    store().delete(key)


DISCARDED_FILES = "intranet_discarded_files"


def discard_attachment(attachment: Attachment) -> None:
    """Delete the attachment's row in the current transaction; its file goes once that commits.

    For work done in a larger transaction that must stay whole, such as an erasure: if it rolls
    back, the row and the file both stay.
    """
    discarded = db.session.info.setdefault(DISCARDED_FILES, [])
    discarded.append((store(), attachment.storage_key))
    db.session.delete(attachment)


@event.listens_for(Session, "after_commit")
def _remove_discarded_files(session: Session) -> None:
    for where, key in session.info.pop(DISCARDED_FILES, []):
        where.delete(key)


@event.listens_for(Session, "after_soft_rollback")
def _keep_discarded_files(session: Session, previous_transaction: object) -> None:
    session.info.pop(DISCARDED_FILES, None)


def content_disposition(name: str, content_type: str) -> str:
    fallback = secure_filename(name) or "attachment" + ALLOWED_TYPES[content_type][0]
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment_response(attachment: Attachment) -> Response:
    """Stream the attachment's bytes from the store as a download; 404 (logged) when the store
    has lost them. The caller has checked that the viewer may see it."""
    try:
        stream = store().open(attachment.storage_key)
    except MissingObject as missing:
        log.error("attachment %s (%s): %s", attachment.id, attachment.filename, missing)
        abort(404)
    response = send_file(stream, mimetype=attachment.content_type, max_age=0)
    response.content_length = attachment.size
    response.headers["Content-Disposition"] = content_disposition(
        attachment.filename, attachment.content_type
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/attachments/<int:attachment_id>")
@roles(*EVERYONE)
def download(attachment_id: int) -> Response:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not plugins.is_enabled(attachment.owner):
        abort(404)
    resource = ResourceRef(attachment.object_kind, attachment.object_id)
    if not plugins.can(current_user, f"{attachment.owner}.view_attachment", resource, roles=()):
        abort(403)
    return attachment_response(attachment)


def init_app(app: Flask) -> None:
    env = os.environ
    app.config.setdefault(
        "ATTACHMENT_MAX_BYTES", int(env.get("INTRANET_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))
    )
    app.register_blueprint(bp)
