"""Who is told about what: in-app notifications and mails for "immediate" users."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from intranet.plugin_api import Notification, db
from intranet_subgroups import notices
from intranet_subgroups.models import Membership, SubGroup, today
from intranet_subgroups.services import archive_ended_groups
from tests.plugins.subgroups.conftest import sign_in


def told(kind: str) -> set[int]:
    """The ids of the users who got an in-app notification of `kind`."""
    return set(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def mailed_to(outbox) -> list[str]:
    return sorted(message["To"] for message in outbox())


@pytest.fixture
def people(make_user, member):
    return {
        "convenor": make_user("member", email="conv@example.org", name="Carl Convenor"),
        "member": member,
        "other": make_user("member", email="other@example.org", name="Olga Other"),
        "quiet": make_user("member", email="quiet@example.org", notification_preference="none"),
        "outsider": make_user("member", email="out@example.org"),
    }


def test_new_thread_tells_active_members_but_not_the_author(client, people, make_group, outbox):
    p = people
    group = make_group(convenor=p["convenor"], members=(p["member"], p["other"], p["quiet"]))
    db.session.add(Membership(group_id=group.id, user_id=p["outsider"].id, state="requested"))
    db.session.commit()
    sign_in(client, p["member"])
    client.submit(f"/subgroups/{group.id}/threads/new", {"title": "Agenda", "body": "Ideas?"})
    assert told("subgroups.thread") == {p["convenor"].id, p["other"].id, p["quiet"].id}
    assert mailed_to(outbox) == ["conv@example.org", "other@example.org"]
    note = db.session.scalar(select(Notification).where(Notification.user_id == p["other"].id))
    assert note.url.startswith("/subgroups/threads/") and "Agenda" in note.title


def test_reply_tells_participants_and_members_except_the_author(
    client, people, make_group, make_thread, outbox
):
    p = people
    group = make_group(convenor=p["convenor"], members=(p["member"],))
    thread = make_thread(group, p["convenor"])
    # Someone who wrote in the thread and later left still hears about replies.
    db.session.execute(
        Membership.__table__.insert().values(
            group_id=group.id, user_id=p["other"].id, role="member", state="active"
        )
    )
    db.session.commit()
    sign_in(client, p["other"])
    client.submit(f"/subgroups/threads/{thread.id}/reply", {"body": "Me too"})
    client.submit(f"/subgroups/{group.id}/leave", {"confirm": "yes"})
    before = len(outbox())
    sign_in(client, p["member"])
    client.submit(f"/subgroups/threads/{thread.id}/reply", {"body": "Agreed"})
    replies = set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.kind == "subgroups.reply", Notification.text.contains("Maria")
            )
        )
    )
    assert replies == {p["convenor"].id, p["other"].id}
    assert sorted(m["To"] for m in outbox()[before:]) == ["conv@example.org", "other@example.org"]


def test_post_mails_are_answerable_by_mail(app, client, people, make_group, make_thread, outbox):
    from intranet.platform import replies as reply_addresses

    p = people
    group = make_group(convenor=p["convenor"], members=(p["member"], p["other"]))
    thread = make_thread(group, p["convenor"])
    app.config["REPLY_DOMAIN"] = "reply.example.org"
    sign_in(client, p["member"])
    client.submit(f"/subgroups/threads/{thread.id}/reply", {"body": "Agreed"})
    mails = {m["To"]: m for m in outbox()}
    assert set(mails) == {"conv@example.org", "other@example.org"}
    for person in (p["convenor"], p["other"]):
        message = mails[person.email]
        token = reply_addresses.token_from_address(message["Reply-To"])
        assert reply_addresses.verify_token(token) == (person, f"subgroups.thread:{thread.id}")
        thread_id = f"<subgroups-thread-{thread.id}@reply.example.org>"
        assert message["In-Reply-To"] == message["References"] == thread_id
    assert mails["conv@example.org"]["Reply-To"] != mails["other@example.org"]["Reply-To"]


def test_no_reply_to_without_a_reply_domain(app, client, people, make_group, make_thread, outbox):
    group = make_group(convenor=people["convenor"], members=(people["member"],))
    thread = make_thread(group, people["convenor"])
    app.config["REPLY_DOMAIN"] = ""
    sign_in(client, people["member"])
    client.submit(f"/subgroups/threads/{thread.id}/reply", {"body": "Agreed"})
    (message,) = outbox()
    assert message["Reply-To"] is None and message["In-Reply-To"] is None


def test_join_request_and_answer(client, people, make_group, outbox):
    p = people
    group = make_group(policy="request", convenor=p["convenor"], members=(p["other"],))
    sign_in(client, p["member"])
    client.submit(f"/subgroups/{group.id}/join")
    assert told("subgroups.join_request") == {p["convenor"].id}
    assert mailed_to(outbox) == ["conv@example.org"]
    request_ = db.session.scalar(select(Membership).where(Membership.user_id == p["member"].id))
    sign_in(client, p["convenor"])
    client.submit(f"/subgroups/{group.id}/requests/{request_.id}/approve")
    assert told("subgroups.request_approved") == {p["member"].id}
    assert "member@example.org" in mailed_to(outbox)
    sign_in(client, p["outsider"])
    client.submit(f"/subgroups/{group.id}/join")
    request_ = db.session.scalar(select(Membership).where(Membership.user_id == p["outsider"].id))
    sign_in(client, p["convenor"])
    client.submit(f"/subgroups/{group.id}/requests/{request_.id}/decline")
    assert told("subgroups.request_declined") == {p["outsider"].id}
    assert "out@example.org" in mailed_to(outbox)


def test_invitation_tells_the_invited_member(client, people, make_group, outbox):
    p = people
    group = make_group(policy="invitation", convenor=p["convenor"])
    sign_in(client, p["convenor"])
    client.submit(f"/subgroups/{group.id}/invite", {"user_id": p["member"].id})
    assert told("subgroups.invited") == {p["member"].id}
    assert mailed_to(outbox) == ["member@example.org"]


def test_proposal_goes_to_the_secretariat_and_the_decision_back(
    client, people, secretariat, make_user, outbox
):
    p = people
    other_staff = make_user("secretariat", email="sec2@example.org")
    sign_in(client, p["member"])
    client.submit(
        "/subgroups/propose",
        {
            "name": "Online recruitment",
            "kind": "topic",
            "mandate": "Recruitment of victims through social media.",
            "start_date": today().isoformat(),
            "end_date": (today() + timedelta(days=300)).isoformat(),
            "join_policy": "open",
        },
    )
    assert told("subgroups.proposed") == {secretariat.id, other_staff.id}
    assert mailed_to(outbox) == ["sec2@example.org", "sec@example.org"]
    group = db.session.scalar(select(SubGroup))
    db.session.add(Membership(group_id=group.id, user_id=p["other"].id, role="convenor"))
    db.session.commit()
    sign_in(client, secretariat)
    client.submit(f"/subgroups/{group.id}/approve")
    assert told("subgroups.approved") == {p["member"].id, p["other"].id}
    assert secretariat.id not in told("subgroups.approved")


def test_rejection_tells_the_proposer(client, people, secretariat, make_group):
    group = make_group(status="proposed", convenor=people["member"])
    group.created_by_id = people["member"].id
    db.session.commit()
    sign_in(client, secretariat)
    client.submit(f"/subgroups/{group.id}/reject")
    assert told("subgroups.rejected") == {people["member"].id}


def test_staff_creating_a_group_tells_no_secretariat(client, secretariat, make_user):
    make_user("secretariat", email="sec2@example.org")
    sign_in(client, secretariat)
    client.submit(
        "/subgroups/propose",
        {
            "name": "Direct",
            "kind": "topic",
            "mandate": "Created by staff.",
            "start_date": "2030-01-01",
            "end_date": "2030-12-31",
            "join_policy": "open",
        },
    )
    assert told("subgroups.proposed") == set()


def test_extension_tells_the_members(client, people, make_group, outbox):
    p = people
    group = make_group(convenor=p["convenor"], members=(p["member"],))
    sign_in(client, p["convenor"])
    client.submit(
        f"/subgroups/{group.id}/extend",
        {"new_end": (today() + timedelta(days=400)).isoformat(), "reason": "More work."},
    )
    assert told("subgroups.extended") == {p["member"].id}
    assert mailed_to(outbox) == ["member@example.org"]


def test_the_archive_job_tells_the_convenors(app, people, make_group, outbox):
    p = people
    group = make_group(convenor=p["convenor"], members=(p["member"],), ended=True)
    with app.test_request_context():
        assert archive_ended_groups() == 1
        assert archive_ended_groups() == 0
    assert told("subgroups.archived") == {p["convenor"].id}
    assert mailed_to(outbox) == ["conv@example.org"]
    assert group.name in outbox()[0]["Subject"]


def test_the_warning_goes_once_14_days_before_the_end(app, people, secretariat, make_group, outbox):
    p = people
    soon = make_group("Ending soon", convenor=p["convenor"], members=(p["member"],))
    soon.end_date = today() + timedelta(days=14)
    later = make_group("Ending later", convenor=p["other"])
    later.end_date = today() + timedelta(days=15)
    db.session.commit()
    with app.test_request_context():
        assert notices.warn_ending_groups() == 1
        assert notices.warn_ending_groups() == 0
    assert told("subgroups.ending") == {p["convenor"].id, secretariat.id}
    assert mailed_to(outbox) == ["conv@example.org", "sec@example.org"]
    # Extended into the window again later: a new end date gets its own warning.
    soon = db.session.get(SubGroup, soon.id)
    soon.end_date = today() + timedelta(days=10)
    db.session.commit()
    with app.test_request_context():
        assert notices.warn_ending_groups() == 1
    assert len(outbox()) == 4


def test_run_jobs_includes_the_daily_warning(app, make_group):
    result = app.test_cli_runner().invoke(args=["intranet", "run-jobs"])
    assert "ran subgroups.warn_ending" in result.output
