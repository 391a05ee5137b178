"""Notifications: in-app list, mail by preference (immediate, digest, none), digests, header."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from intranet.extensions import db
from intranet.platform.mail import MailError
from intranet.platform.notifications import (
    Notification,
    notify,
    queue_digest,
    send_digests,
)
from tests.conftest import mail_text


@pytest.fixture
def people(make_user):
    return {
        pref: make_user("member", name=f"{pref.title()} Person", notification_preference=pref)
        for pref in ("immediate", "digest", "none")
    }


def notifications_of(user) -> list[Notification]:
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def test_immediate_users_get_a_mail_others_only_the_in_app_notice(app, people, outbox):
    with app.test_request_context():
        result = notify(
            people.values(),
            "meetings.invited",
            "Meeting in Riga",
            "Agenda attached.",
            "/meetings/3",
        )
    assert result.stored == 3
    assert result.mailed == [people["immediate"].email] and result.failed == []
    messages = outbox()
    assert [message["To"] for message in messages] == [people["immediate"].email]
    text = mail_text(messages[0])
    assert "Meeting in Riga" in text and "http://127.0.0.1:5000/meetings/3" in text
    assert "http://127.0.0.1:5000/profile" in text  # where to change the preference
    assert messages[0].get_body(preferencelist=("html",)) is not None
    for user in people.values():
        assert len(notifications_of(user)) == 1
    assert notifications_of(people["immediate"])[0].emailed_at is not None
    assert notifications_of(people["digest"])[0].emailed_at is None


def test_deactivated_users_are_not_notified(app, make_user, outbox):
    gone = make_user("member", is_active_account=False)
    with app.test_request_context():
        result = notify([gone], "x.y", "Hello")
    assert result.stored == 0 and outbox() == []


def test_a_mail_failure_is_reported_not_raised(app, people, monkeypatch):
    def broken(*args, **kwargs):
        raise MailError("SMTP down")

    monkeypatch.setattr("intranet.platform.mail.send_mail", broken)
    with app.test_request_context():
        result = notify([people["immediate"]], "x.y", "Hello")
    assert result.failed == [people["immediate"].email] and result.mailed == []
    assert notifications_of(people["immediate"])[0].emailed_at is None


def test_only_local_urls_are_accepted(app, people):
    with app.test_request_context(), pytest.raises(ValueError):
        notify([people["none"]], "x.y", "Phish", url="https://evil.example/")


def test_digest_mails_each_digest_user_once_and_is_idempotent(app, people, outbox):
    with app.test_request_context():
        notify(people.values(), "lessons.new", "New lesson: victim identification")
        notify(people.values(), "meetings.minutes", "Minutes of the Vilnius meeting")
    before = len(outbox())
    assert send_digests() == (1, 0)
    digests = outbox()[before:]
    assert [message["To"] for message in digests] == [people["digest"].email]
    text = mail_text(digests[0])
    assert "victim identification" in text and "Vilnius" in text
    assert "2 new notifications" in digests[0]["Subject"]
    assert send_digests() == (0, 0)
    assert len(outbox()) == before + 1


def test_three_concurrent_digest_runs_send_one_digest_per_user_and_none_empty(
    app, make_user, outbox
):
    """`send-digests` started on several hosts at once sent empty "0 new notifications" mails."""
    readers = [make_user("member", notification_preference="digest") for _ in range(6)]
    with app.test_request_context():
        notify(readers, "x.y", "Agenda of the Riga meeting")
        notify(readers, "x.y", "Minutes of the Vilnius meeting")
    start = threading.Barrier(3)
    results = []

    def run() -> None:
        with app.app_context(), app.test_request_context():
            start.wait()
            results.append(send_digests())

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent for sent, _failed in results) == 6
    digests = outbox()
    assert sorted(message["To"] for message in digests) == sorted(r.email for r in readers)
    assert all("2 new notifications" in message["Subject"] for message in digests)


def test_a_digest_run_that_finds_nothing_left_sends_nothing(app, people, outbox):
    """A run that listed a user just before another run mailed their notifications."""
    with app.test_request_context():
        notify([people["digest"]], "x.y", "Something new")
        db.session.execute(db.update(Notification).values(emailed_at=db.func.now()))
        db.session.commit()
        assert queue_digest(people["digest"].id, date.today(), "Intranet") is False
    assert outbox() == []


def test_send_digests_command(app, people, outbox):
    with app.test_request_context():
        notify([people["digest"]], "x.y", "Something new")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["intranet", "send-digests"])
    assert result.exit_code == 0 and "1 digest sent" in result.output
    result = runner.invoke(args=["intranet", "send-digests"])
    assert "0 digests sent" in result.output


def test_header_shows_the_unread_count_and_the_list_marks_read(app, client, member):
    with app.test_request_context():
        notify([member], "x.y", "First news", url="/notifications")
        notify([member], "x.y", "Second news")
    client.login(member.email)
    page = client.get("/").get_data(as_text=True)
    assert '<span class="unread-pill">2<span class="visually-hidden"> unread</span>' in page
    listing = client.get("/notifications").get_data(as_text=True)
    assert "First news" in listing and "Second news" in listing
    first = db.session.scalar(select(Notification).where(Notification.title == "First news"))
    response = client.submit(f"/notifications/{first.id}/read")
    assert response.status_code == 303
    assert '<span class="unread-pill">1<' in client.get("/").get_data(as_text=True)
    client.submit("/notifications/read-all")
    assert 'class="unread-pill"' not in client.get("/").get_data(as_text=True)


def test_mark_read_with_htmx_updates_the_row_and_the_header_count(app, client, member):
    with app.test_request_context():
        notify([member], "x.y", "Only news")
    client.login(member.email)
    item = db.session.scalar(select(Notification))
    response = client.submit(f"/notifications/{item.id}/read", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert f'id="notification-{item.id}"' in body and "Mark as read" not in body
    assert 'id="unread-count" hx-swap-oob="true"' in body


def test_users_cannot_mark_each_others_notifications(app, client, member, make_user):
    other = make_user("member")
    with app.test_request_context():
        notify([other], "x.y", "Private")
    item = db.session.scalar(select(Notification))
    client.login(member.email)
    assert client.submit(f"/notifications/{item.id}/read").status_code == 404
    assert "Private" not in client.get("/notifications").get_data(as_text=True)
    db.session.refresh(item)
    assert item.read_at is None
