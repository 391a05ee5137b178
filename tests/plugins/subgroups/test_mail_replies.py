"""A reply by mail becomes a post with the browser's checks and notices (the plugin's hook)."""

from __future__ import annotations

from sqlalchemy import select

from intranet.platform.replies import post_reply
from intranet.plugin_api import Notification, db
from intranet_subgroups.models import Post


def posts(thread) -> list[str]:
    return list(
        db.session.scalars(select(Post.body).where(Post.thread_id == thread.id).order_by(Post.id))
    )


def test_member_reply_becomes_a_post_and_notifies(make_user, make_group, make_thread, outbox):
    convenor, member = make_user(email="conv@example.org"), make_user()
    group = make_group(convenor=convenor, members=(member,))
    thread = make_thread(group, convenor)
    result = post_reply(f"subgroups.thread:{thread.id}", member, "  Agreed, see you there.\n")
    assert not result.refusal
    assert posts(thread) == ["First post", "Agreed, see you there."]
    post_id = db.session.scalar(select(Post.id).where(Post.author_id == member.id))
    assert result.url == f"/subgroups/threads/{thread.id}#post-{post_id}"
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "subgroups.reply")
    ).all()
    assert told == [convenor.id]
    assert [m["To"] for m in outbox()] == ["conv@example.org"]


def test_refusals_post_nothing(make_user, make_group, make_thread):
    convenor, outsider, guest = make_user(), make_user(), make_user("guest")
    group = make_group(convenor=convenor)
    thread = make_thread(group, convenor)
    target = f"subgroups.thread:{thread.id}"
    assert "no longer post" in post_reply(target, outsider, "Hi").refusal
    assert "no longer exists" in post_reply(target, guest, "Hi").refusal  # cannot even see it
    assert "empty" in post_reply(target, convenor, " \n ").refusal
    assert "longer than" in post_reply(target, convenor, "x" * 20001).refusal
    assert "no longer exists" in post_reply("subgroups.thread:999999", convenor, "Hi").refusal
    assert "can no longer be answered" in post_reply("meetings.item:1", convenor, "Hi").refusal
    assert posts(thread) == ["First post"]


def test_archived_group_is_read_only(make_user, make_group, make_thread):
    convenor = make_user()
    group = make_group(convenor=convenor, ended=True)
    thread = make_thread(group, convenor)
    assert "read-only" in post_reply(f"subgroups.thread:{thread.id}", convenor, "Hi").refusal
    assert posts(thread) == ["First post"]


def test_guest_may_reply_only_while_access_lasts(make_user, make_group, make_thread, grants):
    convenor, guest = make_user(), make_user("guest")
    group = make_group(convenor=convenor)
    thread = make_thread(group, convenor)
    target = f"subgroups.thread:{thread.id}"
    grants.granted.add(group.id)
    assert not post_reply(target, guest, "From a partner").refusal
    grants.granted.clear()  # the partner's access ended
    assert post_reply(target, guest, "Too late").refusal
    assert posts(thread) == ["First post", "From a partner"]
