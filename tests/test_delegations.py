"""Delegations are set by staff: members ask, the secretariat confirms or declines."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intranet.extensions import db
from intranet.models import AuditEvent, DelegationRequest, User
from intranet.platform.notifications import Notification
from tests.test_profile import PROFILE


def _country(user_id: int) -> str | None:
    db.session.expire_all()
    return db.session.get(User, user_id).country_code


@pytest.mark.parametrize("role", ["member", "guest"])
def test_a_hand_made_profile_form_with_a_country_changes_nothing(client, make_user, role):
    user = make_user(role, country_code=None if role == "guest" else "SE")
    client.login(user.email)
    response = client.submit("/profile", {**PROFILE, "country_code": "FI", "role": "admin"})
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.country_code, saved.role) == (user.country_code, role)
    assert saved.position == PROFILE["position"]


def test_the_profile_form_has_no_country_and_guests_see_no_delegation(client, make_user):
    member = make_user("member", country_code="SE")
    client.login(member.email)
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="country_code"' not in page and "/profile/delegation" in page
    client.submit("/logout")
    client.login(make_user("guest").email)
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="country_code"' not in page and "Delegation" not in page
    assert client.get("/profile/delegation").status_code == 403


def test_member_asks_and_staff_confirm(client, make_user, admin):
    member = make_user("member", country_code="SE")
    client.login(member.email)
    assert client.submit("/profile/delegation", {"country_code": "FI"}).status_code == 303
    assert _country(member.id) == "SE"
    request_ = db.session.scalar(select(DelegationRequest))
    assert (request_.user_id, request_.country_code, request_.decision) == (member.id, "FI", None)
    client.submit("/logout")
    client.login(admin.email)
    listing = client.get("/admin/users").get_data(as_text=True)
    assert f'id="delegation-request-{request_.id}"' in listing and "Finland" in listing
    response = client.submit(f"/admin/users/delegation-requests/{request_.id}/confirm")
    assert response.status_code == 303
    assert _country(member.id) == "FI"
    request_ = db.session.get(DelegationRequest, request_.id)
    assert (request_.decision, request_.decided_by_id) == ("confirmed", admin.id)
    assert request_.decided_at is not None
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"user.delegation_requested", "user.delegation_request_confirmed"} <= actions
    assert "user.delegation_changed" in actions
    told = db.session.scalar(select(Notification).where(Notification.user_id == member.id))
    assert told.kind == "core.delegation_confirmed" and "Finland" in told.title
    assert f'id="delegation-request-{request_.id}"' not in client.get("/admin/users").text


def test_staff_decline_and_the_member_is_told(client, make_user, admin):
    member = make_user("member", country_code="SE")
    client.login(member.email)
    client.submit("/profile/delegation", {"country_code": "FI"})
    request_ = db.session.scalar(select(DelegationRequest))
    client.submit("/logout")
    client.login(admin.email)
    client.submit(f"/admin/users/delegation-requests/{request_.id}/decline")
    assert _country(member.id) == "SE"
    assert db.session.get(DelegationRequest, request_.id).decision == "declined"
    told = db.session.scalar(select(Notification).where(Notification.user_id == member.id))
    assert told.kind == "core.delegation_declined"
    again = client.submit(f"/admin/users/delegation-requests/{request_.id}/confirm")
    assert again.status_code == 404


def test_members_cannot_decide_requests(client, make_user):
    member = make_user("member", country_code="SE")
    client.login(member.email)
    client.submit("/profile/delegation", {"country_code": "FI"})
    request_ = db.session.scalar(select(DelegationRequest))
    assert (
        client.submit(f"/admin/users/delegation-requests/{request_.id}/confirm").status_code == 403
    )
    assert (
        client.submit(f"/admin/users/{member.id}/delegation", {"country_code": "FI"}).status_code
        == 403
    )
    assert _country(member.id) == "SE"


def test_staff_set_a_delegation_on_the_user_page(client, make_user, admin):
    member = make_user("member")
    client.login(admin.email)
    response = client.submit(f"/admin/users/{member.id}/delegation", {"country_code": "LT"})
    assert response.status_code == 303
    assert _country(member.id) == "LT"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.delegation_changed")
    )
    assert event.details == {"old": None, "new": "LT"}


def test_guests_have_no_delegation(client, make_user, admin):
    guest = make_user("guest")
    member = make_user("member", country_code="SE")
    client.login(admin.email)
    assert 'name="country_code"' not in client.get(f"/admin/users/{guest.id}").text
    response = client.submit(f"/admin/users/{guest.id}/delegation", {"country_code": "LT"})
    assert response.status_code == 422 and "Guests belong to no delegation" in response.text
    assert _country(guest.id) is None
    client.submit(f"/admin/users/{member.id}/role", {"role": "guest"})
    assert _country(member.id) is None
    created = client.submit(
        "/admin/users/new",
        {"name": "Gus Guest", "email": "gus@example.org", "role": "guest", "country_code": "SE"},
    )
    assert created.status_code == 422 and "no delegation" in created.text


def test_erasure_removes_the_members_delegation_requests(client, make_user, admin):
    from intranet.privacy.erasure import erase_account

    member = make_user("member", country_code="SE")
    client.login(member.email)
    client.submit("/profile/delegation", {"country_code": "FI"})
    erase_account(db.session.get(User, member.id), actor=admin, via="test")
    assert db.session.scalar(select(DelegationRequest)) is None
