"""Join policies, invitations, leaving, and the archived state."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from intranet.plugin_api import db
from intranet_subgroups.models import Extension, Membership, Post, SubGroup, Thread, today
from intranet_subgroups.services import archive_ended_groups
from tests.plugins.subgroups.conftest import sign_in


def states(group):
    db.session.expire_all()
    return {m.user_id: (m.role, m.state) for m in db.session.get(SubGroup, group.id).memberships}


def test_open_group_lets_a_member_join_and_leave(client, member, make_group):
    group = make_group(policy="open")
    sign_in(client, member)
    assert client.submit(f"/subgroups/{group.id}/join").status_code == 303
    assert states(group) == {member.id: ("member", "active")}
    assert client.submit(f"/subgroups/{group.id}/leave", {"confirm": "yes"}).status_code == 303
    assert states(group) == {}


def test_on_request_the_convenor_approves_or_declines(client, member, make_user, make_group):
    convenor = make_user("member", name="Carla Convenor")
    other = make_user("member")
    group = make_group(policy="request", convenor=convenor)
    sign_in(client, member)
    client.submit(f"/subgroups/{group.id}/join")
    assert states(group)[member.id] == ("member", "requested")
    mine = db.session.scalar(select(Membership).where(Membership.user_id == member.id))
    assert client.submit(f"/subgroups/{group.id}/requests/{mine.id}/approve").status_code == 403

    sign_in(client, convenor)
    page = client.get(f"/subgroups/{group.id}").get_data(as_text=True)
    assert "asked to join" in page
    client.submit(f"/subgroups/{group.id}/requests/{mine.id}/approve")
    assert states(group)[member.id] == ("member", "active")

    sign_in(client, other)
    client.submit(f"/subgroups/{group.id}/join")
    request_ = db.session.scalar(select(Membership).where(Membership.user_id == other.id))
    sign_in(client, convenor)
    client.submit(f"/subgroups/{group.id}/requests/{request_.id}/decline")
    assert other.id not in states(group)


def test_by_invitation_only_invited_members_join(client, member, make_user, make_group):
    convenor = make_user("member")
    group = make_group(policy="invitation", convenor=convenor)
    sign_in(client, member)
    client.submit(f"/subgroups/{group.id}/join")
    assert member.id not in states(group)
    assert "by invitation only" in client.get(f"/subgroups/{group.id}").get_data(as_text=True)

    sign_in(client, convenor)
    assert client.submit(f"/subgroups/{group.id}/invite", {"user_id": member.id}).status_code == 303
    assert states(group)[member.id] == ("member", "invited")
    sign_in(client, member)
    client.submit(f"/subgroups/{group.id}/join")
    assert states(group)[member.id] == ("member", "active")


def test_only_convenors_and_secretariat_invite(client, member, make_user, make_group, secretariat):
    group = make_group(convenor=make_user("member"))
    target = make_user("member")
    sign_in(client, member)
    assert client.get(f"/subgroups/{group.id}/invite").status_code == 403
    sign_in(client, secretariat)
    assert client.submit(f"/subgroups/{group.id}/invite", {"user_id": target.id}).status_code == 303


def test_joining_an_archived_group_is_refused(client, member, make_group):
    group = make_group(status="archived")
    sign_in(client, member)
    response = client.submit(f"/subgroups/{group.id}/join", follow_redirects=True)
    assert "archived: nobody can join it" in response.get_data(as_text=True)
    assert states(group) == {}


def test_a_group_past_its_end_is_read_only_before_the_job_runs(
    client, member, make_group, make_thread
):
    group = make_group(members=(member,), ended=True)
    thread = make_thread(group, member)
    assert group.status == "active"
    sign_in(client, member)
    page = client.get(f"/subgroups/{group.id}").get_data(as_text=True)
    assert "archived and read-only" in page
    assert "Start a discussion" not in page
    response = client.submit(
        f"/subgroups/{group.id}/threads/new", {"title": "Late", "body": "Too late"}
    )
    assert response.status_code == 303
    client.submit(f"/subgroups/threads/{thread.id}/reply", {"body": "Too late"})
    assert db.session.scalar(select(func.count(Post.id))) == 1
    assert db.session.scalar(select(func.count(Thread.id))) == 1


def test_the_scheduled_job_archives_ended_groups_once(app, make_group):
    ended = make_group("Ended", ended=True)
    running = make_group("Running")
    assert archive_ended_groups() == 1
    assert archive_ended_groups() == 0
    db.session.expire_all()
    assert db.session.get(SubGroup, ended.id).status == "archived"
    assert db.session.get(SubGroup, running.id).status == "active"


def test_run_jobs_includes_the_archive_job(app, make_group):
    group = make_group(ended=True)
    result = app.test_cli_runner().invoke(args=["intranet", "run-jobs"])
    assert "ran subgroups.archive_ended" in result.output
    db.session.expire_all()
    assert db.session.get(SubGroup, group.id).status == "archived"


def test_extension_needs_a_reason_and_reopens_an_archived_group(
    client, member, make_group, make_user
):
    convenor = make_user("member")
    group = make_group(convenor=convenor, ended=True)
    archive_ended_groups()
    new_end = (today() + timedelta(days=200)).isoformat()
    sign_in(client, member)
    assert client.get(f"/subgroups/{group.id}/extend").status_code == 403
    sign_in(client, convenor)
    missing = client.submit(f"/subgroups/{group.id}/extend", {"new_end": new_end, "reason": ""})
    assert missing.status_code == 422
    assert "Give the reason for the extension." in missing.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Extension.id))) == 0
    done = client.submit(
        f"/subgroups/{group.id}/extend",
        {"new_end": new_end, "reason": "Prolonged by the task force meeting in Riga."},
    )
    assert done.status_code == 303
    db.session.expire_all()
    group = db.session.get(SubGroup, group.id)
    assert group.status == "active" and group.end_date.isoformat() == new_end
    assert "Prolonged by the task force meeting" in client.get(f"/subgroups/{group.id}").get_data(
        as_text=True
    )


def test_deactivated_users_leave_member_lists_but_keep_their_posts(
    app, member, make_group, make_thread
):
    from intranet.plugin_api import notify_event

    group = make_group(members=(member,))
    make_thread(group, member, body="Still here")
    notify_event("intranet_user_deactivated", user=member)
    assert states(group) == {}
    post = db.session.scalar(select(Post))
    assert post.author_id == member.id and post.body == "Still here"


def test_the_member_to_invite_is_found_by_name_and_guests_or_members_are_refused(
    client, make_user, make_group
):
    convenor = make_user("member")
    group = make_group(policy="invitation", convenor=convenor)
    wanted = make_user("member", name="Liis Tamm")
    guest = make_user("guest", name="Liis Guest")
    sign_in(client, convenor)
    url = f"/subgroups/{group.id}/invite"

    assert "Liis Tamm" not in client.get(url).get_data(as_text=True)
    found = client.submit(url, {"user_id_q": "tamm", "user_id_search": "1"}).get_data(as_text=True)
    assert f'type="radio" name="user_id" value="{wanted.id}"' in found
    assert wanted.id not in states(group)
    for refused in (guest.id, convenor.id):
        response = client.submit(url, {"user_id": refused})
        assert response.status_code == 422
        assert "Choose a member who is not in the sub-group yet." in response.text
    assert client.submit(url, {"user_id": wanted.id}).status_code == 303
    assert states(group)[wanted.id] == ("member", "invited")
