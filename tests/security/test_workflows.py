"""Negative paths of the workflows: each state transition, attempted from every state it must not
start from and by every user who may not make it, is refused and changes nothing.

The object is put into each state directly in the database, then every kind of user submits the
page's own form for the transition with a valid CSRF token. Only the one allowed combination
(the right state, a user who may) is left out. Lessons have their own tests (lessons plugin).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from intranet.extensions import db
from intranet.models import utcnow
from intranet_governance.models import Report
from intranet_partners.models import Invitation
from intranet_subgroups.models import Membership, SubGroup
from tests.security.conftest import ROLES
from tests.security.world_state import changed_tables, database_state, form_data

pytestmark = pytest.mark.filterwarnings("ignore")
STAFF = ("secretariat", "admin")


def set_column(model: Any, column: str) -> Callable[[int, str], None]:
    def put(object_id: int, state: str) -> None:
        setattr(db.session.get(model, object_id), column, state)

    return put


def set_invitation(object_id: int, state: str) -> None:
    invitation = db.session.get(Invitation, object_id)
    now = utcnow()
    invitation.revoked_at = now if state == "revoked" else None
    invitation.accepted_at = now if state == "accepted" else None
    invitation.expires_at = now + timedelta(days=-1 if state == "expired" else 14)


def set_report(object_id: int, state: str) -> None:
    db.session.get(Report, object_id).submitted_at = utcnow() if state == "submitted" else None


@dataclass(frozen=True)
class Transition:
    path: str
    value: str  # the world's object, by its name in world["values"]
    put: Callable[[int, str], None]
    states: tuple[str, ...]
    starts_from: str
    who: tuple[str, ...] = STAFF


TRANSITIONS = {
    "sub-group proposal approved": Transition(
        "/subgroups/{}/approve",
        "group_id",
        set_column(SubGroup, "status"),
        ("proposed", "active", "rejected", "archived"),
        "proposed",
    ),
    "sub-group proposal rejected": Transition(
        "/subgroups/{}/reject",
        "group_id",
        set_column(SubGroup, "status"),
        ("proposed", "active", "rejected", "archived"),
        "proposed",
    ),
    "join request approved": Transition(
        "/subgroups/{group_id}/requests/{}/approve",
        "membership_id",
        set_column(Membership, "state"),
        ("requested", "active", "invited"),
        "requested",
    ),
    "join request declined": Transition(
        "/subgroups/{group_id}/requests/{}/decline",
        "membership_id",
        set_column(Membership, "state"),
        ("requested", "active", "invited"),
        "requested",
    ),
    "invitation revoked": Transition(
        "/partners/invitations/{}/revoke",
        "invitation_id",
        set_invitation,
        ("pending", "accepted", "revoked", "expired"),
        "pending",
    ),
    "activity report submitted": Transition(
        "/governance/reports/{}/submit",
        "draft_report",
        set_report,
        ("draft", "submitted"),
        "draft",
    ),
}


def refused(response: Any, categories: set[str], may: bool) -> bool:
    """Someone who may not: 403/404, the login page, or (sub-groups) back with an error. Someone
    who may, from a wrong state: anything but a server error or a "success" message (the
    database check below shows that nothing happened)."""
    status = response.status_code
    if may:
        return status < 500 and "success" not in categories
    if status in (401, 403, 404):
        return True
    location = response.headers.get("Location", "")
    return status in (302, 303) and (location.startswith("/login") or "error" in categories)


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_a_transition_from_a_wrong_state_or_by_a_wrong_user_is_refused(name, world, forms):
    transition = TRANSITIONS[name]
    object_id = world["values"][transition.value]
    path = transition.path.format(object_id, **world["values"])
    form = forms.get(path)
    wrong = []
    for state in transition.states:
        transition.put(object_id, state)
        db.session.commit()
        before = database_state()
        for role in ROLES:
            if state == transition.starts_from and role in transition.who:
                continue
            browser = world["browsers"][role]
            response = browser.post(path, data=MultiDict(form_data(form, world["tokens"][role])))
            with browser.session_transaction() as session:
                flashed = session.pop("_flashes", [])
            categories = {category for category, _ in flashed}
            if not refused(response, categories, role in transition.who):
                wrong.append(f"{state}, {role}: {response.status_code}")
        changed = changed_tables(before, database_state())
        if changed:
            wrong.append(f"from {state}: changed {changed}")
    assert wrong == []
