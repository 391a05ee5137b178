"""Privacy: download my data, the privacy notice and its acknowledgement, who sees which profile
field, and the administrators' record of processing."""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from intranet.extensions import db
from intranet.models import AuditEvent, utcnow
from intranet.platform import plugins
from intranet.platform.attachments import save_upload
from intranet.platform.audit import record
from intranet.platform.notifications import notify
from intranet.platform.storage import FileStore
from intranet.privacy.audiences import field_audiences
from intranet.privacy.export import PrivacyExport, process_exports
from intranet.privacy.notice import PrivacyAcknowledgement, PrivacyNotice
from intranet_subgroups.models import Membership, Post, SubGroup, Thread

PDF = b"%PDF-1.4\n% my curriculum vitae\n"


def wait_for_export(client, export_id: int, timeout: float = 30) -> str:
    """Poll the status fragment as htmx does, until it stops asking to be polled again."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fragment = client.get(
            f"/privacy/exports/{export_id}", headers={"HX-Request": "true"}
        ).get_data(as_text=True)
        if 'hx-trigger="every 1s"' not in fragment:
            return fragment
        time.sleep(0.1)
    raise AssertionError("the export did not finish in time")


def archive(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def export_ids(user) -> list[int]:
    return db.session.scalars(
        select(PrivacyExport.id).where(PrivacyExport.user_id == user.id).order_by(PrivacyExport.id)
    ).all()


def prepared_export(client, user) -> int:
    """`user` (signed in) asks for their data and waits until it is ready; the export's id."""
    client.submit("/privacy/export")
    [export_id] = export_ids(user)
    wait_for_export(client, export_id)
    return export_id


@pytest.fixture
def sheltered(config):
    """Exports wait for the scheduled job instead of a background thread."""
    config["PRIVACY_EXPORT_IN_BACKGROUND"] = False
    return config


@pytest.fixture
def member_with_history(app, member, make_user):
    """A member with a profile, a notification, an upload and a sub-group's posts."""
    member.phone = "+46 8 123 456 78"
    member.expertise = "labour exploitation"
    group = SubGroup(
        name="Labour exploitation",
        start_date=utcnow().date(),
        end_date=utcnow().date() + timedelta(days=90),
        status="active",
    )
    db.session.add(group)
    db.session.flush()
    db.session.add(Membership(group_id=group.id, user_id=member.id, role="convenor"))
    thread = Thread(group_id=group.id, title="Inspections", author_id=member.id)
    thread.posts.append(Post(author_id=member.id, body="Joint inspections work best."))
    db.session.add(thread)
    record("user.role_changed", target=f"user:{member.id}", actor=make_user("admin"))
    db.session.commit()
    with app.test_request_context():
        notify([member], "meetings.invited", "Plenary in Riga")
    save_upload(
        FileStorage(io.BytesIO(PDF), filename="cv.pdf"), "subgroups", "subgroups.group", 1, member
    )
    return member


# --- download my data ---------------------------------------------------------------------


def test_download_my_data_builds_in_the_background_and_holds_everything(
    client, member_with_history
):
    member = member_with_history
    plugins.set_enabled("subgroups", False)  # its data stays, so it is exported too
    client.login(member.email)

    response = client.submit("/privacy/export")

    assert response.status_code == 303
    [export_id] = export_ids(member)
    assert response.headers["Location"] == f"/privacy/exports/{export_id}"
    fragment = wait_for_export(client, export_id)
    assert "Your data is ready" in fragment
    with archive(client.get(f"/privacy/exports/{export_id}/file")) as zipped:
        document = json.loads(zipped.read("personal-data.json"))
        assert zipped.read("files/1-cv.pdf") == PDF
    sources = document["sources"]
    assert document["user"] == {"id": member.id, "email": member.email, "name": member.name}
    core = sources["core"]["data"]
    assert core["account"]["email"] == member.email
    assert "password_hash" not in json.dumps(document)
    assert core["directory_profile"]["phone"] == "+46 8 123 456 78"
    assert [item["title"] for item in core["notifications"]] == ["Plenary in Riga"]
    assert [event["action"] for event in core["login_history"]] == ["login"]
    assert "user.role_changed" in [event["action"] for event in core["audit_events"]]
    assert core["uploaded_files"][0]["file"] == "files/1-cv.pdf"
    assert sources["subgroups"]["state"] == "disabled"
    subgroups = sources["subgroups"]["data"]
    assert subgroups["memberships"][0]["role"] == "convenor"
    assert subgroups["posts"][0]["body"] == "Joint inspections work best."
    assert {"meetings", "lessons", "partners", "governance", "privacy"} <= set(sources)
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.like("privacy.export%"))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "privacy.export_requested",
        "privacy.export_ready",
        "privacy.export_downloaded",
    ]


def test_guests_download_their_data_too(client, make_user):
    guest = make_user("guest", name="Nora Partner")
    client.login(guest.email)
    assert "Download my data" in client.get("/privacy/export").get_data(as_text=True)
    export_id = prepared_export(client, guest)
    with archive(client.get(f"/privacy/exports/{export_id}/file")) as zipped:
        document = json.loads(zipped.read("personal-data.json"))
    assert document["sources"]["core"]["data"]["account"]["role"] == "guest"


def test_progress_polls_with_htmx_and_offers_a_reload_link_without_it(sheltered, client, member):
    client.login(member.email)
    client.submit("/privacy/export")
    client.submit("/privacy/export")  # a second click while waiting starts nothing new
    [export_id] = export_ids(member)

    page = client.get(f"/privacy/exports/{export_id}").get_data(as_text=True)
    fragment = client.get(f"/privacy/exports/{export_id}", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )

    assert "<html" in page and "<html" not in fragment
    for html in (page, fragment):
        assert "Waiting to start …" in html
        assert 'hx-trigger="every 1s"' in html
        assert f'href="/privacy/exports/{export_id}">Reload to see the progress' in html
        assert "<progress" in html
    assert client.get(f"/privacy/exports/{export_id}/file").status_code == 404


def test_the_scheduled_job_builds_waiting_exports_once(sheltered, app, client, member):
    client.login(member.email)
    client.submit("/privacy/export")
    [export_id] = export_ids(member)

    result = app.test_cli_runner().invoke(args=["intranet", "run-jobs"])

    assert "ran privacy.exports" in result.output
    export = db.session.get(PrivacyExport, export_id)
    db.session.refresh(export)
    assert export.status == "ready" and export.progress == 100
    with app.test_request_context():
        assert process_exports() == 0  # nothing left to do
    assert client.get(f"/privacy/exports/{export_id}/file").status_code == 200


def test_only_the_owner_may_see_or_download_an_export(client, member, make_user):
    client.login(member.email)
    export_id = prepared_export(client, member)
    client.submit("/logout")

    client.login(make_user("member").email)

    assert client.get(f"/privacy/exports/{export_id}").status_code == 404
    assert client.get(f"/privacy/exports/{export_id}/file").status_code == 404


def test_an_expired_archive_is_deleted_by_the_job(app, client, member):
    client.login(member.email)
    export_id = prepared_export(client, member)
    export = db.session.get(PrivacyExport, export_id)
    db.session.refresh(export)
    path = Path(app.instance_path, "exports") / export.storage_path
    assert path.read_bytes()[:2] == b"PK"
    export.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    with app.test_request_context():
        assert process_exports() == 1

    db.session.refresh(export)
    assert export.status == "expired" and export.storage_path is None
    assert not path.exists()
    assert client.get(f"/privacy/exports/{export_id}/file").status_code == 404
    assert "expired" in client.get(f"/privacy/exports/{export_id}").get_data(as_text=True)
    listed = client.get("/privacy/export").get_data(as_text=True)
    assert '"Status">Expired and deleted</td>' in listed
    assert db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == "privacy.export_deleted")
    )


def test_a_failing_export_is_marked_failed_not_left_running(sheltered, app, client, member):
    client.login(member.email)
    client.submit("/privacy/export")
    [export_id] = export_ids(member)
    app.extensions["intranet_store"] = FileStore(Path("/proc/not-writable"))

    with app.test_request_context():
        process_exports()

    export = db.session.get(PrivacyExport, export_id)
    db.session.refresh(export)
    assert export.status == "failed" and export.storage_path is None
    page = client.get(f"/privacy/exports/{export_id}").get_data(as_text=True)
    assert "failed" in page and 'hx-trigger="every 1s"' not in page
    assert '"Status">Failed</td>' in client.get("/privacy/export").get_data(as_text=True)


def test_profile_and_footer_link_to_my_data_and_the_notice(client, member):
    client.login(member.email)
    for url in ("/profile", f"/members/{member.id}", "/"):
        page = client.get(url).get_data(as_text=True)
        assert 'href="/privacy/export"' in page, url
        assert 'href="/privacy"' in page or "/profile#who-sees-what" in page, url


# --- the privacy notice -------------------------------------------------------------------


def publish(client, body: str, changes: str = "") -> object:
    return client.submit("/admin/privacy/notice", {"body": body, "changes": changes})


def test_everyone_reads_the_notice_even_before_one_is_published(client):
    page = client.get("/privacy")
    assert page.status_code == 200
    assert "Your rights" in page.get_data(as_text=True)


def test_the_admin_publishes_versions_in_markdown_sanitised(client, admin):
    client.login(admin.email)
    assert (
        publish(client, "We keep **little**.<script>alert(1)</script>", "First").status_code == 303
    )
    publish(client, "We keep *less*.", "Shorter")

    notices = db.session.scalars(select(PrivacyNotice).order_by(PrivacyNotice.version)).all()
    assert [(n.version, n.changes) for n in notices] == [(1, "First"), (2, "Shorter")]
    client.submit("/logout")
    page = client.get("/privacy").get_data(as_text=True)
    assert "<em>less</em>" in page and "Version 2" in page
    assert "<script>alert" not in page
    first = client.get("/privacy/versions/1").get_data(as_text=True)
    assert "<strong>little</strong>" in first and "<script>alert" not in first
    assert client.get("/privacy/versions/3").status_code == 404


def test_an_empty_notice_is_refused_and_what_was_typed_kept(client, admin):
    client.login(admin.email)
    response = publish(client, "", "Meeting records")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Meeting records"' in page and "This field is required" in page
    assert db.session.scalar(select(PrivacyNotice.id)) is None


def test_members_cannot_edit_the_notice(client, member):
    client.login(member.email)
    assert client.get("/admin/privacy/notice").status_code == 403
    assert publish(client, "Mine now").status_code == 403


def test_a_new_version_must_be_acknowledged_before_anything_else(client, admin, member):
    client.login(admin.email)
    publish(client, "Version one.")
    client.submit("/logout")

    client.login(member.email)
    response = client.get("/directory")
    assert response.status_code == 302
    assert response.headers["Location"] == "/privacy?next=/directory"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "I have read the privacy notice" in page and "Version one." in page
    assert client.submit("/notifications/read-all").status_code == 403
    assert client.get("/directory", headers={"HX-Request": "true"}).status_code == 403
    notice = db.session.scalar(select(PrivacyNotice))

    response = client.submit("/privacy/acknowledge", {"notice_id": notice.id, "next": "/directory"})

    assert response.status_code == 303 and response.headers["Location"] == "/directory"
    assert client.get("/directory").status_code == 200
    [ack] = db.session.scalars(
        select(PrivacyAcknowledgement).where(PrivacyAcknowledgement.user_id == member.id)
    ).all()
    assert (ack.user_id, ack.notice.version) == (member.id, 1) and ack.acknowledged_at
    client.submit("/logout")

    client.login(admin.email)  # the publisher acknowledged their own version
    assert client.get("/directory").status_code == 200
    publish(client, "Version two.")
    client.submit("/logout")
    client.login(member.email)
    assert client.get("/directory").status_code == 302


def test_sign_out_works_without_acknowledging(client, admin, member):
    client.login(admin.email)
    publish(client, "Version one.")
    client.submit("/logout")
    client.login(member.email)
    response = client.submit("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_acknowledging_an_outdated_version_asks_again(client, admin, member):
    client.login(admin.email)
    publish(client, "Version one.")
    first = db.session.scalar(select(PrivacyNotice.id))
    publish(client, "Version two.")
    client.submit("/logout")
    client.login(member.email)
    response = client.submit("/privacy/acknowledge", {"notice_id": first})
    assert response.headers["Location"] == "/privacy"
    assert (
        db.session.scalar(
            select(PrivacyAcknowledgement.id).where(PrivacyAcknowledgement.user_id == member.id)
        )
        is None
    )


# --- who sees which field -----------------------------------------------------------------


def audience(member, label: str):
    return next(row for row in field_audiences(member) if row.label == label)


def test_each_profile_field_says_who_sees_it(app, client, member):
    member.phone = "+371 200 000 00"
    member.phone_visibility = "hidden"
    db.session.commit()

    phone = audience(member, "Phone")
    email = audience(member, "Email")
    assert phone.seen_by == ["the secretariat", "administrators"]
    assert phone.not_seen_by == ["members", "guests"]
    assert email.seen_by == ["members", "the secretariat", "administrators"]
    assert email.not_seen_by == ["guests"]
    assert audience(member, "Notification preference").seen_by == []
    assert audience(member, "Position").not_seen_by == ["other guests"]

    member.phone_visibility = "members"
    assert audience(member, "Phone").not_seen_by == ["guests"]

    client.login(member.email)
    page = client.get("/profile").get_data(as_text=True)
    assert "Who sees what" in page
    assert re.search(r'<th[^>]*scope="row">Phone</th>', page)


# --- the record of processing -------------------------------------------------------------


def test_admins_see_which_plugins_hold_personal_data(client, admin):
    plugins.set_enabled("meetings", False)
    client.login(admin.email)
    page = client.get("/admin/privacy").get_data(as_text=True)
    for category in (
        "Directory profile",
        "Sub-group memberships",
        "Meeting participation",
        "Lessons, initiatives and their revisions",
        "Invitations",
        "Chairpersons",
        "Data export requests",
    ):
        assert category in page
    assert 'meetings <span class="badge badge-off">disabled</span>' in page


def test_members_do_not_see_the_record_of_processing(client, member):
    client.login(member.email)
    assert client.get("/admin/privacy").status_code == 403


def test_every_plugin_that_exports_personal_data_declares_its_kinds(app):
    hook = plugins.registry().pm.hook
    exporters = {impl.plugin_name for impl in hook.intranet_personal_data.get_hookimpls()}
    declared = dict(
        plugins.results("intranet_personal_data_kinds", include=plugins.registry().plugins)
    )
    assert exporters - set(declared) == set()
    assert all(kinds for kinds in declared.values())


def test_two_factor_enrolment_comes_first_without_a_redirect_loop(app, client, make_user):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = ("member",)
    db.session.add(PrivacyNotice(version=1, body="Version one."))
    db.session.commit()
    enrolling = make_user("member")
    client.login(enrolling.email)

    assert client.get("/").headers["Location"] == "/account/security"
    assert client.get("/account/security").status_code == 200
    assert client.get("/privacy").status_code == 200


def test_erasure_removes_the_archives_and_acknowledgements(app, client, member):
    db.session.add(PrivacyNotice(version=1, body="Version one."))
    db.session.commit()
    client.login(member.email)
    notice_id = db.session.scalar(select(PrivacyNotice.id))
    client.submit("/privacy/acknowledge", {"notice_id": notice_id})
    prepared_export(client, member)
    archives = list(Path(app.instance_path, "exports").iterdir())
    assert len(archives) == 1

    plugins.notify_event("intranet_erase_personal_data", user=member)
    db.session.commit()

    assert export_ids(member) == [] and not archives[0].exists()
    assert db.session.scalar(select(PrivacyAcknowledgement.id)) is None
