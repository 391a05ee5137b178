"""The partners plugin's answers for resources other plugins own, list-shaped and single.

A guest reaches exactly what was granted to it while access lasts: `can()` and `can_many()` say
what the owning plugins' own pages show, for sub-groups and meetings in several states.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from intranet.extensions import db
from intranet.models import User
from intranet.platform.demo import DEMO_PASSWORD, create_demo_data, demo_email
from intranet.plugin_api import ResourceRef, can, can_many
from intranet_meetings.models import Meeting
from intranet_partners import rules
from intranet_subgroups.models import SubGroup
from tests.partner_helpers import make_guest

KINDS = {
    "subgroups.group": ("subgroups.view", "/subgroups/{}"),
    "meetings.meeting": ("meetings.view", "/meetings/{}"),
}


@pytest.fixture
def world(app: Any) -> dict[str, Any]:
    """Demo data; a granted guest holds an active and an archived sub-group, a planned and a
    cancelled meeting; another guest holds one other group; a third's access ended yesterday,
    with the same grants as the first."""
    with app.test_request_context():
        create_demo_data()
    groups = db.session.scalars(select(SubGroup).order_by(SubGroup.id)).all()
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.id)).all()
    active, archived, other = groups[:3]
    active.status, archived.status, other.status = "active", "archived", "active"
    planned, cancelled = meetings[:2]
    cancelled.status = "cancelled"
    db.session.commit()
    secretariat = db.session.scalar(select(User).where(User.email == demo_email("secretariat")))
    granted = [ResourceRef("subgroups.group", group.id) for group in (active, archived)] + [
        ResourceRef("meetings.meeting", meeting.id) for meeting in (planned, cancelled)
    ]
    return {
        "granted": granted,
        "guest": make_guest("Greta", secretariat, granted),
        "other_guest": make_guest("Otto", secretariat, [ResourceRef("subgroups.group", other.id)]),
        "ended_guest": make_guest("Erik", secretariat, granted, days_left=-1),
        "ids": {
            "subgroups.group": [g.id for g in groups],
            "meetings.meeting": [m.id for m in meetings],
        },
    }


def shown_ids(browser: Any, user: User, kind: str, ids: list[int]) -> set[int]:
    """The ids whose detail page the owning plugin answers with 200 for `user`."""
    assert browser.login(user.email, DEMO_PASSWORD).status_code == 302
    return {id_ for id_ in ids if browser.get(KINDS[kind][1].format(id_)).status_code == 200}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_guest_reaches_exactly_its_grants_as_the_owners_pages_show(world, new_client, kind):
    action = KINDS[kind][0]
    ids = world["ids"][kind]
    granted = {ref.id for ref in world["granted"] if ref.kind == kind}
    guest = world["guest"]
    allowed = can_many(guest, action, kind, ids)
    assert allowed == shown_ids(new_client(), guest, kind, ids)
    assert allowed == granted
    assert {id_ for id_ in ids if can(guest, action, ResourceRef(kind, id_))} == allowed


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("who", ["other_guest", "ended_guest"])
def test_a_guest_never_reaches_what_was_not_granted_to_it_now(world, new_client, kind, who):
    action = KINDS[kind][0]
    ids = world["ids"][kind]
    guest = world[who]
    allowed = can_many(guest, action, kind, ids)
    assert allowed == shown_ids(new_client(), guest, kind, ids)
    assert allowed.isdisjoint(ref.id for ref in world["granted"] if ref.kind == kind)
    assert {id_ for id_ in ids if can(guest, action, ResourceRef(kind, id_))} == allowed


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("role", ["admin", "secretariat", "member"])
def test_partners_abstains_for_everyone_but_guests(world, kind, role):
    user = db.session.scalar(select(User).where(User.role == role).order_by(User.id))
    assert rules.guest_permission_many(user, KINDS[kind][0], kind, world["ids"][kind]) == {}


def test_partners_own_actions_are_never_granted(world):
    guest, ref = world["guest"], world["granted"][0]
    assert can_many(guest, "partners.invite", ref.kind, [ref.id]) == set()
    assert not can(guest, "partners.invite", ref)
