"""Documents on a group's page: upload, list, download through /attachments, delete."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from intranet.plugin_api import Attachment, db
from tests.plugins.subgroups.conftest import sign_in

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload(client, group, content=PDF, name="minutes.pdf"):
    return client.submit(
        f"/subgroups/{group.id}/documents",
        {"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def stored_files(app) -> list[Path]:
    folder = Path(app.instance_path, "attachments")
    return [path for path in folder.iterdir()] if folder.exists() else []


def test_a_member_uploads_a_pdf_that_others_can_download(client, member, make_user, make_group):
    reader = make_user("member")
    group = make_group(members=(member,))
    sign_in(client, member)
    assert upload(client, group).status_code == 303
    document = db.session.scalar(select(Attachment))
    assert document.filename == "minutes.pdf" and document.content_type == "application/pdf"
    page = client.get(f"/subgroups/{group.id}").get_data(as_text=True)
    assert f'href="/attachments/{document.id}"' in page and "minutes.pdf" in page
    sign_in(client, reader)  # a member of the task force, not of the group, sees the group
    response = client.get(f"/attachments/{document.id}")
    assert response.status_code == 200 and response.data == PDF


def test_guests_without_a_grant_and_visitors_cannot_download(
    client, member, make_user, make_group, grants
):
    guest = make_user("guest")
    group = make_group(members=(member,))
    sign_in(client, member)
    upload(client, group)
    document = db.session.scalar(select(Attachment))
    sign_in(client, guest)
    assert client.get(f"/attachments/{document.id}").status_code in (403, 404)
    grants.granted.add(group.id)
    assert client.get(f"/attachments/{document.id}").status_code == 200
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    anonymous = client.get(f"/attachments/{document.id}")
    assert anonymous.status_code != 200 and anonymous.data != PDF


def test_a_disguised_file_is_refused_next_to_the_field_and_nothing_is_stored(
    app, client, member, make_group
):
    group = make_group(members=(member,))
    sign_in(client, member)
    response = upload(client, group, b"MZ\x90\x00\x03\x00\x00\x00binary", "report.pdf")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="file-error"' in html and "not allowed" in html
    png = upload(client, group, b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "report.pdf")
    assert png.status_code == 422 and "does not match" in png.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert stored_files(app) == []


def test_a_too_large_file_is_refused(app, client, member, make_group):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024 * 1024
    group = make_group(members=(member,))
    sign_in(client, member)
    response = upload(client, group, PDF + b"0" * (1024 * 1024))
    assert response.status_code == 422
    assert "too large" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert stored_files(app) == []


def test_only_members_of_an_active_group_upload(client, member, make_user, make_group):
    outsider = make_user("member")
    group = make_group(members=(member,))
    archived = make_group("Old", members=(member,), ended=True)
    sign_in(client, outsider)
    upload(client, group)
    assert "Upload" not in client.get(f"/subgroups/{group.id}").get_data(as_text=True)
    sign_in(client, member)
    upload(client, archived)
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_uploader_convenor_and_secretariat_delete(
    app, client, member, make_user, make_group, secretariat
):
    convenor = make_user("member")
    other = make_user("member")
    group = make_group(convenor=convenor, members=(member, other))
    sign_in(client, member)
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        upload(client, group, name=name)
    ids = list(db.session.scalars(select(Attachment.id).order_by(Attachment.id)))
    sign_in(client, other)
    client.submit(f"/subgroups/{group.id}/documents/{ids[0]}/delete")
    assert db.session.scalar(select(func.count(Attachment.id))) == 3
    for user, document_id in ((member, ids[0]), (convenor, ids[1]), (secretariat, ids[2])):
        sign_in(client, user)
        assert (
            client.submit(f"/subgroups/{group.id}/documents/{document_id}/delete").status_code
            == 303
        )
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert stored_files(app) == []


def test_an_archived_groups_documents_stay_except_for_the_secretariat(
    client, member, make_user, make_group, secretariat
):
    """A group that ended is read-only: neither the uploader nor a convenor deletes its
    documents any more, the secretariat still can (mutmut: the rule's "not writable" answer
    could be flipped to yes unnoticed)."""
    convenor = make_user("member")
    group = make_group(convenor=convenor, members=(member,))
    sign_in(client, member)
    upload(client, group, name="kept.pdf")
    document_id = db.session.scalar(select(Attachment.id))
    group.status = "archived"
    db.session.commit()
    for user in (member, convenor):
        sign_in(client, user)
        client.submit(f"/subgroups/{group.id}/documents/{document_id}/delete")
        assert db.session.scalar(select(func.count(Attachment.id))) == 1, user.email
    sign_in(client, secretariat)
    client.submit(f"/subgroups/{group.id}/documents/{document_id}/delete")
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
