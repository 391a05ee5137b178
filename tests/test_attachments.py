"""Attachments: content-checked uploads, size limit, nothing left behind, guarded downloads."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from intranet.extensions import db
from intranet.platform.attachments import (
    Attachment,
    AttachmentError,
    delete_attachment,
    save_upload,
)
from intranet.plugin_api import hookimpl

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload(data: bytes, filename: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename)


def stored_files(app) -> list[Path]:
    folder = Path(app.instance_path, "attachments")
    return list(folder.iterdir()) if folder.exists() else []


def attachment_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment))


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


class AllowNotes:
    """A test plugin that lets everyone see attachments of example notes."""

    @staticmethod
    @hookimpl
    def intranet_permission(user, action, resource):
        if action == "example.view_attachment" and resource.kind == "example.note":
            return True
        return None


def test_a_pdf_is_stored_outside_static_under_a_random_name_with_its_checksum(app, member):
    attachment = save_upload(
        upload(PDF, "../../Agenda Riga 2026.pdf"), "example", "example.note", 1, member
    )
    assert attachment.content_type == "application/pdf"
    assert attachment.filename == "Agenda Riga 2026.pdf"
    assert attachment.size == len(PDF)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    [path] = stored_files(app)
    assert path.name == attachment.storage_path and "Agenda" not in path.name
    assert Path(app.static_folder) not in path.parents
    assert path.read_bytes() == PDF


def test_office_and_text_files_are_recognised_by_content(app, member):
    docx = save_upload(upload(docx_bytes(), "report.docx"), "example", "example.note", 1, member)
    assert docx.content_type.endswith("wordprocessingml.document")
    csv_file = save_upload(
        upload("name;land\nÅsa;SE\n".encode(), "list.csv"), "example", "example.note", 1, member
    )
    assert csv_file.content_type == "text/csv"


def test_an_exe_renamed_pdf_is_refused_and_nothing_is_kept(app, member):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    with pytest.raises(AttachmentError, match="not allowed"):
        save_upload(upload(exe, "minutes.pdf"), "example", "example.note", 1, member)
    assert stored_files(app) == [] and attachment_rows() == 0


def test_content_that_does_not_match_the_name_is_refused(app, member):
    with pytest.raises(AttachmentError, match="does not match"):
        save_upload(upload(PDF, "photo.png"), "example", "example.note", 1, member)
    assert stored_files(app) == [] and attachment_rows() == 0


def test_an_oversize_upload_is_refused_and_nothing_is_left_on_disk(app, member):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    with pytest.raises(AttachmentError, match="too large"):
        save_upload(upload(PDF + b"x" * 2048, "big.pdf"), "example", "example.note", 1, member)
    assert stored_files(app) == [] and attachment_rows() == 0


def test_download_is_denied_when_no_plugin_allows_it(app, client, member):
    attachment = save_upload(upload(PDF, "agenda.pdf"), "example", "example.note", 1, member)
    client.login(member.email)
    assert client.get(f"/attachments/{attachment.id}").status_code == 403


def test_download_is_served_as_attachment_when_the_owner_allows(app, client, member):
    app.extensions["intranet_plugins"].pm.register(AllowNotes, name="allow_notes")
    attachment = save_upload(
        upload(PDF, "Agenda Vilnius ö.pdf"), "example", "example.note", 1, member
    )
    client.login(member.email)
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="Agenda_Vilnius_o.pdf"' in disposition
    assert "filename*=UTF-8''Agenda%20Vilnius%20%C3%B6.pdf" in disposition


def test_a_veto_beats_an_allow(app, client, member):
    class Veto:
        @staticmethod
        @hookimpl
        def intranet_permission(user, action, resource):
            return False

    pm = app.extensions["intranet_plugins"].pm
    pm.register(AllowNotes, name="allow_notes")
    pm.register(Veto, name="veto")
    attachment = save_upload(upload(PDF, "agenda.pdf"), "example", "example.note", 1, member)
    client.login(member.email)
    assert client.get(f"/attachments/{attachment.id}").status_code == 403


def test_anonymous_visitors_cannot_download(app, client, member):
    app.extensions["intranet_plugins"].pm.register(AllowNotes, name="allow_notes")
    attachment = save_upload(upload(PDF, "agenda.pdf"), "example", "example.note", 1, member)
    assert client.get(f"/attachments/{attachment.id}").status_code == 302


def test_delete_removes_the_row_and_the_file(app, member):
    attachment = save_upload(upload(PDF, "agenda.pdf"), "example", "example.note", 1, member)
    delete_attachment(attachment)
    assert stored_files(app) == [] and attachment_rows() == 0
