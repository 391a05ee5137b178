"""Undo where it is cheap: a deleted post and a left sub-group come back, once, for their author,
for a few minutes."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from intranet.plugin_api import db
from intranet.undo import UndoOffer
from intranet_subgroups.models import Membership, Post
from tests.plugins.subgroups.conftest import sign_in


def undo_token(page: str) -> str:
    """The token of the "Undo" button on `page` (which must show one)."""
    assert "Undo</button>" in page
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def delete(client, post) -> str:
    client.submit(f"/subgroups/posts/{post.id}/delete", {"confirm": "yes"})
    return client.get(f"/subgroups/threads/{post.thread_id}").get_data(as_text=True)


def test_a_deleted_post_comes_back_with_undo_once(client, member, make_group, make_thread):
    post = make_thread(make_group(members=(member,)), member, body="Worth keeping").posts[0]
    sign_in(client, member)
    page = delete(client, post)
    assert "The post was deleted." in page and "Worth keeping" not in page
    token = undo_token(page)
    assert "Undo</button>" not in client.get("/").get_data(as_text=True)  # shown once

    response = client.submit("/undo", {"token": token})
    assert response.status_code == 303 and response.location.endswith(f"#post-{post.id}")
    db.session.expire_all()
    restored = db.session.get(Post, post.id)
    assert restored.body == "Worth keeping" and restored.deleted_at is None

    delete(client, post)
    client.submit("/undo", {"token": token})
    db.session.expire_all()
    assert db.session.get(Post, post.id).deleted_at is not None  # the first offer is used up


def test_only_the_same_person_within_ten_minutes_can_undo(
    client, member, make_user, make_group, make_thread
):
    convenor = make_user("member")
    post = make_thread(make_group(convenor=convenor, members=(member,)), member).posts[0]
    sign_in(client, convenor)
    token = undo_token(delete(client, post))

    sign_in(client, member)
    client.submit("/undo", {"token": token})
    db.session.expire_all()
    assert db.session.get(Post, post.id).deleted_at is not None

    sign_in(client, convenor)
    offer = db.session.get(UndoOffer, token)
    offer.created_at -= timedelta(minutes=11)
    db.session.commit()
    page = client.post("/undo", data={"token": token, "csrf_token": client.csrf_token()})
    assert "can no longer be undone" in client.get(page.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Post, post.id).deleted_at is not None


def test_run_jobs_forgets_expired_offers_and_the_text_they_kept(app, member):
    from intranet.undo import expire_undo_offers

    fresh = UndoOffer(token="fresh", user_id=member.id, kind="subgroups.post_deleted")
    old = UndoOffer(token="old", user_id=member.id, kind="subgroups.post_deleted")
    for offer in (fresh, old):
        offer.message, offer.payload = "The post was deleted.", {"body": "Private words"}
        db.session.add(offer)
    db.session.flush()
    old.created_at -= timedelta(minutes=11)
    db.session.commit()
    expire_undo_offers()
    assert db.session.scalars(select(UndoOffer.token)).all() == ["fresh"]


def test_undo_needs_the_csrf_token(client, member, make_group, make_thread):
    post = make_thread(make_group(members=(member,)), member).posts[0]
    sign_in(client, member)
    token = undo_token(delete(client, post))
    assert client.post("/undo", data={"token": token}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Post, post.id).deleted_at is not None


def test_leaving_a_sub_group_can_be_undone(client, member, make_group):
    group = make_group(policy="invite", members=(member,))
    sign_in(client, member)
    client.submit(f"/subgroups/{group.id}/leave", {"confirm": "yes"})
    page = client.get(f"/subgroups/{group.id}").get_data(as_text=True)
    assert "no longer in this sub-group" in page
    client.submit("/undo", {"token": undo_token(page)})
    db.session.expire_all()
    back = db.session.scalar(select(Membership).where(Membership.user_id == member.id))
    assert (back.group_id, back.role, back.state) == (group.id, "member", "active")
