"""Threads and replies: who may write, the edit window, soft deletion."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from intranet.plugin_api import db
from intranet_subgroups.models import Post, Thread
from tests.plugins.subgroups.conftest import sign_in


def test_members_start_threads_and_reply(client, member, make_group):
    group = make_group(members=(member,))
    sign_in(client, member)
    response = client.submit(
        f"/subgroups/{group.id}/threads/new", {"title": "Indicators", "body": "**Bold** idea"}
    )
    assert response.status_code == 303
    thread = db.session.scalar(select(Thread))
    client.submit(f"/subgroups/threads/{thread.id}/reply", {"body": "A reply"})
    page = client.get(f"/subgroups/threads/{thread.id}").get_data(as_text=True)
    assert "<strong>Bold</strong> idea" in page and "A reply" in page


def test_posting_to_a_group_you_are_not_in_is_refused(client, member, make_group, make_user):
    group = make_group(convenor=make_user("member"))
    sign_in(client, member)
    response = client.submit(
        f"/subgroups/{group.id}/threads/new",
        {"title": "Intruder", "body": "Hi"},
        follow_redirects=True,
    )
    assert "Only members of this sub-group can post here." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_an_empty_reply_is_refused_with_422(client, member, make_group, make_thread):
    group = make_group(members=(member,))
    thread = make_thread(group, member)
    sign_in(client, member)
    response = client.submit(f"/subgroups/threads/{thread.id}/reply", {"body": ""})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Post.id))) == 1


def test_authors_edit_only_within_the_window(client, member, make_group, make_thread):
    group = make_group(members=(member,))
    thread = make_thread(group, member, body="Original")
    post = thread.posts[0]
    sign_in(client, member)
    assert client.submit(f"/subgroups/posts/{post.id}/edit", {"body": "Fixed"}).status_code == 303
    db.session.expire_all()
    post = db.session.get(Post, post.id)
    assert post.body == "Fixed" and post.edited_at is not None
    post.created_at = post.created_at - timedelta(minutes=31)
    db.session.commit()
    response = client.submit(
        f"/subgroups/posts/{post.id}/edit", {"body": "Too late"}, follow_redirects=True
    )
    assert "within 30 minutes" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "Fixed"


def test_the_edit_window_is_configurable(config, client, member, make_group, make_thread):
    client.application.config["SUBGROUPS_EDIT_WINDOW_MINUTES"] = 0
    group = make_group(members=(member,))
    post = make_thread(group, member, body="Original").posts[0]
    post.created_at = post.created_at - timedelta(seconds=5)
    db.session.commit()
    sign_in(client, member)
    client.submit(f"/subgroups/posts/{post.id}/edit", {"body": "Changed"})
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "Original"


def test_others_cannot_edit_or_delete_but_the_convenor_deletes(
    client, member, make_user, make_group, make_thread
):
    convenor = make_user("member")
    other = make_user("member")
    group = make_group(convenor=convenor, members=(member, other))
    post = make_thread(group, member, body="Mine").posts[0]
    sign_in(client, other)
    client.submit(f"/subgroups/posts/{post.id}/edit", {"body": "Hijack"})
    client.submit(f"/subgroups/posts/{post.id}/delete", {"confirm": "yes"})
    db.session.expire_all()
    assert db.session.get(Post, post.id).deleted_at is None
    sign_in(client, convenor)
    client.submit(f"/subgroups/posts/{post.id}/delete", {"confirm": "yes"})
    db.session.expire_all()
    deleted = db.session.get(Post, post.id)
    assert deleted.deleted_at is not None and deleted.author_id == member.id
    page = client.get(f"/subgroups/threads/{post.thread_id}").get_data(as_text=True)
    assert "This post was deleted." in page and "Mine" not in page
