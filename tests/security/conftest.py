"""A demo installation shared by a test module: the demo data of every plugin, two guests with
grants of their own, one logged-in browser per role, and the ids of real objects to ask for.

Guest "guest" is granted one sub-group, one meeting, one lesson and one example note; guest
"guest_other" is granted another of each. The first guest is also granted the demo's recurring
series and owns a finished "Download my data" archive. A privacy notice is published and every
user has acknowledged it (else every page would send them to the notice first); someone has
asked for their account to be erased. Every object route is asked for with an object of the
first guest's grants, so the second guest is the one who must not get in (no IDOR).
"""

from __future__ import annotations

import io
import shutil
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from intranet import create_app
from intranet.accounts.auth import RESET_PURPOSE
from intranet.accounts.security import issue_token
from intranet.directory.photos import set_photo
from intranet.extensions import db
from intranet.models import Organisation, User
from intranet.platform.attachments import save_upload
from intranet.platform.demo import DEMO_PASSWORD, create_demo_data, demo_email
from intranet.platform.mail import queue_mail
from intranet.platform.notifications import Notification, notify
from intranet.plugin_api import GrantableResource, ResourceRef
from intranet.privacy import export as privacy_export
from intranet.privacy.erasure import ErasureRequest
from intranet.privacy.export import PrivacyExport
from intranet.privacy.notice import PrivacyAcknowledgement, PrivacyNotice
from intranet.testing import sample_photo
from intranet_example import ExampleNote
from intranet_governance.models import ChairPeriod, Proposal, Report, Revision
from intranet_lessons.models import AttachmentShare, Initiative, Lesson
from intranet_meetings.calendar import series_occurrences
from intranet_meetings.models import (
    ActionItem,
    AgendaItem,
    Decision,
    FeedToken,
    Meeting,
    Minutes,
)
from intranet_meetings.services import token_digest
from intranet_partners import service as partners
from intranet_partners.models import Grant, Guest
from intranet_subgroups.models import Membership, Post, SubGroup, Thread
from tests.conftest import POSTGRES_URL, Client, _postgres_admin, _postgres_url, base_config
from tests.partner_helpers import make_guest
from tests.security.crawler import Form
from tests.security.world_state import post_forms

ROLES = ("anonymous", "guest", "guest_other", "member", "secretariat", "admin")
FEED_TOKEN = "feed-token-of-the-granted-guest-0123456789abcdef"


@pytest.fixture(scope="module")
def demo_database(
    database_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A copy of the migrated template for this module alone."""
    if POSTGRES_URL:
        name = f"intranet_authz_{uuid.uuid4().hex[:8]}"
        admin = _postgres_admin()
        with admin.connect() as connection:
            template = f'TEMPLATE "{database_template}" STRATEGY FILE_COPY'
            connection.execute(sa.text(f'CREATE DATABASE "{name}" {template}'))
        yield _postgres_url(name)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("authz") / "demo.db"
        shutil.copyfile(database_template, path)
        yield f"sqlite:///{path}"


@pytest.fixture(scope="module")
def demo_app(demo_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(base_config(tmp_path_factory.mktemp("authz-instance"), demo_database))
    app.test_client_class = Client
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def upload(owner: str, kind: str, object_id: int, uploader: User, name: str) -> int:
    data = FileStorage(stream=io.BytesIO(b"Notes of the task force.\n"), filename=name)
    return save_upload(data, owner, kind, object_id, uploader).id


def grantable(kind: str, object_id: int, label: str) -> GrantableResource:
    return GrantableResource(ResourceRef(kind, object_id), label, "/")


def plain_member(excluded: set[int]) -> User:
    """A member who convenes, authors, sponsors and chairs nothing: the role default alone."""
    return db.session.scalars(
        select(User).where(User.role == "member", User.id.not_in(excluded)).order_by(User.id.desc())
    ).first()


def finished_export(owner: User) -> PrivacyExport:
    """A "Download my data" archive of `owner`, built by the export module itself."""
    export = PrivacyExport(user_id=owner.id, status=privacy_export.PENDING)
    db.session.add(export)
    db.session.commit()
    assert privacy_export.run_export(export.id)
    db.session.refresh(export)
    assert export.downloadable, (export.status, export.error)
    return export


def publish_notice(publisher: User) -> PrivacyNotice:
    """A published privacy notice, acknowledged by every user there is."""
    notice = PrivacyNotice(
        version=1, body="## Privacy notice\n\nWhat we keep.", published_by_id=publisher.id
    )
    db.session.add(notice)
    db.session.flush()
    db.session.add_all(
        PrivacyAcknowledgement(user_id=user_id, notice_id=notice.id)
        for user_id in db.session.scalars(select(User.id))
    )
    db.session.commit()
    return notice


def build_world(app: Flask) -> dict[str, Any]:
    """Demo data plus what the demo lacks (documents, notes, notifications), and the ids."""
    create_demo_data()
    users = {u.email: u for u in db.session.scalars(select(User))}
    admin = users[demo_email("admin")]
    secretariat = users[demo_email("secretariat")]

    group, other_group = db.session.scalars(
        select(SubGroup).where(SubGroup.id.in_(select(Thread.group_id))).order_by(SubGroup.id)
    ).all()[:2]
    thread = db.session.scalars(select(Thread).where(Thread.group_id == group.id)).first()
    post = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).first()
    meeting, other_meeting = db.session.scalars(
        select(Meeting)
        .where(Meeting.id.in_(select(Minutes.meeting_id)))
        .where(Meeting.id.in_(select(ActionItem.meeting_id)))
        .order_by(Meeting.id)
    ).all()[:2]
    series_meeting = db.session.scalars(
        select(Meeting).where(Meeting.rrule.is_not(None)).order_by(Meeting.id)
    ).first()
    occurrence = next(o for o in series_occurrences(series_meeting) if o.override is None)
    agenda_item = db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
    ).first()
    action_item = db.session.scalars(
        select(ActionItem).where(ActionItem.meeting_id == meeting.id)
    ).first()
    decision = db.session.scalars(
        select(Decision).where(Decision.meeting_id == meeting.id).order_by(Decision.id)
    ).first()
    lesson, other_lesson = db.session.scalars(
        select(Lesson)
        .where(Lesson.status == "published", Lesson.sharing == "taskforce")
        .order_by(Lesson.id)
    ).all()[:2]
    public_lesson = db.session.scalars(
        select(Lesson).where(Lesson.status == "published", Lesson.sharing == "public")
    ).first()
    note = ExampleNote(text="Granted note on shelter capacity", author_id=admin.id)
    other_note = ExampleNote(text="Another guest's note", author_id=admin.id)
    db.session.add_all([note, other_note])
    db.session.commit()

    guest = make_guest(
        "Greta Granted",
        secretariat,
        [
            grantable("subgroups.group", group.id, group.name),
            grantable("meetings.meeting", meeting.id, meeting.title),
            grantable("meetings.meeting", series_meeting.id, series_meeting.title),
            grantable("lessons.lesson", lesson.id, lesson.title),
            grantable("example.note", note.id, note.text),
        ],
    )
    guest_other = make_guest(
        "Otto Other",
        secretariat,
        [
            grantable("subgroups.group", other_group.id, other_group.name),
            grantable("meetings.meeting", other_meeting.id, other_meeting.title),
            grantable("lessons.lesson", other_lesson.id, other_lesson.title),
            grantable("example.note", other_note.id, other_note.text),
        ],
    )
    action_item.owner_user_id = guest.id
    action_item.owner_country = None
    db.session.add(FeedToken(user_id=guest.id, token_hash=token_digest(FEED_TOKEN)))
    db.session.commit()

    convenor = next(m.user for m in group.memberships if m.role == "convenor")
    other_people = {m.user_id for m in other_group.memberships} | {
        p.user_id for p in other_meeting.participants
    }
    group_member = next(
        m.user
        for m in group.memberships
        if m.state == "active" and m.user_id not in other_people and not m.user.is_staff
    )
    chairs = {
        person.id
        for period in db.session.scalars(select(ChairPeriod))
        for person in period.chairpersons
    }
    busy = (
        chairs
        | {m.user_id for m in db.session.scalars(select(Membership))}
        | set(db.session.scalars(select(Lesson.author_id)))
        | set(db.session.scalars(select(Initiative.author_id)))
        | set(db.session.scalars(select(Guest.sponsor_id)))
    )
    member = plain_member(busy)

    group_document = upload("subgroups", "subgroups.group", group.id, convenor, "group.txt")
    agenda_document = upload(
        "meetings", "meetings.agenda_item", agenda_item.id, secretariat, "agenda.txt"
    )
    lesson_document = upload("lessons", "lessons.lesson", lesson.id, secretariat, "lesson.txt")
    public_document = upload(
        "lessons", "lessons.lesson", public_lesson.id, secretariat, "public.txt"
    )
    db.session.add_all(
        [
            AttachmentShare(attachment_id=lesson_document, sharing="partners"),
            AttachmentShare(attachment_id=public_document, sharing="public"),
        ]
    )
    db.session.commit()
    notify([guest], "example.test", "Something for the granted guest", url="/")
    notification = db.session.scalars(
        select(Notification).where(Notification.user_id == guest.id)
    ).first()
    invitation, invite_token = partners.create_invitation(
        partners.Invitee("Ida Invited", "ida@partner.example", "Partner organisation", "ngo"),
        sponsor=secretariat,
        message="Join us.",
        resources=[grantable("subgroups.group", group.id, group.name)],
        access_ends_on=partners.today() + timedelta(days=90),
    )
    db.session.commit()
    revision = db.session.scalars(select(Revision).order_by(Revision.id)).first()
    proposal = Proposal(
        document=revision.document,
        body=revision.body + "\n\nOne more objective.",
        reason="Matrix test",
        base_number=revision.number,
        proposer_id=convenor.id,
    )
    db.session.add(proposal)
    db.session.commit()
    draft_report = Report(
        title="Draft activity report",
        start=partners.today() - timedelta(days=365),
        end=partners.today(),
        created_by_id=secretariat.id,
    )
    db.session.add(draft_report)
    db.session.commit()
    reset_token = issue_token(convenor, RESET_PURPOSE, timedelta(hours=1))
    db.session.commit()
    set_photo(group_member, io.BytesIO(sample_photo()))
    erasure_request = ErasureRequest(user_id=group_member.id, reason="Matrix test")
    db.session.add(erasure_request)
    failed_mail = queue_mail(guest.email, "Matrix test", "Text")
    failed_mail.status = "failed"
    db.session.commit()
    export = finished_export(guest)
    notice = publish_notice(admin)

    return {
        "logins": {
            "guest": guest.email,
            "guest_other": guest_other.email,
            "member": member.email,
            "secretariat": secretariat.email,
            "admin": admin.email,
        },
        "password": DEMO_PASSWORD,
        "values": {
            "group_id": group.id,
            "thread_id": thread.id,
            "post_id": post.id,
            "membership_id": next(m.id for m in group.memberships if m.user_id == group_member.id),
            "group_document": group_document,
            "meeting_id": meeting.id,
            "agenda_item": agenda_item.id,
            "action_item": action_item.id,
            "decision": decision.id,
            "agenda_document": agenda_document,
            "lesson_id": lesson.id,
            "lesson_document": lesson_document,
            "public_lesson": public_lesson.id,
            "public_document": public_document,
            "initiative_id": db.session.scalar(select(Initiative.id).order_by(Initiative.id)),
            "note_id": note.id,
            "member_id": group_member.id,
            "guest_id": guest.id,
            "grant_id": db.session.scalar(select(Grant.id).where(Grant.guest_id == guest.id)),
            "invitation_id": invitation.id,
            "invite_token": invite_token,
            "feed_token": FEED_TOKEN,
            "notification_id": notification.id,
            "user_id": member.id,
            "period_id": db.session.scalar(select(ChairPeriod.id).order_by(ChairPeriod.id)),
            "report_id": db.session.scalar(
                select(Report.id).where(Report.submitted_at.is_not(None)).order_by(Report.id)
            ),
            "draft_report": draft_report.id,
            "proposal_id": proposal.id,
            "reset_token": reset_token,
            "submitted_lesson": db.session.scalar(
                select(Lesson.id).where(Lesson.status == "submitted").order_by(Lesson.id)
            ),
            "changed_lesson": db.session.scalar(
                select(Lesson.id).where(Lesson.pending_revision.is_not(None)).order_by(Lesson.id)
            ),
            "document": revision.document,
            "number": revision.number,
            "organisation_id": db.session.scalar(select(Organisation.id).order_by(Organisation.id)),
            "code": "SE",
            "series_meeting": series_meeting.id,
            "occurrence_day": occurrence.day.isoformat(),
            "notice_version": notice.version,
            "privacy_export": export.id,
            "erasure_request": erasure_request.id,
            "failed_mail": failed_mail.id,
        },
        "granted_names": [group.name, meeting.title, lesson.title, note.text],
        "other_meeting_title": other_meeting.title,
    }


@pytest.fixture(scope="module")
def world(demo_app: Flask) -> dict[str, Any]:
    with demo_app.test_request_context("/"):
        world = build_world(demo_app)
    browsers = {"anonymous": demo_app.test_client()}
    for role, email in world["logins"].items():
        browser = demo_app.test_client()
        response = browser.login(email, world["password"])
        assert response.status_code in (302, 303), (role, response.status_code)
        browsers[role] = browser
    world["browsers"] = browsers
    world["tokens"] = {role: browser.csrf_token() for role, browser in browsers.items()}
    return world


@pytest.fixture(scope="module")
def forms(demo_app: Flask, world: dict[str, Any]) -> dict[str, Form]:
    """Each POST route's own form, as its GET page renders it, by the path it posts to."""
    return post_forms(demo_app, world)


@pytest.fixture
def demo(app: Flask) -> dict[str, User]:
    """The demo data of the core and every plugin, in the test's own database (for the XSS and
    form-fuzzing tests, which change it); returns the demo users by key."""
    with app.test_request_context():
        create_demo_data()
    keys = ("admin", "secretariat", "member_se", "member_fi")
    return {
        key: db.session.scalar(select(User).where(User.email == demo_email(key))) for key in keys
    }


@pytest.fixture
def sign_in(client: Any) -> Any:
    def sign_in_as(user: User) -> Any:
        response = client.login(user.email, DEMO_PASSWORD)
        assert response.status_code in (302, 303), response.status_code
        return client

    return sign_in_as
