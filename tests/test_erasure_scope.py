"""Erasure reaches exactly the erased person's rows: their uploads, audit events, request and
settings lose what names them, and the same rows of everybody else stay as they were."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage

from intranet.attachments import save_upload
from intranet.erasure import ErasureRequest, erase_account
from intranet.extensions import db
from intranet.models import AuditEvent
from tests.erasure_helpers import EMAIL, make_person


def upload(user) -> int:
    data = FileStorage(stream=io.BytesIO(b"minutes"), filename="minutes.txt")
    return save_upload(data, "example", "example.note", 1, user).id


def test_erasure_clears_the_persons_rows_and_leaves_everyone_elses(app, make_user, admin):
    from intranet.attachments import Attachment

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
