"""Mailing-list mode: every new post as its own mail, in full and answerable by mail, for a
member who chose it in their profile and for every member of a group whose convenors chose it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intranet.platform import inbound
from intranet.plugin_api import db
from intranet_subgroups.models import Post, SubGroup
from tests.conftest import mail_text
from tests.plugins.subgroups.conftest import sign_in
from tests.reply_helpers import mails_to, reply_mail
from tests.test_profile import PROFILE


@pytest.fixture(autouse=True)
def domain(app):
    app.config["REPLY_DOMAIN"] = "reply.example.org"


@pytest.fixture
def group(make_user, make_group, make_thread):
    carl = make_user(email="carl@example.org", name="Carl Convenor")
    dora = make_user(email="dora@example.org", name="Dora Digest", notification_preference="digest")
    nina = make_user(email="nina@example.org", name="Nina None", notification_preference="none")
    group = make_group(convenor=carl, members=(dora, nina))
    make_thread(group, carl)
    return group


def post(client, group, author, body: str) -> None:
    sign_in(client, author)
    thread_id = group_thread(group)
    client.submit(f"/subgroups/threads/{thread_id}/reply", {"body": body})


def group_thread(group) -> int:
    return db.session.scalar(select(Post.thread_id).limit(1))


def person(group, email):
    return next(m.user for m in group.memberships if m.user.email == email)


def test_a_member_who_chose_it_gets_every_post_in_full(client, group, outbox):
    dora = person(group, "dora@example.org")
    sign_in(client, dora)
    client.submit("/profile", {**PROFILE, "name": dora.name, "mail_every_post": "y"})
    assert db.session.get(type(dora), dora.id).mail_every_post

    post(client, group, person(group, "carl@example.org"), "The **Estonian** figures are in.")

    (mail,) = mails_to(outbox(), dora.email)  # her preference for the rest is the digest
    assert "Carl Convenor wrote:" in mail_text(mail) and "Estonian" in mail_text(mail)
    assert mail["Reply-To"].startswith("reply+")
    assert mails_to(outbox(), "nina@example.org") == []

    answer = reply_mail(mail["Reply-To"], dora.email, "Thanks, noted.")
    assert inbound.receive(answer.as_bytes(), mail["Reply-To"]) == "posted"
    assert db.session.scalars(select(Post.body).order_by(Post.id.desc())).first() == (
        "Thanks, noted."
    )


def test_convenors_send_every_post_to_the_members(client, group, outbox):
    carl, dora = person(group, "carl@example.org"), person(group, "dora@example.org")
    sign_in(client, dora)
    assert (
        client.submit(f"/subgroups/{group.id}/mailing-list", {"every_post": "y"}).status_code == 403
    )
    sign_in(client, carl)
    client.submit(f"/subgroups/{group.id}/mailing-list", {"every_post": "y"})
    assert db.session.get(SubGroup, group.id).mail_every_post
    assert "every new post to the members" in client.get(f"/subgroups/{group.id}").get_data(
        as_text=True
    )

    post(client, group, carl, "Agenda for Riga attached.")

    (mail,) = mails_to(outbox(), dora.email)
    assert "Agenda for Riga attached." in mail_text(mail) and mail["Reply-To"]
    assert mails_to(outbox(), "nina@example.org") == []  # she chose no mail at all

    sign_in(client, carl)
    client.submit(f"/subgroups/{group.id}/mailing-list", {})
    assert not db.session.get(SubGroup, group.id).mail_every_post
    post(client, group, carl, "Second thought.")
    assert len(mails_to(outbox(), dora.email)) == 1
