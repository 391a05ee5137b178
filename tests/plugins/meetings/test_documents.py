"""Documents on agenda items: staff upload and remove them; downloads follow the meeting."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from intranet.extensions import db
from intranet.platform.attachments import Attachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, meeting, item, name, content):
    return client.post(
        f"/meetings/{meeting.id}/agenda/{item.id}/documents",
        data={"csrf_token": client.csrf_token(), "document": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def switch(client, user):
    client.submit("/logout")
    client.login(user.email)


def stored_files(app):
    folder = Path(app.instance_path, "attachments")
    return list(folder.iterdir()) if folder.exists() else []


def test_staff_upload_list_download_and_remove(
    app, client, secretariat, member, make_user, make_meeting
):
    meeting = make_meeting(agenda=("Opening", "Work plan"))
    item = meeting.agenda_items[1]
    client.login(secretariat.email)
    assert client.get(f"/meetings/{meeting.id}/agenda/{item.id}/documents").status_code == 200
    response = upload(client, meeting, item, "Work plan 2030.pdf", PDF)
    assert response.status_code == 303
    attachment = db.session.scalar(select(Attachment))
    assert (attachment.object_kind, attachment.object_id) == ("meetings.agenda_item", item.id)

    switch(client, member)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/attachments/{attachment.id}"' in page and "Work plan 2030.pdf" in page
    download = client.get(f"/attachments/{attachment.id}")
    assert download.status_code == 200 and download.get_data() == PDF
    assert upload(client, meeting, item, "mine.pdf", PDF).status_code == 403

    switch(client, make_user("guest"))
    assert client.get(f"/attachments/{attachment.id}").status_code == 403

    switch(client, secretariat)
    url = f"/meetings/{meeting.id}/agenda/{item.id}/documents/{attachment.id}/delete"
    assert client.submit(url).status_code == 303
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert stored_files(app) == []


def test_a_granted_guest_downloads_the_documents_of_its_meeting(
    client, secretariat, make_user, make_meeting, grant_meeting
):
    meeting = make_meeting(agenda=("Opening",))
    item = meeting.agenda_items[0]
    client.login(secretariat.email)
    upload(client, meeting, item, "agenda.pdf", PDF)
    attachment_id = db.session.scalar(select(Attachment.id))
    grant_meeting(meeting)

    switch(client, make_user("guest"))
    assert client.get(f"/attachments/{attachment_id}").status_code == 200


def test_a_disguised_or_missing_file_is_refused_next_to_the_field(
    app, client, secretariat, make_meeting
):
    meeting = make_meeting(agenda=("Opening",))
    item = meeting.agenda_items[0]
    client.login(secretariat.email)
    response = upload(client, meeting, item, "minutes.pdf", b"MZ\x90\x00 not a pdf at all")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="document-error"' in html and "not allowed" in html
    response = upload(client, meeting, item, "photo.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    assert response.status_code == 422 and "does not match" in response.get_data(as_text=True)
    response = client.post(
        f"/meetings/{meeting.id}/agenda/{item.id}/documents",
        data={"csrf_token": client.csrf_token()},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "Choose a file" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert stored_files(app) == []
