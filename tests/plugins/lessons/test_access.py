"""Who sees which lesson: sharing levels, drafts, guests and anonymous readers."""

from __future__ import annotations

from xml.etree import ElementTree


def test_a_guest_sees_only_lessons_shared_with_partners(client, member, guest, make_lesson):
    shared = make_lesson(member, "Shared with partners", sharing="partners")
    internal = make_lesson(member, "Task force only", sharing="taskforce")
    draft = make_lesson(member, "Partner draft", sharing="partners", status="draft")
    client.login(guest.email)

    page = client.get("/lessons/").get_data(as_text=True)
    assert "Shared with partners" in page
    assert "Task force only" not in page
    assert "Partner draft" not in page
    assert client.get(f"/lessons/{shared.id}").status_code == 200
    assert client.get(f"/lessons/{internal.id}").status_code == 404
    assert client.get(f"/lessons/{draft.id}").status_code == 404
    assert "Task force only" not in client.get("/lessons/export.json").get_data(as_text=True)


def test_guests_cannot_write_lessons_or_see_initiatives(client, guest):
    client.login(guest.email)
    assert client.get("/lessons/new").status_code == 403
    assert client.get("/lessons/initiatives").status_code == 403
    assert client.get("/lessons/coverage").status_code == 403


def test_anonymous_readers_get_only_public_published_lessons(client, member, make_lesson):
    make_lesson(
        member, "Public and published", sharing="public", recommendation="**Do** <it> & see"
    )
    make_lesson(member, "Public draft", sharing="public", status="draft")
    make_lesson(member, "For partners", sharing="partners")
    internal = make_lesson(member, "Internal", sharing="taskforce")

    for url in ("/lessons/public", "/lessons/feed.atom"):
        response = client.get(url)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "Public and published" in page
        assert "Public draft" not in page
        assert "For partners" not in page
        assert "Internal" not in page
    feed = client.get("/lessons/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    feed_xml = ElementTree.fromstring(feed.data)  # noqa: S314 - our own output
    entries = feed_xml.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1
    content = entries[0].find("{http://www.w3.org/2005/Atom}content").text
    assert content.startswith("<p><strong>Do</strong>")  # escaped HTML, as Atom's type="html" wants
    assert client.get(f"/lessons/public/{internal.id}").status_code == 404
    assert client.get("/lessons/").status_code == 302


def test_drafts_stay_with_their_author_and_the_reviewers(
    client, login_as, member, make_user, secretariat, make_lesson
):
    draft = make_lesson(member, "My draft", status="draft")
    other = make_user("member")
    client.login(other.email)
    assert client.get(f"/lessons/{draft.id}").status_code == 404
    assert "My draft" not in client.get("/lessons/").get_data(as_text=True)

    login_as(member)
    assert client.get(f"/lessons/{draft.id}").status_code == 200
    login_as(secretariat)
    assert client.get(f"/lessons/{draft.id}").status_code == 200


def test_only_the_author_and_reviewers_edit_a_lesson(client, member, make_user, make_lesson):
    lesson = make_lesson(member, "Someone else's")
    other = make_user("member")
    client.login(other.email)
    assert client.get(f"/lessons/{lesson.id}/edit").status_code == 403
    assert client.submit(f"/lessons/{lesson.id}/edit", {"title": "Hijacked"}).status_code == 403
