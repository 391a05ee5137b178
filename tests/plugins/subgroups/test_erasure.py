"""Erasure in the sub-groups plugin: memberships go, posts stay readable as "Former member",
the timeline forgets the name, and a convenor must hand over first."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intranet.extensions import db
from intranet.platform import plugins
from intranet.privacy.erasure import ErasureRefused, blockers, erase_account
from intranet_subgroups.models import Activity, Membership, log_activity
from tests.erasure_helpers import NAME, assert_forgotten, make_person, traces


@pytest.fixture
def person(make_user):
    return make_person(make_user)


@pytest.fixture
def staff(app, client, secretariat):
    client.login(secretariat.email)
    return client


def group_with_a_post(make_group, make_thread, person):
    group = make_group(members=(person,))
    log_activity(group, person, "joined", f"{NAME} joined")
    thread = make_thread(group, person, body="Findings from the Gdansk inspections.")
    return group, thread


def test_group_and_thread_pages_forget_the_author_but_keep_the_post(
    staff, person, make_group, make_thread
):
    group, thread = group_with_a_post(make_group, make_thread, person)
    urls = [f"/subgroups/{group.id}", f"/subgroups/threads/{thread.id}", f"/members/{person.id}"]
    assert_forgotten(staff, person, urls)
    page = staff.get(f"/subgroups/threads/{thread.id}").get_data(as_text=True)
    assert "Findings from the Gdansk inspections." in page and "Former member" in page
    assert db.session.scalar(select(Membership).where(Membership.user_id == person.id)) is None
    assert db.session.scalar(select(Activity.summary)) == "Former member joined"


def test_a_disabled_plugin_still_erases_its_data(staff, person, make_group, make_thread):
    group, thread = group_with_a_post(make_group, make_thread, person)
    plugins.set_enabled("subgroups", False)
    erase_account(person, actor=None, via="admin")
    plugins.set_enabled("subgroups", True)
    assert db.session.scalar(select(Membership).where(Membership.user_id == person.id)) is None
    assert traces(staff, [f"/subgroups/{group.id}", f"/subgroups/threads/{thread.id}"]) == {}


def test_a_convenor_hands_over_first(app, person, make_group):
    make_group("Child trafficking online", convenor=person)
    make_group("Old work", convenor=person, status="archived")
    expected = (
        "Convenor of the sub-group “Child trafficking online”: "
        "make another member convenor on the group's page."
    )
    assert blockers(person) == [expected]
    with pytest.raises(ErasureRefused):
        erase_account(person, actor=None, via="admin")
    assert db.session.scalar(select(Membership.user_id).where(Membership.role == "convenor"))
