"""One rule for seeing a sub-group: `can()`, `can_many()` and the plugin's own pages agree,
for every role and every state a group can be in."""

from __future__ import annotations

from typing import Any

import pytest

from intranet.plugin_api import ResourceRef, can, can_many, db
from intranet_subgroups.models import SubGroup
from tests.plugins.subgroups.conftest import sign_in

# The list tab on which a group in each state appears.
TABS = {
    "active": "active",
    "proposed": "proposed",
    "ended": "archived",
    "archived": "archived",
    "rejected": "archived",
}


@pytest.fixture
def world(make_user: Any, make_group: Any, member: Any, admin: Any, grants: Any) -> Any:
    proposer = make_user("member", email="pia@example.org", name="Pia Proposer")
    groups = {
        "active": make_group("Active group", convenor=member),
        "proposed": make_group("Proposed group", status="proposed", convenor=proposer),
        "ended": make_group("Ended group", ended=True, convenor=member),
        "archived": make_group("Archived group", status="archived", ended=True),
        "rejected": make_group("Rejected group", status="rejected", convenor=proposer),
    }
    for state in ("proposed", "rejected"):
        groups[state].created_by_id = proposer.id
    db.session.commit()
    granted_guest = make_user("guest", email="guest-in@ngo.example", name="Greta Granted")
    other_guest = make_user("guest", email="guest-out@ngo.example", name="Otto Outside")
    grants.granted = {group.id for group in groups.values()}
    grants.guests = {granted_guest.id}
    people = {
        "admin": admin,
        "secretariat": make_user("secretariat", email="sec@example.org", name="Sofia Sec"),
        "member": member,
        "proposer": proposer,
        "granted guest": granted_guest,
        "other guest": other_guest,
    }
    return people, groups


def pages_show(client: Any, group: SubGroup, state: str) -> tuple[bool, bool]:
    """Whether the group's page opens, and whether its list tab links to it."""
    opens = client.get(f"/subgroups/{group.id}").status_code
    assert opens in (200, 404)
    listing = client.get(f"/subgroups/?tab={TABS[state]}").get_data(as_text=True)
    return opens == 200, f'href="/subgroups/{group.id}"' in listing


EXPECTED = {
    "admin": set(TABS),
    "secretariat": set(TABS),
    "member": set(TABS) - {"rejected"},
    "proposer": set(TABS),
    "granted guest": set(TABS) - {"rejected"},
    "other guest": set(),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_can_and_can_many_say_what_the_pages_show(client: Any, world: Any, role: str) -> None:
    people, groups = world
    user = people[role]
    sign_in(client, user)
    seen = set()
    for state, group in groups.items():
        opens, listed = pages_show(client, group, state)
        ref = ResourceRef("subgroups.group", group.id)
        assert opens == listed == can(user, "subgroups.view", ref), (role, state)
        attachment = can(user, "subgroups.view_attachment", ref, roles=())
        assert attachment == opens, (role, state)
        if opens:
            seen.add(state)
    assert seen == EXPECTED[role]
    ids = {group.id: state for state, group in groups.items()}
    assert {ids[id_] for id_ in can_many(user, "subgroups.view", "subgroups.group", ids)} == seen


def test_my_groups_lists_a_guests_group_only_while_it_is_granted(
    client: Any, make_user: Any, make_group: Any, member: Any, grants: Any
) -> None:
    guest = make_user("guest", email="guest@ngo.example", name="Greta Guest")
    group = make_group("Victim assistance", convenor=member, members=(guest,))
    sign_in(client, guest)
    link = f'href="/subgroups/{group.id}"'
    assert link not in client.get("/subgroups/mine").get_data(as_text=True)
    grants.granted.add(group.id)
    assert link in client.get("/subgroups/mine").get_data(as_text=True)
