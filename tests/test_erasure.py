"""Erasure of an account: asked by the member, decided by the secretariat, or done by an admin;
refused while duties are not handed over; retention erases old deactivated accounts."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from intranet.extensions import db
from intranet.models import AuditEvent, AuthToken, LoginAttempt, RecoveryCode, User, utcnow
from intranet.platform import plugins
from intranet.platform.notifications import Notification, notify
from intranet.plugin_api import hookimpl
from intranet.privacy.erasure import (
    ErasureRefused,
    ErasureRequest,
    blockers,
    erase_account,
    retention_candidates,
    run_retention,
)
from tests.erasure_helpers import EMAIL, NAME, assert_forgotten, make_person


@pytest.fixture
def person(make_user):
    return make_person(make_user, position="Senior adviser", bio="Works on labour exploitation.")


@pytest.fixture
def secretariat(make_user):
    return make_user("secretariat", email="sec@example.org", name="Sofia Secretariat")


def test_a_member_asks_and_the_secretariat_confirms(app, client, person, secretariat, make_user):
    client.login(EMAIL)
    page = client.get("/profile/erasure")
    assert "Ask for my account to be erased" in page.get_data(as_text=True)
    response = client.submit("/profile/erasure", {"reason": "I left the ministry.", "confirm": "y"})
    assert response.status_code == 303
    assert "The secretariat will confirm" in client.get("/profile/erasure").get_data(as_text=True)

    staff = app.test_client()
    staff.login("sec@example.org")
    listing = staff.get("/admin/erasure").get_data(as_text=True)
    assert NAME in listing and "I left the ministry." in listing
    request = db.session.scalar(select(ErasureRequest))
    response = staff.submit(
        f"/admin/erasure/{request.id}/confirm", {f"request-{request.id}-confirm": "y"}
    )
    assert response.status_code == 303

    db.session.expire_all()
    erased = db.session.get(User, person.id)
    assert erased.name == "Former member"
    assert erased.email == f"erased-{person.id}@erased.invalid"
    assert (erased.phone, erased.position, erased.bio, erased.password_hash) == (None,) * 4
    assert not erased.is_active and erased.erased_at is not None
    assert db.session.get(ErasureRequest, request.id).status == "confirmed"
    assert db.session.get(ErasureRequest, request.id).decided_by_id == secretariat.id
    told = db.session.scalar(select(Notification).where(Notification.user_id == secretariat.id))
    assert told.title == "Former member asks for their account to be erased"
    assert told.url == "/admin/erasure"
    assert db.session.get(ErasureRequest, request.id).reason == ""
    # The member's session ended: their next request is sent to the login page.
    assert client.get("/profile").status_code == 302
    assert client.login(EMAIL).status_code != 303


def test_erasure_removes_sign_in_secrets_tokens_and_notifications(app, person, make_user):
    person.totp_secret = "JBSWY3DPEHPK3PXP"
    person.totp_enabled_at = utcnow()
    colleague = make_user("member", email="colleague@example.org", name="Colleague")
    db.session.add_all(
        [
            RecoveryCode(user_id=person.id, code_hash="a" * 64),
            AuthToken(
                user_id=person.id,
                token_hash="b" * 64,
                purpose="reset",
                expires_at=utcnow() + timedelta(hours=1),
            ),
            LoginAttempt(email=EMAIL, ip="192.0.2.1"),
        ]
    )
    db.session.commit()
    notify([person], "test.kind", "Your meeting", "Details")
    notify([colleague], "test.kind", f"{NAME} joined the sub-group", f"Welcome {NAME}.")

    erase_account(person, actor=None, via="admin")

    assert person.totp_secret is None and person.totp_enabled_at is None
    for model in (RecoveryCode, AuthToken):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0
    assert db.session.scalar(select(func.count()).where(Notification.user_id == person.id)) == 0
    kept = db.session.scalar(select(Notification).where(Notification.user_id == colleague.id))
    assert (kept.title, kept.text) == (
        "Former member joined the sub-group",
        "Welcome Former member.",
    )


def test_the_audit_log_keeps_the_fact_and_the_id_only(app, client, person, admin):
    client.login(EMAIL, "wrong password")  # a failed login logs the address typed
    client.login(EMAIL)
    client.submit("/logout")
    db.session.add(
        AuditEvent(
            action="partners.invitation.created", target="invitation:1", details={"email": EMAIL}
        )
    )
    db.session.commit()

    erase_account(person, actor=admin, via="admin")

    events = db.session.scalars(select(AuditEvent)).all()
    assert [e.action for e in events if e.target == f"user:{person.id}"][-1] == "user.erased"
    erased_event = events[-1]
    assert (erased_event.actor_id, erased_event.details) == (admin.id, {"via": "admin"})
    text = " ".join(f"{e.target} {e.ip} {e.details}" for e in events).lower()
    assert EMAIL not in text and NAME.lower() not in text
    assert all(e.ip is None for e in events if e.target == f"user:{person.id}")


def test_the_audit_log_forgets_the_name_in_events_about_other_things(app, person, admin):
    """An event neither about the person nor by them, whose details name them in free text."""
    event = AuditEvent(
        action="meetings.minutes_approved", target="meeting:3", details={"note": f"By {NAME}."}
    )
    db.session.add(event)
    db.session.commit()

    erase_account(person, actor=admin, via="admin")

    db.session.refresh(event)
    assert event.target == "meeting:3" and NAME not in str(event.details)


def test_declining_needs_a_reason_and_the_member_reads_it(app, client, person, secretariat):
    client.login(EMAIL)
    client.submit("/profile/erasure", {"confirm": "y"})
    request = db.session.scalar(select(ErasureRequest))
    staff = app.test_client()
    staff.login("sec@example.org")

    response = staff.submit(
        f"/admin/erasure/{request.id}/decline", {f"request-{request.id}-decline_reason": " "}
    )
    assert response.status_code == 422
    assert "Say why, for the member." in response.get_data(as_text=True)
    assert db.session.get(ErasureRequest, request.id).status == "pending"

    response = staff.submit(
        f"/admin/erasure/{request.id}/decline",
        {f"request-{request.id}-decline_reason": "Your minutes are still under review."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "is declined" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, person.id).name == NAME
    page = client.get("/profile/erasure").get_data(as_text=True)
    assert "was declined: Your minutes are still under review." in page


def test_the_request_form_needs_the_box_ticked_and_keeps_the_reason(client, person):
    client.login(EMAIL)
    response = client.submit("/profile/erasure", {"reason": "Moving on."})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Tick the box to confirm." in body and "Moving on." in body
    assert db.session.scalar(select(func.count()).select_from(ErasureRequest)) == 0


def test_a_member_withdraws_their_request(client, person):
    client.login(EMAIL)
    client.submit("/profile/erasure", {"confirm": "y"})
    client.submit("/profile/erasure/cancel")
    assert db.session.scalar(select(ErasureRequest.status)) == "cancelled"
    assert "Ask for my account to be erased" in client.get("/profile/erasure").get_data(
        as_text=True
    )


def test_the_last_admin_cannot_be_erased(app, client, admin, make_user):
    former = make_user("admin", email="former.admin@example.org")  # deactivated: not counted
    former.is_active_account = False
    db.session.commit()
    with pytest.raises(ErasureRefused) as refused:
        erase_account(admin, actor=None, via="admin")
    assert refused.value.blockers == [
        "The last active administrator: make someone else an administrator first "
        "(Administration, Users)."
    ]
    assert blockers(former) == []
    assert db.session.get(User, admin.id).name == "Ada Admin"

    client.login("admin@example.org")
    client.submit("/profile/erasure", {"confirm": "y"})
    page = client.get("/profile/erasure").get_data(as_text=True)
    assert "last active administrator" in page


def test_a_refusal_lists_what_to_hand_over_and_erases_nothing(app, client, person, secretariat):
    """A plugin names a duty; the confirmation is refused with that list, htmx or not."""

    class Duties:
        @hookimpl
        def intranet_erasure_blockers(self, users):
            return {
                user.id: [f"Convenor of the sub-group Testing: hand it over ({user.id})."]
                for user in users
            }

    plugins.registry().pm.register(Duties(), name="duties-test")
    try:
        client.login(EMAIL)
        client.submit("/profile/erasure", {"confirm": "y"})
        assert "Convenor of the sub-group Testing" in client.get("/profile/erasure").get_data(
            as_text=True
        )
        request = db.session.scalar(select(ErasureRequest))
        staff = app.test_client()
        staff.login("sec@example.org")
        for headers in ({}, {"HX-Request": "true"}):
            response = staff.submit(
                f"/admin/erasure/{request.id}/confirm",
                {f"request-{request.id}-confirm": "y"},
                headers=headers,
            )
            assert response.status_code == 422
            body = response.get_data(as_text=True)
            assert "Refused: hand over first" in body
            assert f"Convenor of the sub-group Testing: hand it over ({person.id})." in body
        db.session.expire_all()
        assert db.session.get(User, person.id).name == NAME
        assert db.session.get(ErasureRequest, request.id).status == "pending"
    finally:
        plugins.registry().pm.unregister(name="duties-test")


def test_a_plugin_that_fails_rolls_the_whole_erasure_back(app, person):
    class Broken:
        @hookimpl
        def intranet_erase_personal_data(self, user):
            raise RuntimeError("disk full")

    plugins.registry().pm.register(Broken(), name="broken-test")
    try:
        with pytest.raises(RuntimeError):
            erase_account(person, actor=None, via="admin")
    finally:
        plugins.registry().pm.unregister(name="broken-test")
    db.session.expire_all()
    assert db.session.get(User, person.id).email == EMAIL
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "user.erased")) == 0


def test_an_admin_erases_an_account_directly(app, client, person, admin, make_user):
    make_user("admin", email="admin2@example.org")
    client.login("admin@example.org")
    panel = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert f"/admin/users/{person.id}/erase" in panel
    response = client.submit(f"/admin/users/{person.id}/erase", {})
    assert response.status_code == 422
    assert "Tick the box to confirm." in response.get_data(as_text=True)
    client.submit("/profile/erasure", {"confirm": "y"})  # the admin's own request stays
    db.session.add(ErasureRequest(user_id=person.id))
    db.session.commit()
    response = client.submit(f"/admin/users/{person.id}/erase", {"confirm": "y"})
    assert response.status_code == 303
    statuses = db.session.execute(select(ErasureRequest.user_id, ErasureRequest.status)).all()
    assert sorted(statuses) == sorted([(admin.id, "pending"), (person.id, "confirmed")])
    db.session.expire_all()
    assert db.session.get(User, person.id).name == "Former member"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.erased"))
    assert event.details == {"via": "admin"} and event.actor_id == admin.id


def test_the_secretariat_cannot_erase_directly(client, person, secretariat):
    client.login("sec@example.org")
    assert client.get(f"/admin/users/{person.id}/erase").status_code == 403


def test_core_pages_forget_the_person(app, client, person, make_user):
    make_user("secretariat", email="staff@example.org", name="Staff")
    client.login("staff@example.org")
    urls = [
        "/directory",
        f"/members/{person.id}",
        f"/members/{person.id}.vcf",
        "/directory.csv",
        "/admin/users",
    ]
    assert_forgotten(client, person, urls)


# --- retention ---------------------------------------------------------------------------------


def deactivated(user: User, days_ago: int) -> User:
    user.is_active_account = False
    user.deactivated_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return user


def test_retention_preview_lists_who_the_next_run_erases_and_why(
    app, client, make_user, secretariat
):
    old_member = deactivated(make_user("member", name="Olga Oldmember"), 400)
    old_guest = deactivated(make_user("guest", name="Gunnar Oldguest"), 380)
    recent = deactivated(make_user("member", name="Rita Recent"), 200)
    make_user("member", name="Anna Active")
    client.login("sec@example.org")
    page = client.get("/admin/erasure/retention").get_data(as_text=True)
    assert "Olga Oldmember" in page and "Gunnar Oldguest" in page
    assert "Guest access ended on" in page and "Deactivated on" in page
    assert "Rita Recent" not in page and "Anna Active" not in page

    assert run_retention() == 2
    db.session.expire_all()
    assert db.session.get(User, old_member.id).erased_at is not None
    assert db.session.get(User, old_guest.id).name == "Former member"
    assert db.session.get(User, recent.id).name == "Rita Recent"
    vias = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "user.erased")
    ).all()
    assert vias == [{"via": "retention"}] * 2
    assert "The next run erases nobody." in client.get("/admin/erasure/retention").get_data(
        as_text=True
    )


def test_retention_periods_come_from_the_configuration(app, make_user):
    member = deactivated(make_user("member"), 100)
    assert run_retention() == 0
    app.config["RETENTION_MEMBER_MONTHS"] = 3
    [candidate] = retention_candidates()  # the reason names the member's period
    assert candidate.why.startswith("Deactivated on ") and "more than 3 months ago" in candidate.why
    assert run_retention() == 1
    assert db.session.get(User, member.id).erased_at is not None


def test_retention_skips_blocked_accounts_and_says_why(app, client, make_user, secretariat):
    blocked = deactivated(make_user("member", name="Bea Blocked"), 400)

    class Duties:
        @hookimpl
        def intranet_erasure_blockers(self, users):
            return {blocked.id: ["Sponsor of the guest G: end the access."]}

    plugins.registry().pm.register(Duties(), name="duties-test")
    try:
        client.login("sec@example.org")
        page = client.get("/admin/erasure/retention").get_data(as_text=True)
        assert "Skipped until handed over: Sponsor of the guest G" in page
        assert run_retention() == 0
    finally:
        plugins.registry().pm.unregister(name="duties-test")
    assert db.session.get(User, blocked.id).name == "Bea Blocked"


def test_run_jobs_runs_the_retention_job(app, make_user):
    old = deactivated(make_user("member"), 400)
    result = app.test_cli_runner().invoke(args=["intranet", "run-jobs"])
    assert "ran core.retention" in result.output
    db.session.expire_all()
    assert db.session.get(User, old.id).erased_at is not None


def test_requests_and_retention_pages_ask_the_plugins_once_for_all_accounts(
    app, client, make_user, secretariat
):
    def queries(url: str) -> int:
        statements = []

        def count(*args):
            statements.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    def add_accounts(count: int) -> None:
        for _ in range(count):
            user = deactivated(make_user("member"), 400)
            db.session.add(ErasureRequest(user_id=user.id))
        db.session.commit()

    client.login("sec@example.org")
    client.get("/")  # a running worker has read the settings already (cached per process)
    add_accounts(1)
    few = queries("/admin/erasure"), queries("/admin/erasure/retention")
    add_accounts(6)
    assert (queries("/admin/erasure"), queries("/admin/erasure/retention")) == few


def test_an_erased_account_cannot_be_reactivated(client, person, admin, make_user):
    erase_account(person, actor=None, via="admin")
    client.login("admin@example.org")
    response = client.submit(f"/admin/users/{person.id}/reactivate", {"reason": "By mistake"})
    assert response.status_code == 403
    assert "cannot be used again" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, person.id).is_active


def test_a_discarded_file_goes_only_when_the_transaction_commits(app, member):
    from werkzeug.datastructures import FileStorage

    from intranet.platform.attachments import discard_attachment, save_upload

    def stored_file() -> tuple:
        upload = FileStorage(stream=io.BytesIO(b"minutes"), filename="minutes.txt")
        attachment = save_upload(upload, "example", "example.note", 1, member)
        db.session.commit()
        return attachment, Path(app.instance_path) / attachment.storage_key

    kept, kept_path = stored_file()
    discard_attachment(kept)
    db.session.rollback()
    assert kept_path.exists() and db.session.get(type(kept), kept.id) is not None

    gone, gone_path = stored_file()
    discard_attachment(gone)
    assert gone_path.exists()
    db.session.commit()
    assert not gone_path.exists()
    assert kept_path.exists()
