"""A reply to an action item's mail becomes a progress note on the item; the status stays as
it was, and only the item's owners and the secretariat may report on it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from intranet.extensions import db
from intranet.models import utcnow
from intranet.platform import inbound
from intranet_meetings import notices
from intranet_meetings.models import ActionItem
from intranet_meetings.notes import ActionNote
from tests.conftest import mail_text
from tests.reply_helpers import bounces, mails_to, reply_mail


@pytest.fixture(autouse=True)
def domain(app):
    app.config["REPLY_DOMAIN"] = "reply.example.org"


@pytest.fixture
def assigned(client, make_user, make_meeting, secretariat, outbox):
    """The secretariat gives Anna an action item; Anna's mail about it."""
    anna = make_user("member", email="anna@example.org", name="Anna Andersson")
    meeting = make_meeting()
    client.login(secretariat.email)
    client.submit(
        f"/meetings/{meeting.id}/actions/new",
        {"title": "Send the report", "owner_user": str(anna.id)},
    )
    (mail,) = mails_to(outbox(), anna.email)
    item = db.session.scalar(select(ActionItem))
    return anna, item, mail


def deliver(message) -> str:
    return inbound.receive(message.as_bytes(), str(message["To"]))


def notes_of(item) -> list[tuple[int, str]]:
    db.session.expire_all()
    query = select(ActionNote).where(ActionNote.action_item_id == item.id).order_by(ActionNote.id)
    return [(note.author_id, note.body) for note in db.session.scalars(query)]


def test_the_owners_reply_becomes_a_note_and_the_status_stays(
    client, assigned, secretariat, outbox
):
    anna, item, mail = assigned
    thread = f"<meetings-action_item-{item.id}@reply.example.org>"
    assert mail["Reply-To"].startswith("reply+") and mail["In-Reply-To"] == thread

    assert deliver(reply_mail(mail["Reply-To"], anna.email, "Done, sent on Monday.")) == "posted"

    assert notes_of(item) == [(anna.id, "Done, sent on Monday.")]
    assert db.session.get(ActionItem, item.id).status == "open"  # "done" is not a status
    (told,) = mails_to(outbox(), secretariat.email)
    assert told["Reply-To"].startswith("reply+") and "Done, sent on Monday." in mail_text(told)
    page = client.get(f"/meetings/{item.meeting_id}").get_data(as_text=True)
    assert "Done, sent on Monday." in page and "Anna Andersson" in page


def test_someone_who_no_longer_owns_the_item_is_refused(assigned, make_user, outbox):
    anna, item, mail = assigned
    item.owner_user_id = make_user("member").id
    db.session.commit()

    assert deliver(reply_mail(mail["Reply-To"], anna.email, "Sent.")) == "refused"

    assert notes_of(item) == []
    (answer,) = bounces(outbox())
    assert answer["To"] == anna.email and "Only the owners" in answer.get_content()


def test_overdue_mails_can_be_answered_too(app, make_user, make_meeting, outbox):
    anna = make_user("member", email="anna@example.org")
    item = ActionItem(
        meeting_id=make_meeting().id,
        title="Late",
        owner_user_id=anna.id,
        due_on=utcnow().date() - timedelta(days=1),
    )
    db.session.add(item)
    db.session.commit()
    with app.test_request_context():
        notices.send_overdue()
    (mail,) = mails_to(outbox(), anna.email)
    assert deliver(reply_mail(mail["Reply-To"], anna.email, "Next week.")) == "posted"
    assert notes_of(item) == [(anna.id, "Next week.")]


def test_notes_show_on_my_actions_and_go_with_their_item(client, assigned, make_user):
    anna, item, mail = assigned
    deliver(reply_mail(mail["Reply-To"], anna.email, "Draft is with the ministry."))
    client.submit("/logout")
    client.login(anna.email)
    assert "Draft is with the ministry." in client.get("/meetings/actions").get_data(as_text=True)
    db.session.delete(db.session.get(ActionItem, item.id))
    db.session.commit()
    assert db.session.scalars(select(ActionNote)).all() == []


def test_owners_add_a_note_in_the_browser_too(client, assigned, make_user, secretariat, outbox):
    anna, item, _ = assigned
    client.submit("/logout")
    client.login(anna.email)
    page = client.get(f"/meetings/{item.meeting_id}").get_data(as_text=True)
    assert "Add a progress note" in page
    client.submit(
        f"/meetings/actions/{item.id}/notes",
        {"body": "Waiting for the figures.", "next": f"/meetings/{item.meeting_id}"},
    )
    assert notes_of(item) == [(anna.id, "Waiting for the figures.")]
    assert mails_to(outbox(), secretariat.email)[-1]["Reply-To"].startswith("reply+")

    other = make_user("member", email="other@example.org")
    client.submit("/logout")
    client.login(other.email)
    assert "Add a progress note" not in client.get(f"/meetings/{item.meeting_id}").get_data(
        as_text=True
    )
    response = client.submit(f"/meetings/actions/{item.id}/notes", {"body": "Me too."})
    assert response.status_code == 403 and len(notes_of(item)) == 1
