"""Who joins or leaves a sub-group is announced to the other plugins (the meetings plugin
invites them to the meetings the sub-group was invited to), once the change is saved."""

from __future__ import annotations

import pytest

from intranet.platform import plugins
from intranet.plugin_api import ResourceRef, hookimpl
from tests.plugins.subgroups.conftest import sign_in


@pytest.fixture
def announced(app):
    """The changes announced through intranet_resource_members_changed, as (ref, added ids,
    removed ids)."""
    heard = []

    class Listener:
        @hookimpl
        def intranet_resource_members_changed(self, resource, added, removed):
            heard.append((resource, [u.id for u in added], [u.id for u in removed]))

    plugins.registry().pm.register(Listener(), name="members-listener")
    yield heard
    plugins.registry().pm.unregister(name="members-listener")


def test_joining_and_leaving_an_open_sub_group_are_announced(client, member, make_group, announced):
    group = make_group(policy="open")
    ref = ResourceRef("subgroups.group", group.id)
    sign_in(client, member)

    client.submit(f"/subgroups/{group.id}/join")
    client.submit(f"/subgroups/{group.id}/leave", {"confirm": "yes"})

    assert announced == [(ref, [member.id], []), (ref, [], [member.id])]


def test_a_request_is_announced_once_approved_not_when_asked(
    client, member, make_user, make_group, announced
):
    convenor = make_user("member", name="Carla Convenor")
    group = make_group(policy="request", convenor=convenor)
    sign_in(client, member)
    client.submit(f"/subgroups/{group.id}/join")
    assert announced == []
    request_id = next(m.id for m in group.memberships if m.user_id == member.id)

    sign_in(client, convenor)
    client.submit(f"/subgroups/{group.id}/requests/{request_id}/approve")

    assert announced == [(ResourceRef("subgroups.group", group.id), [member.id], [])]


def test_undoing_a_leave_announces_the_member_again(client, member, make_group, announced):
    """Leaving removes the member from the sub-group's meetings; undoing it must invite her back."""
    from tests.plugins.subgroups.test_undo import undo_token

    group = make_group(policy="invite", members=(member,))
    ref = ResourceRef("subgroups.group", group.id)
    sign_in(client, member)
    client.submit(f"/subgroups/{group.id}/leave", {"confirm": "yes"})
    page = client.get(f"/subgroups/{group.id}").get_data(as_text=True)
    client.submit("/undo", {"token": undo_token(page)})

    assert announced == [(ref, [], [member.id]), (ref, [member.id], [])]
