"""Documents on lessons: upload while editing, per-document sharing levels, downloads for
members, guests and anonymous readers, and the warning about a public lesson's private files."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from intranet.extensions import db
from intranet.platform.attachments import Attachment
from intranet_lessons.models import AttachmentShare

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def attach(client, lesson, name="report.pdf", sharing=None, data=PDF):
    form = {"file": (io.BytesIO(data), name), "sharing": sharing or lesson.sharing}
    return client.submit(
        f"/lessons/{lesson.id}/documents", form, content_type="multipart/form-data"
    )


def uploaded(name):
    attachment = db.session.scalar(select(Attachment).where(Attachment.filename == name))
    assert attachment is not None, name
    return attachment


def sharing_of(attachment):
    return db.session.get(AttachmentShare, attachment.id).sharing


def test_the_upload_form_starts_at_the_lessons_sharing_level(client, member, make_lesson):
    lesson = make_lesson(member, status="draft", sharing="partners")
    client.login(member.email)
    page = client.get(f"/lessons/{lesson.id}/documents").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert '<option selected value="partners">' in page


def test_the_author_attaches_a_document_to_a_draft_and_members_download_it(
    client, login_as, member, make_user, make_lesson
):
    lesson = make_lesson(member, "Car wash visits", status="draft", sharing="partners")
    client.login(member.email)
    response = attach(client, lesson)
    assert response.status_code == 303
    attachment = uploaded("report.pdf")
    assert (attachment.owner, attachment.object_kind, attachment.object_id) == (
        "lessons",
        "lessons.lesson",
        lesson.id,
    )
    assert sharing_of(attachment) == "partners"
    page = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert f'href="/attachments/{attachment.id}"' in page
    assert client.get(f"/attachments/{attachment.id}").data == PDF

    other = make_user("member", email="other@example.org")
    login_as(other)
    assert client.get(f"/attachments/{attachment.id}").status_code == 403  # a draft
    assert client.get(f"/lessons/{lesson.id}/documents").status_code == 404
    lesson.status = "published"
    db.session.commit()
    assert client.get(f"/attachments/{attachment.id}").data == PDF
    assert client.get(f"/lessons/{lesson.id}/documents").status_code == 403
    assert attach(client, lesson, "mine.pdf").status_code == 403


def test_a_refused_upload_keeps_the_choice_and_stores_nothing(client, member, make_lesson):
    lesson = make_lesson(member, status="draft", sharing="public")
    client.login(member.email)
    empty = client.submit(
        f"/lessons/{lesson.id}/documents",
        {"sharing": "taskforce"},
        content_type="multipart/form-data",
    )
    assert empty.status_code == 422
    assert "Choose a file to upload." in empty.get_data(as_text=True)
    wrong = attach(client, lesson, "tool.pdf", "taskforce", data=b"MZ\x90\x00\x03binary")
    assert wrong.status_code == 422
    body = wrong.get_data(as_text=True)
    assert "not allowed" in body
    assert '<option selected value="taskforce">' in body
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert db.session.scalar(select(func.count()).select_from(AttachmentShare)) == 0


def test_guests_get_only_documents_shared_with_partners(
    client, login_as, member, secretariat, guest, make_lesson
):
    lesson = make_lesson(member, "Shared lesson", sharing="partners")
    client.login(secretariat.email)  # documents of a published lesson: a reviewer shares them
    attach(client, lesson, "for-partners.pdf", "partners")
    attach(client, lesson, "internal.pdf", "taskforce")
    shared, internal = uploaded("for-partners.pdf"), uploaded("internal.pdf")

    login_as(guest)
    page = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "for-partners.pdf" in page
    assert "internal.pdf" not in page
    assert client.get(f"/attachments/{shared.id}").data == PDF
    assert client.get(f"/attachments/{internal.id}").status_code == 403


def test_guests_get_no_documents_of_lessons_kept_in_the_task_force(
    client, login_as, member, secretariat, guest, make_lesson
):
    lesson = make_lesson(member, "Internal lesson", sharing="taskforce")
    client.login(secretariat.email)  # documents of a published lesson: a reviewer shares them
    attach(client, lesson, "public-annex.pdf", "public")
    login_as(guest)
    assert client.get(f"/attachments/{uploaded('public-annex.pdf').id}").status_code == 403


def test_the_public_page_and_feed_list_only_public_documents(
    client, member, secretariat, make_lesson
):
    lesson = make_lesson(member, "Open lesson", sharing="public")
    client.login(secretariat.email)  # documents of a published lesson: a reviewer shares them
    attach(client, lesson, "leaflet.pdf", "public")
    attach(client, lesson, "contacts.pdf", "taskforce")
    attach(client, lesson, "partners.pdf", "partners")
    leaflet, contacts = uploaded("leaflet.pdf"), uploaded("contacts.pdf")
    client.submit("/logout")

    page = client.get(f"/lessons/public/{lesson.id}").get_data(as_text=True)
    assert f"/lessons/public/{lesson.id}/files/{leaflet.id}" in page
    assert "contacts.pdf" not in page and "partners.pdf" not in page
    feed = client.get("/lessons/feed.atom").get_data(as_text=True)
    assert f"/lessons/public/{lesson.id}/files/{leaflet.id}" in feed
    assert 'rel="enclosure"' in feed
    assert "contacts.pdf" not in feed and "partners.pdf" not in feed

    download = client.get(f"/lessons/public/{lesson.id}/files/{leaflet.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "leaflet.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/lessons/public/{lesson.id}/files/{contacts.id}").status_code == 404
    assert client.get(f"/attachments/{leaflet.id}").status_code == 302  # the core's needs a login


def test_public_documents_of_lessons_not_public_and_published_stay_closed(
    client, member, secretariat, make_lesson
):
    internal = make_lesson(member, "Internal", sharing="taskforce")
    draft = make_lesson(member, "Draft", sharing="public", status="draft")
    other = make_lesson(member, "Other public", sharing="public")
    client.login(secretariat.email)  # documents of a published lesson: a reviewer shares them
    attach(client, internal, "a.pdf", "public")
    attach(client, draft, "b.pdf", "public")
    client.submit("/logout")
    for lesson, name in ((internal, "a.pdf"), (draft, "b.pdf")):
        attachment = uploaded(name)
        assert client.get(f"/lessons/public/{lesson.id}/files/{attachment.id}").status_code == 404
        # nor through another public lesson's address
        assert client.get(f"/lessons/public/{other.id}/files/{attachment.id}").status_code == 404


def test_publishing_a_public_lesson_with_a_task_force_document_warns(
    client, login_as, member, secretariat, make_lesson
):
    lesson = make_lesson(member, "Open lesson", status="draft", sharing="public")
    client.login(member.email)
    attach(client, lesson, "contacts.pdf", "taskforce")
    client.submit(f"/lessons/{lesson.id}/submit")
    login_as(secretariat)
    review = client.get(f"/lessons/{lesson.id}/review").get_data(as_text=True)
    assert "not shared as widely as this lesson" in review
    assert "contacts.pdf" in review

    response = client.submit(
        f"/lessons/{lesson.id}/review", {"decision": "publish"}, follow_redirects=True
    )
    body = response.get_data(as_text=True)
    assert "flash-warning" in body
    assert "contacts.pdf" in body
    assert "will not be shown to all its readers" in body


def test_no_warning_when_every_document_is_shared_like_the_lesson(
    client, login_as, member, secretariat, make_lesson
):
    lesson = make_lesson(member, "Open lesson", status="submitted", sharing="public")
    client.login(member.email)
    attach(client, lesson, "leaflet.pdf", "public")
    login_as(secretariat)
    response = client.submit(
        f"/lessons/{lesson.id}/review", {"decision": "publish"}, follow_redirects=True
    )
    assert "flash-warning" not in response.get_data(as_text=True)


def test_the_author_changes_a_documents_sharing_and_removes_it(
    client, login_as, member, secretariat, make_lesson
):
    lesson = make_lesson(member, "Open lesson", sharing="public")
    client.login(member.email)
    attach(client, lesson, "contacts.pdf", "taskforce")
    attachment = uploaded("contacts.pdf")
    response = client.submit(
        f"/lessons/{lesson.id}/documents/{attachment.id}/sharing",
        {"sharing": "public"},
        follow_redirects=True,
    )
    assert "a reviewer&#39;s decision" in response.get_data(as_text=True)
    assert sharing_of(attachment) == "taskforce"

    login_as(secretariat)
    client.submit(f"/lessons/{lesson.id}/documents/{attachment.id}/sharing", {"sharing": "public"})
    assert sharing_of(attachment) == "public"
    assert (
        client.submit(
            f"/lessons/{lesson.id}/documents/{attachment.id}/sharing", {"sharing": "everyone"}
        ).status_code
        == 303
    )
    assert sharing_of(attachment) == "public"

    login_as(member)
    client.submit(
        f"/lessons/{lesson.id}/documents/{attachment.id}/sharing", {"sharing": "taskforce"}
    )
    assert sharing_of(attachment) == "taskforce"
    client.submit(f"/lessons/{lesson.id}/documents/{attachment.id}/delete")
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert db.session.scalar(select(func.count()).select_from(AttachmentShare)) == 0


def test_documents_of_a_published_lesson_reach_partners_only_through_a_reviewer(
    client, login_as, member, secretariat, make_lesson
):
    lesson = make_lesson(member, "Shared lesson", sharing="partners")
    client.login(member.email)
    page = client.get(f"/lessons/{lesson.id}/documents").get_data(as_text=True)
    assert '<option selected value="taskforce">' in page

    response = attach(client, lesson, "names.pdf", "partners")
    assert response.status_code == 422
    assert "a reviewer&#39;s decision" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Attachment.id))) == 0

    login_as(secretariat)
    assert attach(client, lesson, "names.pdf", "partners").status_code == 303
    assert sharing_of(uploaded("names.pdf")) == "partners"
