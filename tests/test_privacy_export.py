"""What "Download my data" hands out: nothing once the archive expired, even before the clean-up
job ran, and in every plugin's section the person's own records, not just the section's keys."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from intranet.extensions import db
from intranet.models import User, utcnow
from intranet.platform.demo import create_demo_data
from intranet.privacy.export import PrivacyExport, personal_data_document
from intranet_governance.models import Revision
from intranet_lessons.models import Lesson
from intranet_meetings.models import Participant
from intranet_partners.models import Invitation
from intranet_subgroups.models import Membership, Post
from tests.test_privacy import prepared_export


@pytest.fixture
def hour_long_exports(config):
    config["PRIVACY_EXPORT_HOURS"] = 1


def test_an_expired_archive_does_not_download_even_before_the_job_ran(
    hour_long_exports, app, client, member
):
    client.login(member.email)
    export_id = prepared_export(client, member)
    export = db.session.get(PrivacyExport, export_id)
    db.session.refresh(export)
    path = Path(app.instance_path, "exports") / export.storage_path
    assert client.get(f"/privacy/exports/{export_id}/file").status_code == 200

    with time_machine.travel(utcnow() + timedelta(minutes=61), tick=True):
        assert client.get(f"/privacy/exports/{export_id}/file").status_code == 404

    assert path.exists(), "the clean-up job has not run: the file is still there"


@pytest.fixture
def demo_world(app):
    with app.test_request_context():
        create_demo_data()


def busiest(user_column, *where) -> User:
    """The user with the most rows in `user_column`'s table (ties: the lowest id)."""
    user_id = db.session.execute(
        select(user_column)
        .where(user_column.is_not(None), *where)
        .group_by(user_column)
        .order_by(func.count().desc(), user_column)
        .limit(1)
    ).scalar_one()
    return db.session.get(User, user_id)


def section(user: User, plugin: str) -> dict:
    return personal_data_document(user)["sources"][plugin]["data"]


def test_each_plugin_section_holds_the_persons_own_records(demo_world):
    author = busiest(Lesson.author_id)
    titles = db.session.scalars(select(Lesson.title).where(Lesson.author_id == author.id)).all()
    assert sorted(item["title"] for item in section(author, "lessons")["lessons"]) == sorted(titles)

    invited = busiest(Participant.user_id)
    meetings = section(invited, "meetings")["participations"]
    expected = db.session.scalar(select(func.count()).where(Participant.user_id == invited.id))
    assert len(meetings) == expected and all(item["meeting"] for item in meetings)

    member = busiest(Membership.user_id)
    groups = section(member, "subgroups")
    expected = db.session.scalar(select(func.count()).where(Membership.user_id == member.id))
    assert len(groups["memberships"]) == expected
    bodies = db.session.scalars(select(Post.body).where(Post.author_id == member.id)).all()
    assert sorted(post["body"] for post in groups["posts"]) == sorted(bodies)

    editor = busiest(Revision.author_id)
    numbers = db.session.scalars(select(Revision.number).where(Revision.author_id == editor.id))
    revisions = section(editor, "governance")["revisions"]
    assert sorted(r["number"] for r in revisions) == sorted(numbers.all())

    sponsor = busiest(Invitation.sponsor_id)
    sent = db.session.scalar(select(func.count()).where(Invitation.sponsor_id == sponsor.id))
    assert len(section(sponsor, "partners")["invitations_sent"]) == sent

    assert section(author, "core")["account"]["email"] == author.email
