"""Erasure reaches exactly the erased person's rows: their uploads, audit events, request and
settings lose what names them, and the same rows of everybody else stay as they were."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage

from intranet.extensions import db
from intranet.models import AuditEvent, User
from intranet.platform import plugins
from intranet.platform.attachments import save_upload
from intranet.plugin_api import hookimpl
from intranet.privacy.erasure import ErasureRequest, erase_account, run_retention
from tests.erasure_helpers import EMAIL, make_person
from tests.test_erasure import deactivated


def upload(user) -> int:
    data = FileStorage(stream=io.BytesIO(b"minutes"), filename="minutes.txt")
    return save_upload(data, "example", "example.note", 1, user).id


def test_erasure_clears_the_persons_rows_and_leaves_everyone_elses(app, make_user, admin):
    from intranet.platform.attachments import Attachment

    person = make_person(make_user)
    colleague = make_user("member", email="colleague@example.org", name="Cora Colleague")
    mine, theirs = upload(person), upload(colleague)
    by_person = AuditEvent(action="profile.updated", actor_id=person.id, ip="192.0.2.7")
    by_colleague = AuditEvent(
        action="profile.updated", actor_id=colleague.id, ip="192.0.2.8", details={"field": "bio"}
    )
    about_person = AuditEvent(action="invitation.sent", target=EMAIL.upper(), details={"n": 1})
    request = ErasureRequest(user_id=person.id, reason="Leaving", decline_reason="Not yet")
    db.session.add_all([by_person, by_colleague, about_person, request])
    db.session.commit()

    erase_account(person, actor=admin, via="admin")

    for row in (person, by_person, by_colleague, about_person, request):
        db.session.refresh(row)
    assert db.session.get(Attachment, mine).uploaded_by_id is None
    assert db.session.get(Attachment, theirs).uploaded_by_id == colleague.id
    assert (by_person.ip, by_person.details) == (None, {})
    assert (by_colleague.ip, by_colleague.details) == ("192.0.2.8", {"field": "bio"})
    assert (about_person.target, about_person.details) == (f"user:{person.id}", {})
    assert (request.reason, request.decline_reason) == ("", "")
    assert person.deactivated_at is not None and not person.is_active_account
    assert (person.phone_visibility, person.email_visibility) == ("hidden", "hidden")
    assert person.notification_preference == "none"


def test_retention_goes_on_past_a_blocked_account(make_user):
    """Blocked accounts before and after the free one, by id and by deactivation date."""
    first = deactivated(make_user("member", name="Bea Blocked"), 500)
    free = deactivated(make_user("member", name="Fred Free"), 450)
    last = deactivated(make_user("member", name="Bob Blocked"), 400)

    class Duties:
        @hookimpl
        def intranet_erasure_blockers(self, users):
            return {user.id: ["Convenor of a sub-group."] for user in (first, last)}

    plugins.registry().pm.register(Duties(), name="duties-scope-test")
    try:
        assert run_retention() == 1
    finally:
        plugins.registry().pm.unregister(name="duties-scope-test")
    assert db.session.get(User, free.id).erased_at is not None
    assert db.session.get(User, first.id).erased_at is None
